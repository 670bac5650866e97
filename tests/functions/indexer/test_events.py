"""Parsing the one event shape: SQS batches whose message bodies are S3 notifications."""

import json
from collections.abc import Callable
from typing import Any

import pytest
from crosscloud_indexer.events import (
    SEQUENCER_WIDTH,
    Message,
    ObjectEvent,
    messages,
    normalize_sequencer,
    object_events,
)
from crosscloud_indexer.exceptions import BadRecordError

Events = Callable[..., dict[str, Any]]
SqsBatch = Callable[..., dict[str, Any]]


def _message(body: Any) -> Message:
    """A message carrying ``body`` serialized as S3 sends it."""
    return Message("m-1", json.dumps(body))


def test_put_record_is_decoded(events: Events) -> None:
    """Keys are URL-decoded ('+' is a space) and sequencers right-padded."""
    assert object_events(_message(events("s3_object_created_put"))) == [
        ObjectEvent(
            bucket="example-bucket",
            key="photos/summer holiday, 2026.jpg",
            change="created",
            sequencer="0055AED6DCD90281E5" + "0" * 14,
        )
    ]


def test_delete_record(events: Events) -> None:
    """ObjectRemoved records are removals."""
    [event] = object_events(_message(events("s3_object_removed_delete")))
    assert event.change == "removed"


def test_test_event_yields_nothing(events: Events) -> None:
    """The s3:TestEvent S3 sends when the notification is configured is ignored."""
    assert object_events(_message(events("s3_test_event"))) == []


def test_every_sqs_message_is_its_own_unit(events: Events) -> None:
    """Each message can fail and be retried on its own; bodies are parsed per message."""
    units = messages(events("sqs_s3_notifications"))
    assert [u.message_id for u in units] == [
        "059f36b4-87a3-44ab-83d2-661975830a7d",
        "2e1424d4-f796-459a-8184-9c92662be6da",
        "3b1c5d2e-0000-4e0e-9a3b-5f2d8c7e6a10",
    ]
    assert [e.key for e in object_events(units[0])] == ["docs/a b.txt"]
    assert object_events(units[1]) == []
    with pytest.raises(BadRecordError):
        object_events(units[2])


def test_sequencers_compare_as_s3_documents() -> None:
    """S3: right-pad the shorter sequencer with zeros, then compare as strings.

    The later event here has the shorter sequencer: left-padding (as numbers
    compare) would put it first.
    """
    earlier, later = "0062E99A88DC40746012", "0062E99A88DC407461"
    assert normalize_sequencer(earlier) < normalize_sequencer(later)
    assert int(earlier, 16) > int(later, 16)  # what a numeric comparison would say
    assert normalize_sequencer("0055AED6DCD90281E5") < normalize_sequencer("0055AED6DCD90281F0")
    assert normalize_sequencer("0055aed6dcd90281e5") == normalize_sequencer("0055AED6DCD90281E5")
    assert len(normalize_sequencer("A")) == SEQUENCER_WIDTH
    for bad in ["", "not-hex", "1" * (SEQUENCER_WIDTH + 1)]:
        with pytest.raises(ValueError, match=r"sequencer|invalid literal"):
            normalize_sequencer(bad)


def test_other_event_types_are_ignored() -> None:
    """Events the index does not track (e.g. restores) yield nothing."""
    body = {"Records": [{"eventSource": "aws:s3", "eventName": "ObjectRestore:Completed"}]}
    assert object_events(_message(body)) == []


@pytest.mark.parametrize(
    "event",
    [
        {"unexpected": True},
        {"Records": "not a list"},
        # A direct S3 notification: the function takes SQS batches only.
        {"Records": [{"eventSource": "aws:s3", "eventName": "ObjectCreated:Put"}]},
    ],
)
def test_anything_but_an_sqs_batch_is_rejected(event: dict[str, Any]) -> None:
    """The handler takes one event shape; anything else is an error, not a silent no-op."""
    with pytest.raises(BadRecordError):
        messages(event)


@pytest.mark.parametrize("body", ["not json", "[]", '{"Records": {}}', '{"Records": [7]}'])
def test_malformed_bodies_are_errors(body: str, batch: SqsBatch) -> None:
    """A body that is not an S3 notification fails its message."""
    [message] = messages(batch(body))
    with pytest.raises(BadRecordError):
        object_events(message)


def test_missing_sequencer_falls_back_to_event_time(events: Events) -> None:
    """Emulators omit the sequencer; the event time (ms) orders such events instead."""
    body = events("s3_object_created_put")
    [early] = body["Records"]
    del early["s3"]["object"]["sequencer"]
    late = {**early, "eventTime": "2026-11-21T05:00:00.001Z"}
    [first] = object_events(_message({"Records": [early]}))
    [second] = object_events(_message({"Records": [late]}))
    assert first.sequencer < second.sequencer
    del late["eventTime"]
    with pytest.raises(BadRecordError):
        object_events(_message({"Records": [late]}))
