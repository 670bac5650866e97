"""Parsing S3 notifications, direct and SQS-wrapped."""

from collections.abc import Callable
from typing import Any

import pytest
from crosscloud_indexer.events import ObjectEvent, deliveries, normalize_sequencer, object_events
from crosscloud_indexer.exceptions import BadRecordError

Events = Callable[..., dict[str, Any]]


def test_put_record_is_decoded(events: Events) -> None:
    """Keys are URL-decoded ('+' is a space) and sequencers padded."""
    [record] = events("s3_object_created_put")["Records"]
    assert object_events(record) == [
        ObjectEvent(
            bucket="example-bucket",
            key="photos/summer holiday, 2026.jpg",
            change="created",
            sequencer="00000000000000" + "0055AED6DCD90281E5",
        )
    ]


def test_delete_record(events: Events) -> None:
    """ObjectRemoved records are removals."""
    [record] = events("s3_object_removed_delete")["Records"]
    [event] = object_events(record)
    assert event.change == "removed"


def test_test_event_yields_nothing(events: Events) -> None:
    """The s3:TestEvent sent when notifications are configured is ignored."""
    assert list(deliveries(events("s3_test_event"))) == []


def test_sqs_messages_are_separate_deliveries(events: Events) -> None:
    """Each SQS message can fail and be retried on its own."""
    units = list(deliveries(events("sqs_s3_notifications")))
    assert [u.message_id for u in units] == [
        "059f36b4-87a3-44ab-83d2-661975830a7d",
        "2e1424d4-f796-459a-8184-9c92662be6da",
        "3b1c5d2e-0000-4e0e-9a3b-5f2d8c7e6a10",
    ]
    assert [e.key for e in object_events(units[0].records[0])] == ["docs/a b.txt"]
    assert object_events(units[1].records[0]) == []
    with pytest.raises(BadRecordError):
        object_events(units[2].records[0])


def test_sequencers_order_across_lengths() -> None:
    """A longer sequencer (later event) compares greater once padded."""
    assert normalize_sequencer("FF") < normalize_sequencer("0100")
    assert normalize_sequencer("0055AED6DCD90281E5") < normalize_sequencer("0055AED6DCD90281F0")
    for bad in ["", "not-hex", "1" * 33]:
        with pytest.raises(ValueError, match=r"sequencer|invalid literal"):
            normalize_sequencer(bad)


def test_other_event_types_are_ignored() -> None:
    """Events the index does not track (e.g. restores) yield nothing."""
    record = {"eventSource": "aws:s3", "eventName": "ObjectRestore:Completed", "s3": {}}
    assert object_events(record) == []


def test_event_without_records_is_rejected() -> None:
    """Anything that is neither a notification nor a test event is an error."""
    with pytest.raises(BadRecordError):
        list(deliveries({"unexpected": True}))


def test_missing_sequencer_falls_back_to_event_time(events: Events) -> None:
    """Emulators omit the sequencer; the event time (ms) orders such events instead."""
    [early] = events("s3_object_created_put")["Records"]
    del early["s3"]["object"]["sequencer"]
    late = {**early, "eventTime": "2026-11-21T05:00:00.001Z"}
    [first], [second] = object_events(early), object_events(late)
    assert first.sequencer < second.sequencer
    del late["eventTime"]
    with pytest.raises(BadRecordError):
        object_events(late)
