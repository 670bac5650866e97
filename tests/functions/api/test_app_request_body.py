"""The API reads what a request sent before it answers, whatever it answers."""

import io
import json

import pytest
from crosscloud_api.settings import MAX_REQUEST_BYTES
from flask import Flask
from werkzeug.test import EnvironBuilder, run_wsgi_app


def _send(app: Flask, method: str, path: str, body: io.BytesIO, length: int) -> tuple[str, dict]:
    """Run one request whose body is ``body`` and declared ``length`` long; status and JSON."""
    environ = EnvironBuilder(
        method=method, path=path, input_stream=body, content_type="application/json"
    ).get_environ()
    # Declared as given, even where the body is shorter (EnvironBuilder would measure it).
    environ["CONTENT_LENGTH"] = str(length)
    chunks, status, _ = run_wsgi_app(app.wsgi_app, environ, buffered=True)
    return status, json.loads(b"".join(chunks))


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [("POST", "/nowhere", "404 NOT FOUND"), ("PUT", "/health", "405 METHOD NOT ALLOWED")],
)
def test_a_body_refused_before_the_view_is_read_to_the_end(
    app: Flask, method: str, path: str, status: str
) -> None:
    """A routing error answers without a view; the body it never needed is read all the same."""
    body = io.BytesIO(b"x" * 300_000)
    assert _send(app, method, path, body, 300_000)[0] == status
    assert body.tell() == 300_000


def test_a_body_over_the_limit_is_read_and_refused_in_json(app: Flask) -> None:
    """Refused on its declared length before a byte is read, it is read after the 413 is made."""
    size = MAX_REQUEST_BYTES + 1
    body = io.BytesIO(b"x" * size)
    status, reply = _send(app, "POST", "/files", body, size)
    assert status == "413 REQUEST ENTITY TOO LARGE"
    assert reply["error"] == "payload_too_large"
    assert body.tell() == size


def test_a_client_gone_mid_body_still_gets_the_apps_answer(app: Flask) -> None:
    """A body shorter than its Content-Length (the client left) is no reason for a 500."""
    body = io.BytesIO(b"x" * 10)
    status, reply = _send(app, "POST", "/nowhere", body, 1000)
    assert status == "404 NOT FOUND"
    assert reply["error"] == "not_found"
