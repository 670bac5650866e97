"""Fixtures for the API tests: the app on moto S3 or the GCS emulator, and SQLite channels."""

import json
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from crosscloud_api import Services, Settings, create_app
from crosscloud_api.channels import ChannelRepository
from crosscloud_api.settings import UrlDatabase
from crosscloud_api.storage import ObjectStore
from crosscloud_api.storage.gcs import GcsStore
from crosscloud_api.storage.s3 import CLIENT_CONFIG, S3Store
from flask import Flask
from flask.testing import FlaskClient
from google.auth.credentials import AnonymousCredentials
from google.cloud import storage
from google.oauth2 import service_account

SIGNER_EMAIL = "url-signer@crosscloud-test.iam.gserviceaccount.com"


@pytest.fixture(scope="session")
def signing_credentials() -> service_account.Credentials:
    """A throwaway service-account key, generated here, that signs GCS V4 URLs offline."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    info = {
        "type": "service_account",
        "project_id": "crosscloud-test",
        "private_key_id": "throwaway",
        "private_key": pem,
        "client_email": SIGNER_EMAIL,
        "client_id": "1",
        "token_uri": "https://oauth2.googleapis.com/token",
    }
    return service_account.Credentials.from_service_account_info(info)


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
def gcs_store(
    gcs_client: storage.Client, gcs_endpoint: str, signing_credentials: Any
) -> GcsStore:
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
    """The channels repository on SQLite; its engine is disposed afterwards."""
    engines: list[sa.Engine] = []

    def engine() -> sa.Engine:
        """Create and remember the engine."""
        engines.append(sa.create_engine(database_url))
        return engines[-1]

    yield ChannelRepository(engine)
    for created in engines:
        created.dispose()


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
