"""Serve a whole Flask app from inside one functions-framework HTTP function.

The framework hands the function its own, already parsed Flask request. The
inner app's request context is built around that same request object and
dispatched the way ``Flask.wsgi_app`` does it (Flask 3.1, src/flask/app.py):
method, path, query string, headers, cookies and body stay as they came, and
the inner app's routing, hooks and error handlers run as behind any WSGI
server, without a second WSGI round trip or a buffered copy of the response.
"""

import io
from typing import IO

import flask
from crosscloud_logging import get_logger
from flask.ctx import RequestContext
from werkzeug.wrappers import Response as WerkzeugResponse

log = get_logger("subrouter")
INTERNAL_ERROR = b'{"error":"internal_error","message":"internal server error"}\n'


def dispatch(app: flask.Flask, request: flask.Request) -> WerkzeugResponse:
    """Run ``request`` through ``app`` and return the inner app's response unchanged."""
    # The inner context matches the URL on this same object; the outer request
    # keeps describing the framework's own route once the inner app is done.
    outer_route = (request.url_rule, request.view_args, request.routing_exception)
    try:
        _give_chunked_body_a_length(app, request)
        return _full_dispatch(app, request)
    except Exception as error:
        # Reached only if the inner app propagates errors (e.g. testing mode):
        # never let the framework render the exception text.
        log.error("sub-router failure", extra={"fields": {"error_type": type(error).__name__}})
        return flask.Response(INTERNAL_ERROR, status=500, mimetype="application/json")
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


def _give_chunked_body_a_length(app: flask.Flask, request: flask.Request) -> None:
    """Buffer a chunked body (up to one byte over the inner limit) and declare its length."""
    environ = request.environ
    chunked = "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()
    # gunicorn marks every input terminated; only a chunked one has no length to check.
    if not (chunked and environ.get("wsgi.input_terminated")) or request.content_length is not None:
        return
    if "stream" in request.__dict__:  # someone already opened the body: leave it to them
        return
    # With no Content-Length, werkzeug (3.1, wsgi.py get_input_stream/LimitedStream)
    # reads a terminated stream up to MAX_CONTENT_LENGTH and stops there without an
    # error, so a body one byte too long would reach the view truncated. A declared
    # length makes the inner app refuse it whole, with its own JSON 413.
    limit = app.config["MAX_CONTENT_LENGTH"]
    body = _read_up_to(environ["wsgi.input"], None if limit is None else limit + 1)
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
