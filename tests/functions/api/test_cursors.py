"""Opaque cursors: round trip, and every way a cursor can be wrong is 400 invalid_cursor."""

import base64
import hashlib
import json

import pytest
from crosscloud_api import cursors
from crosscloud_api.exceptions import InvalidCursorError

PARAMS = {"prefix": "a/", "limit": 2}


def _forge(payload: bytes) -> str:
    """A cursor with a correct checksum over ``payload`` (what a determined client could make)."""
    checksum = hashlib.sha256(b"crosscloud-cursor\x00" + payload).digest()[:8]
    return base64.urlsafe_b64encode(checksum + payload).decode().rstrip("=")


def test_round_trip_keeps_the_backend_token() -> None:
    """The token comes back unchanged, and the cursor is URL-safe without padding."""
    cursor = cursors.encode("s3/continuation+token==", PARAMS)
    assert cursors.decode(cursor, PARAMS) == "s3/continuation+token=="
    assert set(cursor) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


@pytest.mark.parametrize(
    "cursor",
    [
        "garbage",
        "%%%",
        "A",
        cursors.encode("t", PARAMS)[:-2],  # truncated
        "B" + cursors.encode("t", PARAMS)[1:],  # altered checksum
        _forge(b"not json"),
        _forge(b"[1]"),
        _forge(json.dumps({"v": 2, "t": "t", "p": PARAMS}).encode()),
        _forge(json.dumps({"v": 1, "t": "", "p": PARAMS}).encode()),
        _forge(json.dumps({"v": 1, "t": 5, "p": PARAMS}).encode()),
    ],
)
def test_anything_the_api_did_not_issue_is_refused(cursor: str) -> None:
    """Garbage, truncation, tampering, another version, a forged envelope: invalid_cursor."""
    with pytest.raises(InvalidCursorError) as raised:
        cursors.decode(cursor, PARAMS)
    assert raised.value.field == "cursor"
    assert raised.value.code == "invalid_cursor"


@pytest.mark.parametrize("other", [{"prefix": "b/", "limit": 2}, {"prefix": "a/", "limit": 3}, {}])
def test_a_cursor_belongs_to_its_listing(other: dict[str, object]) -> None:
    """Replayed with another prefix or page size, a cursor is refused, naming why."""
    with pytest.raises(InvalidCursorError, match="other parameters"):
        cursors.decode(cursors.encode("t", PARAMS), other)  # type: ignore[arg-type]
