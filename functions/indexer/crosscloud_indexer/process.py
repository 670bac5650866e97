"""Process one SQS batch: index every message, report only the failed ones."""

import logging
from collections import Counter
from typing import Any

from crosscloud_logging import configure_logging, emit, get_logger

from crosscloud_indexer.events import Message, messages, object_events
from crosscloud_indexer.index_writer import IndexWriter

log = get_logger("indexer")


def process_batch(event: dict[str, Any], writer: IndexWriter) -> dict[str, Any]:
    """Index a batch of SQS messages; the failed ones go back as ``batchItemFailures``.

    The event source mapping reports batch item failures: the messages named
    come back after the visibility timeout (and go to the dead-letter queue
    after the redrive policy's receive count); the others are deleted. Writes
    are idempotent and ordered by sequencer, so a retried message is harmless.
    """
    configure_logging()
    outcomes: Counter[str] = Counter()
    failed = [m.message_id for m in messages(event) if not _index_message(m, writer, outcomes)]
    emit(log, logging.INFO, "indexed", {"outcomes": dict(outcomes)})
    return {"batchItemFailures": [{"itemIdentifier": m} for m in failed]}


def _index_message(message: Message, writer: IndexWriter, outcomes: Counter[str]) -> bool:
    """Index one message; log and count a failure instead of losing the others."""
    try:
        for event in object_events(message):
            outcomes[writer.apply(event)] += 1
    except Exception as error:
        # Broad on purpose: one bad message must not stop the rest. Only the type
        # is logged; messages can include object keys or request data.
        outcomes["failed"] += 1
        emit(log, logging.WARNING, "message failed", {"error_type": type(error).__name__})
        return False
    return True
