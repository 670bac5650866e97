"""The indexer's Lambda entry point: env-configured clients, SQS batches in, failures out."""

import json
from collections.abc import Callable, Iterator
from typing import Any

import indexer_handler
import pytest
from crosscloud_indexer.exceptions import BadRecordError

Events = Callable[..., dict[str, Any]]
SqsBatch = Callable[..., dict[str, Any]]
Rows = Callable[[], list[dict[str, Any]]]


@pytest.fixture
def configured(aws_env: str, index_table: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The function's environment as the stack sets it."""
    monkeypatch.setenv("INDEX_TABLE", index_table)
    indexer_handler.index_writer.cache_clear()
    yield
    indexer_handler.index_writer.cache_clear()


def _put(aws_client: Callable[..., Any], bucket: str, key: str, body: bytes = b"data") -> None:
    """Store an object in moto."""
    aws_client("s3").put_object(Bucket=bucket, Key=key, Body=body, ContentType="text/plain")


def test_put_notification_is_indexed(
    configured: None,
    events: Events,
    batch: SqsBatch,
    s3_bucket: str,
    aws_client: Callable[..., Any],
    rows: Rows,
    lambda_context: Any,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A message indexes the URL-decoded key; the log carries the request id only."""
    _put(aws_client, s3_bucket, "photos/summer holiday, 2026.jpg")
    event = batch(events("s3_object_created_put", {"example-bucket": s3_bucket}))
    assert indexer_handler.handler(event, lambda_context) == {"batchItemFailures": []}
    [row] = rows()
    assert row["key"] == "photos/summer holiday, 2026.jpg"
    [line] = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert line["request_id"] == lambda_context.aws_request_id
    assert line["outcomes"] == {"upserted": 1}
    assert "summer" not in json.dumps(line)


def test_test_event_is_ignored(
    configured: None, events: Events, batch: SqsBatch, lambda_context: Any, rows: Rows
) -> None:
    """s3:TestEvent indexes nothing and fails nothing (its message is deleted)."""
    result = indexer_handler.handler(batch(events("s3_test_event")), lambda_context)
    assert result == {"batchItemFailures": []}
    assert rows() == []


def test_sqs_batch_reports_only_the_failed_message(
    configured: None,
    events: Events,
    s3_bucket: str,
    aws_client: Callable[..., Any],
    rows: Rows,
    lambda_context: Any,
) -> None:
    """batchItemFailures names the malformed message; the others succeed."""
    _put(aws_client, s3_bucket, "docs/a b.txt")
    event = events("sqs_s3_notifications", {"example-bucket": s3_bucket})
    result = indexer_handler.handler(event, lambda_context)
    assert result == {
        "batchItemFailures": [{"itemIdentifier": "3b1c5d2e-0000-4e0e-9a3b-5f2d8c7e6a10"}]
    }
    assert [r["key"] for r in rows()] == ["docs/a b.txt"]


def test_a_direct_s3_event_is_refused(
    configured: None, events: Events, lambda_context: Any, rows: Rows
) -> None:
    """The old direct-invoke shape raises: nothing sends it any more, so it is a mistake."""
    with pytest.raises(BadRecordError):
        indexer_handler.handler(events("s3_object_created_put"), lambda_context)
    assert rows() == []


def test_unreachable_table_fails_the_message(
    configured: None,
    events: Events,
    s3_bucket: str,
    aws_client: Callable[..., Any],
    lambda_context: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A DynamoDB error is a failure of that message, to be retried."""
    monkeypatch.setenv("INDEX_TABLE", "no-such-table")
    indexer_handler.index_writer.cache_clear()
    _put(aws_client, s3_bucket, "docs/a b.txt")
    event = events("sqs_s3_notifications", {"example-bucket": s3_bucket})
    event["Records"] = event["Records"][:1]
    result = indexer_handler.handler(event, lambda_context)
    assert result == {
        "batchItemFailures": [{"itemIdentifier": "059f36b4-87a3-44ab-83d2-661975830a7d"}]
    }


def test_real_s3_notifications_routed_through_sqs(
    configured: None,
    s3_bucket: str,
    aws_client: Callable[..., Any],
    rows: Rows,
    lambda_context: Any,
) -> None:
    """moto's own S3 -> SQS notifications (test event, put, delete) drive the index."""
    sqs, s3 = aws_client("sqs"), aws_client("s3")
    queue_url = sqs.create_queue(QueueName=f"{s3_bucket}-events")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])[
        "Attributes"
    ]["QueueArn"]
    s3.put_bucket_notification_configuration(
        Bucket=s3_bucket,
        NotificationConfiguration={
            "QueueConfigurations": [
                {"QueueArn": queue_arn, "Events": ["s3:ObjectCreated:*", "s3:ObjectRemoved:*"]}
            ]
        },
    )
    _put(aws_client, s3_bucket, "kept.txt", b"kept")
    _put(aws_client, s3_bucket, "removed.txt", b"removed")
    s3.delete_object(Bucket=s3_bucket, Key="removed.txt")
    messages: list[dict[str, Any]] = []
    while batch := sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10).get("Messages"):
        messages += batch
    assert len(messages) == 4  # test event, two puts, one delete
    records = [
        {"messageId": m["MessageId"], "body": m["Body"], "eventSource": "aws:sqs"} for m in messages
    ]
    result = indexer_handler.handler({"Records": records}, lambda_context)
    assert result == {"batchItemFailures": []}
    [row] = rows()
    assert (row["key"], row["size"]) == ("kept.txt", "4")
