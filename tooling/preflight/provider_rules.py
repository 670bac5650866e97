"""Placeholder: filled in by the change that adds this check."""

from collections.abc import Iterable

from tooling.preflight.findings import Finding
from tooling.synth import SynthResult


def check(result: SynthResult) -> Iterable[Finding]:
    """No findings yet."""
    return ()
