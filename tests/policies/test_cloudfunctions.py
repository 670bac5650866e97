"""Cloud Functions / Cloud Run rules: public invokers, secrets through Secret Manager."""

from collections.abc import Callable
from typing import Any

import pytest

from policies.crosscloud_policies import cloudfunctions
from policies.crosscloud_policies.core import Subject
from policies.crosscloud_policies.settings import Settings

MakeSubject = Callable[..., Subject]
INVOKER = "gcp:cloudfunctionsv2/functionIamMember:FunctionIamMember"
RUN_INVOKER = "gcp:cloudrunv2/serviceIamMember:ServiceIamMember"


@pytest.mark.parametrize(
    ("type_", "props", "violations"),
    [
        (
            INVOKER,
            {"role": "roles/cloudfunctions.invoker", "member": "group:api-clients@example.com"},
            0,
        ),
        (INVOKER, {"role": "roles/cloudfunctions.invoker", "member": "allUsers"}, 1),
        (RUN_INVOKER, {"role": "roles/run.invoker", "member": "allAuthenticatedUsers"}, 1),
        (
            "gcp:cloudrun/iamBinding:IamBinding",
            {"role": "roles/run.invoker", "members": ["allUsers"]},
            1,
        ),
        (cloudfunctions.RUN_SERVICE, {"invokerIamDisabled": True}, 1),
    ],
)
def test_public_invoker_fails_without_public_api(
    type_: str,
    props: dict[str, Any],
    violations: int,
    subject: MakeSubject,
    dev_settings: Settings,
    public_settings: Settings,
) -> None:
    """allUsers invokers fail unless the stack declares a public API, where they pass."""
    resource = subject(type_, props)
    assert len(list(cloudfunctions.no_public_invoker(resource, dev_settings))) == violations
    assert list(cloudfunctions.no_public_invoker(resource, public_settings)) == []


def test_public_bucket_is_not_an_invoker(subject: MakeSubject, dev_settings: Settings) -> None:
    """Storage IAM is the GCS rule's business, not this one's."""
    member = subject(
        "gcp:storage/bucketIAMMember:BucketIAMMember", {"role": "r", "member": "allUsers"}
    )
    assert list(cloudfunctions.no_public_invoker(member, dev_settings)) == []


@pytest.mark.parametrize(
    ("type_", "props", "expected"),
    [
        (
            cloudfunctions.FUNCTION_V2,
            {
                "serviceConfig": {
                    "environmentVariables": {"BUCKET": "uploads"},
                    "secretEnvironmentVariables": [
                        {
                            "key": "API_TOKEN",
                            "projectId": "p",
                            "secret": "api-token",
                            "version": "3",
                        }
                    ],
                }
            },
            [],
        ),
        (
            cloudfunctions.FUNCTION_V2,
            {"serviceConfig": {"environmentVariables": {"API_TOKEN": "abc"}}},
            ["fn serviceConfig variable API_TOKEN"],
        ),
        (
            cloudfunctions.FUNCTION_V2,
            {"buildConfig": {"environmentVariables": {"PIP_INDEX_PASSWORD": "x"}}},
            ["fn buildConfig variable PIP_INDEX_PASSWORD"],
        ),
        (
            cloudfunctions.RUN_SERVICE,
            {
                "template": {
                    "containers": [
                        {
                            "envs": [
                                {
                                    "name": "DB_PASSWORD",
                                    "valueSource": {"secretKeyRef": {"secret": "db"}},
                                },
                                {"name": "SIGNING_KEY", "value": "k"},
                            ]
                        }
                    ]
                }
            },
            ["fn template.containers[0].envs variable SIGNING_KEY"],
        ),
    ],
)
def test_secrets_only_through_secret_env(
    type_: str,
    props: dict[str, Any],
    expected: list[str],
    subject: MakeSubject,
    dev_settings: Settings,
) -> None:
    """Secret-named plain variables fail; secret environment variables pass."""
    messages = list(
        cloudfunctions.secrets_as_secret_env(subject(type_, props, name="fn"), dev_settings)
    )
    assert [m.split(" looks like")[0] for m in messages] == expected
