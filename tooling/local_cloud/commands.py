"""Command lines of the local cloud's processes, each on loopback."""

import sys
from pathlib import Path

from tooling.local_cloud.config import HOST, ROOT

API_SOURCE = ROOT / "functions" / "api"
INDEXER_SOURCE = ROOT / "functions" / "indexer"
# Entry points as the stacks deploy them (Lambda handler strings, Cloud Function target).
API_HANDLER = "lambda_handler.handler"
INDEXER_HANDLER = "indexer_handler.handler"
GCP_TARGET = "api"
PYTHON = [sys.executable, "-B"]


def moto(port: int) -> list[str]:
    """The moto server: every AWS service in one process, state in memory."""
    return [*PYTHON, "-m", "moto.server", "-H", HOST, "-p", str(port)]


def gcs_emulator(port: int) -> list[str]:
    """gcp-storage-emulator, state in memory."""
    return [*PYTHON, "-m", "gcp_storage_emulator", "start",
            "--host", HOST, "--port", str(port), "--in-memory"]  # fmt: skip


def aws_api(port: int) -> list[str]:
    """The API's Lambda handler behind the local HTTP API v2 front."""
    return [*PYTHON, "-m", "tooling.local_cloud.lambda_http", "--source", str(API_SOURCE),
            "--handler", API_HANDLER, "--host", HOST, "--port", str(port)]  # fmt: skip


def indexer(queue_url: str) -> list[str]:
    """The indexer's Lambda handler behind the local SQS trigger."""
    return [*PYTHON, "-m", "tooling.local_cloud.sqs_poller", "--source", str(INDEXER_SOURCE),
            "--handler", INDEXER_HANDLER, "--queue-url", queue_url]  # fmt: skip


def gcp_api(port: int) -> list[str]:
    """functions-framework serving main.py, as Cloud Functions runs it."""
    cli = Path(sys.executable).parent / "functions-framework"
    return [str(cli), "--target", GCP_TARGET, "--source", str(API_SOURCE / "main.py"),
            "--host", HOST, "--port", str(port)]  # fmt: skip
