"""Suite-wide fixtures: offline synths of the shipped stacks, run once per session."""

import pytest

from tooling.synth import SynthResult, list_stacks, synth


@pytest.fixture(scope="session")
def synths() -> dict[str, SynthResult]:
    """Every shipped stack (``Pulumi.<stack>.yaml``) synthesized once, by name."""
    return {stack: synth(stack) for stack in list_stacks()}


@pytest.fixture(scope="session")
def dev(synths: dict[str, SynthResult]) -> SynthResult:
    """The dev stack as the program registers it."""
    return synths["dev"]


@pytest.fixture(scope="session")
def prod(synths: dict[str, SynthResult]) -> SynthResult:
    """The prod stack as the program registers it."""
    return synths["prod"]
