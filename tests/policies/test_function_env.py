"""The advisory high-entropy check, and the name/shape heuristics behind the secret rules."""

from collections.abc import Callable

import pytest

from policies.crosscloud_policies import env_secrets, function_env
from policies.crosscloud_policies.core import Subject
from policies.crosscloud_policies.settings import Settings

MakeSubject = Callable[..., Subject]
GENERATED = "q8Zr2LmX9vTq4WcN7pYb3KdS6hFj"


@pytest.mark.parametrize(
    ("name", "secret"),
    [
        ("DB_PASSWORD", True),
        ("apiToken", True),
        ("APIKey", True),
        ("KMS_KEY_ID", False),
        ("API_TOKEN_SECRET_ARN", False),
        ("OBJECT_KEY_PREFIX", False),
        ("TABLE_NAME", False),
    ],
)
def test_secret_names(name: str, secret: bool) -> None:
    """Credential words count unless the last word says the value is a pointer."""
    assert env_secrets.is_secret_name(name) is secret


@pytest.mark.parametrize(
    ("value", "random"),
    [
        (GENERATED, True),
        ("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b", True),  # 40 hex characters
        ("crosscloud-dev-uploads-207f292", False),
        ("arn:aws:s3:::crosscloud-dev-uploads-207f292", False),
        ("https://app.example.com/callback?x=Y2", False),
        ("short", False),
    ],
)
def test_random_looking_values(value: str, random: bool) -> None:
    """Long mixed-class or hex tokens look random; names, ARNs and URLs do not."""
    assert env_secrets.looks_random(value) is random


def test_rule_is_advisory() -> None:
    """The heuristic never blocks a deployment on its own."""
    assert [r.enforcement for r in function_env.RULES] == ["advisory"]


@pytest.mark.parametrize(
    ("type_", "props"),
    [
        ("aws:lambda/function:Function", {"environment": {"variables": {"SIGNING": GENERATED}}}),
        (
            "gcp:cloudfunctionsv2/function:Function",
            {"serviceConfig": {"environmentVariables": {"SIGNING": GENERATED}}},
        ),
    ],
)
def test_high_entropy_value_is_reported_on_both_clouds(
    type_: str, props: dict[str, object], subject: MakeSubject, dev_settings: Settings
) -> None:
    """A generated-looking value under an innocent name is reported."""
    messages = list(
        function_env.high_entropy_values(subject(type_, props, name="fn"), dev_settings)
    )
    assert len(messages) == 1
    assert "variable SIGNING has a random-looking value" in messages[0]


def test_plain_values_pass(subject: MakeSubject, dev_settings: Settings) -> None:
    """Ordinary configuration values are not reported."""
    function = subject(
        "aws:lambda/function:Function",
        {
            "environment": {
                "variables": {"BUCKET": "crosscloud-dev-uploads-207f292", "LOG_LEVEL": "INFO"}
            }
        },
    )
    assert list(function_env.high_entropy_values(function, dev_settings)) == []
