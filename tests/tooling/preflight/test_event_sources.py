"""Preflight: an SQS event source mapping fits its queue and its function."""

import dataclasses
from typing import Any

import pytest

from tooling.preflight import event_sources
from tooling.synth import Resource, SynthResult

MAPPING = "aws:lambda/eventSourceMapping:EventSourceMapping"
QUEUE = "aws:sqs/queue:Queue"
FUNCTION = "aws:lambda/function:Function"
QUEUE_NAME = "crosscloud-dev-indexer-events"
FUNCTION_NAME = "crosscloud-dev-indexer"


def _changed(result: SynthResult, type_: str, name: str, **inputs: Any) -> SynthResult:
    """``result`` with one resource's inputs updated (``None`` removes an input)."""

    def update(resource: Resource) -> Resource:
        if (resource.type, resource.name) != (type_, name):
            return resource
        merged = {**resource.inputs, **inputs}
        return dataclasses.replace(
            resource, inputs={k: v for k, v in merged.items() if v is not None}
        )

    return dataclasses.replace(result, resources=tuple(update(r) for r in result.resources))


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_shipped_stacks_have_no_findings(stack: str, synths: dict[str, SynthResult]) -> None:
    """The indexer's queue gives six function timeouts and redrives to its dead letters."""
    assert synths[stack].of_type(MAPPING)
    assert list(event_sources.check(synths[stack])) == []


def test_visibility_below_the_function_timeout_is_refused_at_apply(dev: SynthResult) -> None:
    """Lambda refuses a mapping whose queue hides a message for less than a run can take."""
    (finding,) = event_sources.check(_changed(dev, QUEUE, QUEUE_NAME, visibilityTimeoutSeconds=20))
    assert finding.subject == dev.one(MAPPING).urn
    assert "(20 s) is shorter than the function's timeout (30 s)" in finding.problem
    assert "cloud API" in finding.problem
    assert "at least 180" in finding.fix


def test_visibility_under_six_timeouts_is_a_finding(dev: SynthResult) -> None:
    """AWS's guidance: six times the function timeout; 179 s against 30 s is short."""
    (finding,) = event_sources.check(_changed(dev, QUEUE, QUEUE_NAME, visibilityTimeoutSeconds=179))
    assert "under 6 times the function's timeout (30 s)" in finding.problem


def test_unset_visibility_uses_the_sqs_default(dev: SynthResult) -> None:
    """Unset, the queue keeps SQS's 30 s: equal to the timeout, still under six times."""
    (finding,) = event_sources.check(
        _changed(dev, QUEUE, QUEUE_NAME, visibilityTimeoutSeconds=None)
    )
    assert "(30 s) is under 6 times" in finding.problem


def test_a_queue_without_redrive_is_a_finding(dev: SynthResult) -> None:
    """Without a dead-letter queue a failing message is retried until it expires."""
    (finding,) = event_sources.check(_changed(dev, QUEUE, QUEUE_NAME, redrivePolicy=None))
    assert finding.subject == dev.one(QUEUE, QUEUE_NAME).urn
    assert "no redrive policy" in finding.problem


def test_maximum_concurrency_above_the_reservation_is_a_finding(dev: SynthResult) -> None:
    """A reservation of 3 under a mapping allowed 5: throttles eat the receive counts."""
    (finding,) = event_sources.check(
        _changed(dev, FUNCTION, FUNCTION_NAME, reservedConcurrentExecutions=3)
    )
    assert "maximum concurrency 5 exceeds the function's reserved concurrency 3" in finding.problem
