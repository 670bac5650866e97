"""SQS rules: queues encrypted, queue policies open to no one and to no unpinned service."""

import json
from collections.abc import Callable
from typing import Any

import pytest

from policies.crosscloud_policies import sqs
from policies.crosscloud_policies.core import Subject
from policies.crosscloud_policies.settings import Settings

MakeSubject = Callable[..., Subject]
QUEUE_ARN = "arn:aws:sqs:eu-west-1:123456789012:crosscloud-dev-indexer-events"
S3_SENDS = {
    "Sid": "UploadsBucketNotifies",
    "Effect": "Allow",
    "Principal": {"Service": "s3.amazonaws.com"},
    "Action": ["sqs:SendMessage"],
    "Resource": [QUEUE_ARN],
    "Condition": {
        "ArnEquals": {"aws:SourceArn": "arn:aws:s3:::crosscloud-dev-uploads"},
        "StringEquals": {"aws:SourceAccount": "123456789012"},
    },
}
DENY_PLAIN_HTTP = {
    "Sid": "DenyInsecureTransport",
    "Effect": "Deny",
    "Principal": "*",
    "Action": ["sqs:*"],
    "Resource": [QUEUE_ARN],
    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
}


def _policy(*statements: dict[str, Any]) -> str:
    """A queue policy document as the engine receives it (JSON text)."""
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


@pytest.mark.parametrize(
    "props", [{"sqsManagedSseEnabled": True}, {"kmsMasterKeyId": "alias/crosscloud-events"}]
)
def test_encrypted_queue_passes(
    subject: MakeSubject, dev_settings: Settings, props: dict[str, Any]
) -> None:
    """SQS-managed SSE or a KMS key both count."""
    assert list(sqs.queue_encrypted(subject(sqs.QUEUE, props), dev_settings)) == []


@pytest.mark.parametrize("props", [{}, {"sqsManagedSseEnabled": False}])
def test_unencrypted_queue_fails(
    subject: MakeSubject, dev_settings: Settings, props: dict[str, Any]
) -> None:
    """Leaving encryption to the account default (or turning it off) fails."""
    [message] = sqs.queue_encrypted(subject(sqs.QUEUE, props, name="q"), dev_settings)
    assert message.startswith("SQS queue q sets neither sqsManagedSseEnabled nor kmsMasterKeyId")


def test_pinned_service_and_tls_deny_pass(subject: MakeSubject, dev_settings: Settings) -> None:
    """The indexer's policy: S3 from one bucket and account, and a Deny of plain HTTP."""
    policy = subject(sqs.QUEUE_POLICY, {"policy": _policy(S3_SENDS, DENY_PLAIN_HTTP)})
    assert list(sqs.queue_policy_not_public(policy, dev_settings)) == []


def test_everyone_may_send_fails(subject: MakeSubject, dev_settings: Settings) -> None:
    """Principal '*' without an account or source condition is public."""
    public = {**S3_SENDS, "Sid": "Open", "Principal": "*"}
    del public["Condition"]
    policy = subject(sqs.QUEUE_POLICY, {"policy": _policy(public)}, name="p")
    assert list(sqs.queue_policy_not_public(policy, dev_settings)) == [
        "statement Open of p allows everyone (Principal '*') without an account or source "
        "condition."
    ]


def test_unpinned_service_fails(subject: MakeSubject, dev_settings: Settings) -> None:
    """s3.amazonaws.com without aws:SourceArn/SourceAccount: any bucket anywhere may send."""
    unpinned = {k: v for k, v in S3_SENDS.items() if k != "Condition"}
    policy = subject(sqs.QUEUE_POLICY, {"policy": _policy(unpinned)}, name="p")
    [message] = sqs.queue_policy_not_public(policy, dev_settings)
    assert "allows s3.amazonaws.com without aws:SourceArn or aws:SourceAccount" in message


def test_inline_queue_policy_is_checked_too(subject: MakeSubject, dev_settings: Settings) -> None:
    """The queue's own policy input is read like a QueuePolicy resource."""
    public = {**S3_SENDS, "Principal": {"AWS": "*"}}
    del public["Condition"]
    queue = subject(sqs.QUEUE, {"sqsManagedSseEnabled": True, "policy": _policy(public)})
    assert len(list(sqs.queue_policy_not_public(queue, dev_settings))) == 1
