"""Process a Lambda event: index every record, report only the failed ones."""

import logging
from collections import Counter
from typing import Any

from crosscloud_logging import configure_logging, emit, get_logger

from crosscloud_indexer.events import deliveries, object_events
from crosscloud_indexer.exceptions import RecordsFailedError
from crosscloud_indexer.index import ObjectIndex

log = get_logger("indexer")


def process_event(event: dict[str, Any], index: ObjectIndex) -> dict[str, Any]:
    """Index an S3 or SQS event; SQS failures go back as ``batchItemFailures``.

    A direct S3 delivery cannot be partially retried, so if any of its records
    failed the whole event is raised back to Lambda (after every record was
    tried); rewriting the ones that succeeded is harmless because writes are
    idempotent and ordered by sequencer.
    """
    configure_logging()
    outcomes: Counter[str] = Counter()
    failed_messages: list[str] = []
    direct_failures = direct_total = 0
    for delivery in deliveries(event):
        for record in delivery.records:
            ok = _index_record(record, index, outcomes)
            if delivery.message_id is None:
                direct_total += 1
                direct_failures += 0 if ok else 1
            elif not ok:
                failed_messages.append(delivery.message_id)
    emit(log, logging.INFO, "indexed", {"outcomes": dict(outcomes)})
    if direct_failures:
        raise RecordsFailedError(direct_failures, direct_total)
    return {"batchItemFailures": [{"itemIdentifier": m} for m in failed_messages]}


def _index_record(record: dict[str, Any], index: ObjectIndex, outcomes: Counter[str]) -> bool:
    """Index one record; log and count a failure instead of losing the others."""
    try:
        for event in object_events(record):
            outcomes[index.apply(event)] += 1
    except Exception as error:
        # Broad on purpose: one bad record must not stop the rest. Only the type
        # is logged; messages can include object keys or request data.
        outcomes["failed"] += 1
        fields = {"error_type": type(error).__name__}
        emit(log, logging.WARNING, "record failed", fields)
        return False
    return True
