"""Fixtures for the indexer tests: the index writer over moto, and SQS batches of S3 bodies.

The table itself is tests/functions/conftest.py's ``index_table``, shared with the report.
"""

import json
from collections.abc import Callable
from typing import Any

import pytest
from crosscloud_indexer.index_writer import IndexWriter

QUEUE_ARN = "arn:aws:sqs:eu-west-1:123456789012:crosscloud-dev-indexer-events"
SqsBatch = Callable[..., dict[str, Any]]


def sqs_batch(*bodies: Any, ids: list[str] | None = None) -> dict[str, Any]:
    """The event Lambda's SQS event source mapping sends: one record per message body.

    A dict body is serialized as S3 does; a string is sent as is (malformed bodies).
    """
    ids = ids or [f"message-{n}" for n in range(len(bodies))]
    return {
        "Records": [
            {
                "messageId": message_id,
                "receiptHandle": f"receipt-{message_id}",
                "body": body if isinstance(body, str) else json.dumps(body),
                "attributes": {"ApproximateReceiveCount": "1"},
                "messageAttributes": {},
                "md5OfBody": "",
                "eventSource": "aws:sqs",
                "eventSourceARN": QUEUE_ARN,
                "awsRegion": "eu-west-1",
            }
            for message_id, body in zip(ids, bodies, strict=True)
        ]
    }


@pytest.fixture
def batch() -> SqsBatch:
    """The SQS batch builder."""
    return sqs_batch


@pytest.fixture
def index_writer(index_table: str, aws_client: Callable[..., Any]) -> IndexWriter:
    """The index writer over moto S3 and DynamoDB."""
    return IndexWriter(index_table, s3=aws_client("s3"), dynamodb=aws_client("dynamodb"))


@pytest.fixture
def rows(index_table: str, aws_client: Callable[..., Any]) -> Callable[[], list[dict[str, Any]]]:
    """Read every row of the index table, as plain values."""

    def read() -> list[dict[str, Any]]:
        """Scan the table."""
        items = aws_client("dynamodb").scan(TableName=index_table)["Items"]
        return [{k: next(iter(v.values())) for k, v in item.items()} for item in items]

    return read
