"""Request body framing, on in-memory streams."""

import io
from email.message import Message
from http import HTTPStatus

import pytest

from tooling.local_cloud.framing import FramingError, read_body


def _headers(*pairs: tuple[str, str]) -> Message:
    """A header block as http.server parses it."""
    message = Message()
    for name, value in pairs:
        message[name] = value
    return message


def test_content_length_reads_exactly_that_many_bytes() -> None:
    """The bytes after the body stay in the stream for the next request."""
    stream = io.BytesIO(b"abcGET / HTTP/1.1")
    assert read_body(_headers(("Content-Length", "3")), stream, limit=10) == b"abc"
    assert stream.read() == b"GET / HTTP/1.1"


def test_no_framing_header_means_no_body() -> None:
    """Without Content-Length or Transfer-Encoding nothing is read."""
    stream = io.BytesIO(b"GET / HTTP/1.1")
    assert read_body(_headers(), stream, limit=10) == b""
    assert stream.read() == b"GET / HTTP/1.1"


def test_a_repeated_equal_content_length_is_accepted() -> None:
    """RFC 9112 allows the same value twice; only differing ones are fatal."""
    headers = _headers(("Content-Length", "2"), ("Content-Length", "2"))
    assert read_body(headers, io.BytesIO(b"ok"), limit=10) == b"ok"


@pytest.mark.parametrize(
    ("headers", "data"),
    [
        (_headers(("Content-Length", "11")), b"x" * 11),
        (_headers(("Transfer-Encoding", "chunked")), b"6\r\nxxxxxx\r\n6\r\nxxxxxx\r\n0\r\n\r\n"),
    ],
)
def test_a_body_over_the_limit_is_a_413(headers: Message, data: bytes) -> None:
    """Announced or accumulated, more than ``limit`` bytes is refused before it is all read."""
    with pytest.raises(FramingError) as caught:
        read_body(headers, io.BytesIO(data), limit=10)
    assert caught.value.status == HTTPStatus.REQUEST_ENTITY_TOO_LARGE


@pytest.mark.parametrize(
    "data", [b"5\r\nabc", b"3\r\nabc\r\n", b"3\r\nabc\r\n0\r\nTrailer: x", b"1" * 5000 + b"\r\n"]
)
def test_a_truncated_or_overlong_chunked_body_is_a_400(data: bytes) -> None:
    """EOF inside a chunk, before the last chunk or in the trailers; an endless size line."""
    with pytest.raises(FramingError) as caught:
        read_body(_headers(("Transfer-Encoding", "chunked")), io.BytesIO(data), limit=100)
    assert caught.value.status == HTTPStatus.BAD_REQUEST
