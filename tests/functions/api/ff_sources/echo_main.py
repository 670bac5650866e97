"""A functions-framework source for the sub-router tests: an inner app that echoes everything."""

import hashlib
from typing import Any

import flask
import functions_framework
from crosscloud_api.subrouter import dispatch
from werkzeug.wrappers import Response

inner = flask.Flask("inner-echo")
# Let a crash escape the inner app, so the sub-router's own safety net is what
# turns it into a clean JSON 500.
inner.config["PROPAGATE_EXCEPTIONS"] = True


@inner.before_request
def mark_before() -> None:
    """Prove the inner before_request hooks run."""
    flask.g.before = "ran"


@inner.after_request
def mark_after(response: Response) -> Response:
    """Prove the inner after_request hooks run and see the before hook's state."""
    response.headers["X-Inner-Before"] = flask.g.get("before", "missing")
    response.headers["X-Inner-After"] = "ran"
    return response


@inner.errorhandler(LookupError)
def lookup_failed(_: LookupError) -> tuple[dict[str, str], int]:
    """Prove the inner error handlers run."""
    return {"error": "lookup"}, 422


@inner.route("/echo/", defaults={"rest": ""}, methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
@inner.route("/echo/<path:rest>", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
def echo(rest: str) -> dict[str, Any]:
    """Describe the request as the inner app sees it."""
    request = flask.request
    raw = (
        b""
        if request.mimetype in ("multipart/form-data", "application/x-www-form-urlencoded")
        else request.get_data()
    )
    return {
        "method": request.method,
        "path": request.path,
        "rest": rest,
        "query": request.query_string.decode(),
        "args": request.args.to_dict(flat=False),
        "headers": {
            k: request.headers.getlist(k) for k, _ in request.headers if k.startswith("X-")
        },
        "cookies": request.cookies.to_dict(flat=False),
        "json": request.get_json(silent=True) if request.is_json else None,
        "form": request.form.to_dict(flat=False),
        "files": {
            name: {
                "filename": f.filename,
                "mimetype": f.mimetype,
                "sha256": hashlib.sha256(data := f.read()).hexdigest(),
                "size": len(data),
            }
            for name, f in request.files.items()
        },
        "body_sha256": hashlib.sha256(raw).hexdigest(),
        "body_size": len(raw),
    }


@inner.route("/status")
def custom_status() -> tuple[bytes, int, list[tuple[str, str]]]:
    """A non-200 status, repeated headers and a binary body."""
    headers = [("X-Custom", "a"), ("Set-Cookie", "a=1; Path=/"), ("Set-Cookie", "b=2; Path=/")]
    return bytes(range(256)), 418, [*headers, ("Content-Type", "application/octet-stream")]


@inner.route("/lookup")
def lookup() -> str:
    """A handled error."""
    raise KeyError("missing")


@inner.route("/crash", methods=["GET", "POST"])
def crash() -> str:
    """An unhandled error whose message must never reach the client."""
    raise RuntimeError("secret-token-123")


@functions_framework.http
def echo_function(request: flask.Request) -> Response:
    """The Cloud Function: the sub-router, then a report of the outer request's state."""
    response = dispatch(inner, request)
    response.headers["X-Outer-App"] = flask.current_app.name
    outer = flask.request
    rule = outer.url_rule.rule if outer.url_rule else "none"
    response.headers["X-Outer-Rule"] = rule
    response.headers["X-Outer-Routing-Error"] = str(outer.routing_exception is not None)
    response.headers["X-Outer-Linked"] = str(outer.environ.get("werkzeug.request") is request)
    return response


@functions_framework.http
def bare_function(request: flask.Request) -> dict[str, str]:
    """A bare function returning what /health returns (the benchmark's floor)."""
    return {"status": "ok"}
