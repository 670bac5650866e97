"""Command lines of the local cloud's processes, each on loopback."""

import sys
from pathlib import Path

from tooling.local_cloud.config import HOST, ROOT
from tooling.local_cloud.stack import EventSourceSpec, FunctionSpec

API_SOURCE = ROOT / "functions" / "api"
INDEXER_SOURCE = ROOT / "functions" / "indexer"
# The Cloud Function's entry point, as stacks/gcp deploys it (the local stack is AWS-only,
# so the synth cannot tell; Lambda handlers come from the synth).
GCP_TARGET = "api"
PYTHON = [sys.executable, "-B"]


def moto(port: int) -> list[str]:
    """The moto server: every AWS service in one process, state in memory."""
    return [*PYTHON, "-m", "moto.server", "-H", HOST, "-p", str(port)]


def gcs_emulator(port: int) -> list[str]:
    """gcp-storage-emulator, state in memory."""
    return [*PYTHON, "-m", "gcp_storage_emulator", "start",
            "--host", HOST, "--port", str(port), "--in-memory"]  # fmt: skip


def aws_api(port: int, function: FunctionSpec) -> list[str]:
    """The API's Lambda handler behind the local HTTP API v2 front."""
    return [*PYTHON, "-m", "tooling.local_cloud.lambda_http", "--source", str(API_SOURCE),
            *_lambda(function), "--host", HOST, "--port", str(port)]  # fmt: skip


def indexer(queue_url: str, function: FunctionSpec, source: EventSourceSpec) -> list[str]:
    """The indexer's Lambda handler behind the local SQS trigger, with the stack's mapping."""
    failures = "--report-batch-item-failures" if source.report_batch_item_failures else ""
    return [*PYTHON, "-m", "tooling.local_cloud.sqs_poller", "--source", str(INDEXER_SOURCE),
            *_lambda(function), "--queue-url", queue_url,
            "--batch-size", str(source.batch_size),
            "--batching-window", str(source.batching_window_seconds),
            *([failures] if failures else [])]  # fmt: skip


def _lambda(function: FunctionSpec) -> list[str]:
    """The arguments both Lambda runtimes share."""
    return ["--handler", function.handler, "--function-name", function.name,
            "--timeout", str(function.timeout_seconds)]  # fmt: skip


def gcp_api(port: int) -> list[str]:
    """functions-framework serving main.py, as Cloud Functions runs it."""
    cli = Path(sys.executable).parent / "functions-framework"
    return [str(cli), "--target", GCP_TARGET, "--source", str(API_SOURCE / "main.py"),
            "--host", HOST, "--port", str(port)]  # fmt: skip
