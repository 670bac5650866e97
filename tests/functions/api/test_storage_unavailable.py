"""An unreachable object store: a 503-bound error and one log line naming the cause's class."""

import json
from typing import Any

import boto3
import pytest
from crosscloud_api.exceptions import BackendUnavailableError
from crosscloud_api.storage.gcs import GcsStore
from crosscloud_api.storage.s3 import CLIENT_CONFIG, S3Store
from crosscloud_api.storage.unavailable import unavailable
from crosscloud_logging import configure_logging
from google.api_core import exceptions as api_exceptions
from google.auth.credentials import AnonymousCredentials
from google.cloud import storage

# Nothing listens on port 1: every connection is refused at once.
DEAD_ENDPOINT = "http://127.0.0.1:1"


def _log_lines(capsys: pytest.CaptureFixture[str]) -> list[dict[str, Any]]:
    """The JSON log lines printed so far."""
    return [json.loads(line) for line in capsys.readouterr().out.splitlines() if line]


def test_a_refused_s3_connection_logs_its_class_and_not_the_url(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """botocore's EndpointConnectionError is named; the endpoint and key are not logged."""
    configure_logging()
    client = boto3.client(
        "s3",
        endpoint_url=DEAD_ENDPOINT,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
        config=CLIENT_CONFIG,
    )
    with pytest.raises(BackendUnavailableError) as caught:
        S3Store("bucket", client=client).head("private/key.txt")
    assert caught.value.backend == "storage"
    (line,) = _log_lines(capsys)
    assert line["message"] == "storage unavailable"
    assert line["store"] == "s3"
    assert line["cause"] == "botocore.exceptions.EndpointConnectionError"
    assert "127.0.0.1" not in json.dumps(line)
    assert "private/key.txt" not in json.dumps(line)


def test_a_refused_gcs_connection_logs_the_retried_cause(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The retry wrapper and the connection error it gave up on are both named."""
    configure_logging()
    client = storage.Client(
        project="p",
        credentials=AnonymousCredentials(),  # type: ignore[arg-type]  # no auth offline
        client_options={"api_endpoint": DEAD_ENDPOINT},
    )
    with pytest.raises(BackendUnavailableError):
        GcsStore("b", client=client, retry_seconds=0.5).head("k")
    (line,) = _log_lines(capsys)
    assert line["store"] == "gcs"
    assert line["cause"] == "google.api_core.exceptions.RetryError"
    assert line["root_cause"] == "requests.exceptions.ConnectionError"


def test_a_reason_is_logged_beside_the_cause(capsys: pytest.CaptureFixture[str]) -> None:
    """An S3 error code (fixed text from the service) travels with the class."""
    configure_logging()
    error = unavailable("s3", api_exceptions.ServiceUnavailable("busy"), "SlowDown")
    assert isinstance(error, BackendUnavailableError)
    (line,) = _log_lines(capsys)
    assert line["reason"] == "SlowDown"
    assert line["cause"] == "google.api_core.exceptions.ServiceUnavailable"
    assert "root_cause" not in line
    assert "busy" not in json.dumps(line)
