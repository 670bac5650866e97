"""Parse S3 event notifications, delivered directly or wrapped in SQS messages."""

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal
from urllib.parse import unquote_plus

from crosscloud_indexer.exceptions import BadRecordError

SEQUENCER_WIDTH = 32  # S3 sequencers are hex strings of varying length; pad to compare


@dataclass(frozen=True)
class ObjectEvent:
    """One object change: which object, created or removed, and its place in S3's order."""

    bucket: str
    key: str
    change: Literal["created", "removed"]
    sequencer: str


@dataclass(frozen=True)
class Delivery:
    """One unit Lambda can retry: an SQS message, or the whole direct event."""

    message_id: str | None
    records: list[dict[str, Any]]


def deliveries(event: dict[str, Any]) -> Iterator[Delivery]:
    """Split a Lambda event into retryable units; SQS bodies are decoded lazily by the caller."""
    records = event.get("Records")
    if not isinstance(records, list):
        if event.get("Event") == "s3:TestEvent":
            return
        raise BadRecordError("the event has no Records list")
    direct = [r for r in records if r.get("eventSource") != "aws:sqs"]
    if direct:
        yield Delivery(None, direct)
    for message in records:
        if message.get("eventSource") == "aws:sqs":
            yield Delivery(str(message.get("messageId")), [message])


def object_events(record: dict[str, Any]) -> list[ObjectEvent]:
    """The object events in one record (an SQS message body may hold several)."""
    if record.get("eventSource") == "aws:sqs":
        try:
            body = json.loads(record["body"])
        except (KeyError, TypeError, ValueError) as exc:
            raise BadRecordError("the SQS message body is not JSON") from exc
        if not isinstance(body, dict) or body.get("Event") == "s3:TestEvent":
            return []
        inner = body.get("Records")
        if not isinstance(inner, list):
            raise BadRecordError("the SQS message body holds no S3 Records")
        return [e for r in inner for e in object_events(r)]
    event = _object_event(record)
    return [event] if event else []


def _object_event(record: dict[str, Any]) -> ObjectEvent | None:
    """One S3 record, or None for event types the index does not track."""
    name = str(record.get("eventName", ""))
    if name.startswith("ObjectCreated:"):
        change: Literal["created", "removed"] = "created"
    elif name.startswith("ObjectRemoved:"):
        change = "removed"
    else:
        return None
    try:
        s3 = record["s3"]
        bucket = s3["bucket"]["name"]
        # Keys arrive URL-encoded, with spaces as '+'.
        key = unquote_plus(s3["object"]["key"])
        sequencer = _sequencer(record)
    except (KeyError, TypeError, ValueError) as exc:
        raise BadRecordError(f"malformed {name} record") from exc
    if not bucket or not key:
        raise BadRecordError(f"{name} record without bucket or key")
    return ObjectEvent(bucket=bucket, key=key, change=change, sequencer=sequencer)


def _sequencer(record: dict[str, Any]) -> str:
    """The record's sequencer, or one derived from its eventTime when it has none.

    Real S3 always sends a sequencer for puts and deletes; emulators (moto) leave
    it out. Millisecond event times order such events well enough locally.
    """
    value = record["s3"]["object"].get("sequencer")
    if value:
        return normalize_sequencer(value)
    moment = datetime.fromisoformat(record["eventTime"].replace("Z", "+00:00"))
    return normalize_sequencer(f"{int(moment.timestamp() * 1000):X}")


def normalize_sequencer(value: str) -> str:
    """Left-pad the hex sequencer so later events compare greater as plain strings."""
    digits = value.strip().upper()
    if not digits or len(digits) > SEQUENCER_WIDTH:
        raise ValueError("sequencer out of range")
    int(digits, 16)  # rejects anything that is not hexadecimal
    return digits.rjust(SEQUENCER_WIDTH, "0")
