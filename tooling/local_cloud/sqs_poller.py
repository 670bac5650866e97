"""The indexer's event source mapping: long-poll SQS, invoke the handler, delete what succeeded.

Run as ``python -m tooling.local_cloud.sqs_poller --source DIR --handler mod.fn --queue-url URL``.
moto cannot run Lambda without Docker, so S3 notifications go to an SQS queue and this
process plays Lambda's SQS trigger with ``ReportBatchItemFailures`` on: messages the
handler lists in ``batchItemFailures`` stay on the queue and come back after the
visibility timeout; the others are deleted.
"""

import argparse
import functools
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from threading import Event
from types import FrameType
from typing import Any

import boto3
from botocore.exceptions import BotoCoreError, ClientError

from tooling.local_cloud.runtime import Handler, LambdaContext, exit_with_parent, load_handler

BATCH_SIZE = 10
WAIT_SECONDS = 1  # short long-polls keep shutdown prompt
RETRY_PAUSE_SECONDS = 1.0


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
    messages: list[dict[str, Any]], handler: Handler, queue_arn: str, context: LambdaContext
) -> list[str]:
    """Invoke the handler once for the batch; the receipt handles that may be deleted."""
    region = queue_arn.split(":")[3]
    try:
        result = handler(sqs_event(messages, queue_arn, region), context)
    except Exception as error:
        # A raised error fails the whole batch: every message is retried.
        print(f"[indexer] handler raised {type(error).__name__}", file=sys.stderr)
        return []
    failed = {item["itemIdentifier"] for item in (result or {}).get("batchItemFailures", [])}
    return [m["ReceiptHandle"] for m in messages if m["MessageId"] not in failed]


def poll(
    sqs: Any, queue_url: str, handler: Handler, function: Callable[[], LambdaContext], stop: Event
) -> None:
    """Receive, deliver and delete until ``stop`` is set; ``function`` makes each context."""
    attributes = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])
    queue_arn = attributes["Attributes"]["QueueArn"]
    while not stop.is_set():
        try:
            _poll_once(sqs, queue_url, handler, queue_arn, function)
        except (BotoCoreError, ClientError) as error:
            # The emulator is down or restarting: wait and try again, as Lambda's poller
            # does; undeleted messages come back after their visibility timeout.
            print(f"[indexer] SQS call failed: {type(error).__name__}", file=sys.stderr)
            stop.wait(RETRY_PAUSE_SECONDS)


def _poll_once(
    sqs: Any,
    queue_url: str,
    handler: Handler,
    queue_arn: str,
    function: Callable[[], LambdaContext],
) -> None:
    """One long-poll: receive a batch, invoke the handler, delete what succeeded."""
    received = sqs.receive_message(
        QueueUrl=queue_url,
        MaxNumberOfMessages=BATCH_SIZE,
        WaitTimeSeconds=WAIT_SECONDS,
        AttributeNames=["All"],
        MessageAttributeNames=["All"],
    )
    messages = received.get("Messages", [])
    if not messages:
        return
    done = deliver(messages, handler, queue_arn, function())
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
    args = parser.parse_args(argv)
    exit_with_parent()
    handler = load_handler(args.source.resolve(), args.handler)
    stop = Event()

    def on_term(signum: int, _: FrameType | None) -> None:
        """Finish the current batch, then leave."""
        stop.set()

    signal.signal(signal.SIGTERM, on_term)
    # Endpoint, region and credentials come from the environment, as for the function.
    context = functools.partial(LambdaContext, args.function_name, args.timeout)
    poll(boto3.client("sqs"), args.queue_url, handler, context, stop)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
