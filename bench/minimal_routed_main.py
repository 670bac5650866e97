"""The sub-router's own cost: functions-framework + ``dispatch`` around a one-route Flask app."""

import flask
import functions_framework
from crosscloud_api.subrouter import dispatch
from werkzeug.wrappers import Response

_inner = flask.Flask(__name__)


@_inner.get("/health")
def _health() -> dict[str, str]:
    """What GET /health returns, with no hooks, request id or access log."""
    return {"status": "ok"}


@functions_framework.http
def minimal(request: flask.Request) -> Response:
    """Serve ``_inner`` through the sub-router, as main.api serves the API."""
    return dispatch(_inner, request)
