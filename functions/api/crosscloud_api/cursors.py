"""Opaque page cursors: a versioned, checksummed envelope around the backend's own token.

The API checks a cursor itself before any backend sees it, so garbage is the same
400 ``invalid_cursor`` on S3, GCS and the database, whatever each backend would
make of it. The envelope also records the listing's parameters: a cursor replayed
with another prefix or page size is refused rather than silently mis-paging.
The checksum catches corruption and hand-made cursors, not a determined forger;
a forged token still only reaches the backend's own validation of its token.
"""

import base64
import binascii
import hashlib
import hmac
import json
from collections.abc import Mapping

from crosscloud_api.exceptions import InvalidCursorError

VERSION = 1
CHECKSUM_BYTES = 8
# Separates these checksums from any other SHA-256 use of the same bytes.
_DOMAIN = b"crosscloud-cursor\x00"
Params = Mapping[str, str | int]


def encode(token: str, params: Params) -> str:
    """The cursor for the page after ``token`` of the listing described by ``params``."""
    payload = json.dumps(
        {"v": VERSION, "t": token, "p": dict(params)}, separators=(",", ":"), sort_keys=True
    ).encode()
    return base64.urlsafe_b64encode(_checksum(payload) + payload).decode().rstrip("=")


def decode(cursor: str, params: Params) -> str:
    """The backend token inside ``cursor``; InvalidCursorError unless it is ours and fits."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
    except (binascii.Error, ValueError) as exc:
        raise _invalid("cursor is not a cursor this API issued") from exc
    checksum, payload = raw[:CHECKSUM_BYTES], raw[CHECKSUM_BYTES:]
    if not hmac.compare_digest(checksum, _checksum(payload)):
        raise _invalid("cursor is not a cursor this API issued")
    try:
        envelope = json.loads(payload)
    except ValueError as exc:  # a forged checksum over bytes that are not JSON
        raise _invalid("cursor is not a cursor this API issued") from exc
    if not isinstance(envelope, dict):
        raise _invalid("cursor is not a cursor this API issued")
    if envelope.get("v") != VERSION:
        raise _invalid("cursor comes from another version of the API; list again")
    if envelope.get("p") != dict(params):
        raise _invalid("cursor belongs to a listing with other parameters (prefix, limit)")
    token = envelope.get("t")
    if not isinstance(token, str) or not token:
        raise _invalid("cursor is not a cursor this API issued")
    return token


def _checksum(payload: bytes) -> bytes:
    """The first bytes of SHA-256 over the domain and the payload."""
    return hashlib.sha256(_DOMAIN + payload).digest()[:CHECKSUM_BYTES]


def _invalid(message: str) -> InvalidCursorError:
    """The 400 of a cursor."""
    return InvalidCursorError(message, field="cursor")
