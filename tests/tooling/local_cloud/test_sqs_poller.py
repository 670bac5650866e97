"""The local SQS trigger: real-shaped events, and only successful messages deleted."""

from typing import Any

from tooling.local_cloud.runtime import LambdaContext
from tooling.local_cloud.sqs_poller import deliver, sqs_event

QUEUE_ARN = "arn:aws:sqs:us-east-1:123456789012:uploads-indexer"


def _messages() -> list[dict[str, Any]]:
    """Two messages as ReceiveMessage returns them."""
    return [
        {"MessageId": f"m{i}", "ReceiptHandle": f"r{i}", "Body": "{}", "Attributes": {}}
        for i in (1, 2)
    ]


def test_event_has_the_lambda_sqs_record_shape() -> None:
    """Each record carries what Lambda's SQS trigger sends."""
    record = sqs_event(_messages(), QUEUE_ARN, "us-east-1")["Records"][0]
    assert record["eventSource"] == "aws:sqs"
    assert record["eventSourceARN"] == QUEUE_ARN
    assert (record["messageId"], record["receiptHandle"], record["body"]) == ("m1", "r1", "{}")


def test_only_messages_not_reported_as_failed_are_deleted() -> None:
    """batchItemFailures keeps its messages on the queue."""

    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        """Fail the second message."""
        return {"batchItemFailures": [{"itemIdentifier": "m2"}]}

    assert deliver(_messages(), handler, QUEUE_ARN, LambdaContext("indexer")) == ["r1"]


def test_a_raising_handler_keeps_the_whole_batch() -> None:
    """An exception retries every message, as Lambda does."""

    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        """Fail the invocation."""
        raise RuntimeError("boom")

    assert deliver(_messages(), handler, QUEUE_ARN, LambdaContext("indexer")) == []
