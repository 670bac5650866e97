"""The application factory: one Flask app, its blueprints, request ids, logs and error handlers."""

import logging
import re
import time
import uuid

from crosscloud_logging import configure_logging, emit, get_logger, request_id_var
from flask import Flask, Response, g, request
from werkzeug.exceptions import ClientDisconnected, RequestEntityTooLarge
from werkzeug.wsgi import LimitedStream

from crosscloud_api import error_handlers
from crosscloud_api.routes import channels, files, health, openapi, reports
from crosscloud_api.services import LazyServices, Services
from crosscloud_api.settings import Settings

EXTENSION = "crosscloud"
REQUEST_ID_HEADER = "X-Request-Id"
# A caller-supplied id is echoed into logs, so only plain tokens are accepted.
SAFE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
log = get_logger("http")


def create_app(settings: Settings, services: Services | None = None) -> Flask:
    """Build the API; ``services`` replaces the real backends (tests inject their own)."""
    configure_logging(settings.log_level)
    app = Flask(__name__, static_folder=None)
    app.config["MAX_CONTENT_LENGTH"] = settings.max_request_bytes
    app.extensions[EXTENSION] = services or LazyServices(settings)
    app.extensions["crosscloud.settings"] = settings
    for blueprint in (health.bp, channels.bp, files.bp, reports.bp, openapi.bp):
        app.register_blueprint(blueprint)
    error_handlers.register(app)
    app.before_request(_start_request)
    # after_request hooks run last-registered first: the body is read after the log line.
    app.after_request(_read_rest_of_body)
    app.after_request(_finish_request)
    app.teardown_request(_forget_request_id)
    return app


def _start_request() -> None:
    """Pick the request id and start the clock."""
    g.started = time.perf_counter()
    g.request_id = _request_id()
    g.request_id_token = request_id_var.set(g.request_id)


def _request_id() -> str:
    """The caller's id, else the platform's (Lambda, Cloud Functions), else a new one."""
    candidates = [
        request.headers.get(REQUEST_ID_HEADER),
        getattr(request.environ.get("apig_wsgi.context"), "aws_request_id", None),
        request.headers.get("Function-Execution-Id"),
    ]
    for candidate in candidates:
        if isinstance(candidate, str) and SAFE_REQUEST_ID.fullmatch(candidate):
            return candidate
    return uuid.uuid4().hex


def _finish_request(response: Response) -> Response:
    """Return the request id and log one line: method, route, status, duration; never bodies."""
    request_id = g.get("request_id")
    if request_id:
        response.headers[REQUEST_ID_HEADER] = request_id
    started = g.get("started", time.perf_counter())
    fields = {
        "method": request.method,
        "path": request.path,
        "route": request.url_rule.rule if request.url_rule else None,
        "status": response.status_code,
        "duration_ms": round((time.perf_counter() - started) * 1000, 2),
    }
    emit(log, logging.INFO, "request", fields)
    return response


def _read_rest_of_body(response: Response) -> Response:
    """Read what the view left of the request body before answering, as servers expect.

    A reply sent while the client is still uploading (a 404, 405, 401 or 413
    before the view read the body) can reach it as a reset connection instead;
    functions-framework's own app reads the body after every request for that
    reason (its ``read_request`` hook), and the mounted API does the same.
    """
    if response.is_streamed:  # the view may still be reading it
        return response
    if not (request.content_length or request.environ.get("wsgi.input_terminated")):
        return response  # no body to read
    try:
        stream = request.stream
    except RequestEntityTooLarge:
        # Refused on its declared length before a byte was read: read that length,
        # as the request's own stream (werkzeug's cached_property is settable), so a
        # later reader finds it read, not a connection that seems to have dropped.
        stream = LimitedStream(request.environ["wsgi.input"], request.content_length or 0)
        request.stream = stream  # pyright: ignore[reportAttributeAccessIssue]
    try:
        while stream.read(65536):
            pass
    except ClientDisconnected:  # nobody is left to answer
        pass
    except RequestEntityTooLarge:  # a stream with no length, past the limit: stop here
        pass
    return response


def _forget_request_id(_: BaseException | None) -> None:
    """Reset the log context so nothing of this request leaks into the next."""
    token = g.pop("request_id_token", None)
    if token is not None:
        request_id_var.reset(token)
