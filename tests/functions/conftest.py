"""Fixtures shared by the function tests: local clouds (moto, GCS emulator, PostgreSQL), events."""

import json
import socket
import sys
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config

from function_builds.shared import import_path
from tooling.local_cloud.database import PostgresServer, postgres_bin, throwaway_postgres

ROOT = Path(__file__).resolve().parents[2]
API_DIR = ROOT / "functions" / "api"
INDEXER_DIR = ROOT / "functions" / "indexer"
REPORT_DIR = ROOT / "functions" / "report"
EVENTS_DIR = Path(__file__).parent / "events"
# The deployed archives put each function directory, and the shared packages it
# imports, at the import root; the tests import the code the same way.
# The report is inserted first, so it ends last: the API's main.py stays the one `main`.
for _path in dict.fromkeys(
    [*import_path(REPORT_DIR), *import_path(API_DIR), *import_path(INDEXER_DIR)]
):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

REGION = "eu-west-1"
AWS_TEST_CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}


def free_port() -> int:
    """A loopback port that was free a moment ago (for servers that cannot report theirs)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def load_event(name: str, replace: dict[str, str] | None = None) -> dict[str, Any]:
    """A sample event from tests/functions/events/<name>.json, a fresh copy each time.

    ``replace`` substitutes placeholder text (e.g. the sample bucket name) everywhere,
    including inside SQS bodies that hold JSON as a string.
    """
    text = (EVENTS_DIR / f"{name}.json").read_text()
    for old, new in (replace or {}).items():
        text = text.replace(old, new)
    return json.loads(text)


@pytest.fixture
def events() -> Callable[..., dict[str, Any]]:
    """The sample-event loader."""
    return load_event


@dataclass(frozen=True)
class FakeLambdaContext:
    """The attributes of the Lambda context object the code and adapters read."""

    function_name: str = "crosscloud-test"
    function_version: str = "$LATEST"
    memory_limit_in_mb: int = 512
    aws_request_id: str = "c6af9ac6-7b61-11e6-9a41-93e812345678"
    invoked_function_arn: str = f"arn:aws:lambda:{REGION}:123456789012:function:crosscloud-test"
    log_group_name: str = "/aws/lambda/crosscloud-test"
    log_stream_name: str = "2026/11/21/[$LATEST]abcdef"

    def get_remaining_time_in_millis(self) -> int:
        """A fixed budget; nothing here depends on the clock."""
        return 30_000


@pytest.fixture
def lambda_context() -> FakeLambdaContext:
    """The one fake Lambda context of the suite."""
    return FakeLambdaContext()


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    """A moto server on a free loopback port (S3, DynamoDB, Secrets Manager, SQS)."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


@pytest.fixture
def aws_client(moto_endpoint: str) -> Callable[..., Any]:
    """A factory of real boto3 clients pointed at moto."""

    def make(service: str, config: Config | None = None) -> Any:
        """A client for ``service``."""
        return boto3.client(
            service,
            endpoint_url=moto_endpoint,
            region_name=REGION,
            config=config,
            **AWS_TEST_CREDENTIALS,
        )

    return make


@pytest.fixture
def aws_env(moto_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """Environment that sends default boto3 clients (the entry points') to moto."""
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_endpoint)
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.setenv("AWS_REGION", REGION)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    for variable in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_CONFIG_FILE"):
        monkeypatch.delenv(variable, raising=False)
    return moto_endpoint


@pytest.fixture
def s3_bucket(aws_client: Callable[[str], Any]) -> str:
    """A new, empty S3 bucket in moto."""
    name = f"crosscloud-{uuid.uuid4().hex[:12]}"
    aws_client("s3").create_bucket(
        Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION}
    )
    return name


@pytest.fixture(scope="session")
def gcs_endpoint() -> Iterator[str]:
    """An in-memory gcp-storage-emulator server on a free loopback port."""
    from gcp_storage_emulator.server import create_server

    port = free_port()
    server = create_server("127.0.0.1", port, in_memory=True)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """The throwaway PostgreSQL cluster of ``make local``, stopped even if pytest is killed."""
    if postgres_bin() is None:
        pytest.skip("no PostgreSQL server under /usr/lib/postgresql (apt-get install postgresql)")
    with throwaway_postgres(free_port(), stop_if_we_die=True) as server:
        yield server


@pytest.fixture
def postgres_database(postgres_server: PostgresServer) -> Iterator[str]:
    """A new, empty database on the test server, owned by the application role; its name."""
    name = f"test_{uuid.uuid4().hex[:12]}"
    postgres_server.run_sql(f"CREATE DATABASE {name} OWNER {postgres_server.user}")
    yield name
    postgres_server.run_sql(f"DROP DATABASE {name} WITH (FORCE)")


@pytest.fixture
def index_table(aws_client: Callable[..., Any]) -> str:
    """A new object-index table in moto, keyed like the stack's: bucket (partition), key (sort).

    The indexer writes it and the report queries it, so both test suites use this one.
    """
    name = f"object-index-{uuid.uuid4().hex[:8]}"
    aws_client("dynamodb").create_table(
        TableName=name,
        KeySchema=[
            {"AttributeName": "bucket", "KeyType": "HASH"},
            {"AttributeName": "key", "KeyType": "RANGE"},
        ],
        AttributeDefinitions=[
            {"AttributeName": "bucket", "AttributeType": "S"},
            {"AttributeName": "key", "AttributeType": "S"},
        ],
        BillingMode="PAY_PER_REQUEST",
    )
    return name
