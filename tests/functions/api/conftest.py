"""Fixtures for the API tests: the app on moto S3 or the GCS emulator, and SQLite channels."""

import importlib.util
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Generator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import pytest
import requests
from crosscloud_api import Services, Settings, create_app
from crosscloud_api.channels import ChannelRepository
from crosscloud_api.database import Database, open_database
from crosscloud_api.settings import UrlDatabase
from crosscloud_api.storage import ObjectStore
from crosscloud_api.storage.gcs import GcsStore
from crosscloud_api.storage.s3 import CLIENT_CONFIG, S3Store
from flask import Flask
from flask.testing import FlaskClient
from google.auth.credentials import AnonymousCredentials
from google.cloud import storage
from google.oauth2 import service_account

from function_builds.shared import import_path
from tooling.local_cloud.gcp import service_account_key
from tooling.local_cloud.watchdog import start_watchdog, stop_watchdog

API_DIR = Path(__file__).resolve().parents[3] / "functions" / "api"
FF_SOURCES = Path(__file__).parent / "ff_sources"


@pytest.fixture(scope="session")
def signing_credentials() -> service_account.Credentials:
    """A throwaway service-account key (the one ``make local`` uses) that signs GCS V4 URLs."""
    return service_account.Credentials.from_service_account_info(service_account_key())


@pytest.fixture
def gcs_client(gcs_endpoint: str) -> storage.Client:
    """A GCS client pointed at the emulator, with no credentials."""
    return storage.Client(
        project="crosscloud-test",
        credentials=AnonymousCredentials(),  # type: ignore[arg-type]  # the emulator needs none
        client_options={"api_endpoint": gcs_endpoint},
    )


@pytest.fixture
def s3_store(s3_bucket: str, aws_client: Callable[..., Any]) -> S3Store:
    """The S3 store on a new moto bucket."""
    # The production client config: SigV4 presigning, short timeouts.
    return S3Store(s3_bucket, client=aws_client("s3", CLIENT_CONFIG))


@pytest.fixture
def gcs_store(gcs_client: storage.Client, gcs_endpoint: str, signing_credentials: Any) -> GcsStore:
    """The GCS store on a new emulator bucket, signing with the throwaway key."""
    bucket = f"crosscloud-{uuid.uuid4().hex[:12]}"
    gcs_client.create_bucket(bucket)
    return GcsStore(
        bucket,
        client=gcs_client,
        signing_credentials=signing_credentials,
        signing_endpoint=gcs_endpoint,
    )


@pytest.fixture(params=["s3", "gcs"])
def store(request: pytest.FixtureRequest) -> ObjectStore:
    """Each object store implementation in turn."""
    return request.getfixturevalue(f"{request.param}_store")


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    """A SQLite database file of this test."""
    return f"sqlite:///{tmp_path / 'channels.db'}"


@pytest.fixture
def channels(database_url: str) -> Iterator[ChannelRepository]:
    """The channels repository on SQLite; its connections are closed afterwards."""
    opened: list[Database] = []

    def database() -> Database:
        """Open and remember the database."""
        opened.append(open_database(UrlDatabase(database_url)))
        return opened[-1]

    yield ChannelRepository(database)
    for created in opened:
        created.close()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def each_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A new database on each engine the API runs on: SQLite, then the test PostgreSQL server."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'each.db'}"
    server = request.getfixturevalue("postgres_server")
    return server.url(request.getfixturevalue("postgres_database"))


@pytest.fixture
def each_database(each_database_url: str) -> Iterator[Database]:
    """The database at ``each_database_url``; its connections are closed afterwards."""
    opened = open_database(UrlDatabase(each_database_url))
    yield opened
    opened.close()


@pytest.fixture
def settings(database_url: str) -> Settings:
    """Settings with the real limits."""
    return Settings(storage_url="s3://unused-bucket", database=UrlDatabase(database_url))


@pytest.fixture
def app(settings: Settings, s3_store: S3Store, channels: ChannelRepository) -> Flask:
    """The API on moto S3 and SQLite."""
    return create_app(settings, Services(store=s3_store, channels=channels))


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A Flask test client of the API."""
    return app.test_client()


@pytest.fixture
def log_lines(capsys: pytest.CaptureFixture[str]) -> Callable[[], list[dict[str, Any]]]:
    """Read the JSON log lines written so far (each must parse)."""

    def read() -> list[dict[str, Any]]:
        """Parse captured stdout line by line."""
        out = capsys.readouterr().out
        return [json.loads(line) for line in out.splitlines() if line.strip()]

    return read


@dataclass(frozen=True)
class Reply:
    """An HTTP response, from a test client or a real server, reduced to what tests compare."""

    status: int
    headers: list[tuple[str, str]]
    body: bytes

    def json(self) -> Any:
        """The body as JSON."""
        return json.loads(self.body)

    def header(self, name: str) -> str | None:
        """The first value of a header."""
        values = self.all(name)
        return values[0] if values else None

    def all(self, name: str) -> list[str]:
        """Every value of a (repeatable) header."""
        return [v for k, v in self.headers if k.lower() == name.lower()]


class Caller(Protocol):
    """Sends one raw request: the same bytes to a test client or to a server."""

    def __call__(
        self, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None
    ) -> Reply:
        """Send the request."""
        ...


def test_client_caller(app: Flask) -> Caller:
    """A Caller over a WSGI test client."""
    # No cookie jar: it would replace the Cookie header the tests send themselves.
    client = app.test_client(use_cookies=False)

    def call(
        method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None
    ) -> Reply:
        """Send through the test client (cookies only as the Cookie header, like a server)."""
        response = client.open(path, method=method, data=body, headers=headers or {})
        return Reply(response.status_code, list(response.headers.items()), response.get_data())

    return call


def server_caller(base_url: str) -> Caller:
    """A Caller over HTTP to a running server."""

    def call(
        method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None
    ) -> Reply:
        """Send over a real socket."""
        response = requests.request(
            method, base_url + path, data=body, headers=headers or {}, timeout=30
        )
        raw_headers = list(response.raw.headers.items())
        return Reply(response.status_code, raw_headers, response.content)

    return call


@contextmanager
def functions_framework_server(target: str, source: Path, env: dict[str, str]) -> Generator[str]:
    """Run the functions-framework CLI (gunicorn) on a free loopback port; yield its URL."""
    with socket.socket() as sock:  # a port that was free a moment ago
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    cli = Path(sys.executable).parent / "functions-framework"
    command = [str(cli), "--target", target, "--source", str(source),
               "--host", "127.0.0.1", "--port", str(port)]  # fmt: skip
    path = os.pathsep.join(str(p) for p in import_path(API_DIR))
    full_env = {**os.environ, **env, "PYTHONPATH": path, "PYTHONDONTWRITEBYTECODE": "1"}
    log = tempfile.TemporaryFile()  # noqa: SIM115 - closed in the finally below, after the server
    # Own process group: gunicorn's workers are stopped with their master.
    process = subprocess.Popen(
        command, env=full_env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    base_url = f"http://127.0.0.1:{port}"
    guard = start_watchdog(f"kill -TERM -{process.pid}")  # the whole process group
    try:
        _wait_until_serving(process, base_url, log)
        yield base_url
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=5)
        log.close()
        stop_watchdog(guard)


def _wait_until_serving(process: subprocess.Popen[bytes], base_url: str, log: Any) -> None:
    """Poll until the server answers; fail with its output if it exits or never answers."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log.seek(0)
            pytest.fail(f"functions-framework exited:\n{log.read().decode(errors='replace')}")
        try:
            requests.get(base_url + "/__ready__", timeout=2)
            return
        except requests.ConnectionError:
            time.sleep(0.1)
    log.seek(0)
    pytest.fail(f"functions-framework did not start:\n{log.read().decode(errors='replace')}")


@dataclass(frozen=True)
class FrameworkKit:
    """Helpers for functions-framework tests (test modules cannot import conftest)."""

    sources: Path
    api_dir: Path
    server: Callable[[str, Path, dict[str, str]], Any]
    test_client: Callable[[Flask], Caller]
    http: Callable[[str], Caller]


@pytest.fixture(scope="session")
def ff() -> FrameworkKit:
    """The functions-framework helpers."""
    return FrameworkKit(
        sources=FF_SOURCES,
        api_dir=API_DIR,
        server=functions_framework_server,
        test_client=test_client_caller,
        http=server_caller,
    )


@pytest.fixture(scope="session")
def echo_app() -> Flask:
    """The echo test app (the inner app of ff_sources/echo_main.py)."""
    spec = importlib.util.spec_from_file_location("echo_main_inner", FF_SOURCES / "echo_main.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.inner
