"""Map exceptions to JSON error responses; the only place that chooses HTTP statuses."""

import json
from typing import Any

from crosscloud_logging import get_logger
from flask import Flask, Response, jsonify
from werkzeug.exceptions import HTTPException

from crosscloud_api import exceptions as exc

STATUS: dict[type[exc.ApiError], int] = {
    exc.ValidationError: 400,
    exc.NotFoundError: 404,
    exc.ConflictError: 409,
    exc.PayloadTooLargeError: 413,
    exc.UnsupportedMediaTypeError: 415,
    exc.BackendUnavailableError: 503,
    exc.SettingsError: 500,
}
RETRY_AFTER_SECONDS = "5"
log = get_logger("error_handlers")


def error_response(status: int, code: str, message: str, **extra: Any) -> Response:
    """The JSON error body every error shares."""
    response = jsonify({"error": code, "message": message, **extra})
    response.status_code = status
    if status == 503:
        response.headers["Retry-After"] = RETRY_AFTER_SECONDS
    return response


def misconfigured_body(error: exc.SettingsError) -> str:
    """The JSON body for an instance whose settings are invalid (no app could be built).

    Logged here too, as one line without a traceback: the entry points return this
    instead of letting the platform print the exception.
    """
    log.error("invalid settings", extra={"fields": {"error": error.code, "detail": error.message}})
    return json.dumps({"error": error.code, "message": error.message})


def misconfigured_response(error: exc.SettingsError) -> Response:
    """``misconfigured_body`` as a JSON 500, for the entry points that answer with Flask."""
    return Response(misconfigured_body(error), 500, mimetype="application/json")


def register(app: Flask) -> None:
    """Install the handlers on ``app``."""
    app.register_error_handler(exc.ApiError, _api_error)
    app.register_error_handler(HTTPException, http_error)
    app.register_error_handler(Exception, internal_error)


def _api_error(error: exc.ApiError) -> Response:
    """An error raised on purpose: its own code and client-safe message."""
    status = next((STATUS[kind] for kind in type(error).__mro__ if kind in STATUS), 500)
    if status >= 500:
        log.warning("backend error", extra={"fields": {"error": error.code}})
    extra = {"field": error.field} if error.field else {}
    return error_response(status, error.code, error.message, **extra)


def http_error(error: HTTPException) -> Response:
    """Werkzeug's 404/405/413...: same JSON shape, keeping headers such as Allow."""
    status = error.code or 500
    code = "payload_too_large" if status == 413 else _snake(error.name)
    response = error_response(status, code, error.description or error.name)
    for name, value in error.get_headers():
        if name.lower() != "content-type":
            response.headers[name] = value
    return response


def internal_error(error: BaseException) -> Response:
    """A bug: log only the exception's type (its text or traceback may hold data) and hide it."""
    log.error("unhandled exception", extra={"fields": {"error_type": type(error).__name__}})
    return error_response(500, "internal_error", "internal server error")


def _snake(name: str) -> str:
    """'Method Not Allowed' -> 'method_not_allowed'."""
    return name.lower().replace(" ", "_").replace("'", "")
