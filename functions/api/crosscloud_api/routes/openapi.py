"""GET /openapi.json: the OpenAPI 3 description of every route (a test keeps it in sync)."""

from typing import Any

from flask import Blueprint, Response, jsonify

from crosscloud_api.routes import settings

bp = Blueprint("openapi", __name__)


def _ref(name: str) -> dict[str, str]:
    """A reference to a component schema."""
    return {"$ref": f"#/components/schemas/{name}"}


def _page(item: str) -> dict[str, Any]:
    """A cursor-paginated list of ``item`` schemas."""
    return {
        "type": "object",
        "properties": {
            "items": {"type": "array", "items": _ref(item)},
            "next_cursor": {"type": "string", "nullable": True},
        },
    }


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    """A JSON response object."""
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _errors(*statuses: int) -> dict[str, Any]:
    """The shared error response for each status."""
    return {str(s): {"$ref": "#/components/responses/Error"} for s in statuses}


def _param(name: str, where: str, schema: dict[str, Any], required: bool = False) -> dict:
    """A parameter object."""
    return {"name": name, "in": where, "required": required, "schema": schema}


CHANNEL_ID = _param("channel_id", "path", {"type": "string", "pattern": "^[a-z0-9-]{1,64}$"}, True)
KEY = _param("key", "path", {"type": "string", "maxLength": 1024}, True)
LIMIT = _param("limit", "query", {"type": "integer", "minimum": 1})
CURSOR = _param("cursor", "query", {"type": "string"})
LINK_BODY = {
    "type": "object",
    "properties": {"expires_in": {"type": "integer", "minimum": 1, "maximum": 604800}},
}


def build_spec(max_upload_bytes: int, allowed: list[str]) -> dict[str, Any]:
    """The OpenAPI document, with the deployed limits filled in."""
    channel_body = {"content": {"application/json": {"schema": _ref("ChannelInput")}}}
    upload_json = {
        "type": "object",
        "required": ["key", "content", "content_type"],
        "properties": {
            "key": {"type": "string"},
            "content": {"type": "string", "format": "byte"},
            "content_type": {"type": "string", "enum": allowed},
        },
    }
    upload_form = {
        "type": "object",
        "required": ["key", "file"],
        "properties": {
            "key": {"type": "string"},
            "content_type": {"type": "string", "enum": allowed},
            "file": {"type": "string", "format": "binary"},
        },
    }
    link = _json(_ref("Link"), "a time-limited URL")
    return {
        "openapi": "3.0.3",
        "info": {"title": "crosscloud API", "version": "1.0.0"},
        "paths": {
            "/health": {"get": {"summary": "Liveness", "responses": {"200": _json({}, "up")}}},
            "/health/ready": {
                "get": {
                    "summary": "Readiness of every backend",
                    "responses": {"200": _json({}, "ready"), **_errors(503)},
                }
            },
            "/channels": {
                "get": {
                    "summary": "List channels",
                    "parameters": [LIMIT, CURSOR],
                    "responses": {"200": _json(_ref("ChannelPage"), "a page"), **_errors(400, 503)},
                },
                "post": {
                    "summary": "Create a channel",
                    "requestBody": channel_body,
                    "responses": {
                        "201": _json(_ref("Channel"), "created"),
                        **_errors(400, 409, 415, 503),
                    },
                },
            },
            "/channels/{channel_id}": {
                "parameters": [CHANNEL_ID],
                "get": {
                    "summary": "Get a channel",
                    "responses": {"200": _json(_ref("Channel"), "the channel"), **_errors(404)},
                },
                "put": {
                    "summary": "Replace a channel",
                    "requestBody": channel_body,
                    "responses": {
                        "200": _json(_ref("Channel"), "replaced"),
                        **_errors(400, 404, 415, 503),
                    },
                },
                "delete": {
                    "summary": "Delete a channel",
                    "responses": {"204": {"description": "deleted"}, **_errors(404, 503)},
                },
            },
            "/files": {
                "get": {
                    "summary": "List files",
                    "parameters": [_param("prefix", "query", {"type": "string"}), LIMIT, CURSOR],
                    "responses": {"200": _json(_ref("FilePage"), "a page"), **_errors(400, 503)},
                },
                "post": {
                    "summary": f"Upload a file of at most {max_upload_bytes} bytes",
                    "requestBody": {
                        "content": {
                            "application/json": {"schema": upload_json},
                            "multipart/form-data": {"schema": upload_form},
                        }
                    },
                    "responses": {
                        "201": _json(_ref("File"), "stored"),
                        **_errors(400, 413, 415, 503),
                    },
                },
            },
            "/files/{key}": {
                "parameters": [KEY],
                "get": {
                    "summary": "A file's metadata",
                    "responses": {"200": _json(_ref("File"), "metadata"), **_errors(400, 404)},
                },
                "delete": {
                    "summary": "Delete a file",
                    "responses": {"204": {"description": "deleted"}, **_errors(400, 404, 503)},
                },
            },
            "/files/{key}/link": {
                "parameters": [KEY],
                "post": {
                    "summary": "A time-limited download URL",
                    "requestBody": {"content": {"application/json": {"schema": LINK_BODY}}},
                    "responses": {"200": link, **_errors(400, 404, 415, 503)},
                },
            },
            "/files/{key}/upload-link": {
                "parameters": [KEY],
                "post": {
                    "summary": "A time-limited PUT URL for large files",
                    "requestBody": {
                        "content": {
                            "application/json": {
                                "schema": {
                                    **LINK_BODY,
                                    "required": ["content_type"],
                                    "properties": {
                                        **LINK_BODY["properties"],
                                        "content_type": {"type": "string", "enum": allowed},
                                    },
                                }
                            }
                        }
                    },
                    "responses": {"200": link, **_errors(400, 415, 503)},
                },
            },
            "/openapi.json": {
                "get": {"summary": "This document", "responses": {"200": _json({}, "OpenAPI")}}
            },
        },
        "components": {"schemas": SCHEMAS, "responses": {"Error": _json(_ref("Error"), "error")}},
    }


_TIMESTAMP = {"type": "string", "format": "date-time"}
SCHEMAS: dict[str, Any] = {
    "Error": {
        "type": "object",
        "required": ["error", "message"],
        "properties": {
            "error": {"type": "string"},
            "message": {"type": "string"},
            "field": {"type": "string"},
        },
    },
    "ChannelInput": {
        "type": "object",
        "required": ["name", "url"],
        "properties": {
            "id": {"type": "string", "pattern": "^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$"},
            "name": {"type": "string", "maxLength": 200},
            "url": {"type": "string", "format": "uri", "maxLength": 2048},
            "subscriber_count": {"type": "integer", "minimum": 0},
        },
    },
    "Channel": {
        "type": "object",
        "properties": {
            "id": {"type": "string"},
            "name": {"type": "string"},
            "url": {"type": "string"},
            "subscriber_count": {"type": "integer"},
            "created_at": _TIMESTAMP,
            "updated_at": _TIMESTAMP,
        },
    },
    "ChannelPage": _page("Channel"),
    "File": {
        "type": "object",
        "properties": {
            "key": {"type": "string"},
            "size": {"type": "integer"},
            "content_type": {"type": "string", "nullable": True},
            "etag": {"type": "string"},
            "last_modified": _TIMESTAMP,
        },
    },
    "FilePage": _page("File"),
    "Link": {
        "type": "object",
        "properties": {
            "url": {"type": "string"},
            "method": {"type": "string", "enum": ["GET", "PUT"]},
            "headers": {"type": "object", "additionalProperties": {"type": "string"}},
            "expires_in": {"type": "integer"},
            "expires_at": _TIMESTAMP,
        },
    },
}


@bp.get("/openapi.json")
def openapi_document() -> Response:
    """The document."""
    config = settings()
    return jsonify(build_spec(config.max_upload_bytes, sorted(config.allowed_content_types)))
