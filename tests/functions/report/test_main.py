"""The Cloud Functions entry point main.report against the GCS emulator, and Pub/Sub publishing."""

import base64
import json
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import flask
import functions_framework
import pytest
import requests
from crosscloud_report.content import build_report
from crosscloud_report.notify import Announcement, PubSubNotifier
from crosscloud_reports.store import Link
from google.auth.credentials import AnonymousCredentials
from google.cloud import storage

from tooling.local_cloud.gcp import write_signing_key

from .conftest import KNOWN_CHANNELS, KNOWN_OBJECTS, REPORT_DIR, WEEK


@pytest.fixture
def report_client(gcs_endpoint: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    """main.report in-process, on the emulator, with a local signing key and no topic.

    functions_framework.create_app loads main.py afresh, so nothing is cached across tests.
    """
    client = storage.Client(
        project="test",
        credentials=AnonymousCredentials(),
        client_options={"api_endpoint": gcs_endpoint},
    )
    suffix = uuid.uuid4().hex[:8]
    client.create_bucket(f"reports-{suffix}")
    uploads = client.create_bucket(f"uploads-{suffix}")
    uploads.blob("fresh.png").upload_from_string(b"\x89PNG" * 5, content_type="image/png")
    env = {
        "REPORTS_URL": f"gs://reports-{suffix}",
        "UPLOADS_URL": f"gs://uploads-{suffix}",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'channels.db'}",
        "STORAGE_EMULATOR_HOST": gcs_endpoint,
        "GOOGLE_CLOUD_PROJECT": "test",
        "GOOGLE_APPLICATION_CREDENTIALS": str(write_signing_key(tmp_path)),
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("REPORT_TOPIC", raising=False)
    app = functions_framework.create_app(target="report", source=str(REPORT_DIR / "main.py"))
    assert isinstance(app, flask.Flask)
    return app.test_client()


def test_the_current_week_on_demand_counts_what_was_just_uploaded(
    report_client: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    """The running week, named in the body: one upload counted, the message logged without URLs."""
    year, week, _ = datetime.now(UTC).isocalendar()
    name = f"{year}-W{week:02d}"
    response = report_client.post("/", json={"period": name})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert (response.json["period"], response.json["uploads"], response.json["bytes"]) == (
        name,
        1,
        20,
    )
    logged = [
        json.loads(line) for line in capsys.readouterr().out.splitlines() if line.startswith("{")
    ]
    notes = [entry["notification"] for entry in logged if "notification" in entry]
    assert len(notes) == 1
    assert notes[0]["uploads"] == 1
    assert all("?" not in f["url"] for f in notes[0]["files"])


def test_a_bad_period_is_a_400(report_client: Any) -> None:
    """A malformed period is the caller's error, not a retryable failure."""
    response = report_client.post("/", json={"period": "last week"})
    assert response.status_code == 400
    assert response.json["error"] == "validation_error"


class FakeSession:
    """Records what would be POSTed to Pub/Sub and answers like it."""

    def __init__(self) -> None:
        self.posts: list[tuple[str, Any]] = []

    def post(self, url: str, json: Any, timeout: float) -> Any:
        self.posts.append((url, json))
        response = requests.Response()
        response.status_code = 200
        response._content = b'{"messageIds": ["42"]}'
        return response


def test_pubsub_gets_the_announcement_as_json() -> None:
    """One message on topics/<t>:publish whose data is the JSON announcement."""
    session = FakeSession()
    links = [Link("reports/2026/W05/x.csv", "https://signed", datetime(2026, 2, 9, tzinfo=UTC))]
    announcement = Announcement(build_report(WEEK, KNOWN_OBJECTS, KNOWN_CHANNELS), links)
    message_id = PubSubNotifier("projects/p/topics/reports", session).send(announcement)
    assert message_id == "42"
    url, body = session.posts[0]
    assert url == "https://pubsub.googleapis.com/v1/projects/p/topics/reports:publish"
    data = json.loads(base64.b64decode(body["messages"][0]["data"]))
    assert data == {
        "period": "2026-W05",
        "start": "2026-01-26",
        "end": "2026-02-02",
        "uploads": 4,
        "bytes": 5442,
        "channels": 3,
        "subscribers": 1500,
        "files": [
            {
                "key": "reports/2026/W05/x.csv",
                "url": "https://signed",
                "expires_at": "2026-02-09T00:00:00Z",
            }
        ],
    }
    assert body["messages"][0]["attributes"] == {"period": "2026-W05"}
