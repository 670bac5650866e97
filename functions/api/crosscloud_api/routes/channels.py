"""Channels: list, create, read, replace, delete."""

from typing import Any

from flask import Blueprint, Response, jsonify, url_for

from crosscloud_api import contract, cursors
from crosscloud_api.channels import ChannelFields
from crosscloud_api.exceptions import InvalidCursorError, ValidationError
from crosscloud_api.routes import limits, services
from crosscloud_api.validation import json_body, path, query

bp = Blueprint("channels", __name__)


@bp.get("/channels")
def list_channels() -> Response:
    """A page of channels ordered by id, with the cursor of the next page."""
    limit = query(contract.CHANNELS_LIMIT, limits())
    cursor = query(contract.PAGE_CURSOR, limits())
    params = {"limit": limit}
    after = _after(cursors.decode(cursor, params)) if cursor else None
    items, last = services().channels.list(limit, after)
    next_cursor = cursors.encode(last, params) if last else None
    return jsonify({"items": [c.to_json() for c in items], "next_cursor": next_cursor})


@bp.post("/channels")
def create_channel() -> tuple[Response, int, dict[str, str]]:
    """Create a channel; 409 when the id exists."""
    body = json_body(contract.CREATE_CHANNEL, limits())
    channel_id = body.pop("id")
    channel = services().channels.create(channel_id, ChannelFields(**_with_defaults(body)))
    location = url_for("channels.get_channel", channel_id=channel_id)
    return jsonify(channel.to_json()), 201, {"Location": location}


@bp.get("/channels/<channel_id>")
def get_channel(channel_id: str) -> Response:
    """One channel."""
    channel_id = path(contract.CHANNEL_ID, channel_id, "channel_id", limits())
    return jsonify(services().channels.get(channel_id).to_json())


@bp.put("/channels/<channel_id>")
def replace_channel(channel_id: str) -> Response:
    """Replace a channel's name, url and subscriber count."""
    channel_id = path(contract.CHANNEL_ID, channel_id, "channel_id", limits())
    body = json_body(contract.REPLACE_CHANNEL, limits())
    return jsonify(services().channels.replace(channel_id, ChannelFields(**body)).to_json())


@bp.delete("/channels/<channel_id>")
def delete_channel(channel_id: str) -> tuple[str, int]:
    """Delete a channel."""
    channel_id = path(contract.CHANNEL_ID, channel_id, "channel_id", limits())
    services().channels.delete(channel_id)
    return "", 204


def _with_defaults(body: dict[str, Any]) -> dict[str, Any]:
    """A new channel starts with no subscribers unless told otherwise."""
    return {"subscriber_count": 0, **body}


def _after(token: str) -> str:
    """The channel id a (checksummed) cursor carries, checked like any id."""
    try:
        return path(contract.CHANNEL_ID, token, "cursor", limits())
    except ValidationError as exc:
        raise InvalidCursorError("cursor is not a cursor this API issued", field="cursor") from exc
