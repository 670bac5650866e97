"""GCP IAM rules: primitive roles for service accounts, service account keys."""

import json
from collections.abc import Callable
from typing import Any

import pytest

from policies.crosscloud_policies import gcp_iam
from policies.crosscloud_policies.core import Subject
from policies.crosscloud_policies.settings import Settings

MakeSubject = Callable[..., Subject]
SA = "serviceAccount:api@crosscloud-dev.iam.gserviceaccount.com"


@pytest.mark.parametrize(
    ("type_", "expected"),
    [
        ("gcp:projects/iAMMember:IAMMember", "member"),
        ("gcp:cloudfunctionsv2/functionIamMember:FunctionIamMember", "member"),
        ("gcp:storage/bucketIAMBinding:BucketIAMBinding", "binding"),
        ("gcp:secretmanager/secretIamPolicy:SecretIamPolicy", "policy"),
        ("gcp:storage/bucket:Bucket", ""),
        ("aws:iam/policy:Policy", ""),
    ],
)
def test_iam_kind_covers_every_service(type_: str, expected: str) -> None:
    """Members, bindings and policies are recognised by type name on any GCP service."""
    assert gcp_iam.iam_kind(type_) == expected


@pytest.mark.parametrize(
    ("type_", "props", "violations"),
    [
        ("gcp:projects/iAMMember:IAMMember", {"role": "roles/storage.objectUser", "member": SA}, 0),
        ("gcp:projects/iAMMember:IAMMember", {"role": "roles/viewer", "member": "user:a@b.c"}, 0),
        ("gcp:projects/iAMMember:IAMMember", {"role": "roles/editor", "member": SA}, 1),
        (
            "gcp:storage/bucketIAMBinding:BucketIAMBinding",
            {"role": "roles/owner", "members": [SA]},
            1,
        ),
        (
            "gcp:projects/iAMPolicy:IAMPolicy",
            {"policyData": json.dumps({"bindings": [{"role": "roles/viewer", "members": [SA]}]})},
            1,
        ),
    ],
)
def test_no_primitive_roles_for_service_accounts(
    type_: str, props: dict[str, Any], violations: int, subject: MakeSubject, dev_settings: Settings
) -> None:
    """owner/editor/viewer to a service account fails in members, bindings and policies."""
    found = list(
        gcp_iam.no_primitive_roles_for_service_accounts(subject(type_, props), dev_settings)
    )
    assert len(found) == violations
    if violations:
        assert SA in found[0]


def test_service_account_keys_fail(subject: MakeSubject, dev_settings: Settings) -> None:
    """A service account key is a violation; the account itself is not."""
    key = subject("gcp:serviceaccount/key:Key", {"serviceAccountId": "sa"}, name="k")
    account = subject("gcp:serviceaccount/account:Account", {"accountId": "api"})
    assert len(list(gcp_iam.no_service_account_keys(key, dev_settings))) == 1
    assert list(gcp_iam.no_service_account_keys(account, dev_settings)) == []
