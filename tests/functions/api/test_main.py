"""The Cloud Functions entry point main.api, configured from the environment like on GCP."""

import base64
import hashlib
import io
import json
import re
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import boto3
import crosscloud_api
import functions_framework
import pytest
import requests
from crosscloud_api import subrouter
from crosscloud_api.settings import MAX_REQUEST_BYTES
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

Caller = Any  # see conftest: call(method, path, body=b"", headers=None) -> Reply
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8


@pytest.fixture(scope="module")
def gcp_like_env(moto_endpoint: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Environment of the deployed function (the bucket on moto, so uploads can be read back)."""
    bucket = f"main-{uuid.uuid4().hex[:12]}"
    credentials = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}
    s3 = boto3.client(
        "s3",
        endpoint_url=moto_endpoint,
        region_name="eu-west-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    database = tmp_path_factory.mktemp("main") / "channels.db"
    return {
        "STORAGE_URL": f"s3://{bucket}",
        "DATABASE_URL": f"sqlite:///{database}",
        "AWS_ENDPOINT_URL": moto_endpoint,
        "AWS_DEFAULT_REGION": "eu-west-1",
        "LOG_EXECUTION_ID": "true",  # as every function is deployed (stacks/gcp/function.py)
        **credentials,
    }


@pytest.fixture(scope="module")
def main_server(ff: Any, gcp_like_env: dict[str, str]) -> Iterator[str]:
    """main.py behind the functions-framework CLI."""
    with ff.server("api", ff.api_dir / "main.py", gcp_like_env) as url:
        yield url


def _no_mount(framework_app: Any, serve: Any) -> None:
    """Stand in for ``subrouter.mount`` where there is no framework app to mount on."""


def _load_main(
    ff: Any,
    monkeypatch: pytest.MonkeyPatch,
    env: dict[str, str],
    mounted: bool = True,
) -> Caller:
    """main.py as functions-framework loads it with ``env`` (unmounted: nothing to mount on)."""
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    if not mounted:
        monkeypatch.setattr(subrouter, "mount", _no_mount)
    return ff.test_client(
        functions_framework.create_app(target="api", source=str(ff.api_dir / "main.py"))
    )


def _framework_execution_id(reply: Any) -> str:
    """The request id of a reply, checked to be one functions-framework made (not a uuid)."""
    execution_id = reply.header("X-Request-Id")
    assert execution_id is not None
    assert re.fullmatch(r"[0-9A-Za-z]{12}", execution_id)
    return execution_id


@pytest.fixture(params=["test_client", "server", "unmounted"])
def call(
    request: pytest.FixtureRequest,
    ff: Any,
    gcp_like_env: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> Caller:
    """main.py in-process (functions_framework.create_app) and over a socket, both mounted
    on the framework's app; and unmounted, where main.api and the sub-router serve."""
    if request.param == "server":
        return ff.http(request.getfixturevalue("main_server"))
    return _load_main(ff, monkeypatch, gcp_like_env, mounted=request.param != "unmounted")


def _refuse_dispatch(app: Any, request: Any) -> Any:
    """Stand in for ``subrouter.dispatch``: a request that reaches it fails the test."""
    raise AssertionError(f"dispatched {request.path} inside the function")


def test_loaded_by_the_framework_the_api_is_mounted_on_its_app(
    ff: Any, gcp_like_env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every request, even a path the framework's own routes refuse, skips main.api."""
    monkeypatch.setattr(subrouter, "dispatch", _refuse_dispatch)
    call = _load_main(ff, monkeypatch, gcp_like_env)
    assert call("GET", "/health").json() == {"status": "ok"}
    assert call("GET", "/robots.txt").json()["error"] == "not_found"
    assert call("DELETE", "/health").status == 405


def _bucket_object(env: dict[str, str], key: str) -> bytes:
    """Read an object back from moto."""
    s3 = boto3.client(
        "s3",
        endpoint_url=env["AWS_ENDPOINT_URL"],
        region_name="eu-west-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    return s3.get_object(Bucket=env["STORAGE_URL"][5:], Key=key)["Body"].read()


def test_health_and_execution_id(call: Caller) -> None:
    """/health answers; the platform's Function-Execution-Id becomes the request id."""
    reply = call("GET", "/health", headers={"Function-Execution-Id": "exec-42"})
    assert reply.status == 200
    assert reply.json() == {"status": "ok"}
    assert reply.header("X-Request-Id") == "exec-42"


def test_mounted_lines_carry_the_execution_id_cloud_logging_groups_by(
    ff: Any,
    gcp_like_env: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
    log_lines: Callable[[], list[dict[str, Any]]],
) -> None:
    """With no id sent, the framework's execution id is the request id and every line's label."""
    trace = {"X-Cloud-Trace-Context": "105445aa7843bc8bf206b12000100000/1234;o=1"}
    reply = _load_main(ff, monkeypatch, gcp_like_env)("GET", "/health", headers=trace)
    execution_id = _framework_execution_id(reply)
    (access,) = [line for line in log_lines() if line["message"] == "request"]
    assert access["request_id"] == execution_id
    assert access["logging.googleapis.com/labels"] == {"execution_id": execution_id}
    assert access["logging.googleapis.com/spanId"] == "00000000000004d2"  # 1234, as 16 hex digits


def test_a_callers_execution_id_that_is_not_a_plain_token_is_replaced(
    ff: Any,
    gcp_like_env: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
    log_lines: Callable[[], list[dict[str, Any]]],
) -> None:
    """Only ids safe to log label the lines; another gets the framework's own id instead."""
    call = _load_main(ff, monkeypatch, gcp_like_env)
    reply = call("GET", "/health", headers={"Function-Execution-Id": 'evil id "x"'})
    execution_id = _framework_execution_id(reply)
    (access,) = [line for line in log_lines() if line["message"] == "request"]
    assert access["logging.googleapis.com/labels"] == {"execution_id": execution_id}
    plain = call("GET", "/health", headers={"Function-Execution-Id": "exec-43"})
    assert plain.header("X-Request-Id") == "exec-43"


def test_channel_round_trip(call: Caller) -> None:
    """A JSON body is created and read back through the sub-router."""
    channel_id = f"ch-{uuid.uuid4().hex[:8]}"
    body = json.dumps({"id": channel_id, "name": "Main", "url": "https://example.com"}).encode()
    created = call("POST", "/channels", body, {"Content-Type": "application/json"})
    assert created.status == 201
    assert created.header("Location") == f"/channels/{channel_id}"
    assert call("GET", f"/channels/{channel_id}").json()["name"] == "Main"


def test_repeated_query_key_reaches_the_app(call: Caller) -> None:
    """A repeated single-valued parameter is seen (and refused) by the inner app."""
    reply = call("GET", "/channels?limit=1&limit=2")
    assert reply.status == 400
    assert reply.json()["field"] == "limit"


def test_multipart_upload_stores_exact_bytes(call: Caller, gcp_like_env: dict[str, str]) -> None:
    """A multipart binary upload lands in the bucket byte for byte."""
    key = f"uploads/{uuid.uuid4().hex}.png"
    upload = FileStorage(io.BytesIO(PNG), "cat.png", content_type="image/png")
    boundary, body = encode_multipart(MultiDict([("key", key), ("file", upload)]))
    reply = call(
        "POST", "/files", body, {"Content-Type": f"multipart/form-data; boundary={boundary}"}
    )
    assert reply.status == 201, reply.body
    assert reply.json()["size"] == len(PNG)
    assert (
        hashlib.sha256(_bucket_object(gcp_like_env, key)).digest() == hashlib.sha256(PNG).digest()
    )


def test_json_upload_stores_exact_bytes(call: Caller, gcp_like_env: dict[str, str]) -> None:
    """A base64 JSON upload lands in the bucket byte for byte."""
    key = f"uploads/{uuid.uuid4().hex}.png"
    document = {"key": key, "content": base64.b64encode(PNG).decode(), "content_type": "image/png"}
    reply = call(
        "POST", "/files", json.dumps(document).encode(), {"Content-Type": "application/json"}
    )
    assert reply.status == 201
    assert _bucket_object(gcp_like_env, key) == PNG


def test_body_over_the_request_limit_is_the_inner_apps_json_413(call: Caller) -> None:
    """The inner app's MAX_CONTENT_LENGTH applies through the sub-router, answered in JSON."""
    body = b'"' + b"a" * MAX_REQUEST_BYTES + b'"'  # a JSON string one byte too long
    reply = call("POST", "/files", body, {"Content-Type": "application/json"})
    assert reply.status == 413
    assert reply.json()["error"] == "payload_too_large"


def test_chunked_body_over_the_request_limit_is_a_json_413(main_server: str) -> None:
    """A chunked body has no Content-Length to refuse early; reading it stops at the limit."""

    def chunks() -> Iterator[bytes]:
        """Send a JSON string one byte over the limit, in pieces (chunked encoding)."""
        yield b'"'
        piece = b"a" * 65536
        for _ in range(MAX_REQUEST_BYTES // len(piece)):
            yield piece
        yield b'"'

    headers = {"Content-Type": "application/json"}
    response = requests.post(main_server + "/files", data=chunks(), headers=headers, timeout=30)
    assert response.status_code == 413, response.text
    assert response.json()["error"] == "payload_too_large"


def test_inner_404_and_405_are_json(call: Caller) -> None:
    """Routing errors come from the inner app, as JSON, with Allow on 405."""
    missing = call("GET", "/nowhere")
    assert missing.status == 404
    assert missing.json()["error"] == "not_found"
    wrong = call("DELETE", "/health")
    assert wrong.status == 405
    assert "GET" in (wrong.header("Allow") or "")


@pytest.mark.parametrize("path", ["/robots.txt", "/favicon.ico", "/a%0Ab"])
def test_paths_the_framework_refuses_are_json_404(call: Caller, path: str) -> None:
    """Paths functions-framework answers itself get the API's JSON 404, not its HTML page."""
    reply = call("GET", path)
    assert reply.status == 404
    assert reply.header("Content-Type") == "application/json"
    assert reply.json()["error"] == "not_found"


@pytest.mark.parametrize("mounted", [True, False], ids=["mounted", "unmounted"])
def test_an_app_that_cannot_be_built_is_a_json_500_flagged_as_a_crash(
    ff: Any,
    gcp_like_env: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
    mounted: bool,
    log_lines: Callable[[], list[dict[str, Any]]],
) -> None:
    """A failure building the API other than a settings error: JSON, no exception text."""
    monkeypatch.setattr(crosscloud_api, "create_app", _fail_to_build)
    reply = _load_main(ff, monkeypatch, gcp_like_env, mounted)("GET", "/health")
    assert reply.status == 500
    assert reply.json() == {"error": "internal_error", "message": "internal server error"}
    assert reply.header("X-Google-Status") == "crash"
    assert b"secret-token-123" not in reply.body
    # The reason is logged as the API's JSON lines are, by type only.
    failures = [line for line in log_lines() if line.get("error_type") == "RuntimeError"]
    assert failures
    assert "secret-token-123" not in json.dumps(failures)


def _fail_to_build(settings: Any) -> Any:
    """Stand in for ``create_app``: a bug while building, its message holding a secret."""
    raise RuntimeError("secret-token-123")


def test_validation_error_is_json_400(call: Caller) -> None:
    """Validation errors name the field."""
    reply = call("POST", "/channels", b'{"id": "Bad Id"}', {"Content-Type": "application/json"})
    assert reply.status == 400
    assert reply.json()["field"] == "id"


@pytest.mark.parametrize("mounted", [True, False], ids=["mounted", "unmounted"])
def test_missing_configuration_is_a_json_500(
    ff: Any, monkeypatch: pytest.MonkeyPatch, mounted: bool
) -> None:
    """Without STORAGE_URL every request gets a JSON 500 naming it, not a traceback."""
    monkeypatch.delenv("STORAGE_URL", raising=False)
    reply = _load_main(ff, monkeypatch, {"DATABASE_URL": "sqlite://"}, mounted)("GET", "/health")
    assert reply.status == 500
    assert reply.json()["error"] == "misconfigured"
    assert "STORAGE_URL" in reply.json()["message"]
