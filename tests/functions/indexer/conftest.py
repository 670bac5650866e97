"""Fixtures for the indexer tests: the index over moto (the table: tests/functions/conftest.py)."""

from collections.abc import Callable
from typing import Any

import pytest
from crosscloud_indexer.index import ObjectIndex


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
