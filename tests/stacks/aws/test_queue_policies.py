"""Dead-letter queues refuse requests without TLS, and still take what their roles send."""

import json

import pytest

from tooling.synth import SynthResult

QUEUE = "aws:sqs/queue:Queue"
QUEUE_POLICY = "aws:sqs/queuePolicy:QueuePolicy"


@pytest.mark.parametrize("queue", ["crosscloud-dev-indexer-failures", "crosscloud-dev-report-dlq"])
def test_dead_letter_queues_refuse_requests_without_tls(dev: SynthResult, queue: str) -> None:
    """The policy holds the TLS Deny only: IAM grants over TLS still decide who sends."""
    target = dev.one(QUEUE, queue)
    policy = dev.one(QUEUE_POLICY, queue)
    assert policy.inputs["queueUrl"] == target.state["url"]
    assert json.loads(policy.inputs["policy"])["Statement"] == [
        {
            "Sid": "DenyInsecureTransport",
            "Effect": "Deny",
            "Principal": "*",
            "Action": ["sqs:*"],
            "Resource": [target.state["arn"]],
            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
        }
    ]


def test_the_report_dlq_still_takes_the_schedule_and_function_failures(dev: SynthResult) -> None:
    """The schedule's and the report function's roles keep their SendMessage grants on it."""
    dlq = dev.one(QUEUE, "crosscloud-dev-report-dlq").state["arn"]
    senders = {
        policy.name
        for policy in dev.of_type("aws:iam/rolePolicy:RolePolicy")
        for statement in json.loads(policy.inputs["policy"])["Statement"]
        if statement["Effect"] == "Allow"
        and "sqs:SendMessage" in statement["Action"]
        and dlq in statement["Resource"]
    }
    assert len(senders) == 2, senders
