"""AWS IAM rules over identity policies, resource policies, roles and user credentials."""

import json
from collections.abc import Callable
from typing import Any

import pytest

from policies.crosscloud_policies import aws_iam
from policies.crosscloud_policies.core import Subject
from policies.crosscloud_policies.settings import Settings

MakeSubject = Callable[..., Subject]
ACCOUNT_ROOT = "arn:aws:iam::123456789012:root"
GITHUB_OIDC = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"


def document(*statements: dict[str, Any]) -> str:
    """A policy document as the engine sends it (JSON text)."""
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(
    actions: list[str] | str, resources: list[str] | str = "arn:aws:s3:::b/*"
) -> dict[str, Any]:
    """An Allow statement."""
    return {"Sid": "S", "Effect": "Allow", "Action": actions, "Resource": resources}


@pytest.mark.parametrize(
    ("type_", "props", "expected"),
    [
        ("aws:iam/policy:Policy", {"policy": document(allow(["s3:GetObject"]))}, []),
        # A Deny may name a whole service (the TLS-only bucket policy does).
        (
            "aws:s3/bucketPolicy:BucketPolicy",
            {"policy": document({"Effect": "Deny", "Principal": "*", "Action": "s3:*"})},
            [],
        ),
        (
            "aws:iam/rolePolicy:RolePolicy",
            {"policy": document(allow("*"))},
            ["statement S of res allows wildcard action(s) *."],
        ),
        (
            "aws:iam/policy:Policy",
            {"policy": document(allow(["s3:GetObject", "dynamodb:*"]))},
            ["statement S of res allows wildcard action(s) dynamodb:*."],
        ),
        (
            "aws:kms/key:Key",
            {"policy": {"Statement": [{"Effect": "Allow", "NotAction": "kms:Delete*"}]}},
            ["statement (no Sid) of res allows NotAction, i.e. everything else."],
        ),
        (
            "aws:iam/role:Role",
            {"inlinePolicies": [{"name": "inline", "policy": document(allow("s3:*"))}]},
            ["statement S of res inline policy inline allows wildcard action(s) s3:*."],
        ),
    ],
)
def test_no_wildcard_actions(
    type_: str,
    props: dict[str, Any],
    expected: list[str],
    subject: MakeSubject,
    dev_settings: Settings,
) -> None:
    """Allow statements with '*', 'service:*' or NotAction fail; named actions and Denies pass."""
    assert list(aws_iam.no_wildcard_actions(subject(type_, props), dev_settings)) == expected


@pytest.mark.parametrize(
    ("type_", "statement", "expected"),
    [
        ("aws:iam/policy:Policy", allow(["s3:PutObject"]), []),
        ("aws:iam/policy:Policy", allow(["s3:ListAllMyBuckets", "ec2:DescribeRegions"], "*"), []),
        # Lambda's VPC networking cannot be scoped; the pack's default list allows it.
        ("aws:iam/rolePolicy:RolePolicy", allow(["ec2:CreateNetworkInterface"], "*"), []),
        # In a key policy '*' means the key itself.
        ("aws:kms/key:Key", allow(["kms:PutKeyPolicy"], "*"), []),
        (
            "aws:iam/policy:Policy",
            allow(["s3:GetObject", "s3:DeleteObject"], ["*"]),
            ["statement S of res allows write action(s) s3:DeleteObject on Resource '*'."],
        ),
    ],
)
def test_no_wildcard_resource_on_write(
    type_: str,
    statement: dict[str, Any],
    expected: list[str],
    subject: MakeSubject,
    dev_settings: Settings,
) -> None:
    """Writes on '*' fail in identity policies; reads, unscopable actions and key policies pass."""
    resource = subject(type_, {"policy": document(statement)})
    assert list(aws_iam.no_wildcard_resource_on_write(resource, dev_settings)) == expected


@pytest.mark.parametrize(
    "type_",
    [
        "aws:iam/user:User",
        "aws:iam/accessKey:AccessKey",
        "aws:iam/userLoginProfile:UserLoginProfile",
    ],
)
def test_users_and_keys_fail(type_: str, subject: MakeSubject, dev_settings: Settings) -> None:
    """Creating an IAM user or a credential for one is a violation."""
    messages = list(aws_iam.no_users_or_keys(subject(type_, {}, name="ci"), dev_settings))
    assert len(messages) == 1
    assert "(ci)" in messages[0]


def test_roles_are_not_users(subject: MakeSubject, dev_settings: Settings) -> None:
    """Roles are how the stack grants access; they pass."""
    assert list(aws_iam.no_users_or_keys(subject("aws:iam/role:Role", {}), dev_settings)) == []


def trust(principal: Any, condition: dict[str, Any] | None = None) -> dict[str, Any]:
    """A role with one AssumeRole statement."""
    statement: dict[str, Any] = {
        "Effect": "Allow",
        "Principal": principal,
        "Action": "sts:AssumeRole",
    }
    if condition:
        statement["Condition"] = condition
    return {"assumeRolePolicy": document(statement)}


@pytest.mark.parametrize(
    ("props", "expected"),
    [
        (trust({"Service": "lambda.amazonaws.com"}), None),
        (trust({"AWS": ACCOUNT_ROOT}, {"StringEquals": {"sts:ExternalId": "x"}}), None),
        (
            trust(
                {"Federated": GITHUB_OIDC},
                {"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"}},
            ),
            None,
        ),
        (trust("*"), "trusts a wildcard principal"),
        (
            trust({"AWS": "*"}, {"StringEquals": {"sts:ExternalId": "x"}}),
            "trusts a wildcard principal",
        ),
        (trust({"AWS": ACCOUNT_ROOT}), f"trusts {ACCOUNT_ROOT} without a condition"),
    ],
)
def test_scoped_trust(
    props: dict[str, Any], expected: str | None, subject: MakeSubject, dev_settings: Settings
) -> None:
    """Services pass; named principals need a condition; wildcards always fail."""
    messages = list(aws_iam.scoped_trust(subject("aws:iam/role:Role", props), dev_settings))
    if expected is None:
        assert messages == []
    else:
        assert len(messages) == 1
        assert expected in messages[0]
