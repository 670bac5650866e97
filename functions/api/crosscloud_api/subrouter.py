"""Serve a whole Flask app from inside one functions-framework HTTP function.

The framework hands the function its own Flask request. Re-dispatching that
request through the inner app's full WSGI pipeline keeps everything about it:
method, path, query string, headers, cookies and body, and the inner app's
hooks and error handlers run as they would behind any WSGI server.
"""

import io

import flask
from werkzeug.wrappers import Response as WerkzeugResponse

from crosscloud_api.logs import get_logger

log = get_logger("subrouter")
INTERNAL_ERROR = b'{"error":"internal_error","message":"internal server error"}\n'


def dispatch(app: flask.Flask, request: flask.Request) -> WerkzeugResponse:
    """Run ``request`` through ``app`` and return the inner app's response unchanged."""
    # The framework's after_request hook calls get_data() on the outer request; a
    # body the inner app consumed straight from wsgi.input would then be gone and
    # the hook would fail. Reading it once with cache=True serves both.
    body = request.get_data(cache=True)
    environ = dict(request.environ)
    environ.pop("werkzeug.request", None)  # belongs to the outer request object
    environ.pop("HTTP_TRANSFER_ENCODING", None)  # the body below is already de-chunked
    environ["wsgi.input"] = io.BytesIO(body)
    environ["CONTENT_LENGTH"] = str(len(body))
    try:
        # Flask's own wsgi_app pushes and pops the inner contexts in a finally, so
        # even a crashing view leaves no request context behind.
        return flask.Response.from_app(app.wsgi_app, environ, buffered=True)
    except Exception as error:
        # Reached only if the inner app propagates errors (e.g. testing mode):
        # never let the framework render the exception text.
        log.error("sub-router failure", extra={"fields": {"error_type": type(error).__name__}})
        return flask.Response(INTERNAL_ERROR, status=500, mimetype="application/json")
