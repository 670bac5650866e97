"""Sub-router fidelity, through functions-framework's test client and through a real server."""

import hashlib
import io
import json
from collections.abc import Iterator
from typing import Any

import functions_framework
import pytest
import requests
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

BINARY = bytes(range(256)) * 64
# A Caller (see conftest): call(method, path, body=b"", headers=None) -> Reply.
Caller = Any


@pytest.fixture(scope="module")
def echo_server(ff: Any) -> Iterator[str]:
    """The echo function behind the functions-framework CLI."""
    with ff.server("echo_function", ff.sources / "echo_main.py", {}) as url:
        yield url


@pytest.fixture(params=["test_client", "server"])
def call(request: pytest.FixtureRequest, ff: Any) -> Caller:
    """The same raw requests, in-process and over a socket."""
    if request.param == "server":
        return ff.http(request.getfixturevalue("echo_server"))
    source = ff.sources / "echo_main.py"
    return ff.test_client(
        functions_framework.create_app(target="echo_function", source=str(source))
    )


def test_method_path_and_repeated_query_keys(call: Caller) -> None:
    """Method, decoded path and every query value arrive as sent."""
    reply = call("PATCH", "/echo/a%20b/%C3%BC?tag=1&tag=2&empty=&x=y%26z")
    assert reply.status == 200
    seen = reply.json()
    assert seen["method"] == "PATCH"
    assert seen["path"] == "/echo/a b/ü"
    assert seen["query"] == "tag=1&tag=2&empty=&x=y%26z"
    assert seen["args"] == {"tag": ["1", "2"], "empty": [""], "x": ["y&z"]}


def test_headers_and_cookies(call: Caller) -> None:
    """Custom headers and cookies reach the inner app."""
    headers = {"X-Custom": "value", "Cookie": "session=abc; theme=dark"}
    seen = call("GET", "/echo/h", headers=headers).json()
    assert seen["headers"]["X-Custom"] == ["value"]
    assert seen["cookies"] == {"session": ["abc"], "theme": ["dark"]}


def test_json_body(call: Caller) -> None:
    """A JSON body is parsed by the inner app."""
    document = {"name": "ünïcode", "n": [1, 2, 3]}
    body = json.dumps(document).encode()
    seen = call("POST", "/echo/j", body, {"Content-Type": "application/json"}).json()
    assert seen["json"] == document
    assert seen["body_sha256"] == hashlib.sha256(body).hexdigest()


def test_urlencoded_form(call: Caller) -> None:
    """Form fields, repeated ones included."""
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    seen = call("PUT", "/echo/f", b"a=1&a=2&b=%C3%A9", headers).json()
    assert seen["form"] == {"a": ["1", "2"], "b": ["é"]}


def test_multipart_with_binary_file(call: Caller) -> None:
    """Multipart fields and a binary file part, byte for byte."""
    upload = FileStorage(io.BytesIO(BINARY), "cat.png", content_type="image/png")
    fields: MultiDict[str, Any] = MultiDict([("title", "cat"), ("file", upload)])
    boundary, body = encode_multipart(fields)
    headers = {"Content-Type": f"multipart/form-data; boundary={boundary}"}
    seen = call("POST", "/echo/m", body, headers).json()
    assert seen["form"] == {"title": ["cat"]}
    assert seen["files"] == {
        "file": {
            "filename": "cat.png",
            "mimetype": "image/png",
            "sha256": hashlib.sha256(BINARY).hexdigest(),
            "size": len(BINARY),
        }
    }


def test_binary_body(call: Caller) -> None:
    """An octet-stream body arrives unchanged, and the framework's body-drain hook is happy."""
    headers = {"Content-Type": "application/octet-stream"}
    reply = call("POST", "/echo/b", BINARY, headers)
    assert reply.status == 200
    assert reply.json()["body_sha256"] == hashlib.sha256(BINARY).hexdigest()
    assert reply.json()["body_size"] == len(BINARY)


def test_inner_hooks_run_and_outer_context_is_restored(call: Caller) -> None:
    """before/after_request of the inner app run; the outer app and request are current again."""
    reply = call("GET", "/echo/hooks")
    assert reply.header("X-Inner-Before") == "ran"
    assert reply.header("X-Inner-After") == "ran"
    assert reply.header("X-Outer-App") == "echo_function"
    # The inner app matched its own rule on the shared request object; the
    # framework's route and the environ's link to the request are back.
    assert reply.header("X-Outer-Rule") == "/<path:path>"
    assert reply.header("X-Outer-Linked") == "True"


def test_inner_routing_error_leaves_the_outer_route(call: Caller) -> None:
    """A path the inner app cannot route is its 404; the outer request keeps its own route."""
    reply = call("GET", "/nowhere")
    assert reply.status == 404
    assert reply.header("X-Inner-After") == "ran"
    assert reply.header("X-Outer-Rule") == "/<path:path>"
    assert reply.header("X-Outer-Routing-Error") == "False"


def test_status_headers_and_binary_response(call: Caller) -> None:
    """The inner status, repeated headers and binary body come back unchanged."""
    reply = call("GET", "/status")
    assert reply.status == 418
    assert reply.header("X-Custom") == "a"
    assert reply.all("Set-Cookie") == ["a=1; Path=/", "b=2; Path=/"]
    assert reply.body == bytes(range(256))


def test_inner_error_handler(call: Caller) -> None:
    """The inner app's error handlers turn its exceptions into its responses."""
    reply = call("GET", "/lookup")
    assert reply.status == 422
    assert reply.json() == {"error": "lookup"}


def test_crash_is_clean_json_500_and_the_next_request_works(call: Caller) -> None:
    """An escaping exception gives a generic JSON 500 and leaves no context behind."""
    reply = call("POST", "/crash", b"some body", {"Content-Type": "text/plain"})
    assert reply.status == 500
    assert reply.json() == {"error": "internal_error", "message": "internal server error"}
    assert b"secret-token-123" not in reply.body
    after = call("GET", "/echo/after")
    assert after.status == 200
    assert after.json()["path"] == "/echo/after"
    assert after.header("X-Outer-App") == "echo_function"


def test_chunked_upload_over_a_real_server(echo_server: str) -> None:
    """A chunked body (no Content-Length) reaches the inner app whole."""

    def chunks() -> Iterator[bytes]:
        """Send the body in pieces, which makes requests use chunked encoding."""
        for start in range(0, len(BINARY), 1000):
            yield BINARY[start : start + 1000]

    headers = {"Content-Type": "application/octet-stream"}
    response = requests.post(echo_server + "/echo/c", data=chunks(), headers=headers, timeout=30)
    assert response.status_code == 200
    assert response.json()["body_sha256"] == hashlib.sha256(BINARY).hexdigest()
