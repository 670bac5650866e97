"""The API's input rules, stated once: validation and /openapi.json are both built from them.

Each rule checks a value and describes itself as a JSON Schema, from the same
numbers and the same pattern string, so the document cannot promise what the
validator refuses or the reverse. Python's ``re.fullmatch`` and an ECMA-262
validator read these patterns alike: they use only literal ranges (no ``\\s``,
``\\d`` or ``\\w``, whose sets differ between the two) and anchor both ends.
"""

import base64
import binascii
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from crosscloud_api.exceptions import (
    PayloadTooLargeError,
    UnsupportedMediaTypeError,
    ValidationError,
)

# Control characters (C0, DEL, C1): never part of a name, key or URL.
_CONTROL = r"\x00-\x1f\x7f-\x9f"
# Whitespace per ECMA-262 \s and Python str.isspace, spelt out so both agree.
_SPACE = r"\x20\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
_VISIBLE = f"[^{_CONTROL}{_SPACE}]"
# A key segment: no slash or backslash, no control character, not "." or "..".
_SEGMENT = rf"(?!\.\.?(?:/|$))[^/\\{_CONTROL}]+"

SLUG_PATTERN = r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$"
NAME_PATTERN = rf"^[^{_CONTROL}]*{_VISIBLE}[^{_CONTROL}]*$"
URL_PATTERN = rf"^https?://[^/?#{_CONTROL}{_SPACE}]+(?:[/?#]{_VISIBLE}*)?$"
KEY_PATTERN = rf"^{_SEGMENT}(?:/{_SEGMENT})*$"
PREFIX_PATTERN = rf"^{_SEGMENT}(?:/{_SEGMENT})*/?$"
CURSOR_PATTERN = r"^[A-Za-z0-9_-]+$"
# An ISO week: the year, "-W" and a week number 01-53. Whether a year has a week 53 is
# the calendar's business: 2025-W53 (or year 0000) matches, and simply has no report (404).
PERIOD_PATTERN = r"^[0-9]{4}-W(?:0[1-9]|[1-4][0-9]|5[0-3])$"
BASE64_PATTERN = r"^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$"
# S3 and GCS both limit object names to 1024 bytes of UTF-8; JSON Schema counts
# characters, so the byte limit is stated beside maxLength as an extension.
MAX_KEY_BYTES = 1024
# PostgreSQL BIGINT holds 2**63-1; 2**53 is also exact in every JSON parser.
MAX_COUNT = 2**53
MAX_LINK_SECONDS = 7 * 24 * 3600  # the longest a SigV4 / GCS V4 signature may live


@dataclass(frozen=True)
class Limits:
    """The deployment's own limits, which some rules need (upload size, accepted media types)."""

    max_upload_bytes: int
    media_types: tuple[str, ...]


class Rule(Protocol):
    """One field's rule: it checks a value and describes itself as a JSON Schema."""

    def schema(self, limits: Limits) -> dict[str, Any]:
        """The JSON Schema of the values this rule accepts."""
        ...

    def check(self, value: Any, name: str, limits: Limits) -> Any:
        """The accepted value, or ValidationError naming ``name``."""
        ...


def storable(value: str, name: str) -> str:
    """Refuse text PostgreSQL cannot store: NUL (any text type) and lone surrogates (not UTF-8)."""
    if "\x00" in value:
        raise ValidationError(f"{name} must not contain NUL characters", field=name)
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValidationError(f"{name} must be valid Unicode text", field=name) from exc
    return value


@dataclass(frozen=True)
class Text:
    """A string of ``min_length``..``max_length`` characters matching ``pattern``."""

    max_length: int
    pattern: str
    description: str
    min_length: int = 1
    max_bytes: int | None = None

    def schema(self, limits: Limits) -> dict[str, Any]:
        """The string schema."""
        schema: dict[str, Any] = {
            "type": "string",
            "minLength": self.min_length,
            "maxLength": self.max_length,
            "pattern": self.pattern,
            "description": self.description,
        }
        if self.max_bytes is not None:
            schema["x-maxBytes"] = self.max_bytes
        return schema

    def check(self, value: Any, name: str, limits: Limits) -> str:
        """The string, checked against every limit."""
        if not isinstance(value, str):
            raise ValidationError(f"{name} must be a string", field=name)
        storable(value, name)
        if not self.min_length <= len(value) <= self.max_length:
            raise ValidationError(
                f"{name} must be {self.min_length}-{self.max_length} characters long", field=name
            )
        if self.max_bytes is not None and len(value.encode("utf-8")) > self.max_bytes:
            raise ValidationError(f"{name} must be at most {self.max_bytes} bytes", field=name)
        if not re.fullmatch(self.pattern, value):
            raise ValidationError(f"{name} must be {self.description}", field=name)
        return value


@dataclass(frozen=True)
class Integer:
    """A whole number within [minimum, maximum] (a JSON number, or digits in a query string)."""

    minimum: int
    maximum: int
    description: str

    def schema(self, limits: Limits) -> dict[str, Any]:
        """The integer schema."""
        return {
            "type": "integer",
            "minimum": self.minimum,
            "maximum": self.maximum,
            "description": self.description,
        }

    def check(self, value: Any, name: str, limits: Limits) -> int:
        """An integer: not true/false, "12" or 12.0 (OpenAPI 3.0's JSON Schema agrees)."""
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValidationError(f"{name} must be an integer", field=name)
        if not self.minimum <= value <= self.maximum:
            raise ValidationError(
                f"{name} must be between {self.minimum} and {self.maximum}", field=name
            )
        return value

    def parse(self, raw: str, name: str, limits: Limits) -> int:
        """A query-string value: optional minus sign and at most 20 digits, nothing else."""
        if not re.fullmatch(r"-?[0-9]{1,20}", raw):
            raise ValidationError(f"{name} must be an integer", field=name)
        return self.check(int(raw), name, limits)


@dataclass(frozen=True)
class MediaType:
    """One of the deployment's accepted media types, exactly as listed; others are a 415."""

    description: str = "a media type the deployment accepts"

    def schema(self, limits: Limits) -> dict[str, Any]:
        """The enum schema."""
        return {"type": "string", "enum": list(limits.media_types), "description": self.description}

    def check(self, value: Any, name: str, limits: Limits) -> str:
        """The media type; a string outside the list is 415, anything else 400."""
        if not isinstance(value, str):
            raise ValidationError(f"{name} must be a string", field=name)
        storable(value, name)
        if value not in limits.media_types:
            raise UnsupportedMediaTypeError(
                f"{name} is not accepted; allowed: {', '.join(limits.media_types)}", field=name
            )
        return value


@dataclass(frozen=True)
class Base64Content:
    """File content in standard base64 with padding; its decoded size is checked by the route."""

    description: str = "the file's bytes in standard base64, padded"

    def max_length(self, limits: Limits) -> int:
        """The longest encoding of an upload of the maximum size."""
        return math.ceil(limits.max_upload_bytes / 3) * 4

    def schema(self, limits: Limits) -> dict[str, Any]:
        """The string schema (format byte is RFC 4648 base64)."""
        return {
            "type": "string",
            "format": "byte",
            "pattern": BASE64_PATTERN,
            "maxLength": self.max_length(limits),
            "description": f"{self.description}; at most {limits.max_upload_bytes} bytes decoded",
        }

    def check(self, value: Any, name: str, limits: Limits) -> bytes:
        """The decoded bytes; more than the upload limit is a 413, not a 400."""
        if not isinstance(value, str):
            raise ValidationError(f"{name} must be a base64 string", field=name)
        # Refused before decoding: base64 is 4/3 the size of what it carries.
        if len(value) > self.max_length(limits):
            raise too_large(limits, name)
        if not re.fullmatch(BASE64_PATTERN, value):
            raise ValidationError(f"{name} is not valid base64", field=name)
        try:
            data = base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError) as exc:  # pragma: no cover - the pattern forbids it
            raise ValidationError(f"{name} is not valid base64", field=name) from exc
        if len(data) > limits.max_upload_bytes:
            raise too_large(limits, name)
        return data


def too_large(limits: Limits, name: str) -> PayloadTooLargeError:
    """The 413 of an inline upload, pointing at the upload-link flow."""
    return PayloadTooLargeError(
        f"inline uploads are limited to {limits.max_upload_bytes} bytes; "
        "use POST /files/{key}/upload-link",
        field=name,
    )


@dataclass(frozen=True)
class Body:
    """A JSON object body: these fields and no others, ``required`` ones present."""

    fields: Mapping[str, Rule]
    required: frozenset[str] = field(default_factory=frozenset)

    def schema(self, limits: Limits) -> dict[str, Any]:
        """The object schema; unknown properties are refused."""
        schema: dict[str, Any] = {
            "type": "object",
            "properties": {name: rule.schema(limits) for name, rule in self.fields.items()},
            "additionalProperties": False,
        }
        if self.required:
            schema["required"] = [name for name in self.fields if name in self.required]
        return schema

    def check(self, body: Mapping[str, Any], limits: Limits) -> dict[str, Any]:
        """The checked values of the fields present; the first failure in field order is named."""
        for name in body:
            if name not in self.fields:
                raise _unknown(name)
        checked: dict[str, Any] = {}
        for name, rule in self.fields.items():
            if name in body:
                checked[name] = rule.check(body[name], name, limits)
            elif name in self.required:
                raise ValidationError(f"{name} is required", field=name)
        return checked


@dataclass(frozen=True)
class Query:
    """A query parameter: given at most once, never empty, checked by its rule."""

    name: str
    rule: Text | Integer
    default: Any = None

    def schema(self, limits: Limits) -> dict[str, Any]:
        """The parameter object."""
        schema = self.rule.schema(limits)
        if self.default is not None:
            schema["default"] = self.default
        return {"name": self.name, "in": "query", "required": False, "schema": schema}

    def read(self, values: list[str], limits: Limits) -> Any:
        """The checked value, or the default when absent."""
        if not values:
            return self.default
        if len(values) > 1:
            raise ValidationError(f"{self.name} may be given only once", field=self.name)
        if values[0] == "":
            raise ValidationError(f"{self.name} must not be empty", field=self.name)
        if isinstance(self.rule, Integer):
            return self.rule.parse(values[0], self.name, limits)
        return self.rule.check(values[0], self.name, limits)


def _unknown(name: str) -> ValidationError:
    """An unknown field, named when the name is plain enough to echo back."""
    if re.fullmatch(r"[A-Za-z0-9_.-]{1,64}", name):
        return ValidationError(f"{name} is not a field of this request", field=name)
    return ValidationError("the body has a field this request does not accept", field="body")


# -- the fields ------------------------------------------------------------------------------

CHANNEL_ID = Text(64, SLUG_PATTERN, "a slug of lowercase letters, digits and inner hyphens")
NAME = Text(200, NAME_PATTERN, "text without control characters, not only whitespace")
URL = Text(2048, URL_PATTERN, "an absolute http(s) URL without whitespace or control characters")
SUBSCRIBER_COUNT = Integer(0, MAX_COUNT, "the number of subscribers")
KEY = Text(
    1024,
    KEY_PATTERN,
    "an object key: '/'-separated parts, none empty, '.' or '..', "
    "without backslashes or control characters, at most 1024 bytes of UTF-8",
    max_bytes=MAX_KEY_BYTES,
)
PREFIX = Text(1024, PREFIX_PATTERN, "a key prefix (key rules; may end with '/')", max_bytes=1024)
CURSOR = Text(8192, CURSOR_PATTERN, "the next_cursor of the previous page, unchanged")
EXPIRES_IN = Integer(1, MAX_LINK_SECONDS, "the link's lifetime in seconds")
PERIOD = Text(8, PERIOD_PATTERN, "an ISO week such as 2026-W05", min_length=8)
MEDIA_TYPE = MediaType()
CONTENT = Base64Content()

CREATE_CHANNEL = Body(
    {"id": CHANNEL_ID, "name": NAME, "url": URL, "subscriber_count": SUBSCRIBER_COUNT},
    frozenset({"id", "name", "url"}),
)
# PUT replaces every writable field; the id is the path's.
REPLACE_CHANNEL = Body(
    {"name": NAME, "url": URL, "subscriber_count": SUBSCRIBER_COUNT},
    frozenset({"name", "url", "subscriber_count"}),
)
UPLOAD_JSON = Body(
    {"key": KEY, "content": CONTENT, "content_type": MEDIA_TYPE},
    frozenset({"key", "content", "content_type"}),
)
# The file part's own Content-Type counts when the content_type field is absent.
UPLOAD_FORM = Body({"key": KEY, "content_type": MEDIA_TYPE}, frozenset({"key"}))
DOWNLOAD_LINK = Body({"expires_in": EXPIRES_IN})
# A report's links live at most as long as the signing credentials allow (one hour on
# AWS, see crosscloud_reports.links), so the answer states the lifetime it granted.
REPORT_LINK = Body({"expires_in": EXPIRES_IN})
UPLOAD_LINK = Body(
    {"content_type": MEDIA_TYPE, "expires_in": EXPIRES_IN}, frozenset({"content_type"})
)

DEFAULT_LINK_SECONDS = 3600
CHANNELS_LIMIT = Query("limit", Integer(1, 200, "the page size"), default=50)
FILES_LIMIT = Query("limit", Integer(1, 1000, "the page size"), default=100)
PAGE_CURSOR = Query("cursor", CURSOR)
FILES_PREFIX = Query("prefix", PREFIX)
