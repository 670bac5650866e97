"""Fixtures for the indexer tests: a moto DynamoDB index table and an S3 bucket."""

import uuid
from collections.abc import Callable
from typing import Any

import pytest
from crosscloud_indexer.index import ObjectIndex


@pytest.fixture
def index_table(aws_client: Callable[..., Any]) -> str:
    """A new object-index table keyed by bucket (partition) and key (sort)."""
    name = f"object-index-{uuid.uuid4().hex[:8]}"
    aws_client("dynamodb").create_table(
        TableName=name,
        KeySchema=[
            {"AttributeName": "bucket", "KeyType": "HASH"},
            {"AttributeName": "key", "KeyType": "RANGE"},
        ],
        AttributeDefinitions=[
            {"AttributeName": "bucket", "AttributeType": "S"},
            {"AttributeName": "key", "AttributeType": "S"},
        ],
        BillingMode="PAY_PER_REQUEST",
    )
    return name


@pytest.fixture
def object_index(index_table: str, aws_client: Callable[..., Any]) -> ObjectIndex:
    """The index over moto S3 and DynamoDB."""
    return ObjectIndex(index_table, s3=aws_client("s3"), dynamodb=aws_client("dynamodb"))


@pytest.fixture
def rows(index_table: str, aws_client: Callable[..., Any]) -> Callable[[], list[dict[str, Any]]]:
    """Read every row of the index table, as plain values."""

    def read() -> list[dict[str, Any]]:
        """Scan the table."""
        items = aws_client("dynamodb").scan(TableName=index_table)["Items"]
        return [{k: next(iter(v.values())) for k, v in item.items()} for item in items]

    return read
