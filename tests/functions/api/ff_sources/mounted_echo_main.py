"""The echo app mounted on functions-framework's app, the path main.py takes."""

from collections.abc import Iterable
from typing import Any

import flask
import functions_framework
from crosscloud_api.subrouter import loading_framework_app, mount, serve
from echo_main import inner  # the framework puts this directory on sys.path


def serve_echo(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
    """Every request of the framework's app, to the echo app."""
    return serve(lambda: inner, environ, start_response)


@functions_framework.http
def mounted_echo(request: flask.Request) -> str:
    """The target the framework asks for; mounted, no request reaches it."""
    raise AssertionError(f"{request.path} reached the function instead of the mounted app")


if (framework_app := loading_framework_app()) is not None:
    mount(framework_app, serve_echo)
