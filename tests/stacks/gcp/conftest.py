"""Fixtures for the Google Cloud stack tests: the shipped stacks, and one with a switch flipped."""

import pytest

from tooling.synth import SynthResult, synth


@pytest.fixture(params=["dev", "prod"])
def stack(request: pytest.FixtureRequest, synths: dict[str, SynthResult]) -> SynthResult:
    """Each shipped stack that deploys to Google Cloud, in turn."""
    return synths[request.param]


@pytest.fixture(scope="session")
def public_dev() -> SynthResult:
    """dev with ``publicApi: true``: the only way allUsers may appear."""
    return synth("dev", overrides={"crosscloud:publicApi": "true"})
