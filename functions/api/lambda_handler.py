"""AWS Lambda entry point ``lambda_handler.handler``: HTTP API (payload 2.0) and Function URLs."""

import functools
import os
from collections.abc import Callable
from typing import Any

from apig_wsgi import make_lambda_handler
from crosscloud_api import create_app
from crosscloud_api.error_handlers import misconfigured_body
from crosscloud_api.exceptions import SettingsError
from crosscloud_api.settings import Settings
from flask import Flask

LambdaHandler = Callable[[dict[str, Any], Any], dict[str, Any]]


def build_handler(app: Flask) -> LambdaHandler:
    """Wrap a WSGI app for API Gateway v1/v2 and Function URL events."""
    # binary_support: bodies that are not text go back base64-encoded, as API
    # Gateway and Function URLs require.
    return make_lambda_handler(app, binary_support=True)


@functools.cache
def wsgi_handler() -> LambdaHandler:
    """Adapter and app, built on the first invocation of a cold start and then reused."""
    return build_handler(create_app(Settings.from_env(os.environ)))


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Serve one API Gateway / Function URL event."""
    try:
        serve = wsgi_handler()
    except SettingsError as error:
        headers = {"content-type": "application/json"}
        return {"statusCode": 500, "headers": headers, "body": misconfigured_body(error)}
    return serve(event, context)
