"""The AWS endpoint's HTTP server, in process with stand-in handlers."""

import json
import socket
import struct
import threading
import time
from collections.abc import Generator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, BinaryIO

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
def _serve(handler: Handler, read_timeout: float = 10.0) -> Generator[str]:
    """Run a front on a free loopback port; yield its URL."""
    server = make_server("127.0.0.1", 0, handler, "test", read_timeout=read_timeout)
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


# Raw sockets from here on: the framing cases are what HTTP client libraries never send.
SOCKET_TIMEOUT = 10.0


@dataclass(frozen=True)
class RawResponse:
    """One response as read off the socket."""

    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        """The body parsed as JSON (fails the test if it is not)."""
        assert self.headers["content-type"] == "application/json"
        return json.loads(self.body)


def _read_response(reader: BinaryIO) -> RawResponse:
    """Parse one Content-Length-framed response (the front never chunks its answers)."""
    status_line = reader.readline()
    assert status_line.startswith(b"HTTP/1.1 "), status_line
    headers: dict[str, str] = {}
    while (line := reader.readline()) not in (b"\r\n", b""):
        name, _, value = line.decode("latin-1").partition(":")
        headers[name.strip().lower()] = value.strip()
    body = reader.read(int(headers["content-length"]))
    return RawResponse(int(status_line.split()[1]), headers, body)


def _exchange(url: str, raw: bytes, responses: int = 1) -> tuple[list[RawResponse], bool]:
    """Send ``raw`` on one connection; the responses read, and whether the server then closed."""
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=SOCKET_TIMEOUT) as sock:
        sock.sendall(raw)
        with sock.makefile("rb") as reader:
            answers = [_read_response(reader) for _ in range(responses)]
            sock.shutdown(socket.SHUT_WR)
            closed = reader.read() == b""
    return answers, closed


def test_a_chunked_body_is_decoded_and_the_connection_stays_usable(echo_url: str) -> None:
    """Chunks (with an extension and a trailer) become the body; the next request is read after."""
    raw = (
        b"POST /files HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n"
        b"5;ext=1\r\nhello\r\n7\r\n, world\r\n0\r\nX-Trailer: t\r\n\r\n"
        b"GET /next HTTP/1.1\r\nHost: x\r\n\r\n"
    )
    (first, second), _ = _exchange(echo_url, raw, responses=2)
    assert (first.status, first.body) == (207, b"POST")
    assert (second.status, second.body) == (207, b"GET")
    posted, followed = seen
    assert posted["body"] == "hello, world"
    assert posted["headers"]["content-length"] == "12"
    assert "transfer-encoding" not in posted["headers"]
    assert "x-trailer" not in posted["headers"]
    assert followed["rawPath"] == "/next"


@pytest.mark.parametrize(
    ("framing", "message"),
    [
        (b"Content-Length: abc\r\n", "Content-Length is not a number of bytes"),
        (b"Content-Length: -1\r\n", "Content-Length is not a number of bytes"),
        (b"Content-Length: +3\r\n", "Content-Length is not a number of bytes"),
        (b"Content-Length: 3\r\nContent-Length: 4\r\n", "conflicting Content-Length values"),
        (
            b"Content-Length: 3\r\nTransfer-Encoding: chunked\r\n",
            "Transfer-Encoding and Content-Length together",
        ),
    ],
)
def test_invalid_framing_is_a_json_400_and_the_connection_closes(
    echo_url: str, framing: bytes, message: str
) -> None:
    """A body that cannot be delimited is answered (not dropped, not waited for), then closed."""
    raw = b"POST /files HTTP/1.1\r\nHost: x\r\n" + framing + b"\r\nabc"
    (response,), closed = _exchange(echo_url, raw)
    assert response.status == 400
    assert response.json() == {"message": message}
    assert response.headers["connection"] == "close"
    assert closed
    assert seen == []


@pytest.mark.parametrize(
    "chunks",
    [b"zz\r\nabc\r\n0\r\n\r\n", b"3\r\nabcdef\r\n0\r\n\r\n", b"-1\r\nabc\r\n0\r\n\r\n"],
)
def test_a_malformed_chunk_is_a_json_400(echo_url: str, chunks: bytes) -> None:
    """A bad chunk size, or data longer than its size, is a 400 and the function is not called."""
    head = b"POST /files HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
    (response,), closed = _exchange(echo_url, head + chunks)
    assert response.status == 400
    assert response.json()["message"] in {
        "invalid chunk size",
        "chunk data does not match its size",
    }
    assert closed
    assert seen == []


def test_an_unknown_transfer_coding_is_a_json_501(echo_url: str) -> None:
    """Only chunked is understood; gzip framing is refused rather than misread."""
    raw = b"POST /files HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n"
    (response,), _ = _exchange(echo_url, raw)
    assert response.status == 501
    assert response.json() == {"message": "only chunked transfer coding is supported"}


def test_a_body_that_never_arrives_is_a_json_408() -> None:
    """A client that announces more than it sends is answered once the read times out."""
    seen.clear()
    with _serve(_echo, read_timeout=0.5) as url:
        raw = b"POST /files HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc"
        (response,), closed = _exchange(url, raw)
    assert response.status == 408
    assert response.json() == {"message": "Request Timeout"}
    assert closed
    assert seen == []


def test_an_unknown_method_reaches_the_function(echo_url: str) -> None:
    """As through an ANY route: the function (Flask: a JSON 405) answers, not an HTML 501."""
    (response,), _ = _exchange(echo_url, b"BREW /pot HTTP/1.1\r\nHost: x\r\n\r\n")
    assert (response.status, response.body) == (207, b"BREW")
    assert seen[-1]["requestContext"]["http"]["method"] == "BREW"


@pytest.mark.parametrize(
    ("raw", "status"),
    [
        (b"GARBAGE\r\n\r\n", 400),
        (b"GET / HTTP/9.9\r\n\r\n", 505),
        (b"G(T / HTTP/1.1\r\nHost: x\r\n\r\n", 400),
        (b"GET /" + b"a" * 70000 + b" HTTP/1.1\r\n\r\n", 414),
    ],
)
def test_the_servers_own_errors_are_json(echo_url: str, raw: bytes, status: int) -> None:
    """A broken request line, version or method gets a JSON error, never the library's HTML."""
    (response,), closed = _exchange(echo_url, raw)
    assert response.status == status
    assert set(response.json()) == {"message"}
    assert closed
    assert seen == []


def _slow(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Answer after the client has had time to hang up."""
    time.sleep(0.5)
    return {"statusCode": 200, "body": "late"}


def test_a_client_that_hangs_up_leaves_one_line_and_no_traceback(
    capfd: pytest.CaptureFixture[str],
) -> None:
    """A reset connection is the client's business: the server logs it and keeps serving."""
    with _serve(_slow) as url:
        host, port = url.removeprefix("http://").split(":")
        with socket.create_connection((host, int(port)), timeout=SOCKET_TIMEOUT) as sock:
            sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            # Linger 0: close() sends a reset, as a client killed mid-request does.
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        assert requests.get(f"{url}/", timeout=SOCKET_TIMEOUT).text == "late"
    errors = capfd.readouterr().err
    assert "client went away" in errors
    assert "Traceback" not in errors
