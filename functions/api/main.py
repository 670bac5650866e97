"""Cloud Functions (2nd gen) entry point: the whole API behind one HTTP function.

Deploy with entry point ``api``. The archive root is this directory, so the
``crosscloud_api`` package beside this file is importable as it is on Lambda.

functions-framework loads this module inside its own app's context; the module
then mounts the API on that app (``serve`` below), so each request runs one
Flask request cycle, the API's, as on Lambda. ``api`` and the two error
handlers are what the framework runs where there is no app to mount on.
"""

import functools
import os
from collections.abc import Iterable
from typing import TYPE_CHECKING

import flask
import functions_framework
from crosscloud_api import create_app
from crosscloud_api.error_handlers import http_error, internal_error, misconfigured_response
from crosscloud_api.exceptions import SettingsError
from crosscloud_api.settings import Settings
from crosscloud_api.subrouter import dispatch, loading_framework_app, mount
from crosscloud_api.subrouter import serve as serve_with
from crosscloud_logging import configure_logging
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment


@functools.cache
def application() -> flask.Flask:
    """The API, built on the instance's first request and reused for its life.

    Secrets come as environment variables (``secret_environment_variables``); when
    DB_PASSWORD is absent, the database layer reads DB_PASSWORD_SECRET from Secret
    Manager on first connection and caches it for the instance's life.
    """
    # Before the settings are read: the lines saying why a build failed are JSON
    # too. create_app then sets the configured level.
    configure_logging()
    return create_app(Settings.from_env(os.environ))


def serve(environ: "WSGIEnvironment", start_response: "StartResponse") -> Iterable[bytes]:
    """Every request to the framework's app, straight to the API (the mounted path)."""
    return serve_with(application, environ, start_response)


@functions_framework.http
def api(request: flask.Request) -> Response:
    """Serve any path and method of the API from inside the function (unmounted path)."""
    try:
        app = application()
    except SettingsError as error:
        return misconfigured_response(error)
    return dispatch(app, request)


@functions_framework.errorhandler(HTTPException)
def framework_error(error: HTTPException) -> Response:
    """Paths the framework refuses itself (``/robots.txt``, a ``%0A``) go to the API after all."""
    # functions-framework routes /robots.txt and /favicon.ico to its own 404, and
    # its /<path:path> rule cannot match a newline; those never reach api(). The
    # same request on Lambda reaches the API, so the API answers it here too, in
    # its JSON and with its own routing. (Imported outside
    # functions_framework.create_app, the decorator is a no-op.)
    if flask.request.url_rule is None or flask.request.url_rule.endpoint == "error":
        # The request object itself, not the context-local proxy: the sub-router
        # pushes a context around it, which would make the proxy point at itself.
        return api(flask.request._get_current_object())  # type: ignore[attr-defined]
    return http_error(error)


@functions_framework.errorhandler(500)
def framework_crash(error: Exception) -> Response:
    """Replace the framework's crash page, which is HTML carrying the exception's text."""
    # Reached only when the framework itself fails around the function (the sub-router
    # answers every error of the API). The status header keeps Cloud Run's "crash"
    # log entry, as the framework's own handler sets it.
    response = internal_error(getattr(error, "original_exception", None) or error)
    response.headers["X-Google-Status"] = "crash"
    return response


# functions-framework runs this module inside its app's context, on import.
if (framework_app := loading_framework_app()) is not None:
    mount(framework_app, serve)
