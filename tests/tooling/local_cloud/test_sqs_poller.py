"""The local SQS trigger: real-shaped events, and only successful messages deleted."""

from threading import Event
from typing import Any

from botocore.exceptions import EndpointConnectionError

from tooling.local_cloud.runtime import LambdaContext
from tooling.local_cloud.sqs_poller import Mapping, deliver, poll, receive_batch, sqs_event

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


class _FlakySqs:
    """An SQS client whose first receive fails, the second delivers, the third stops."""

    def __init__(self, stop: Event) -> None:
        """Count calls; set ``stop`` once the batch was handled."""
        self.stop = stop
        self.receives = 0
        self.deleted: list[str] = []

    def get_queue_attributes(self, **_: Any) -> dict[str, Any]:
        """The queue's ARN."""
        return {"Attributes": {"QueueArn": QUEUE_ARN}}

    def receive_message(self, **_: Any) -> dict[str, Any]:
        """Fail, then deliver two messages, then nothing."""
        self.receives += 1
        if self.receives == 1:
            raise EndpointConnectionError(endpoint_url="http://127.0.0.1:1")
        if self.receives == 2:
            return {"Messages": _messages()}
        self.stop.set()
        return {}

    def delete_message(self, QueueUrl: str, ReceiptHandle: str) -> None:  # noqa: N803 - boto3's
        """Record the deletion."""
        self.deleted.append(ReceiptHandle)


def test_the_poller_survives_an_unreachable_emulator() -> None:
    """A failed SQS call is retried; the next batch is still delivered and deleted."""
    stop = Event()
    sqs = _FlakySqs(stop)

    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        """Every message succeeds."""
        return {"batchItemFailures": []}

    poll(sqs, "http://queue", handler, lambda: LambdaContext("indexer"), stop)
    assert sqs.deleted == ["r1", "r2"]


def test_without_batch_item_failures_the_whole_batch_is_deleted() -> None:
    """As Lambda does when the mapping lacks ReportBatchItemFailures: the list is ignored."""

    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        """Report the second message, to no effect."""
        return {"batchItemFailures": [{"itemIdentifier": "m2"}]}

    mapping = Mapping(report_batch_item_failures=False)
    done = deliver(_messages(), handler, QUEUE_ARN, LambdaContext("indexer"), mapping)
    assert done == ["r1", "r2"]


class _Trickle:
    """An SQS client handing out one message per receive, recording what was asked for."""

    def __init__(self, available: int) -> None:
        """``available`` messages in the queue."""
        self.available = available
        self.asked: list[int] = []

    def receive_message(self, **params: Any) -> dict[str, Any]:
        """At most one message per call, as a slowly filling queue would."""
        self.asked.append(params["MaxNumberOfMessages"])
        if not self.available:
            return {}
        self.available -= 1
        return {"Messages": [{"MessageId": f"m{self.available}", "ReceiptHandle": "r"}]}


def test_batching_window_gathers_up_to_the_batch_size() -> None:
    """Within the window the poller keeps receiving until the batch is full."""
    sqs = _Trickle(available=20)
    batch = receive_batch(sqs, "http://queue", Mapping(batch_size=3, batching_window_seconds=60))
    assert len(batch) == 3
    assert sqs.asked == [3, 2, 1]


def test_without_a_window_one_receive_makes_the_batch() -> None:
    """Window 0: invoke with whatever the first long-poll returned."""
    sqs = _Trickle(available=20)
    assert len(receive_batch(sqs, "http://queue", Mapping(batch_size=10))) == 1
    assert sqs.asked == [10]


def test_an_empty_queue_ends_the_window_early() -> None:
    """Nothing received: no batch, and no waiting out the window."""
    sqs = _Trickle(available=0)
    assert (
        receive_batch(sqs, "http://queue", Mapping(batch_size=10, batching_window_seconds=60)) == []
    )
    assert sqs.asked == [10]
