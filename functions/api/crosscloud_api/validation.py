"""Reading a request against the contract: every failure names the field and precedes any write."""

import json
from typing import Any

from flask import request

from crosscloud_api.contract import Body, Limits, Query, Rule
from crosscloud_api.exceptions import (
    InvalidJsonError,
    UnsupportedMediaTypeError,
    ValidationError,
)

JSON = "application/json"


def json_body(spec: Body, limits: Limits, *, optional: bool = False) -> dict[str, Any]:
    """The request's JSON object, checked against ``spec``; no body is ``{}`` when ``optional``."""
    data = request.get_data(cache=True)
    if not data:
        if optional:
            return {}
        raise ValidationError("a JSON request body is required", field="body")
    if request.mimetype != JSON:
        raise UnsupportedMediaTypeError(f"the request body must be {JSON}", field="body")
    return spec.check(_json_object(data), limits)


def _json_object(data: bytes) -> dict[str, Any]:
    """Parse strictly: UTF-8, no NaN/Infinity; malformed JSON and a non-object are told apart."""
    try:
        value = json.loads(data.decode("utf-8"), parse_constant=_no_constant)
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise InvalidJsonError("the request body is not well-formed JSON", field="body") from exc
    if not isinstance(value, dict):
        raise ValidationError("the request body must be a JSON object", field="body")
    return value


def _no_constant(name: str) -> Any:
    """NaN and Infinity are not JSON (RFC 8259), though Python's parser takes them."""
    raise ValueError(f"{name} is not JSON")


def query(spec: Query, limits: Limits) -> Any:
    """One query parameter, checked; its default when absent."""
    return spec.read(request.args.getlist(spec.name), limits)


def path(rule: Rule, value: str, name: str, limits: Limits) -> Any:
    """A path parameter, checked by its rule."""
    return rule.check(value, name, limits)
