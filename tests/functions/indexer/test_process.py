"""Batches under redelivery: at-least-once, out-of-order delivery converges on S3's state.

S3 may send a notification more than once and in any order; SQS redelivers a
message whose batch item failed or whose visibility timeout ran out. Whatever
the order, the index must end with exactly one row per existing object,
describing its current version, and none for deleted objects.
"""

import itertools
import json
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote_plus

from crosscloud_indexer.events import normalize_sequencer
from crosscloud_indexer.index_writer import IndexWriter
from crosscloud_indexer.process import process_batch

SqsBatch = Callable[..., dict[str, Any]]
Rows = Callable[[], list[dict[str, Any]]]
# Each message is delivered this many times, the copies shuffled among all others.
COPIES = 4
SEED = 20261202
MAX_BATCH = 10  # the SQS event source mapping's largest batch without a batching window


@dataclass(frozen=True)
class Change:
    """One S3 event on one key, with the sequencer S3 gave it."""

    key: str
    name: str  # ObjectCreated:Put or ObjectRemoved:Delete
    sequencer: str


# Per key, the events in the order S3 applied them. Sequencers of different
# lengths: S3 compares them right-padded, so "...7461" is later than "...746012".
HISTORY = (
    Change("kept.txt", "ObjectCreated:Put", "0062E99A88DC40746012"),
    Change("kept.txt", "ObjectCreated:Put", "0062E99A88DC407461"),
    Change("gone.txt", "ObjectCreated:Put", "0062E99A88DC4074A0"),
    Change("gone.txt", "ObjectRemoved:Delete", "0062E99A88DC4074B0"),
    Change("back again.txt", "ObjectCreated:Put", "0062E99A88DC4074C0"),
    Change("back again.txt", "ObjectRemoved:Delete", "0062E99A88DC4074C1"),
    Change("back again.txt", "ObjectCreated:Put", "0062E99A88DC4074C2AA"),
)
# What S3 holds at the end (the state every event was produced on the way to).
FINAL_OBJECTS = {"kept.txt": b"second version", "back again.txt": b"recreated, longer body"}


def _notification(bucket: str, change: Change) -> dict[str, Any]:
    """The S3 notification body S3 puts on the queue for one change (one record)."""
    return {
        "Records": [
            {
                "eventVersion": "2.1",
                "eventSource": "aws:s3",
                "awsRegion": "eu-west-1",
                "eventTime": "2026-12-02T12:00:00.000Z",
                "eventName": change.name,
                "s3": {
                    "s3SchemaVersion": "1.0",
                    "bucket": {"name": bucket, "arn": f"arn:aws:s3:::{bucket}"},
                    "object": {"key": quote_plus(change.key), "sequencer": change.sequencer},
                },
            }
        ]
    }


def test_redelivered_shuffled_events_leave_one_correct_row_per_object(
    index_writer: IndexWriter,
    s3_bucket: str,
    aws_client: Callable[..., Any],
    rows: Rows,
    batch: SqsBatch,
) -> None:
    """Every message several times, in a shuffled order and random batches: the table ends
    with exactly the objects S3 holds, their current metadata and latest sequencer."""
    s3 = aws_client("s3")
    for key, body in FINAL_OBJECTS.items():
        s3.put_object(Bucket=s3_bucket, Key=key, Body=body, ContentType="text/plain")
    bodies = [json.dumps(_notification(s3_bucket, change)) for change in HISTORY]
    deliveries = [i for i in range(len(bodies)) for _ in range(COPIES)]
    rng = random.Random(SEED)  # noqa: S311 - a reproducible shuffle, not a secret
    rng.shuffle(deliveries)
    assert deliveries != sorted(deliveries)  # the order really is scrambled
    while deliveries:
        size = rng.randint(1, MAX_BATCH)
        chunk, deliveries = deliveries[:size], deliveries[size:]
        ids = [f"m{i}-{n}" for n, i in enumerate(chunk)]
        result = process_batch(batch(*(bodies[i] for i in chunk), ids=ids), index_writer)
        assert result == {"batchItemFailures": []}

    table = {row["key"]: row for row in rows()}
    assert sorted(table) == sorted(FINAL_OBJECTS)
    for key, body in FINAL_OBJECTS.items():
        head = s3.head_object(Bucket=s3_bucket, Key=key)
        latest = max(
            (c for c in HISTORY if c.key == key), key=lambda c: normalize_sequencer(c.sequencer)
        )
        assert latest == [c for c in HISTORY if c.key == key][-1]  # S3's order, not numeric
        assert table[key]["bucket"] == s3_bucket
        assert table[key]["size"] == str(len(body))
        assert table[key]["etag"] == head["ETag"].strip('"')
        assert table[key]["content_type"] == "text/plain"
        assert table[key]["sequencer"] == normalize_sequencer(latest.sequencer)


def test_every_order_of_one_keys_events_converges(
    index_writer: IndexWriter,
    s3_bucket: str,
    aws_client: Callable[..., Any],
    rows: Rows,
    batch: SqsBatch,
) -> None:
    """All 6 orders of put, delete, put-again on one key: one row, of the last put."""
    key = "back again.txt"
    history = [c for c in HISTORY if c.key == key]
    aws_client("s3").put_object(Bucket=s3_bucket, Key=key, Body=FINAL_OBJECTS[key])
    bodies = [json.dumps(_notification(s3_bucket, c)) for c in history]
    for order in itertools.permutations(range(len(bodies))):
        aws_client("dynamodb").delete_item(
            TableName=index_writer.table, Key={"bucket": {"S": s3_bucket}, "key": {"S": key}}
        )
        for i in order:
            event = batch(bodies[i], ids=[str(i)])
            assert process_batch(event, index_writer) == {"batchItemFailures": []}
        [row] = rows()
        assert row["sequencer"] == normalize_sequencer(history[-1].sequencer), order
        assert row["size"] == str(len(FINAL_OBJECTS[key])), order
