"""Both entry points answer the same request the same way: Lambda (apig-wsgi) and Cloud Functions.

Each side runs as deployed, configured from the environment: lambda_handler on S3
(moto), main.api under functions-framework on GCS (the emulator), each with its own
database. The same requests go to both in the same order; status, content type,
error body and, once volatile values (times, request ids, signatures) are masked,
the whole body must be equal.
"""

import base64
import copy
import hashlib
import json
import re
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import functions_framework
import lambda_handler
import pytest
import requests
from crosscloud_api.settings import MAX_INLINE_UPLOAD_BYTES, MAX_REQUEST_BYTES

from tooling.local_cloud.gcp import create_bucket, emulator_env, write_signing_key

Send = Callable[[str, str, bytes, dict[str, str]], tuple[int, dict[str, str], bytes]]
TEXT = b"hello, both clouds\n"
TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


@pytest.fixture(scope="module")
def clouds(
    moto_endpoint: str, gcs_endpoint: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, Send]]:
    """The two entry points, each built once from its own environment."""
    import boto3

    state = tmp_path_factory.mktemp("clouds")
    s3_bucket, gcs_bucket = (f"both-{uuid.uuid4().hex[:12]}" for _ in range(2))
    s3 = boto3.client(
        "s3", endpoint_url=moto_endpoint, region_name="eu-west-1",
        aws_access_key_id="testing", aws_secret_access_key="testing",
    )  # fmt: skip
    s3.create_bucket(
        Bucket=s3_bucket, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}
    )
    create_bucket(gcs_endpoint, gcs_bucket)
    shared = {
        "AWS_ENDPOINT_URL": moto_endpoint,
        "AWS_DEFAULT_REGION": "eu-west-1",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "GOOGLE_APPLICATION_CREDENTIALS": str(write_signing_key(state)),
        **emulator_env(gcs_endpoint),
    }
    with pytest.MonkeyPatch.context() as env:
        for name, value in shared.items():
            env.setenv(name, value)
        env.setenv("STORAGE_URL", f"s3://{s3_bucket}")
        # Reports share the files bucket here, so the requests below can lay one out.
        env.setenv("REPORTS_URL", f"s3://{s3_bucket}")
        env.setenv("DATABASE_URL", f"sqlite:///{state / 'aws.db'}")
        lambda_handler.wsgi_handler.cache_clear()
        aws = _lambda_sender()
        assert aws("GET", "/health", b"", {})[0] == 200  # builds the app from this environment
        env.setenv("STORAGE_URL", f"gs://{gcs_bucket}")
        env.setenv("REPORTS_URL", f"gs://{gcs_bucket}")
        env.setenv("DATABASE_URL", f"sqlite:///{state / 'gcp.db'}")
        source = Path(lambda_handler.__file__).with_name("main.py")
        gcp = _framework_sender(functions_framework.create_app(target="api", source=str(source)))
        assert gcp("GET", "/health", b"", {})[0] == 200
        yield {"aws": aws, "gcp": gcp}
    lambda_handler.wsgi_handler.cache_clear()


def _lambda_sender() -> Send:
    """Requests as HTTP API (payload 2.0) events to lambda_handler.handler."""
    template = json.loads(
        (Path(__file__).parents[1] / "events" / "apigw_v2_get_health.json").read_text()
    )

    def send(method: str, target: str, body: bytes, headers: dict[str, str]) -> Any:
        """One invocation."""
        path, _, query = target.partition("?")
        event = copy.deepcopy(template)
        event["rawPath"], event["rawQueryString"] = path, query
        event["requestContext"]["http"]["method"] = method
        event["requestContext"]["http"]["path"] = path
        event["headers"] = {k.lower(): v for k, v in headers.items()} | {"host": "api.example"}
        event["body"], event["isBase64Encoded"] = base64.b64encode(body).decode(), True
        result = lambda_handler.handler(event, None)
        payload = result.get("body", "")
        raw = base64.b64decode(payload) if result.get("isBase64Encoded") else payload.encode()
        return result["statusCode"], {k.lower(): v for k, v in result["headers"].items()}, raw

    return send


def _framework_sender(app: Any) -> Send:
    """Requests through functions-framework's own Flask app (as on Cloud Functions)."""
    client = app.test_client(use_cookies=False)

    def send(method: str, target: str, body: bytes, headers: dict[str, str]) -> Any:
        """One request."""
        response = client.open(target, method=method, data=body, headers=headers)
        return response.status_code, {k.lower(): v for k, v in response.headers}, response.data

    return send


def _upload(key: str, data: bytes = TEXT, content_type: str = "text/plain") -> bytes:
    """A JSON upload body."""
    content = base64.b64encode(data).decode()
    return json.dumps({"key": key, "content": content, "content_type": content_type}).encode()


JSON = {"Content-Type": "application/json"}
CHANNEL = json.dumps({"id": "both", "name": "Both", "url": "https://example.com"}).encode()
REPORT_CSV = _upload("reports/2026/W05/uploads-2026-W05.csv", b"day,count\n", "text/csv")
MANIFEST = _upload("reports/2026/W05/manifest.json", b"{}", "application/json")
TOO_BIG = _upload("big.bin", b"\0" * (MAX_INLINE_UPLOAD_BYTES + 1), "application/pdf")
REQUESTS: list[tuple[str, str, bytes, dict[str, str]]] = [
    ("GET", "/health", b"", {}),
    ("GET", "/openapi.json", b"", {}),
    ("POST", "/channels", CHANNEL, JSON),
    ("POST", "/channels", CHANNEL, JSON),  # 409
    ("GET", "/channels/both", b"", {}),
    ("PUT", "/channels/both", b'{"name": "B", "url": "http://b.io", "subscriber_count": 2}', JSON),
    ("GET", "/channels?limit=1", b"", {}),
    ("GET", "/channels?limit=", b"", {}),
    ("GET", "/channels?limit=abc", b"", {}),
    ("GET", "/channels?cursor=garbage", b"", {}),
    ("GET", "/channels/Not%20A%20Slug", b"", {}),
    ("POST", "/channels", b"{not json", JSON),
    ("POST", "/channels", b"[]", JSON),
    ("POST", "/channels", b'{"id": "x", "name": "a\\u0000", "url": "https://x.io"}', JSON),
    ("POST", "/channels", b'{"id": "x", "name": "\\ud800", "url": "https://x.io"}', JSON),
    ("POST", "/channels", b'{"id": "x", "name": "n", "url": "https://x.io", "extra": 1}', JSON),
    ("POST", "/channels", b"id=x", {"Content-Type": "application/x-www-form-urlencoded"}),
    ("POST", "/files", _upload("docs/a file.txt"), JSON),
    ("GET", "/files/" + quote("docs/a file.txt"), b"", {}),
    ("GET", "/files?prefix=docs/", b"", {}),
    ("GET", "/files?cursor=AAAA", b"", {}),
    ("GET", "/files/a/../b", b"", {}),
    ("POST", "/files", _upload("x.html", content_type="text/html"), JSON),
    ("POST", "/files", b'{"key": "k", "content": "!!", "content_type": "text/plain"}', JSON),
    ("POST", "/files", TOO_BIG, JSON),
    ("POST", "/files", b'"' + b"a" * MAX_REQUEST_BYTES + b'"', JSON),
    ("POST", "/files/docs/missing.txt/link", b"", {}),
    ("DELETE", "/files/" + quote("docs/a file.txt"), b"", {}),
    ("DELETE", "/files/" + quote("docs/a file.txt"), b"", {}),
    ("DELETE", "/channels/both", b"", {}),
    # Reports: a period counts once its manifest exists. Link lifetimes above an hour
    # differ by design (AWS caps them at the role session), so only 600 s is compared.
    ("GET", "/reports", b"", {}),
    ("POST", "/files", REPORT_CSV, JSON),
    ("POST", "/reports/2026-W05/link", b"", {}),
    ("POST", "/files", MANIFEST, JSON),
    ("GET", "/reports", b"", {}),
    ("POST", "/reports/2026-W05/link", b'{"expires_in": 600}', JSON),
    ("POST", "/reports/2026-W04/link", b"", {}),
    ("POST", "/reports/2025-W53/link", b"", {}),
    ("POST", "/reports/2026-05/link", b"", {}),
    ("POST", "/reports/2026-W05/link", b'{"expires_in": 0}', JSON),
    ("GET", "/reports/2026-W05/link", b"", {}),
    ("GET", "/nowhere", b"", {}),
    ("GET", "/robots.txt", b"", {}),
    ("PATCH", "/channels", b"", {}),
    ("DELETE", "/health", b"", {}),
    ("PROPFIND", "/channels/both", b"", {}),
    ("GET", "/a%0Ab", b"", {}),
    ("GET", "/favicon.ico", b"", {}),
]


def _masked(value: Any) -> Any:
    """The body with what legitimately differs per cloud or per moment replaced by its kind."""
    if isinstance(value, dict):
        return {k: ("<url>" if k == "url" and "://" in str(v) and "X-" in str(v) else _masked(v))
                for k, v in value.items()}  # fmt: skip
    if isinstance(value, list):
        return [_masked(v) for v in value]
    if isinstance(value, str) and TIMESTAMP.match(value):
        return "<timestamp>"
    return value


def test_both_clouds_answer_every_request_alike(clouds: dict[str, Send]) -> None:
    """Status, content type, Allow/Retry-After/Location and the masked JSON body are equal."""
    differences = []
    for method, target, body, headers in REQUESTS:
        answers = {}
        for cloud, send in clouds.items():
            status, got_headers, raw = send(method, target, body, headers)
            assert got_headers.get("content-type") == "application/json" or status == 204, (
                cloud, method, target, got_headers, raw[:200],
            )  # fmt: skip
            assert b"<html" not in raw.lower()
            kept = {h: got_headers.get(h) for h in ("content-type", "location", "retry-after")}
            allow = got_headers.get("allow")
            kept["allow"] = ",".join(sorted(allow.replace(" ", "").split(","))) if allow else None
            answers[cloud] = (status, kept, _masked(json.loads(raw)) if raw else None)
        if answers["aws"] != answers["gcp"]:
            differences.append((method, target, answers))
    assert differences == []


def test_etag_is_the_contents_md5_on_both_clouds(clouds: dict[str, Send]) -> None:
    """One etag format: the hex MD5 of what was stored, in uploads, metadata and listings."""
    md5 = hashlib.md5(TEXT).hexdigest()  # noqa: S324 - the format S3 and GCS report, not security
    for send in clouds.values():
        key = f"etag/{uuid.uuid4().hex}.txt"
        stored = json.loads(send("POST", "/files", _upload(key), JSON)[2])
        meta = json.loads(send("GET", f"/files/{key}", b"", {})[2])
        listed = json.loads(send("GET", "/files?prefix=etag/", b"", {})[2])["items"]
        assert stored["etag"] == meta["etag"] == md5
        assert {item["etag"] for item in listed} == {md5}
        assert {item["content_type"] for item in listed} == {None}


def test_report_links_download_the_files_on_both_clouds(clouds: dict[str, Send]) -> None:
    """Configured from REPORTS_URL, each cloud lists the report and its links serve the bytes."""
    data = b"day,count\n2026-03-02,7\n"
    for cloud, send in clouds.items():
        send("POST", "/files", _upload("reports/2026/W10/uploads.csv", data, "text/csv"), JSON)
        send(
            "POST",
            "/files",
            _upload("reports/2026/W10/manifest.json", b"{}", "application/json"),
            JSON,
        )
        listed = json.loads(send("GET", "/reports", b"", {})[2])["items"]
        assert {"period": "2026-W10", "files": ["uploads.csv"]} in [
            {k: item[k] for k in ("period", "files")} for item in listed
        ], cloud
        status, _, raw = send("POST", "/reports/2026-W10/link", b"", {})
        assert status == 200, (cloud, raw)
        (link,) = json.loads(raw)["links"]
        downloaded = requests.get(link["url"], timeout=10)
        assert (downloaded.status_code, downloaded.content) == (200, data), cloud
