"""docs/making-changes.md names files that exist, so its steps can be followed as written."""

import re
import subprocess

from tooling.synth import ROOT

DOC = (ROOT / "docs" / "making-changes.md").read_text()


def test_every_named_file_exists() -> None:
    """Each backticked file name is a tracked file (a full path, or the end of one in context)."""
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    paths = set(re.findall(r"`([\w./-]+\.(?:py|md|yaml))`", DOC))
    assert len(paths) > 10
    missing = sorted(p for p in paths if not any(t == p or t.endswith(f"/{p}") for t in tracked))
    assert missing == []


def test_every_named_make_target_exists() -> None:
    """Each ``make <target>`` the doc runs is a Makefile target."""
    targets = set(re.findall(r"^([a-z][a-z-]*):", (ROOT / "Makefile").read_text(), re.MULTILINE))
    used = set(re.findall(r"\bmake ([a-z][a-z-]*)", DOC))
    assert used
    assert used <= targets
