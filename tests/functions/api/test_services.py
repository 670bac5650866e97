"""The backends are built on first use, so a cold /health loads no cloud or database library."""

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from crosscloud_api.channels import ChannelRepository
from crosscloud_api.services import LazyServices
from crosscloud_api.settings import Settings, UrlDatabase
from crosscloud_api.storage.s3 import S3Store

from function_builds.shared import import_path

API_DIR = Path(__file__).resolve().parents[3] / "functions" / "api"
EVENT = Path(__file__).resolve().parents[1] / "events" / "apigw_v2_get_health.json"
# The libraries only backends need; each costs tens to hundreds of ms to import.
# The database layer (crosscloud_api.database) stands for the channels backend: with
# SQLite it needs no third-party library at all.
BACKEND_LIBRARIES = [
    "boto3",
    "botocore",
    "google.cloud.storage",
    "pg8000",
    "crosscloud_api.database",
]
# A fresh interpreter: serve GET /health, then GET /channels, through the entry point
# a platform calls; print which backend libraries were loaded after each.
_PROGRAM = """
import json, sys
libraries = {libraries!r}
def loaded():
    return [name for name in libraries if name in sys.modules]
if {entry!r} == "lambda":
    import lambda_handler
    class Context:
        aws_request_id = "req-1"
    def get(path):
        event = json.loads(open({event!r}).read())
        event["rawPath"] = event["requestContext"]["http"]["path"] = path
        return lambda_handler.handler(event, Context())["statusCode"]
else:
    import functions_framework
    client = functions_framework.create_app(target="api", source={main!r}).test_client()
    def get(path):
        return client.get(path).status_code
steps = []
for path in ("/health", "/channels"):
    steps.append([path, get(path), loaded()])
print(json.dumps(steps))
"""


def _cold_requests(entry: str, tmp_path: Path) -> list[list[object]]:
    """Run the program in a new interpreter with a deployed-like environment."""
    program = _PROGRAM.format(
        libraries=BACKEND_LIBRARIES, entry=entry, event=str(EVENT), main=str(API_DIR / "main.py")
    )
    storage = "s3://cold-bucket" if entry == "lambda" else "gs://cold-bucket"
    env = {
        "PATH": "/usr/bin:/bin",
        "PYTHONPATH": os.pathsep.join(str(p) for p in import_path(API_DIR)),
        "STORAGE_URL": storage,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'channels.db'}",
    }
    result = subprocess.run(
        [sys.executable, "-B", "-c", program],
        capture_output=True,
        text=True,
        check=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("entry", ["lambda", "functions-framework"])
def test_health_loads_no_backend_library_and_channels_loads_only_the_database(
    entry: str, tmp_path: Path
) -> None:
    """/health imports no backend library; /channels then the database layer only."""
    health, channels = _cold_requests(entry, tmp_path)
    assert health == ["/health", 200, []]
    assert channels == ["/channels", 200, ["crosscloud_api.database"]]


def _settings(tmp_path: Path) -> Settings:
    """Settings of an S3 bucket and a SQLite file."""
    return Settings("s3://lazy-bucket", UrlDatabase(f"sqlite:///{tmp_path / 'c.db'}"))


def test_each_backend_is_built_once_and_then_reused(tmp_path: Path) -> None:
    """The first access builds the backend of the settings; later ones get the same object."""
    services = LazyServices(_settings(tmp_path))
    store = services.store
    assert isinstance(store, S3Store)
    assert store.bucket == "lazy-bucket"
    assert services.store is store
    assert isinstance(services.channels, ChannelRepository)
    assert services.channels is services.channels


def test_concurrent_first_requests_share_one_backend(tmp_path: Path) -> None:
    """Threads racing on the first access all get the one object built."""
    services = LazyServices(_settings(tmp_path))
    start = threading.Barrier(8)
    seen: list[object] = []

    def first_access() -> None:
        """Wait for every thread, then ask for the repository at once."""
        start.wait()
        seen.append(services.channels)

    threads = [threading.Thread(target=first_access) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(seen) == 8
    assert all(repository is seen[0] for repository in seen)
