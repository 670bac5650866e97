"""The environment profile: README's dev/prod table shows it; nothing else decides a difference."""

import re
from dataclasses import fields
from pathlib import Path

import pytest

from stacks.profile import PROFILES, EnvironmentProfile
from stacks.settings import ENVIRONMENTS

ROOT = Path(__file__).resolve().parents[2]
SECTION = "## What `dev` and `prod` differ in"
# Ways a module would decide a dev/prod difference itself instead of reading the profile.
OWN_DECISIONS = re.compile(
    r"is_prod|\benvironment\s*[!=]=|\[\s*settings\.environment\s*\]|[!=]=\s*\"(dev|prod)\""
)


def readme_table() -> dict[str, dict[str, str]]:
    """README's dev/prod table: profile field -> {environment: that column's cell}."""
    text = (ROOT / "README.md").read_text()
    section = text.split(SECTION, 1)[1].split("\n## ", 1)[0]
    lines = [line for line in section.splitlines() if line.startswith("|")]
    header = [cell.strip() for cell in lines[0].strip("|").split("|")]
    table: dict[str, dict[str, str]] = {}
    for line in lines[2:]:
        row = (cell.strip() for cell in line.strip("|").split("|"))
        cells = dict(zip(header, row, strict=True))
        field_name = re.fullmatch(r"`(\w+)`", cells["profile field"])
        assert field_name, f"no profile field in row {line!r}"
        assert field_name[1] not in table, f"{field_name[1]} has two rows"
        table[field_name[1]] = {env: cells[env] for env in header[2:]}
    return table


def shown(value: object) -> str:
    """How the README writes a profile value: on/off, or the number."""
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def test_readme_columns_are_the_profiles() -> None:
    """The table has one column per environment, the same environments config accepts."""
    columns = set(next(iter(readme_table().values())))
    assert columns == set(PROFILES) == set(ENVIRONMENTS) == {"dev", "prod"}


def test_readme_rows_are_the_profile_fields() -> None:
    """Every profile field has exactly one README row and every row names a profile field."""
    assert sorted(readme_table()) == sorted(f.name for f in fields(EnvironmentProfile))


@pytest.mark.parametrize("environment", sorted(PROFILES))
def test_readme_values_are_the_profile_values(environment: str) -> None:
    """Each row's cell starts with that environment's value of the field, in backticks."""
    profile = PROFILES[environment]
    wrong = {
        name: cells[environment]
        for name, cells in readme_table().items()
        if not cells[environment].startswith(f"`{shown(getattr(profile, name))}`")
    }
    assert wrong == {}


def test_dev_and_prod_differ_in_every_field() -> None:
    """A field that is the same in both environments is not a difference and belongs elsewhere."""
    same = [
        f.name
        for f in fields(EnvironmentProfile)
        if getattr(PROFILES["dev"], f.name) == getattr(PROFILES["prod"], f.name)
    ]
    assert same == []


def test_no_component_decides_a_difference_itself() -> None:
    """Outside the profile, no stack module tests the environment's name (bootstrap has none)."""
    sources = [
        path
        for path in sorted((ROOT / "stacks").rglob("*.py"))
        if path.name != "profile.py" and "bootstrap" not in path.parts
    ]
    assert len(sources) > 10
    offenders = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in sources
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if OWN_DECISIONS.search(line)
    ]
    assert offenders == []
