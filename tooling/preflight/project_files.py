"""Placeholder: filled in by the change that adds this check."""

from collections.abc import Iterable
from pathlib import Path

from tooling.preflight.findings import Finding


def check(root: Path) -> Iterable[Finding]:
    """No findings yet."""
    return ()
