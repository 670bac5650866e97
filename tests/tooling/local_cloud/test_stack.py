"""The local cloud's resources come from the synthesized stack: the indexer's event source."""

import pytest

from stacks.aws import indexer
from tooling.local_cloud.stack import from_synth
from tooling.synth import SynthResult


@pytest.fixture(scope="module")
def local(synths: dict[str, SynthResult]) -> SynthResult:
    """The local stack as ``make local`` synthesizes it."""
    return synths["local"]


def test_indexer_source_is_the_stacks_queue_and_mapping(local: SynthResult) -> None:
    """Queue names, redrive, batch settings and notified events are the deployed stack's own."""
    source = from_synth(local).indexer_source
    queues = {q.name: q.state["name"] for q in local.of_type("aws:sqs/queue:Queue")}
    assert source.queue_name == queues["crosscloud-local-indexer-events"]
    assert source.dead_letter_queue_name == queues["crosscloud-local-indexer-failures"]
    assert source.max_receive_count == indexer.MAX_RECEIVE_COUNT == 5
    assert source.visibility_timeout_seconds == indexer.VISIBILITY_TIMEOUT_SECONDS
    assert source.batch_size == indexer.BATCH_SIZE
    assert source.batching_window_seconds == indexer.BATCHING_WINDOW_SECONDS
    assert source.report_batch_item_failures is True
    assert source.events == indexer.NOTIFIED_EVENTS
