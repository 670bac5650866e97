"""Channels: list, create, read, replace, delete."""

import base64
import binascii
from typing import TYPE_CHECKING, Any

from flask import Blueprint, Response, jsonify, url_for

from crosscloud_api.exceptions import ValidationError
from crosscloud_api.routes import services
from crosscloud_api.validation import bounded_int, json_body, query_param, slug, text

if TYPE_CHECKING:  # the database layer loads on the first channels request
    from crosscloud_api.channels import ChannelFields

bp = Blueprint("channels", __name__)
DEFAULT_PAGE = 50
MAX_PAGE = 200
MAX_SUBSCRIBERS = 2**53  # exact in every JSON parser


@bp.get("/channels")
def list_channels() -> Response:
    """A page of channels ordered by id, with the cursor of the next page."""
    limit = bounded_int(query_param("limit") or DEFAULT_PAGE, "limit", minimum=1, maximum=MAX_PAGE)
    cursor = query_param("cursor")
    after = _decode_cursor(cursor) if cursor else None
    items, last = services().channels.list(limit, after)
    next_cursor = _encode_cursor(last) if last else None
    return jsonify({"items": [c.to_json() for c in items], "next_cursor": next_cursor})


@bp.post("/channels")
def create_channel() -> tuple[Response, int, dict[str, str]]:
    """Create a channel; 409 when the id exists."""
    body = json_body()
    channel_id = slug(body.get("id"))
    channel = services().channels.create(channel_id, _fields(body))
    location = url_for("channels.get_channel", channel_id=channel_id)
    return jsonify(channel.to_json()), 201, {"Location": location}


@bp.get("/channels/<channel_id>")
def get_channel(channel_id: str) -> Response:
    """One channel."""
    return jsonify(services().channels.get(channel_id).to_json())


@bp.put("/channels/<channel_id>")
def replace_channel(channel_id: str) -> Response:
    """Replace a channel's name, url and subscriber count."""
    body = json_body()
    if "id" in body and body["id"] != channel_id:
        raise ValidationError("id in the body must match the path", field="id")
    fields = _fields(body, require_count=True)
    return jsonify(services().channels.replace(channel_id, fields).to_json())


@bp.delete("/channels/<channel_id>")
def delete_channel(channel_id: str) -> tuple[str, int]:
    """Delete a channel."""
    services().channels.delete(channel_id)
    return "", 204


def _fields(body: dict[str, Any], *, require_count: bool = False) -> "ChannelFields":
    """Validate the writable fields of a channel."""
    from crosscloud_api.channels import ChannelFields

    url = text(body, "url", max_length=2048)
    if not url.startswith(("https://", "http://")) or len(url.split("//", 1)[1]) == 0:
        raise ValidationError("url must be an absolute http(s) URL", field="url")
    if require_count and "subscriber_count" not in body:
        raise ValidationError("subscriber_count is required", field="subscriber_count")
    count = bounded_int(
        body.get("subscriber_count", 0), "subscriber_count", minimum=0, maximum=MAX_SUBSCRIBERS
    )
    return ChannelFields(name=text(body, "name", max_length=200), url=url, subscriber_count=count)


def _encode_cursor(channel_id: str) -> str:
    """An opaque cursor: clients must not build their own."""
    return base64.urlsafe_b64encode(channel_id.encode()).decode().rstrip("=")


def _decode_cursor(cursor: str) -> str:
    """The id a cursor stands for."""
    try:
        decoded = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        raise ValidationError("cursor is not valid", field="cursor") from exc
    return slug(decoded, "cursor")
