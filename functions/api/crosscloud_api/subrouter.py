"""Serve a whole Flask app from functions-framework: mounted on its app, or inside one function.

``mount`` (with ``serve``) is the path every request takes when the framework
loads the entry module: the framework's Flask app hands each WSGI request straight to the API,
so the API's request cycle is the only one (the framework's own route, view and
hooks would be a second full Flask cycle around it, and cost as much again).

``dispatch`` is the function-level sub-router, for when no framework app is
there to mount on: the framework hands the function its own, already parsed
Flask request, and the inner app's request context is built around that same
request object and dispatched the way ``Flask.wsgi_app`` does it (Flask 3.1,
src/flask/app.py): method, path, query string, headers, cookies and body stay
as they came, and the inner app's routing, hooks and error handlers run as
behind any WSGI server, without a second WSGI round trip or a buffered copy.
"""

import io
import re
import sys
from collections.abc import Callable, Iterable
from typing import IO, TYPE_CHECKING, Any

import flask
from crosscloud_logging import get_logger, platform_fields_var
from flask.ctx import RequestContext
from werkzeug.wrappers import Response as WerkzeugResponse

from crosscloud_api.app import SAFE_REQUEST_ID
from crosscloud_api.error_handlers import misconfigured_response
from crosscloud_api.exceptions import SettingsError

if TYPE_CHECKING:  # the WSGI protocol types exist for type checkers only
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

log = get_logger("subrouter")
INTERNAL_ERROR = b'{"error":"internal_error","message":"internal server error"}\n'
_TRACE_CONTEXT = re.compile(r"^(?P<trace_id>\w+)/(?P<span_id>\d{1,20});o=[01]$")  # a 64-bit span


def loading_framework_app() -> flask.Flask | None:
    """functions-framework's app, while it loads the entry module (else None)."""
    # Only the Cloud Functions archive has functions-framework; Lambda never calls this.
    import functions_framework

    # functions_framework.create_app (3.10, __init__.py) makes its Flask app,
    # points functions_framework.errorhandler at that app's errorhandler, then
    # runs the entry module inside that app's context. Both must hold: once the
    # load is over, errorhandler still names the last app the framework made.
    if not flask.has_app_context():
        return None
    app = flask.current_app._get_current_object()  # type: ignore[attr-defined]
    loading = getattr(functions_framework.errorhandler, "__self__", None)
    return app if loading is app else None


def mount(framework_app: flask.Flask, serve: "WSGIApplication") -> None:
    """Have ``framework_app`` answer every request with ``serve`` (a WSGI callable).

    ``wsgi_app`` is the attribute Flask documents for wrapping an app in WSGI
    middleware. The framework's execution-id middleware stays outermost, as the
    framework itself puts it; what it wrapped (the framework's routes, its view
    around the function and its after_request hook) is left out, and ``serve``
    does what they did that the API needs.
    """
    from functions_framework.execution_id import WsgiMiddleware  # see loading_framework_app

    framework_app.wsgi_app = _refusing_unsafe_execution_ids(WsgiMiddleware(serve))  # type: ignore[method-assign]


def _refusing_unsafe_execution_ids(app: "WSGIApplication") -> "WSGIApplication":
    """Drop a caller's Function-Execution-Id that is not a plain token, so a new one is made.

    The execution id labels every log line of the request; a caller's id reaches
    the logs only as request ids do (``SAFE_REQUEST_ID``).
    """

    def checked(environ: "WSGIEnvironment", start_response: "StartResponse") -> Iterable[bytes]:
        """Pass the request on, its execution id kept only if it is safe to log."""
        if not SAFE_REQUEST_ID.fullmatch(environ.get("HTTP_FUNCTION_EXECUTION_ID", "")):
            environ.pop("HTTP_FUNCTION_EXECUTION_ID", None)
        return app(environ, start_response)

    return checked


def serve(
    application: Callable[[], flask.Flask],
    environ: "WSGIEnvironment",
    start_response: "StartResponse",
) -> Iterable[bytes]:
    """One WSGI request through the app ``application`` returns, as the mounted app passes it.

    What functions-framework's own app did around a function, this does around
    the whole app: a crash is a JSON 500 flagged ``X-Google-Status: crash``, and
    each log line of the request carries Cloud Logging's execution id and span.
    """
    token = platform_fields_var.set(_execution_log_fields(environ))
    try:
        try:
            app = application()
        except SettingsError as error:
            return misconfigured_response(error)(environ, start_response)
        except Exception as error:
            return _crashed(error, environ, start_response)
        return _through(app, environ, start_response)
    finally:
        # Lines written while the server reads a streamed body lose the fields; no
        # route streams (the access line is written before the body is sent).
        platform_fields_var.reset(token)


def _through(
    app: flask.Flask, environ: "WSGIEnvironment", start_response: "StartResponse"
) -> Iterable[bytes]:
    """The request through ``app``; a crash it propagates (testing mode) is a clean 500."""
    started = False

    def start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        """The server's start_response, noting that the app called it."""
        nonlocal started
        started = True
        return start_response(status, headers, exc_info)

    try:
        _give_chunked_body_a_length(environ, app.config["MAX_CONTENT_LENGTH"])
        return app(environ, start)
    except Exception as error:
        # PEP 3333: a second start_response carries exc_info (a server that has
        # sent the first headers already re-raises it instead).
        return _crashed(error, environ, start_response, sys.exc_info() if started else None)


def _crashed(
    error: Exception,
    environ: "WSGIEnvironment",
    start_response: "StartResponse",
    exc_info: Any = None,
) -> Iterable[bytes]:
    """A JSON 500 flagged as a crash, as the framework's crash handler flags it; never the text."""
    crash = _crash_response(error)
    crash.headers["X-Google-Status"] = "crash"

    def restart(status: str, headers: list[tuple[str, str]], _: Any = None) -> Any:
        """``start_response`` with the crash's exc_info, if the app had started a reply."""
        return start_response(status, headers, exc_info)

    return crash(environ, restart)


def _crash_response(error: Exception) -> flask.Response:
    """Log the crash by type only (its text may hold data) and answer a generic JSON 500."""
    log.error("sub-router failure", extra={"fields": {"error_type": type(error).__name__}})
    return flask.Response(INTERNAL_ERROR, status=500, mimetype="application/json")


def _execution_log_fields(environ: "WSGIEnvironment") -> dict[str, Any]:
    """Cloud Logging's execution id label and span id, as functions-framework adds them."""
    # The label's name and the trace header's format are functions-framework's
    # (3.10, execution_id.py); Cloud Logging groups a function's lines by the label.
    fields: dict[str, Any] = {}
    execution_id = environ.get("HTTP_FUNCTION_EXECUTION_ID")
    if execution_id:
        fields["logging.googleapis.com/labels"] = {"execution_id": execution_id}
    trace = _TRACE_CONTEXT.match(environ.get("HTTP_X_CLOUD_TRACE_CONTEXT", ""))
    if trace:
        # The header's span is a decimal integer; LogEntry.spanId is 16 hex digits.
        fields["logging.googleapis.com/spanId"] = f"{int(trace['span_id']):016x}"
    return fields


def dispatch(app: flask.Flask, request: flask.Request) -> WerkzeugResponse:
    """Run ``request`` through ``app`` and return the inner app's response unchanged."""
    # The inner context matches the URL on this same object; the outer request
    # keeps describing the framework's own route once the inner app is done.
    outer_route = (request.url_rule, request.view_args, request.routing_exception)
    try:
        if "stream" not in request.__dict__:  # else someone already opened the body
            _give_chunked_body_a_length(request.environ, app.config["MAX_CONTENT_LENGTH"])
        return _full_dispatch(app, request)
    except Exception as error:
        # Reached only if the inner app propagates errors (e.g. testing mode):
        # never let the framework render the exception text.
        return _crash_response(error)
    finally:
        request.url_rule, request.view_args, request.routing_exception = outer_route
        # Popping the inner context unlinks the request from its environ; the
        # outer context still owns both.
        request.environ["werkzeug.request"] = request


def _full_dispatch(app: flask.Flask, request: flask.Request) -> WerkzeugResponse:
    """``Flask.wsgi_app`` minus the WSGI call: push, dispatch, handle, always pop."""
    # One request object for both apps: the framework's after_request hook calls
    # get_data() on it, which works on a body the inner app already consumed
    # (a second reader of wsgi.input would find the stream drained).
    context = RequestContext(app, request.environ, request=request)
    error: BaseException | None = None
    try:
        context.push()
        try:
            return app.full_dispatch_request()
        except Exception as raised:
            error = raised
            return app.handle_exception(raised)  # re-raises when propagating
        except BaseException as raised:
            error = raised
            raise
    finally:
        if error is not None and app.should_ignore_error(error):
            error = None
        # In a finally, so even a crashing view or hook leaves no context behind.
        context.pop(error)


def _give_chunked_body_a_length(environ: "WSGIEnvironment", limit: int | None) -> None:
    """Buffer a chunked body (up to one byte over ``limit``) and declare its length."""
    chunked = "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()
    # gunicorn marks every input terminated; only a chunked one has no length to check.
    if not (chunked and environ.get("wsgi.input_terminated")) or environ.get("CONTENT_LENGTH"):
        return
    # With no Content-Length, werkzeug (3.1, wsgi.py get_input_stream/LimitedStream)
    # reads a terminated stream up to MAX_CONTENT_LENGTH and stops there without an
    # error, so a body one byte too long would reach the view truncated. A declared
    # length makes the inner app refuse it whole, with its own JSON 413.
    stream = environ["wsgi.input"]
    body = _read_up_to(stream, None if limit is None else limit + 1)
    if limit is not None and len(body) > limit:
        # Refused whole: read the rest first, so the refusal reaches a client that
        # is still sending, as for a declared length (the app reads those itself).
        while stream.read(65536):
            pass
    environ["wsgi.input"] = io.BytesIO(body)
    environ["CONTENT_LENGTH"] = str(len(body))
    environ.pop("HTTP_TRANSFER_ENCODING", None)
    del environ["wsgi.input_terminated"]


def _read_up_to(stream: IO[bytes], size: int | None) -> bytes:
    """Read ``size`` bytes or to the end, whichever comes first (reads may come short)."""
    if size is None:
        return stream.read()
    parts: list[bytes] = []
    remaining = size
    while remaining > 0 and (part := stream.read(min(remaining, 65536))):
        parts.append(part)
        remaining -= len(part)
    return b"".join(parts)
