"""Parse the one event shape the indexer takes: SQS messages wrapping S3 notifications.

The uploads bucket notifies an SQS queue; Lambda's event source mapping (and
``make local``'s poller in its place) delivers batches of those messages. Each
message body is an S3 notification (``Records``) or the ``s3:TestEvent`` S3
sends when the notification is configured.
"""

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal
from urllib.parse import unquote_plus

from crosscloud_indexer.exceptions import BadRecordError

# S3 sequencers are hex strings of varying length. S3's rule: right-pad the shorter
# with zeros, then compare as strings. Padding every one to a fixed width keeps that
# order for stored values too (today's sequencers are 18 digits).
SEQUENCER_WIDTH = 32


@dataclass(frozen=True)
class ObjectEvent:
    """One object change: which object, created or removed, and its place in S3's order."""

    bucket: str
    key: str
    change: Literal["created", "removed"]
    sequencer: str


@dataclass(frozen=True)
class Message:
    """One SQS message of the batch: the unit Lambda deletes or retries."""

    message_id: str
    body: Any


def messages(event: dict[str, Any]) -> list[Message]:
    """The SQS messages of a Lambda event; anything else is not an event this function takes."""
    records = event.get("Records")
    if not isinstance(records, list) or not all(
        isinstance(r, dict) and r.get("eventSource") == "aws:sqs" for r in records
    ):
        raise BadRecordError("the event is not a batch of SQS messages")
    return [Message(str(r.get("messageId")), r.get("body")) for r in records]


def object_events(message: Message) -> list[ObjectEvent]:
    """The object events in one message body (S3 may put several records in one)."""
    try:
        body = json.loads(message.body)
    except (TypeError, ValueError) as exc:
        raise BadRecordError("the SQS message body is not JSON") from exc
    if isinstance(body, dict) and body.get("Event") == "s3:TestEvent":
        return []
    inner = body.get("Records") if isinstance(body, dict) else None
    if not isinstance(inner, list):
        raise BadRecordError("the SQS message body holds no S3 Records")
    return [event for record in inner if (event := _object_event(record))]


def _object_event(record: dict[str, Any]) -> ObjectEvent | None:
    """One S3 record, or None for event types the index does not track."""
    if not isinstance(record, dict):
        raise BadRecordError("an S3 record is not an object")
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
    it out. Millisecond event times (always 11 hex digits until the year 2527)
    order such events well enough locally.
    """
    value = record["s3"]["object"].get("sequencer")
    if value:
        return normalize_sequencer(value)
    moment = datetime.fromisoformat(record["eventTime"].replace("Z", "+00:00"))
    return normalize_sequencer(f"{int(moment.timestamp() * 1000):X}")


def normalize_sequencer(value: str) -> str:
    """Right-pad the hex sequencer with zeros, as S3 documents, so strings compare in order."""
    digits = value.strip().upper()
    if not digits or len(digits) > SEQUENCER_WIDTH:
        raise ValueError("sequencer out of range")
    int(digits, 16)  # rejects anything that is not hexadecimal
    return digits.ljust(SEQUENCER_WIDTH, "0")
