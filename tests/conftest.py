"""Suite-wide fixtures: offline synths of the shipped stacks, and the repository's tools."""

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tooling.synth import ROOT, SynthResult, list_stacks, synth

ToolRunner = Callable[..., subprocess.CompletedProcess[str]]


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


@pytest.fixture(scope="session")
def run_tool() -> ToolRunner:
    """Run a command-line tool from the test virtualenv at the repository root."""
    bin_dir = Path(sys.executable).parent

    def run(*command: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(bin_dir / command[0]), *command[1:]],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
            timeout=600,
        )

    return run
