"""Error responses, request ids and logs: JSON everywhere, nothing secret anywhere."""

import json
from collections.abc import Callable
from typing import Any

import pytest
from crosscloud_api import Services, Settings, create_app
from crosscloud_api.channels import ChannelRepository
from crosscloud_api.storage.s3 import S3Store
from flask.testing import FlaskClient

SECRET = "hunter2-db-password"


class ExplodingStore(S3Store):
    """A store whose listing hits a bug carrying a secret in its message."""

    def list(self, prefix: str, limit: int, cursor: str | None) -> Any:
        """Fail the way an unexpected bug would."""
        raise RuntimeError(f"connection string postgres://app:{SECRET}@db")


def test_unknown_route_is_json_404(client: FlaskClient) -> None:
    """Routing errors use the shared JSON shape."""
    response = client.get("/nope")
    assert response.status_code == 404
    assert response.is_json
    assert response.json is not None
    assert response.json["error"] == "not_found"


def test_wrong_method_is_json_405_with_allow(client: FlaskClient) -> None:
    """405 keeps the Allow header."""
    response = client.patch("/channels")
    assert response.status_code == 405
    assert response.json is not None
    assert response.json["error"] == "method_not_allowed"
    assert set(response.headers["Allow"].split(", ")) == {"GET", "POST", "HEAD", "OPTIONS"}


def test_unhandled_exception_is_a_clean_500_and_nothing_leaks(
    settings: Settings,
    channels: ChannelRepository,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A bug gives a generic JSON 500; neither the response nor the logs carry the secret."""
    app = create_app(settings, Services(ExplodingStore("b"), channels))
    client = app.test_client()
    response = client.get("/files")
    assert response.status_code == 500
    assert response.json == {"error": "internal_error", "message": "internal server error"}
    captured = capsys.readouterr()
    assert captured.err == ""  # Flask's own exception logger stayed silent
    lines = [json.loads(line) for line in captured.out.splitlines()]
    text = captured.out
    assert SECRET not in text
    assert "Traceback" not in text
    expected = {"message": "unhandled exception", "error_type": "RuntimeError"}
    assert expected.items() <= lines[0].items()
    # The app keeps working after the failure.
    assert client.get("/health").status_code == 200


def test_request_id_is_echoed_and_logged(
    client: FlaskClient, log_lines: Callable[[], list[dict[str, Any]]]
) -> None:
    """A caller's X-Request-Id comes back and tags the request's log line."""
    response = client.get("/health", headers={"X-Request-Id": "req-123"})
    assert response.headers["X-Request-Id"] == "req-123"
    [line] = log_lines()
    assert line["request_id"] == "req-123"
    assert line["status"] == 200
    assert line["route"] == "/health"


@pytest.mark.parametrize("given", ["", "has space", "x" * 129, '{"level":"ERROR"}'])
def test_unsafe_request_ids_are_replaced(client: FlaskClient, given: str) -> None:
    """Ids that could forge log content are replaced by a generated one."""
    response = client.get("/health", headers={"X-Request-Id": given})
    generated = response.headers["X-Request-Id"]
    assert generated != given
    assert len(generated) == 32


def test_payloads_are_never_logged(
    client: FlaskClient, log_lines: Callable[[], list[dict[str, Any]]]
) -> None:
    """The request log line holds method, path, status and timing only."""
    client.post("/channels", json={"id": "x", "name": "PAYLOAD-MARKER", "url": "https://x.io"})
    [line] = log_lines()
    assert "PAYLOAD-MARKER" not in str(line)
    assert set(line) == {
        "time", "level", "logger", "message", "request_id",
        "method", "path", "route", "status", "duration_ms",
    }  # fmt: skip
