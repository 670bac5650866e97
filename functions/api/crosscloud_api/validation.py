"""Request parsing helpers: every failure names the field and happens before any write."""

import base64
import binascii
import re
from typing import Any

from flask import request

from crosscloud_api.exceptions import UnsupportedMediaTypeError, ValidationError

SLUG = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?")
MAX_KEY_BYTES = 1024
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def json_body(*, optional: bool = False) -> dict[str, Any]:
    """The request's JSON object; an empty body is ``{}`` when ``optional``."""
    if optional and not request.get_data(cache=True):
        return {}
    if not request.is_json:
        raise UnsupportedMediaTypeError("the request body must be application/json")
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ValidationError("the request body must be a JSON object", field="body")
    return body


def query_param(name: str) -> str | None:
    """A single-valued query parameter; repeating it is ambiguous, so it is rejected."""
    values = request.args.getlist(name)
    if len(values) > 1:
        raise ValidationError(f"{name} may be given only once", field=name)
    return values[0] if values else None


def bounded_int(value: Any, field: str, *, minimum: int, maximum: int) -> int:
    """An integer within [minimum, maximum]; numeric strings come from query strings."""
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        value = int(value)
    # bool is an int subclass; true is not a count.
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(f"{field} must be an integer", field=field)
    if not minimum <= value <= maximum:
        raise ValidationError(f"{field} must be between {minimum} and {maximum}", field=field)
    return value


def text(body: dict[str, Any], field: str, *, max_length: int) -> str:
    """A required, non-blank string field."""
    value = body.get(field)
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(f"{field} is required and must be a non-empty string", field=field)
    if len(value) > max_length:
        raise ValidationError(f"{field} must be at most {max_length} characters", field=field)
    return value


def slug(value: Any, field: str = "id") -> str:
    """A channel id: lowercase letters, digits and inner hyphens, at most 64 characters."""
    if not isinstance(value, str) or not SLUG.fullmatch(value):
        raise ValidationError(
            f"{field} must be a slug of lowercase letters, digits and hyphens (1-64)", field=field
        )
    return value


def object_key(value: Any, field: str = "key") -> str:
    """An object key that cannot escape its prefix or confuse a path-based client."""
    if not isinstance(value, str) or not value:
        raise ValidationError(f"{field} is required", field=field)
    if len(value.encode("utf-8")) > MAX_KEY_BYTES:
        raise ValidationError(f"{field} must be at most {MAX_KEY_BYTES} bytes", field=field)
    if value.startswith("/") or value.endswith("/") or "//" in value or "\\" in value:
        raise ValidationError(f"{field} must be a relative path without empty parts", field=field)
    if any(part in (".", "..") for part in value.split("/")):
        raise ValidationError(f"{field} must not contain '.' or '..' parts", field=field)
    if _CONTROL.search(value):
        raise ValidationError(f"{field} must not contain control characters", field=field)
    return value


def base64_content(value: Any, field: str = "content") -> bytes:
    """Strictly decoded base64 (standard alphabet, padding required)."""
    if not isinstance(value, str):
        raise ValidationError(f"{field} must be a base64 string", field=field)
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValidationError(f"{field} is not valid base64", field=field) from exc


def content_type(value: Any, allowed: frozenset[str], field: str = "content_type") -> str:
    """A media type from the allow-list (parameters such as charset are ignored)."""
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(f"{field} is required", field=field)
    media_type = value.split(";", 1)[0].strip().lower()
    if media_type not in allowed:
        raise UnsupportedMediaTypeError(
            f"{field} {media_type!r} is not accepted; allowed: {', '.join(sorted(allowed))}",
            field=field,
        )
    return media_type
