"""Fixtures shared by the function tests: local clouds (moto, GCS emulator, PostgreSQL), events."""

import json
import os
import shlex
import shutil
import socket
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config

ROOT = Path(__file__).resolve().parents[2]
API_DIR = ROOT / "functions" / "api"
INDEXER_DIR = ROOT / "functions" / "indexer"
EVENTS_DIR = Path(__file__).parent / "events"
# The deployed archives put each function directory at the import root; the
# tests import the code the same way.
for _path in (API_DIR, INDEXER_DIR):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

REGION = "eu-west-1"
AWS_TEST_CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}


def free_port() -> int:
    """A loopback port that was free a moment ago (for servers that cannot report theirs)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_watchdog(cleanup: str) -> subprocess.Popen[bytes]:
    """A detached shell that runs ``cleanup`` (shell code) if this test process dies first.

    A SIGTERM or SIGKILL to pytest skips fixture finalizers; servers started in
    their own session, or as another user, would then outlive the run.
    """
    script = f"while kill -0 {os.getpid()} 2>/dev/null; do sleep 1; done; {cleanup}"
    return subprocess.Popen(
        ["sh", "-c", script],
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def stop_watchdog(watchdog: subprocess.Popen[bytes]) -> None:
    """Retire a watchdog after a normal teardown."""
    watchdog.kill()
    watchdog.wait(timeout=10)


@pytest.fixture(scope="session")
def watchdogs() -> tuple[Callable[[str], subprocess.Popen[bytes]], Callable[..., None]]:
    """(start, stop) of watchdogs, for fixtures in other conftest files."""
    return start_watchdog, stop_watchdog


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


@dataclass(frozen=True)
class PostgresServer:
    """A running PostgreSQL server and an application role with a password."""

    host: str
    port: int
    user: str
    password: str

    def url(self, database: str) -> str:
        """A SQLAlchemy URL for ``database`` as the application role."""
        return f"postgresql+pg8000://{self.user}:{self.password}@{self.host}:{self.port}/{database}"


def _postgres_bin() -> Path | None:
    """The newest installed PostgreSQL server's bin directory, if any."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/postgres"))
    return found[-1].parent if found else None


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """A throwaway PostgreSQL cluster, run as the ``postgres`` user when tests run as root."""
    bin_dir = _postgres_bin()
    if bin_dir is None:
        pytest.skip("no PostgreSQL server under /usr/lib/postgresql (apt-get install postgresql)")
    # PostgreSQL refuses to run as root, so the cluster belongs to the postgres user.
    as_root = os.geteuid() == 0
    prefix = ["runuser", "-u", "postgres", "--"] if as_root else []
    workdir = Path(tempfile.mkdtemp(prefix="crosscloud-pg-"))
    if as_root:
        shutil.chown(workdir, "postgres", "postgres")
    data, port = workdir / "data", free_port()
    password = uuid.uuid4().hex

    def run(*args: str) -> None:
        """Run a PostgreSQL tool, failing loudly with its output."""
        subprocess.run([*prefix, *args], check=True, capture_output=True, timeout=60)

    started = False
    stop = [*prefix, f"{bin_dir}/pg_ctl", "-D", str(data), "-m", "immediate", "-w", "stop"]
    guard = start_watchdog(f"{shlex.join(stop)}; rm -rf {shlex.quote(str(workdir))}")
    try:
        run(f"{bin_dir}/initdb", "-D", str(data), "-U", "postgres", "-E", "UTF8", "--no-sync",
            "--auth-local=trust", "--auth-host=scram-sha-256")  # fmt: skip
        options = f"-c listen_addresses=127.0.0.1 -p {port} -k {workdir} -c fsync=off"
        run(f"{bin_dir}/pg_ctl", "-D", str(data), "-o", options, "-l", str(workdir / "log"),
            "-w", "-t", "30", "start")  # fmt: skip
        started = True
        statement = f"CREATE ROLE app LOGIN CREATEDB PASSWORD '{password}'"
        run(f"{bin_dir}/psql", "-h", str(workdir), "-p", str(port), "-U", "postgres",
            "-v", "ON_ERROR_STOP=1", "-c", statement)  # fmt: skip
        yield PostgresServer("127.0.0.1", port, "app", password)
    finally:
        if started:
            subprocess.run(stop, check=True, capture_output=True, timeout=60)
        shutil.rmtree(workdir, ignore_errors=True)
        stop_watchdog(guard)


@pytest.fixture
def postgres_database(postgres_server: PostgresServer) -> Iterator[str]:
    """A new, empty database on the test server; its name."""
    import pg8000.native

    name = f"test_{uuid.uuid4().hex[:12]}"
    admin = pg8000.native.Connection(
        postgres_server.user,
        password=postgres_server.password,
        host=postgres_server.host,
        port=postgres_server.port,
        database="postgres",
    )
    try:
        admin.run(f"CREATE DATABASE {name}")
        yield name
        admin.run(f"DROP DATABASE {name} WITH (FORCE)")
    finally:
        admin.close()
