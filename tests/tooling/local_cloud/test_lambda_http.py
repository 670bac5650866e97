"""The AWS endpoint's HTTP server, in process with stand-in handlers."""

import threading
from collections.abc import Generator, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import requests

from tooling.local_cloud.lambda_http import make_server
from tooling.local_cloud.runtime import Handler

seen: list[dict[str, Any]] = []


def _echo(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Record the event; answer with a cookie and a multi-value header."""
    seen.append(event)
    return {
        "statusCode": 207,
        "headers": {"Content-Type": "text/plain"},
        "multiValueHeaders": {"X-Many": ["1", "2"]},
        "cookies": ["session=abc; HttpOnly"],
        "body": event["requestContext"]["http"]["method"],
    }


def _raise(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Fail like a crashing function."""
    raise RuntimeError("boom")


@contextmanager
def _serve(handler: Handler) -> Generator[str]:
    """Run a front on a free loopback port; yield its URL."""
    server = make_server("127.0.0.1", 0, handler, "test")
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture
def echo_url() -> Iterator[str]:
    """A front over the echo handler."""
    seen.clear()
    with _serve(_echo) as url:
        yield url


@pytest.mark.parametrize("method", ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"])
def test_every_method_reaches_the_handler(echo_url: str, method: str) -> None:
    """Any method is one invocation; the result's status, headers and cookies come back."""
    response = requests.request(method, f"{echo_url}/a?x=1&x=2", timeout=10)
    assert response.status_code == 207
    assert response.text == method
    assert response.headers["X-Many"] == "1, 2"
    assert response.cookies["session"] == "abc"
    assert seen[-1]["rawQueryString"] == "x=1&x=2"


def test_a_raising_handler_is_a_502() -> None:
    """A function that raises gives API Gateway's 502, not a dropped connection."""
    with _serve(_raise) as url:
        response = requests.get(f"{url}/", timeout=10)
        assert response.status_code == 502
        assert response.json() == {"message": "Bad Gateway"}


def test_an_event_over_the_lambda_payload_limit_is_a_413(echo_url: str) -> None:
    """A body whose event exceeds 6 MB never reaches the function, as at API Gateway."""
    body = b"\x00" * (5 * 1024 * 1024)  # binary: base64 makes the event about 6.7 MB
    headers = {"Content-Type": "application/octet-stream"}
    response = requests.post(f"{echo_url}/files", data=body, headers=headers, timeout=30)
    assert response.status_code == 413
    assert seen == []
