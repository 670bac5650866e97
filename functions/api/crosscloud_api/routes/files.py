"""Files: list, upload (JSON base64 or multipart), metadata, delete, download and upload links."""

from flask import Blueprint, Response, jsonify, request, url_for

from crosscloud_api.exceptions import (
    PayloadTooLargeError,
    UnsupportedMediaTypeError,
    ValidationError,
)
from crosscloud_api.routes import services, settings
from crosscloud_api.storage.model import SignedUrl, iso_utc
from crosscloud_api.validation import (
    base64_content,
    bounded_int,
    content_type,
    json_body,
    object_key,
    query_param,
)

bp = Blueprint("files", __name__)
DEFAULT_PAGE = 100
MAX_PAGE = 1000
DEFAULT_LINK_SECONDS = 3600
MAX_LINK_SECONDS = 7 * 24 * 3600  # the longest a SigV4 / GCS V4 signature may live


@bp.get("/files")
def list_files() -> Response:
    """A page of objects under ``prefix``, with the cursor of the next page."""
    prefix = query_param("prefix") or ""
    if prefix:
        object_key(prefix.rstrip("/") or "/", "prefix")
    limit = bounded_int(query_param("limit") or DEFAULT_PAGE, "limit", minimum=1, maximum=MAX_PAGE)
    page = services().store.list(prefix, limit, query_param("cursor"))
    return jsonify({"items": [i.to_json() for i in page.items], "next_cursor": page.next_cursor})


@bp.post("/files")
def upload_file() -> tuple[Response, int, dict[str, str]]:
    """Store a file sent as JSON (base64 ``content``) or as multipart/form-data (``file``)."""
    limit = settings().max_upload_bytes
    if request.mimetype == "multipart/form-data":
        key = object_key(request.form.get("key"))
        upload = request.files.get("file")
        if upload is None:
            raise ValidationError("a multipart 'file' part is required", field="file")
        media_type = _allowed(request.form.get("content_type") or upload.mimetype)
        data = upload.stream.read(limit + 1)
    elif request.is_json:
        body = json_body()
        key = object_key(body.get("key"))
        media_type = _allowed(body.get("content_type"))
        encoded = body.get("content")
        # Refuse before decoding: base64 is 4/3 the size of what it carries.
        if isinstance(encoded, str) and len(encoded) > (limit + 2) // 3 * 4:
            raise _too_large(limit)
        data = base64_content(encoded)
    else:
        raise UnsupportedMediaTypeError("send application/json or multipart/form-data")
    if len(data) > limit:
        raise _too_large(limit)
    info = services().store.put(key, data, media_type)
    return jsonify(info.to_json()), 201, {"Location": url_for("files.get_file", key=key)}


@bp.get("/files/<path:key>")
def get_file(key: str) -> Response:
    """An object's metadata."""
    return jsonify(services().store.head(object_key(key)).to_json())


@bp.delete("/files/<path:key>")
def delete_file(key: str) -> tuple[str, int]:
    """Delete an object."""
    services().store.delete(object_key(key))
    return "", 204


@bp.post("/files/<path:key>/link")
def download_link(key: str) -> Response:
    """A time-limited download URL for an existing object."""
    key = object_key(key)
    expires_in = _expires_in(json_body(optional=True))
    store = services().store
    store.head(key)  # a link to nothing would only fail later, at the client
    return _link(store.download_url(key, expires_in), expires_in, "GET", {})


@bp.post("/files/<path:key>/upload-link")
def upload_link(key: str) -> Response:
    """A time-limited PUT URL for files larger than an inline upload may be."""
    key = object_key(key)
    body = json_body()
    media_type = _allowed(body.get("content_type"))
    expires_in = _expires_in(body)
    signed = services().store.upload_url(key, media_type, expires_in)
    return _link(signed, expires_in, "PUT", {"Content-Type": media_type})


def _allowed(value: object) -> str:
    """A content type from the configured allow-list."""
    return content_type(value, settings().allowed_content_types)


def _expires_in(body: dict[str, object]) -> int:
    """The link lifetime in seconds, default one hour, at most seven days."""
    value = body.get("expires_in", DEFAULT_LINK_SECONDS)
    return bounded_int(value, "expires_in", minimum=1, maximum=MAX_LINK_SECONDS)


def _link(signed: SignedUrl, expires_in: int, method: str, headers: dict[str, str]) -> Response:
    """The JSON describing a signed URL."""
    return jsonify(
        {
            "url": signed.url,
            "method": method,
            "headers": headers,
            "expires_in": expires_in,
            "expires_at": iso_utc(signed.expires_at),
        }
    )


def _too_large(limit: int) -> PayloadTooLargeError:
    """The 413 pointing at the upload-link flow."""
    return PayloadTooLargeError(
        f"inline uploads are limited to {limit} bytes; use POST /files/<key>/upload-link",
        field="content",
    )
