"""Conditional writes of the index writer: idempotent, ordered by sequencer."""

from collections.abc import Callable
from typing import Any

from crosscloud_indexer.events import ObjectEvent, normalize_sequencer
from crosscloud_indexer.index_writer import IndexWriter

Rows = Callable[[], list[dict[str, Any]]]


def _event(bucket: str, change: str, sequencer: str, key: str = "a.txt") -> ObjectEvent:
    """An object event."""
    return ObjectEvent(bucket, key, change, normalize_sequencer(sequencer))  # type: ignore[arg-type]


def _put(aws_client: Callable[..., Any], bucket: str, body: bytes, key: str = "a.txt") -> str:
    """Store an object; return its ETag."""
    response = aws_client("s3").put_object(
        Bucket=bucket, Key=key, Body=body, ContentType="text/plain"
    )
    return response["ETag"].strip('"')


def test_create_writes_the_metadata(
    index_writer: IndexWriter, s3_bucket: str, aws_client: Callable[..., Any], rows: Rows
) -> None:
    """An ObjectCreated event stores size, type, etag, last-modified and sequencer."""
    etag = _put(aws_client, s3_bucket, b"hello")
    assert index_writer.apply(_event(s3_bucket, "created", "10")) == "upserted"
    [row] = rows()
    assert row["bucket"] == s3_bucket
    assert row["key"] == "a.txt"
    assert row["size"] == "5"
    assert row["content_type"] == "text/plain"
    assert row["etag"] == etag
    assert row["last_modified"].endswith("+00:00")
    assert row["sequencer"] == normalize_sequencer("10")


def test_redelivery_leaves_one_correct_row(
    index_writer: IndexWriter, s3_bucket: str, aws_client: Callable[..., Any], rows: Rows
) -> None:
    """The same event twice: one row, same values."""
    _put(aws_client, s3_bucket, b"hello")
    event = _event(s3_bucket, "created", "10")
    assert index_writer.apply(event) == "upserted"
    first = rows()
    assert index_writer.apply(event) == "upserted"
    assert rows() == first
    assert len(first) == 1


def test_older_event_cannot_overwrite_newer(
    index_writer: IndexWriter, s3_bucket: str, aws_client: Callable[..., Any], rows: Rows
) -> None:
    """A late older create and a late older delete are both refused as stale."""
    _put(aws_client, s3_bucket, b"second version")
    assert index_writer.apply(_event(s3_bucket, "created", "20")) == "upserted"
    assert index_writer.apply(_event(s3_bucket, "created", "10")) == "stale"
    assert index_writer.apply(_event(s3_bucket, "removed", "15")) == "stale"
    [row] = rows()
    assert row["sequencer"] == normalize_sequencer("20")
    assert row["size"] == str(len(b"second version"))


def test_delete_removes_the_row(
    index_writer: IndexWriter, s3_bucket: str, aws_client: Callable[..., Any], rows: Rows
) -> None:
    """A newer ObjectRemoved deletes the row."""
    _put(aws_client, s3_bucket, b"x")
    index_writer.apply(_event(s3_bucket, "created", "10"))
    aws_client("s3").delete_object(Bucket=s3_bucket, Key="a.txt")
    assert index_writer.apply(_event(s3_bucket, "removed", "11")) == "deleted"
    assert rows() == []


def test_late_create_of_a_deleted_object_is_not_resurrected(
    index_writer: IndexWriter, s3_bucket: str, rows: Rows
) -> None:
    """The object is gone from S3, so its old create event writes nothing."""
    assert index_writer.apply(_event(s3_bucket, "removed", "11")) == "deleted"
    assert index_writer.apply(_event(s3_bucket, "created", "10")) == "gone"
    assert rows() == []
