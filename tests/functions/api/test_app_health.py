"""GET /health and GET /health/ready."""

from pathlib import Path

from crosscloud_api import Services, Settings, create_app
from crosscloud_api.channels import ChannelRepository
from crosscloud_api.database import open_database
from crosscloud_api.settings import UrlDatabase
from crosscloud_api.storage.s3 import S3Store
from flask.testing import FlaskClient


def test_liveness_touches_no_backend(settings: Settings, tmp_path: Path) -> None:
    """/health answers 200 even when every backend is unreachable."""
    missing = f"sqlite:///{tmp_path / 'no' / 'such' / 'dir.db'}"
    broken = Services(
        store=S3Store("bucket", client=None),
        channels=ChannelRepository(lambda: open_database(UrlDatabase(missing))),
    )
    response = create_app(settings, broken).test_client().get("/health")
    assert response.status_code == 200
    assert response.json == {"status": "ok"}


def test_readiness_reports_every_backend_ok(client: FlaskClient) -> None:
    """/health/ready checks the database and the bucket."""
    response = client.get("/health/ready")
    assert response.status_code == 200
    assert response.json == {"status": "ready", "checks": {"database": "ok", "storage": "ok"}}


def test_readiness_names_the_database_when_it_is_down(
    settings: Settings, s3_store: S3Store, tmp_path: Path
) -> None:
    """An unreachable database gives 503, Retry-After, and which backend is down."""
    missing = f"sqlite:///{tmp_path / 'no' / 'such' / 'dir.db'}"
    services = Services(s3_store, ChannelRepository(lambda: open_database(UrlDatabase(missing))))
    response = create_app(settings, services).test_client().get("/health/ready")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    assert response.json is not None
    assert response.json["error"] == "not_ready"
    assert response.json["checks"] == {"database": "down", "storage": "ok"}


def test_readiness_names_the_bucket_when_it_is_missing(
    settings: Settings, aws_client, channels: ChannelRepository
) -> None:
    """A bucket that does not exist makes the storage check fail."""
    services = Services(S3Store("no-such-bucket-here", client=aws_client("s3")), channels)
    response = create_app(settings, services).test_client().get("/health/ready")
    assert response.status_code == 503
    assert response.json is not None
    assert response.json["checks"] == {"database": "ok", "storage": "down"}
