"""HTTP/1.1 request body framing (RFC 9112 section 6): Content-Length or chunked, nothing else.

The front reads bodies with this instead of trusting ``Content-Length`` blindly: a
malformed length, a negative one, both headers at once or a broken chunk is a 400, and
the connection is closed afterwards because the next request's start can no longer be found.
"""

import re
from email.message import Message
from http import HTTPStatus
from typing import Protocol

# Longest chunk-size or trailer line accepted; real clients send a few dozen bytes.
MAX_LINE_BYTES = 4096
_DIGITS = re.compile(r"[0-9]+")
_HEX = re.compile(rb"[0-9A-Fa-f]{1,16}")


class Readable(Protocol):
    """What the body is read from: the connection's buffered reader, or BytesIO in tests."""

    def read(self, size: int, /) -> bytes:
        """At most ``size`` bytes, fewer only at EOF."""
        ...

    def readline(self, size: int, /) -> bytes:
        """One line of at most ``size`` bytes."""
        ...


class FramingError(Exception):
    """The request's body cannot be delimited; ``status`` is the answer to give."""

    def __init__(self, status: HTTPStatus, message: str) -> None:
        """Keep the status and a client-safe message (never the offending bytes)."""
        super().__init__(message)
        self.status = status
        self.message = message


def read_body(headers: Message, stream: Readable, limit: int) -> bytes:
    """The request body ``headers`` announce, read from ``stream``; FramingError if invalid."""
    codings = _transfer_codings(headers)
    length = _content_length(headers)
    if codings:
        if length is not None:
            # Both framings at once is how request smuggling starts: refuse it outright.
            raise FramingError(
                HTTPStatus.BAD_REQUEST, "Transfer-Encoding and Content-Length together"
            )
        if codings != ["chunked"]:
            raise FramingError(
                HTTPStatus.NOT_IMPLEMENTED, "only chunked transfer coding is supported"
            )
        return _read_chunked(stream, limit)
    if length is None or length == 0:
        return b""
    if length > limit:
        raise FramingError(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "Request Entity Too Large")
    body = stream.read(length)
    if len(body) < length:
        raise FramingError(HTTPStatus.BAD_REQUEST, "body shorter than Content-Length")
    return body


def _transfer_codings(headers: Message) -> list[str]:
    """Every transfer coding named, in order, lower-cased."""
    values = headers.get_all("Transfer-Encoding") or []
    return [part.strip().lower() for value in values for part in value.split(",") if part.strip()]


def _content_length(headers: Message) -> int | None:
    """The one Content-Length, None when absent; FramingError if malformed or contradictory."""
    values = headers.get_all("Content-Length") or []
    if not values:
        return None
    parts = {part.strip() for value in values for part in value.split(",")}
    if len(parts) != 1:
        raise FramingError(HTTPStatus.BAD_REQUEST, "conflicting Content-Length values")
    (text,) = parts
    # ASCII digits only: int() would accept '-1', '+5', ' 7' and other scripts' digits.
    if not _DIGITS.fullmatch(text):
        raise FramingError(HTTPStatus.BAD_REQUEST, "Content-Length is not a number of bytes")
    return int(text)


def _read_chunked(stream: Readable, limit: int) -> bytes:
    """Decode a chunked body and skip its trailer section."""
    parts: list[bytes] = []
    total = 0
    while True:
        size_field = _line(stream).split(b";", 1)[0].strip()
        if not _HEX.fullmatch(size_field):
            raise FramingError(HTTPStatus.BAD_REQUEST, "invalid chunk size")
        size = int(size_field, 16)
        if size == 0:
            break
        total += size
        if total > limit:
            raise FramingError(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "Request Entity Too Large")
        chunk = stream.read(size)
        if len(chunk) < size or _line(stream).strip():
            raise FramingError(HTTPStatus.BAD_REQUEST, "chunk data does not match its size")
        parts.append(chunk)
    # Trailer fields are dropped, as API Gateway does: they never reach the function.
    while _line(stream).strip():
        pass
    return b"".join(parts)


def _line(stream: Readable) -> bytes:
    """One CRLF- (or LF-) terminated line; FramingError on EOF or an overlong line."""
    line = stream.readline(MAX_LINE_BYTES + 1)
    if not line.endswith(b"\n") or len(line) > MAX_LINE_BYTES:
        raise FramingError(HTTPStatus.BAD_REQUEST, "incomplete chunked body")
    return line
