"""Cloud Functions (2nd gen) entry point: the whole API behind one HTTP function.

Deploy with entry point ``api``. The archive root is this directory, so the
``crosscloud_api`` package beside this file is importable as it is on Lambda.
"""

import functools
import os

import flask
import functions_framework
from crosscloud_api import create_app
from crosscloud_api.error_handlers import http_error, misconfigured_body
from crosscloud_api.exceptions import SettingsError
from crosscloud_api.settings import Settings
from crosscloud_api.subrouter import dispatch
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response


@functools.cache
def application() -> flask.Flask:
    """The API, built on the instance's first request and reused for its life.

    Secrets come as environment variables (``secret_environment_variables``); when
    DB_PASSWORD is absent, the database layer reads DB_PASSWORD_SECRET from Secret
    Manager on first connection and caches it for the instance's life.
    """
    return create_app(Settings.from_env(os.environ))


@functions_framework.http
def api(request: flask.Request) -> Response:
    """Serve any path and method of the API."""
    try:
        app = application()
    except SettingsError as error:
        return flask.Response(misconfigured_body(error), 500, mimetype="application/json")
    return dispatch(app, request)


@functions_framework.errorhandler(HTTPException)
def framework_error(error: HTTPException) -> Response:
    """Answer paths the framework refuses itself (``/robots.txt``, a ``%0A``) in the API's JSON."""
    # functions-framework routes /robots.txt and /favicon.ico to its own 404, and
    # its /<path:path> rule cannot match a newline; those never reach api(). Its
    # crash handler stays on 500, which Flask looks up by code before by class.
    # (Imported outside functions_framework.create_app, the decorator is a no-op.)
    return http_error(error)
