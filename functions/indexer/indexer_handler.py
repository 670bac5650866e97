"""AWS Lambda entry point ``indexer_handler.handler``: S3 notifications, direct or via SQS."""

import functools
import os
from typing import Any

import boto3
from botocore.config import Config
from crosscloud_indexer.index import ObjectIndex
from crosscloud_indexer.process import process_event
from crosscloud_logging import request_id_var

CLIENT_CONFIG = Config(connect_timeout=3, read_timeout=10, retries={"max_attempts": 3})


@functools.cache
def object_index() -> ObjectIndex:
    """Clients and table name, created on the first invocation and reused."""
    return ObjectIndex(
        table=os.environ["INDEX_TABLE"],
        s3=boto3.client("s3", config=CLIENT_CONFIG),
        dynamodb=boto3.client("dynamodb", config=CLIENT_CONFIG),
    )


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Index the event's objects; returns SQS partial-batch failures."""
    token = request_id_var.set(getattr(context, "aws_request_id", None))
    try:
        return process_event(event, object_index())
    finally:
        request_id_var.reset(token)
