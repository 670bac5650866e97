"""The README documents what the code does: every config key, the two commands, live links."""

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()


def test_every_config_key_is_documented() -> None:
    """Each key declared in Pulumi.yaml has a row in the README's config table."""
    declared = yaml.safe_load((ROOT / "Pulumi.yaml").read_text())["config"]
    documented = set(re.findall(r"^\| `(\w+)` \|", README, flags=re.MULTILINE))
    assert sorted(set(declared) - documented) == []
    assert sorted(documented - set(declared)) == []


def test_two_commands_are_the_makefile_targets() -> None:
    """`make local` and `make test` are shown and exist; `make test` runs pytest with -B."""
    assert "make local" in README
    assert "make test" in README
    makefile = (ROOT / "Makefile").read_text()
    test_recipe = makefile.split("\ntest:", 1)[1].split("\n\n", 1)[0]
    assert "-B -m pytest" in test_recipe
    assert "\nlocal:" in makefile
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def test_relative_links_point_at_files() -> None:
    """Every relative link in the README resolves to a file in the repository."""
    links = re.findall(r"\]\(([^)#:]+)\)", README)
    assert links
    missing = [link for link in links if not (ROOT / link).exists()]
    assert missing == []
