"""Files: list, upload (JSON base64 or multipart), metadata, delete, download and upload links."""

from typing import Any

from flask import Blueprint, Response, jsonify, request, url_for

from crosscloud_api import contract, cursors
from crosscloud_api.exceptions import UnsupportedMediaTypeError, ValidationError
from crosscloud_api.routes import limits, services
from crosscloud_api.storage.model import SignedUrl, iso_utc
from crosscloud_api.validation import JSON, json_body, path, query

bp = Blueprint("files", __name__)
FORM = "multipart/form-data"


@bp.get("/files")
def list_files() -> Response:
    """A page of objects under ``prefix``, with the cursor of the next page."""
    prefix = query(contract.FILES_PREFIX, limits()) or ""
    limit = query(contract.FILES_LIMIT, limits())
    cursor = query(contract.PAGE_CURSOR, limits())
    params = {"prefix": prefix, "limit": limit}
    token = cursors.decode(cursor, params) if cursor else None
    page = services().store.list(prefix, limit, token)
    next_cursor = cursors.encode(page.next_cursor, params) if page.next_cursor else None
    return jsonify({"items": [i.to_json() for i in page.items], "next_cursor": next_cursor})


@bp.post("/files")
def upload_file() -> tuple[Response, int, dict[str, str]]:
    """Store a file sent as JSON (base64 ``content``) or as multipart/form-data (``file``)."""
    if request.mimetype == FORM:
        key, data, media_type = _form_upload()
    elif request.get_data(cache=True) and request.mimetype != JSON:
        raise UnsupportedMediaTypeError(f"send {JSON} or {FORM}", field="body")
    else:
        body = json_body(contract.UPLOAD_JSON, limits())
        key, data, media_type = body["key"], body["content"], body["content_type"]
    info = services().store.put(key, data, media_type)
    return jsonify(info.to_json()), 201, {"Location": url_for("files.get_file", key=key)}


@bp.get("/files/<path:key>")
def get_file(key: str) -> Response:
    """An object's metadata."""
    return jsonify(services().store.head(_key(key)).to_json())


@bp.delete("/files/<path:key>")
def delete_file(key: str) -> tuple[str, int]:
    """Delete an object."""
    services().store.delete(_key(key))
    return "", 204


@bp.post("/files/<path:key>/link")
def download_link(key: str) -> Response:
    """A time-limited download URL for an existing object."""
    key = _key(key)
    body = json_body(contract.DOWNLOAD_LINK, limits(), optional=True)
    expires_in = body.get("expires_in", contract.DEFAULT_LINK_SECONDS)
    store = services().store
    store.head(key)  # a link to nothing would only fail later, at the client
    return _link(store.download_url(key, expires_in), expires_in, "GET", {})


@bp.post("/files/<path:key>/upload-link")
def upload_link(key: str) -> Response:
    """A time-limited PUT URL for files larger than an inline upload may be."""
    key = _key(key)
    body = json_body(contract.UPLOAD_LINK, limits())
    media_type = body["content_type"]
    expires_in = body.get("expires_in", contract.DEFAULT_LINK_SECONDS)
    signed = services().store.upload_url(key, media_type, expires_in)
    return _link(signed, expires_in, "PUT", {"Content-Type": media_type})


def _key(value: str) -> str:
    """The object key of the path."""
    return path(contract.KEY, value, "key", limits())


def _form_upload() -> tuple[str, bytes, str]:
    """Key, bytes and media type of a multipart upload: the fields and one 'file' part only."""
    deployed = limits()
    fields: dict[str, Any] = {}
    for name, values in request.form.lists():
        if len(values) > 1:
            raise ValidationError(f"{name} may be given only once", field=name)
        fields[name] = values[0]
    for name in request.files:
        if name != "file" or len(request.files.getlist(name)) > 1:
            raise ValidationError("the only file part is one named 'file'", field=name)
    upload = request.files.get("file")
    if upload is None:
        raise ValidationError("a multipart 'file' part is required", field="file")
    checked = contract.UPLOAD_FORM.check(fields, deployed)
    media_type = checked.get("content_type") or contract.MEDIA_TYPE.check(
        upload.mimetype, "content_type", deployed
    )
    data = upload.stream.read(deployed.max_upload_bytes + 1)
    if len(data) > deployed.max_upload_bytes:
        raise contract.too_large(deployed, "file")
    return checked["key"], data, media_type


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
