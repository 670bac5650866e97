"""Sub-router fidelity, mounted on functions-framework's app and inside one function, each
through the framework's test client and through a real server."""

import hashlib
import io
import json
from collections.abc import Iterator
from typing import Any

import flask
import functions_framework
import pytest
import requests
from crosscloud_api.subrouter import loading_framework_app, serve
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import EnvironBuilder, encode_multipart, run_wsgi_app

BINARY = bytes(range(256)) * 64
# A Caller (see conftest): call(method, path, body=b"", headers=None) -> Reply.
Caller = Any


# (target, source file) of each way to serve the echo app.
MODES = {
    "function": ("echo_function", "echo_main.py"),
    "mounted": ("mounted_echo", "mounted_echo_main.py"),
}
TRANSPORTS = ("test_client", "server")


@pytest.fixture(scope="module")
def function_server(ff: Any) -> Iterator[str]:
    """The echo app inside a function, behind the functions-framework CLI."""
    target, source = MODES["function"]
    with ff.server(target, ff.sources / source, {}) as url:
        yield url


@pytest.fixture(scope="module")
def mounted_server(ff: Any) -> Iterator[str]:
    """The echo app mounted on the framework's app, behind the functions-framework CLI."""
    target, source = MODES["mounted"]
    with ff.server(target, ff.sources / source, {}) as url:
        yield url


def _caller(request: pytest.FixtureRequest, ff: Any, mode: str, transport: str) -> Caller:
    """In-process through the framework's test client, or over a socket."""
    if transport == "server":
        return ff.http(request.getfixturevalue(f"{mode}_server"))
    return ff.test_client(_framework_app(ff, mode))


def _framework_app(ff: Any, mode: str) -> flask.Flask:
    """functions-framework's app for one way of serving the echo app."""
    target, source = MODES[mode]
    app = functions_framework.create_app(target=target, source=str(ff.sources / source))
    assert isinstance(app, flask.Flask)  # an HTTP function: a Flask app, not an ASGI one
    return app


@pytest.fixture(params=[(m, t) for m in MODES for t in TRANSPORTS], ids="-".join)
def call(request: pytest.FixtureRequest, ff: Any) -> Caller:
    """The same raw requests, mounted and inside a function, in-process and over a socket."""
    return _caller(request, ff, *request.param)


@pytest.fixture(params=TRANSPORTS)
def in_function(request: pytest.FixtureRequest, ff: Any) -> Caller:
    """Inside the function only: there, an outer request is around the inner app's."""
    return _caller(request, ff, "function", request.param)


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


def test_inner_hooks_run(call: Caller) -> None:
    """before/after_request of the inner app run, and the after hook sees the before's state."""
    reply = call("GET", "/echo/hooks")
    assert reply.header("X-Inner-Before") == "ran"
    assert reply.header("X-Inner-After") == "ran"


def test_outer_context_is_restored(in_function: Caller) -> None:
    """Inside a function, the outer app and request are current again after the inner app."""
    reply = in_function("GET", "/echo/hooks")
    assert reply.header("X-Inner-After") == "ran"
    assert reply.header("X-Outer-App") == "echo_function"
    # The inner app matched its own rule on the shared request object; the
    # framework's route and the environ's link to the request are back.
    assert reply.header("X-Outer-Rule") == "/<path:path>"
    assert reply.header("X-Outer-Linked") == "True"


def test_inner_routing_error_is_the_inner_apps(call: Caller) -> None:
    """A path the inner app cannot route is its 404, after its own hooks."""
    reply = call("GET", "/nowhere")
    assert reply.status == 404
    assert reply.header("X-Inner-After") == "ran"


def test_inner_routing_error_leaves_the_outer_route(in_function: Caller) -> None:
    """Inside a function, the inner 404 leaves the outer request its own route."""
    reply = in_function("GET", "/nowhere")
    assert reply.status == 404
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
    assert after.header("X-Inner-After") == "ran"


def test_after_a_crash_the_outer_context_is_back(in_function: Caller) -> None:
    """Inside a function, a crash of the inner app leaves the outer app current."""
    assert in_function("POST", "/crash", b"x", {"Content-Type": "text/plain"}).status == 500
    assert in_function("GET", "/echo/after").header("X-Outer-App") == "echo_function"


def test_outside_a_framework_load_there_is_no_app_to_mount_on(ff: Any) -> None:
    """With no app context, or another app's, even after a load, the entry module finds none."""
    _framework_app(ff, "mounted")  # a load happened, and is over
    assert loading_framework_app() is None
    with flask.Flask("another").app_context():
        assert loading_framework_app() is None


def test_a_chunked_body_over_the_limit_is_read_before_the_413() -> None:
    """Mounted, a chunked body too long is refused whole, after the client has sent it all."""
    app = flask.Flask("limited")
    app.config["MAX_CONTENT_LENGTH"] = 1000
    app.post("/upload")(lambda: {"size": len(flask.request.get_data())})
    sent = io.BytesIO(b"x" * 5000)
    environ = EnvironBuilder(method="POST", path="/upload", input_stream=sent).get_environ()
    del environ["CONTENT_LENGTH"]  # chunked: no length, a server that ends the stream itself
    environ.update({"HTTP_TRANSFER_ENCODING": "chunked", "wsgi.input_terminated": True})
    _, status, _ = run_wsgi_app(
        lambda env, start: serve(lambda: app, env, start), environ, buffered=True
    )
    assert status.startswith("413")
    assert sent.tell() == 5000


@pytest.mark.parametrize("mode", list(MODES))
def test_chunked_upload_over_a_real_server(request: pytest.FixtureRequest, mode: str) -> None:
    """A chunked body (no Content-Length) reaches the inner app whole."""

    def chunks() -> Iterator[bytes]:
        """Send the body in pieces, which makes requests use chunked encoding."""
        for start in range(0, len(BINARY), 1000):
            yield BINARY[start : start + 1000]

    headers = {"Content-Type": "application/octet-stream"}
    echo_server = request.getfixturevalue(f"{mode}_server")
    response = requests.post(echo_server + "/echo/c", data=chunks(), headers=headers, timeout=30)
    assert response.status_code == 200
    assert response.json()["body_sha256"] == hashlib.sha256(BINARY).hexdigest()
