"""GET /openapi.json: the OpenAPI 3 document, built from the same rules the validators apply."""

from typing import Any

from flask import Blueprint, Response, jsonify

from crosscloud_api import contract
from crosscloud_api.contract import Body, Limits, Query
from crosscloud_api.error_handlers import RETRY_AFTER_SECONDS
from crosscloud_api.routes import limits

bp = Blueprint("openapi", __name__)

# The codes each error status can carry in the body's "error" member.
ERROR_CODES: dict[int, tuple[str, ...]] = {
    400: ("validation_error", "invalid_json", "invalid_cursor", "bad_request"),
    404: ("not_found",),
    405: ("method_not_allowed",),
    409: ("conflict",),
    413: ("payload_too_large",),
    415: ("unsupported_media_type",),
    500: ("internal_error", "misconfigured"),
    503: ("backend_unavailable", "not_ready"),
}
DESCRIPTION = """\
Every error is a JSON object {"error": <code>, "message": <text>, ...}: "field" names the
request field at fault, readiness adds "checks". A method a path does not serve is a 405 with
an Allow header. Text fields refuse NUL characters and lone surrogates (PostgreSQL cannot store
them). Cursors are opaque: pass next_cursor back unchanged with the same prefix and limit.
On AWS, API Gateway itself answers 413 (not in this format) above Lambda's 6 MB payload."""


def build_spec(deployed: Limits) -> dict[str, Any]:
    """The OpenAPI document, with the deployment's limits filled in."""
    return {
        "openapi": "3.0.3",
        "info": {"title": "crosscloud API", "version": "1.1.0", "description": DESCRIPTION},
        "paths": _paths(deployed),
        "components": {
            "schemas": SCHEMAS,
            "responses": {f"Error{status}": _error(status) for status in ERROR_CODES},
        },
    }


def _paths(deployed: Limits) -> dict[str, Any]:
    """Every path the app serves."""
    channel_id = _path_param("channel_id", contract.CHANNEL_ID.schema(deployed))
    key = _path_param("key", contract.KEY.schema(deployed))
    period = _path_param("period", contract.PERIOD.schema(deployed))
    channel_links = {
        "GetChannel": _link("getChannel", "channel_id", "$response.body#/id"),
        "ReplaceChannel": _link("replaceChannel", "channel_id", "$response.body#/id"),
        "DeleteChannel": _link("deleteChannel", "channel_id", "$response.body#/id"),
    }
    file_links = {
        "GetFile": _link("getFile", "key", "$response.body#/key"),
        "DeleteFile": _link("deleteFile", "key", "$response.body#/key"),
        "DownloadLink": _link("downloadLink", "key", "$response.body#/key"),
    }
    return {
        "/health": {"get": _op("liveness", "Liveness", {"200": _ok(_ref("Health"), "up")})},
        "/health/ready": {
            "get": _op("readiness", "Readiness of every backend",
                       {"200": _ok(_ref("Ready"), "ready")}, 503)
        },
        "/openapi.json": {
            "get": _op("openapi", "This document", {"200": _ok({"type": "object"}, "OpenAPI")})
        },
        "/channels": {
            "get": _op(
                "listChannels", "List channels ordered by id",
                {"200": _ok(_ref("ChannelPage"), "a page")}, 400, 503,
                parameters=[_query(contract.CHANNELS_LIMIT, deployed),
                            _query(contract.PAGE_CURSOR, deployed)],
            ),
            "post": _op(
                "createChannel", "Create a channel",
                {"201": _created(_ref("Channel"), channel_links)}, 400, 409, 413, 415, 503,
                body=_json_body(contract.CREATE_CHANNEL, deployed),
            ),
        },
        "/channels/{channel_id}": {
            "parameters": [channel_id],
            "get": _op("getChannel", "Get a channel", {"200": _ok(_ref("Channel"), "the channel")},
                       400, 404, 503),
            "put": _op(
                "replaceChannel", "Replace a channel's writable fields",
                {"200": _ok(_ref("Channel"), "replaced")}, 400, 404, 413, 415, 503,
                body=_json_body(contract.REPLACE_CHANNEL, deployed),
            ),
            "delete": _op("deleteChannel", "Delete a channel", {"204": {"description": "deleted"}},
                          400, 404, 503),
        },
        "/files": {
            "get": _op(
                "listFiles", "List files ordered by key",
                {"200": _ok(_ref("FilePage"), "a page")}, 400, 503,
                parameters=[_query(contract.FILES_PREFIX, deployed),
                            _query(contract.FILES_LIMIT, deployed),
                            _query(contract.PAGE_CURSOR, deployed)],
            ),
            "post": _op(
                "uploadFile", f"Upload a file of at most {deployed.max_upload_bytes} bytes",
                {"201": _created(_ref("File"), file_links)}, 400, 413, 415, 503,
                body=_upload_body(deployed),
            ),
        },
        "/files/{key}": {
            "parameters": [key],
            "get": _op("getFile", "A file's metadata", {"200": _ok(_ref("File"), "metadata")},
                       400, 404, 503),
            "delete": _op("deleteFile", "Delete a file", {"204": {"description": "deleted"}},
                          400, 404, 503),
        },
        "/files/{key}/link": {
            "parameters": [key],
            "post": _op(
                "downloadLink", "A time-limited download URL for an existing file",
                {"200": _ok(_ref("Link"), "a signed GET URL")}, 400, 404, 413, 415, 503,
                body=_json_body(contract.DOWNLOAD_LINK, deployed, required=False),
            ),
        },
        "/files/{key}/upload-link": {
            "parameters": [key],
            "post": _op(
                "uploadLink", "A time-limited PUT URL for files too large to upload inline",
                {"200": _ok(_ref("Link"), "a signed PUT URL")}, 400, 404, 413, 415, 503,
                body=_json_body(contract.UPLOAD_LINK, deployed),
            ),
        },
        "/reports": {
            "get": _op(
                "listReports", "Every complete report, newest period first (404: none kept here)",
                {"200": _ok(_ref("ReportList"), "the reports")}, 404, 503,
            ),
        },
        "/reports/{period}/link": {
            "parameters": [period],
            "post": _op(
                "reportLinks", "Fresh download URLs for a report's files "
                "(at most one hour on AWS, where role credentials sign them)",
                {"200": _ok(_ref("ReportLinks"), "signed GET URLs")}, 400, 404, 413, 415, 503,
                body=_json_body(contract.REPORT_LINK, deployed, required=False),
            ),
        },
    }  # fmt: skip


def _op(
    operation_id: str,
    summary: str,
    responses: dict[str, Any],
    *errors: int,
    parameters: list[dict[str, Any]] | None = None,
    body: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """An operation; any operation can also fail with a 500."""
    operation: dict[str, Any] = {"operationId": operation_id, "summary": summary}
    if parameters:
        operation["parameters"] = parameters
    if body:
        operation["requestBody"] = body
    statuses = sorted({*errors, 500})
    error_refs = {str(s): {"$ref": f"#/components/responses/Error{s}"} for s in statuses}
    operation["responses"] = {**responses, **error_refs}
    return operation


def _ref(name: str) -> dict[str, str]:
    """A reference to a component schema."""
    return {"$ref": f"#/components/schemas/{name}"}


def _ok(schema: dict[str, Any], description: str) -> dict[str, Any]:
    """A JSON response."""
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _created(schema: dict[str, Any], links: dict[str, Any]) -> dict[str, Any]:
    """A 201 with the new resource's Location and the operations that can follow."""
    return {
        **_ok(schema, "created"),
        "headers": {"Location": {"required": True, "schema": {"type": "string"}}},
        "links": links,
    }


def _link(operation_id: str, parameter: str, expression: str) -> dict[str, Any]:
    """An OpenAPI link feeding ``expression`` into ``parameter`` of ``operation_id``."""
    return {"operationId": operation_id, "parameters": {parameter: expression}}


def _error(status: int) -> dict[str, Any]:
    """The shared error response of ``status``; a 503 says when to retry."""
    schema = {
        "allOf": [_ref("Error")],
        "properties": {"error": {"type": "string", "enum": list(ERROR_CODES[status])}},
    }
    response = _ok(schema, f"error {status}")
    if status == 503:
        retry = {"type": "string", "enum": [RETRY_AFTER_SECONDS]}
        response["headers"] = {"Retry-After": {"required": True, "schema": retry}}
    return response


def _path_param(name: str, schema: dict[str, Any]) -> dict[str, Any]:
    """A required path parameter."""
    return {"name": name, "in": "path", "required": True, "schema": schema}


def _query(spec: Query, deployed: Limits) -> dict[str, Any]:
    """A query parameter (an empty value is refused: its schema's minLength/pattern say so)."""
    return spec.schema(deployed)


def _json_body(spec: Body, deployed: Limits, *, required: bool = True) -> dict[str, Any]:
    """A JSON request body."""
    schema = spec.schema(deployed)
    return {"required": required, "content": {"application/json": {"schema": schema}}}


def _upload_body(deployed: Limits) -> dict[str, Any]:
    """POST /files: base64 in JSON, or a multipart form whose file part has an accepted type."""
    form = contract.UPLOAD_FORM.schema(deployed)
    form["properties"]["file"] = {
        "type": "string",
        "format": "binary",
        "description": f"at most {deployed.max_upload_bytes} bytes; its Content-Type counts "
        "when the content_type field is absent",
    }
    form["required"] = [*form["required"], "file"]
    return {
        "required": True,
        "content": {
            "application/json": {"schema": contract.UPLOAD_JSON.schema(deployed)},
            "multipart/form-data": {
                "schema": form,
                "encoding": {"file": {"contentType": ", ".join(deployed.media_types)}},
            },
        },
    }


_TIMESTAMP = {"type": "string", "format": "date-time"}
_NEXT_CURSOR = {"type": "string", "nullable": True, "pattern": contract.CURSOR_PATTERN}


def _page(item: str) -> dict[str, Any]:
    """A cursor-paginated list of ``item`` schemas."""
    return {
        "type": "object",
        "required": ["items", "next_cursor"],
        "additionalProperties": False,
        "properties": {
            "items": {"type": "array", "items": _ref(item)},
            "next_cursor": _NEXT_CURSOR,
        },
    }


def _closed(properties: dict[str, Any], *optional: str) -> dict[str, Any]:
    """An object with exactly these properties, all required but ``optional``."""
    required = [name for name in properties if name not in optional]
    return {
        "type": "object",
        "required": required,
        "additionalProperties": False,
        "properties": properties,
    }


SCHEMAS: dict[str, Any] = {
    "Error": _closed(
        {
            "error": {"type": "string"},
            "message": {"type": "string"},
            "field": {"type": "string"},
            "checks": {"type": "object", "additionalProperties": {"type": "string"}},
        },
        "field",
        "checks",
    ),
    "Health": _closed({"status": {"type": "string", "enum": ["ok"]}}),
    "Ready": _closed(
        {
            "status": {"type": "string", "enum": ["ready"]},
            "checks": {"type": "object", "additionalProperties": {"type": "string"}},
        }
    ),
    "Channel": _closed(
        {
            "id": {"type": "string", "pattern": contract.SLUG_PATTERN},
            "name": {"type": "string"},
            "url": {"type": "string"},
            "subscriber_count": {"type": "integer", "minimum": 0},
            "created_at": _TIMESTAMP,
            "updated_at": _TIMESTAMP,
        }
    ),
    "ChannelPage": _page("Channel"),
    "File": _closed(
        {
            "key": {"type": "string"},
            "size": {"type": "integer", "minimum": 0},
            "content_type": {
                "type": "string",
                "nullable": True,
                "description": "null in listings (S3 listings do not carry it)",
            },
            "etag": {
                "type": "string",
                "description": "the MD5 of the content in hex, on both clouds, for objects "
                "stored in one piece (as this API and its upload links store them)",
            },
            "last_modified": _TIMESTAMP,
        }
    ),
    "FilePage": _page("File"),
    "Link": _closed(
        {
            "url": {"type": "string"},
            "method": {"type": "string", "enum": ["GET", "PUT"]},
            "headers": {"type": "object", "additionalProperties": {"type": "string"}},
            "expires_in": {"type": "integer"},
            "expires_at": _TIMESTAMP,
        }
    ),
    "Report": _closed(
        {
            "period": {"type": "string", "pattern": contract.PERIOD_PATTERN},
            "files": {"type": "array", "items": {"type": "string"}},
            "written_at": _TIMESTAMP,
        }
    ),
    "ReportList": _closed({"items": {"type": "array", "items": _ref("Report")}}),
    "ReportLinks": _closed(
        {
            "period": {"type": "string", "pattern": contract.PERIOD_PATTERN},
            "expires_in": {"type": "integer", "minimum": 1},
            "links": {
                "type": "array",
                "items": _closed(
                    {"file": {"type": "string"}, "url": {"type": "string"},
                     "expires_at": _TIMESTAMP}
                ),
            },
        }
    ),
}  # fmt: skip


@bp.get("/openapi.json")
def openapi_document() -> Response:
    """The document."""
    return jsonify(build_spec(limits()))
