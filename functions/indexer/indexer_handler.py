"""AWS Lambda entry point ``indexer_handler.handler``: SQS batches of S3 notifications."""

import functools
import os
from typing import Any

import boto3
from botocore.config import Config
from crosscloud_indexer.index_writer import IndexWriter
from crosscloud_indexer.process import process_batch
from crosscloud_logging import request_id_var

CLIENT_CONFIG = Config(connect_timeout=3, read_timeout=10, retries={"max_attempts": 3})


@functools.cache
def index_writer() -> IndexWriter:
    """Clients and table name, created on the first invocation and reused."""
    return IndexWriter(
        table=os.environ["INDEX_TABLE"],
        s3=boto3.client("s3", config=CLIENT_CONFIG),
        dynamodb=boto3.client("dynamodb", config=CLIENT_CONFIG),
    )


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Index the batch's objects; returns the SQS partial-batch failures."""
    token = request_id_var.set(getattr(context, "aws_request_id", None))
    try:
        return process_batch(event, index_writer())
    finally:
        request_id_var.reset(token)
