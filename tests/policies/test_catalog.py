"""The catalog: every rule module is in it, names are stable and unique, the README lists them."""

import importlib
import re
from pathlib import Path

from policies.crosscloud_policies.catalog import RULES
from policies.crosscloud_policies.core import Rule, StackRule

PACKAGE = Path(__file__).resolve().parents[2] / "policies" / "crosscloud_policies"
README = PACKAGE.parent / "README.md"
ROW = re.compile(r"^\| `([a-z0-9-]+)`( \(stack\))? \| (.+?) \| (.+?) \| (mandatory|advisory) \|$")


def test_names_are_unique_kebab_case() -> None:
    """Names are the stable ids users configure and CI output shows."""
    names = [r.name for r in RULES]
    assert len(names) == len(set(names))
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", n) for n in names)


def test_every_rule_is_documented() -> None:
    """Each rule has a description, remediation text and a reason."""
    for rule in RULES:
        assert rule.description.endswith(".")
        assert rule.remediation.strip()
        assert rule.why.strip()


def test_every_rule_module_is_in_the_catalog() -> None:
    """A module's RULES cannot be forgotten in catalog.py."""
    in_modules: list[Rule] = []
    for path in sorted(PACKAGE.glob("*.py")):
        module = importlib.import_module(f"policies.crosscloud_policies.{path.stem}")
        if path.stem != "catalog":
            in_modules.extend(getattr(module, "RULES", ()))
    assert {r.name for r in in_modules} == {r.name for r in RULES}


def test_readme_table_lists_every_policy_with_its_level() -> None:
    """policies/README.md has one row per policy: name, stack marker and enforcement level."""
    rows = [m for line in README.read_text().splitlines() if (m := ROW.match(line))]
    assert [(m[1], bool(m[2]), m[5]) for m in rows] == [
        (r.name, isinstance(r, StackRule), r.enforcement) for r in RULES
    ]
