"""The indexer's event source mapping: long-poll SQS, invoke the handler, delete what succeeded.

Run as ``python -m tooling.local_cloud.sqs_poller --source DIR --handler mod.fn --queue-url URL
[--batch-size N] [--batching-window S] [--report-batch-item-failures]``; ``make local`` passes
the stack's own mapping settings (``tooling/local_cloud/stack.py`` reads them from the synth).
moto cannot run Lambda without Docker, so this process plays Lambda's SQS event source
mapping: with ``ReportBatchItemFailures``, messages the handler lists in
``batchItemFailures`` stay on the queue and come back after the visibility timeout (and
move to the dead-letter queue after the redrive policy's receive count); the others are
deleted. Without it, as in Lambda, a returned list is ignored and the batch is deleted.
"""

import argparse
import functools
import signal
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from threading import Event
from types import FrameType
from typing import Any

import boto3
from botocore.exceptions import BotoCoreError, ClientError

from tooling.local_cloud.runtime import Handler, LambdaContext, exit_with_parent, load_handler

WAIT_SECONDS = 1  # short long-polls keep shutdown prompt
SQS_MAX_MESSAGES = 10  # ReceiveMessage's MaxNumberOfMessages limit
RETRY_PAUSE_SECONDS = 1.0


@dataclass(frozen=True)
class Mapping:
    """The event source mapping settings the poller follows (Lambda's SQS defaults)."""

    batch_size: int = 10
    # Keep gathering messages for up to this long before invoking (0: invoke at once).
    batching_window_seconds: int = 0
    report_batch_item_failures: bool = True


def sqs_event(messages: list[dict[str, Any]], queue_arn: str, region: str) -> dict[str, Any]:
    """The event Lambda's SQS trigger sends for a batch of received messages."""
    return {
        "Records": [
            {
                "messageId": message["MessageId"],
                "receiptHandle": message["ReceiptHandle"],
                "body": message["Body"],
                "attributes": message.get("Attributes", {}),
                "messageAttributes": message.get("MessageAttributes", {}),
                "md5OfBody": message.get("MD5OfBody", ""),
                "eventSource": "aws:sqs",
                "eventSourceARN": queue_arn,
                "awsRegion": region,
            }
            for message in messages
        ]
    }


def deliver(
    messages: list[dict[str, Any]],
    handler: Handler,
    queue_arn: str,
    context: LambdaContext,
    mapping: Mapping = Mapping(),
) -> list[str]:
    """Invoke the handler once for the batch; the receipt handles that may be deleted."""
    region = queue_arn.split(":")[3]
    try:
        result = handler(sqs_event(messages, queue_arn, region), context)
    except Exception as error:
        # A raised error fails the whole batch: every message is retried.
        print(f"[indexer] handler raised {type(error).__name__}", file=sys.stderr)
        return []
    if not mapping.report_batch_item_failures:
        return [m["ReceiptHandle"] for m in messages]
    failed = {item["itemIdentifier"] for item in (result or {}).get("batchItemFailures", [])}
    return [m["ReceiptHandle"] for m in messages if m["MessageId"] not in failed]


def poll(
    sqs: Any,
    queue_url: str,
    handler: Handler,
    function: Callable[[], LambdaContext],
    stop: Event,
    mapping: Mapping = Mapping(),
) -> None:
    """Receive, deliver and delete until ``stop`` is set; ``function`` makes each context."""
    attributes = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])
    queue_arn = attributes["Attributes"]["QueueArn"]
    while not stop.is_set():
        try:
            _poll_once(sqs, queue_url, handler, queue_arn, function, mapping)
        except (BotoCoreError, ClientError) as error:
            # The emulator is down or restarting: wait and try again, as Lambda's poller
            # does; undeleted messages come back after their visibility timeout.
            print(f"[indexer] SQS call failed: {type(error).__name__}", file=sys.stderr)
            stop.wait(RETRY_PAUSE_SECONDS)


def receive_batch(sqs: Any, queue_url: str, mapping: Mapping) -> list[dict[str, Any]]:
    """Up to ``batch_size`` messages: one long-poll, then more until the batching window ends.

    SQS returns at most 10 messages per call; Lambda gathers larger batches (or
    waits for more) during the window, as this does.
    """
    messages = _receive(sqs, queue_url, mapping.batch_size, WAIT_SECONDS)
    deadline = time.monotonic() + mapping.batching_window_seconds
    while messages and len(messages) < mapping.batch_size and time.monotonic() < deadline:
        messages += _receive(sqs, queue_url, mapping.batch_size - len(messages), WAIT_SECONDS)
    return messages


def _receive(sqs: Any, queue_url: str, wanted: int, wait: int) -> list[dict[str, Any]]:
    """One ReceiveMessage call for up to ``wanted`` (at most 10) messages."""
    received = sqs.receive_message(
        QueueUrl=queue_url,
        MaxNumberOfMessages=min(wanted, SQS_MAX_MESSAGES),
        WaitTimeSeconds=wait,
        AttributeNames=["All"],
        MessageAttributeNames=["All"],
    )
    return list(received.get("Messages", []))


def _poll_once(
    sqs: Any,
    queue_url: str,
    handler: Handler,
    queue_arn: str,
    function: Callable[[], LambdaContext],
    mapping: Mapping,
) -> None:
    """One batch: receive it, invoke the handler, delete what succeeded."""
    messages = receive_batch(sqs, queue_url, mapping)
    if not messages:
        return
    done = deliver(messages, handler, queue_arn, function(), mapping)
    for handle in done:
        sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=handle)
    print(f"[indexer] {len(messages)} message(s), {len(done)} done", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    """Poll until SIGTERM."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--source", type=Path, required=True, help="the function's code directory")
    parser.add_argument("--handler", required=True, help="module.function, as in Lambda")
    parser.add_argument("--queue-url", required=True)
    parser.add_argument("--function-name", default="crosscloud-local-indexer")
    parser.add_argument("--timeout", type=float, default=15.0, help="the function's timeout (s)")
    parser.add_argument("--batch-size", type=int, default=Mapping.batch_size)
    parser.add_argument("--batching-window", type=int, default=0, help="seconds to gather a batch")
    parser.add_argument(
        "--report-batch-item-failures",
        action="store_true",
        help="keep the messages the handler lists in batchItemFailures (else delete the batch)",
    )
    args = parser.parse_args(argv)
    mapping = Mapping(args.batch_size, args.batching_window, args.report_batch_item_failures)
    exit_with_parent()
    handler = load_handler(args.source.resolve(), args.handler)
    stop = Event()

    def on_term(signum: int, _: FrameType | None) -> None:
        """Finish the current batch, then leave."""
        stop.set()

    signal.signal(signal.SIGTERM, on_term)
    # Endpoint, region and credentials come from the environment, as for the function.
    context = functools.partial(LambdaContext, args.function_name, args.timeout)
    poll(boto3.client("sqs"), args.queue_url, handler, context, stop, mapping)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
