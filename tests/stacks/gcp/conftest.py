"""Fixtures for the Google Cloud stack tests: the shipped stacks, and one with a switch flipped."""

from collections.abc import Callable

import pytest

from tooling.synth import SynthResult, synth

GET_ACCOUNT = "gcp:serviceaccount/getAccount:getAccount"


@pytest.fixture(params=["dev", "prod"])
def stack(request: pytest.FixtureRequest, synths: dict[str, SynthResult]) -> SynthResult:
    """Each shipped stack that deploys to Google Cloud, in turn."""
    return synths[request.param]


@pytest.fixture(scope="session")
def public_dev() -> SynthResult:
    """dev with ``publicApi: true``: the only way allUsers may appear."""
    return synth("dev", overrides={"crosscloud:publicApi": "true"})


AccountEmail = Callable[[SynthResult, str], str]


@pytest.fixture(scope="session")
def account_email() -> AccountEmail:
    """The email of a stack's ``api`` (runtime) or ``build`` account, as IAM names it.

    The bootstrap creates these accounts; the stack looks them up by id
    (``gcp:serviceaccount/getAccount``), so the id is asserted on the lookup.
    """

    def email(result: SynthResult, kind: str) -> str:
        """The account's email, after checking the stack looked it up by its id."""
        account_id = f"crosscloud-{result.stack}-{kind}"
        looked_up = {i.args["accountId"] for i in result.invokes if i.token == GET_ACCOUNT}
        assert account_id in looked_up
        return f"{account_id}@{result.config['gcp:project']}.iam.gserviceaccount.com"

    return email
