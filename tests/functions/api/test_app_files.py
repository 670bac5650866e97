"""The files routes on both object stores: uploads, metadata, listing, deletion, links, limits."""

import base64
import io
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from botocore.config import Config
from crosscloud_api import Services, Settings, create_app
from crosscloud_api.channels import ChannelRepository
from crosscloud_api.storage import ObjectStore
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4


@pytest.fixture
def files_app(settings: Settings, store: ObjectStore, channels: ChannelRepository) -> Flask:
    """The API on the parametrized store."""
    return create_app(settings, Services(store=store, channels=channels))


@pytest.fixture
def files(files_app: Flask) -> FlaskClient:
    """A test client of the API on the parametrized store."""
    return files_app.test_client()


def _upload(client: FlaskClient, key: str, data: bytes = PNG, ctype: str = "image/png") -> Any:
    """Upload through the JSON variant."""
    body = {"key": key, "content": base64.b64encode(data).decode(), "content_type": ctype}
    return client.post("/files", json=body)


def _multipart(fields: dict[str, Any]) -> tuple[bytes, str]:
    """Encode a multipart body in memory (the test client would spool a large one to a
    temporary file that stays open when the server refuses to read it)."""
    boundary, body = encode_multipart(MultiDict(fields))
    return body, f"multipart/form-data; boundary={boundary}"


def _keys(client: FlaskClient, query: str = "") -> list[str]:
    """The keys a listing returns."""
    page = client.get(f"/files{query}").json
    assert page is not None
    return [item["key"] for item in page["items"]]


def test_json_upload_stores_exact_bytes(files: FlaskClient, store: ObjectStore) -> None:
    """A base64 upload stores the decoded bytes with the given content type."""
    response = _upload(files, "images/cat one.png")
    assert response.status_code == 201
    assert response.headers["Location"] == "/files/images/cat%20one.png"
    assert response.json is not None
    assert response.json["key"] == "images/cat one.png"
    assert response.json["size"] == len(PNG)
    assert response.json["content_type"] == "image/png"
    assert files.get("/files/images/cat one.png").json == response.json
    link = store.download_url("images/cat one.png", 60)
    assert requests.get(link.url, timeout=10).content == PNG


def test_multipart_upload_stores_exact_bytes(files: FlaskClient, store: ObjectStore) -> None:
    """A multipart upload stores the file part; its own media type is used."""
    data = {"key": "docs/report.pdf", "file": (io.BytesIO(PNG), "report.pdf", "application/pdf")}
    response = files.post("/files", data=data, content_type="multipart/form-data")
    assert response.status_code == 201, response.json
    assert response.json is not None
    assert response.json["content_type"] == "application/pdf"
    assert response.json["size"] == len(PNG)
    link = store.download_url("docs/report.pdf", 60)
    assert requests.get(link.url, timeout=10).content == PNG


def test_multipart_without_file_part_is_400(files: FlaskClient) -> None:
    """The file part is required."""
    response = files.post("/files", data={"key": "a.txt"}, content_type="multipart/form-data")
    assert response.status_code == 400
    assert response.json is not None
    assert response.json["field"] == "file"


def test_listing_filters_by_prefix(files: FlaskClient) -> None:
    """GET /files returns only the keys under the prefix, in key order."""
    for key in ["a/2.txt", "a/1.txt", "b/1.txt"]:
        assert _upload(files, key, b"x", "text/plain").status_code == 201
    assert _keys(files, "?prefix=a/") == ["a/1.txt", "a/2.txt"]
    assert _keys(files) == ["a/1.txt", "a/2.txt", "b/1.txt"]


def test_listing_pages_with_the_cursor(client: FlaskClient) -> None:
    """limit and cursor page through S3 (the GCS emulator implements no maxResults/pageToken)."""
    for key in ["a/1.txt", "a/2.txt", "a/3.txt", "b/1.txt"]:
        assert _upload(client, key, b"x", "text/plain").status_code == 201
    files = client
    first = files.get("/files?prefix=a/&limit=2").json
    assert first is not None
    assert first["next_cursor"]
    query = {"prefix": "a/", "limit": "2", "cursor": first["next_cursor"]}
    second = files.get("/files", query_string=query)
    assert second.json is not None
    keys = [i["key"] for i in first["items"]] + [i["key"] for i in second.json["items"]]
    assert keys == ["a/1.txt", "a/2.txt", "a/3.txt"]
    assert second.json["next_cursor"] is None
    # The cursor belongs to its listing: another prefix or page size is refused.
    for other in ({"prefix": "b/", "limit": "2"}, {"prefix": "a/", "limit": "3"}, {"limit": "2"}):
        refused = files.get("/files", query_string={**other, "cursor": first["next_cursor"]})
        assert refused.status_code == 400
        assert refused.json is not None
        assert (refused.json["error"], refused.json["field"]) == ("invalid_cursor", "cursor")


def test_delete_then_404(files: FlaskClient) -> None:
    """DELETE removes the object; metadata, delete and link then give 404."""
    _upload(files, "gone.png")
    assert files.delete("/files/gone.png").status_code == 204
    for response in (
        files.get("/files/gone.png"),
        files.delete("/files/gone.png"),
        files.post("/files/gone.png/link", json={}),
    ):
        assert response.status_code == 404
        assert response.json == {"error": "not_found", "message": "object not found"}


@pytest.mark.parametrize(
    "key", ["../etc/passwd", "a/../b", "/abs", "a//b", "trailing/", "x" * 1025, "a\x00b", "./a"]
)
def test_invalid_keys_are_400_and_store_nothing(files: FlaskClient, key: str) -> None:
    """Keys that could escape a prefix or confuse clients are refused before any write."""
    response = _upload(files, key)
    assert response.status_code == 400
    assert response.json is not None
    assert response.json["field"] == "key"
    assert _keys(files) == []


def test_disallowed_content_type_is_415_and_stores_nothing(files: FlaskClient) -> None:
    """Only allow-listed media types may be stored."""
    response = _upload(files, "evil.html", b"<script>", "text/html")
    assert response.status_code == 415
    assert response.json is not None
    assert response.json["field"] == "content_type"
    assert _keys(files) == []


def test_bad_base64_is_400(files: FlaskClient) -> None:
    """Content must be strict base64."""
    body = {"key": "a.txt", "content": "not base64!", "content_type": "text/plain"}
    response = files.post("/files", json=body)
    assert response.status_code == 400
    assert response.json is not None
    assert response.json["field"] == "content"


def test_other_request_media_type_is_415(files: FlaskClient) -> None:
    """POST /files accepts JSON and multipart only."""
    response = files.post("/files", data=PNG, content_type="image/png")
    assert response.status_code == 415


def test_inline_upload_limit_is_413_and_points_to_upload_link(
    files: FlaskClient, files_app: Flask
) -> None:
    """One byte over the inline limit is refused with 413; at the limit it is stored."""
    limit = files_app.extensions["crosscloud.settings"].max_upload_bytes
    assert limit == 4 * 1024 * 1024
    over = _upload(files, "big.bin.txt", b"a" * (limit + 1), "text/plain")
    assert over.status_code == 413
    assert over.json is not None
    assert "upload-link" in over.json["message"]
    assert _keys(files) == []
    assert _upload(files, "max.txt", b"a" * limit, "text/plain").status_code == 201


def test_request_over_the_request_limit_is_413(files: FlaskClient) -> None:
    """Werkzeug refuses a body above MAX_CONTENT_LENGTH before it is read."""
    upload = FileStorage(io.BytesIO(b"a" * 7_000_000), "h.txt", content_type="text/plain")
    fields = {"key": "huge.txt", "file": upload}
    body, content_type = _multipart(fields)
    response = files.post("/files", data=body, content_type=content_type)
    assert response.status_code == 413
    assert response.json is not None
    assert response.json["error"] == "payload_too_large"


def test_download_link_defaults_and_works(files: FlaskClient) -> None:
    """POST .../link gives a working URL; the default lifetime is one hour."""
    _upload(files, "photos/p.png")
    response = files.post("/files/photos/p.png/link")
    assert response.status_code == 200
    assert response.json is not None
    assert response.json["expires_in"] == 3600
    assert response.json["method"] == "GET"
    fetched = requests.get(response.json["url"], timeout=10)
    assert fetched.status_code == 200
    assert fetched.content == PNG


def test_download_link_honours_expires_in(files: FlaskClient, store: ObjectStore) -> None:
    """The requested lifetime is signed into the URL."""
    _upload(files, "p.png")
    response = files.post("/files/p.png/link", json={"expires_in": 120})
    assert response.json is not None
    assert response.json["expires_in"] == 120
    query = parse_qs(urlsplit(response.json["url"]).query)
    expires = query.get("X-Amz-Expires") or query.get("X-Goog-Expires")
    assert expires == ["120"]


@pytest.mark.parametrize("expires_in", [0, 604801, True, "soon", 1.5])
def test_invalid_link_lifetime_is_400(files: FlaskClient, expires_in: Any) -> None:
    """expires_in must be an integer between 1 second and 7 days."""
    _upload(files, "p.png")
    response = files.post("/files/p.png/link", json={"expires_in": expires_in})
    assert response.status_code == 400
    assert response.json is not None
    assert response.json["field"] == "expires_in"


def test_upload_link_accepts_a_put(files: FlaskClient) -> None:
    """The upload-link flow: PUT the bytes to the signed URL, then the object exists."""
    response = files.post(
        "/files/large/video.pdf/upload-link", json={"content_type": "application/pdf"}
    )
    assert response.status_code == 200
    link = response.json
    assert link is not None
    assert link["method"] == "PUT"
    assert link["headers"] == {"Content-Type": "application/pdf"}
    put = requests.put(link["url"], data=PNG, headers=link["headers"], timeout=10)
    assert put.status_code in (200, 201), put.text
    meta = files.get("/files/large/video.pdf").json
    assert meta is not None
    assert meta["size"] == len(PNG)


def test_upload_link_requires_an_allowed_type(files: FlaskClient) -> None:
    """The upload link is bound to an allow-listed content type."""
    missing = files.post("/files/a.exe/upload-link", json={})
    assert missing.status_code == 400
    assert missing.json is not None
    assert missing.json["field"] == "content_type"
    bad = files.post("/files/a.exe/upload-link", json={"content_type": "application/x-msdownload"})
    assert bad.status_code == 415


def test_repeated_or_invalid_list_parameters_are_400(files: FlaskClient) -> None:
    """Repeated single-valued parameters and out-of-range limits are refused."""
    for query, field in [("?prefix=a&prefix=b", "prefix"), ("?limit=1001", "limit"),
                         ("?prefix=/", "prefix")]:  # fmt: skip
        response = files.get(f"/files{query}")
        assert response.status_code == 400, query
        assert response.json is not None
        assert response.json["field"] == field


def test_unreachable_bucket_is_503_with_retry_after(
    settings: Settings, channels: ChannelRepository
) -> None:
    """A store that cannot be reached answers 503 naming only the backend."""
    import boto3
    from crosscloud_api.storage.s3 import CLIENT_CONFIG, S3Store

    unreachable = boto3.client(
        "s3",
        endpoint_url="http://127.0.0.1:1",
        region_name="eu-west-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=CLIENT_CONFIG.merge(Config(retries={"max_attempts": 1})),
    )
    app = create_app(settings, Services(S3Store("b", client=unreachable), channels))
    response = app.test_client().get("/files/a.txt")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    assert response.json == {
        "error": "backend_unavailable",
        "message": "the storage is unavailable, retry later",
    }
