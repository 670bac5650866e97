"""AWS Lambda entry point ``lambda_handler.handler``: HTTP API (payload 2.0) and Function URLs."""

import functools
import os
from collections.abc import Callable
from typing import Any

from apig_wsgi import make_lambda_handler
from crosscloud_api import create_app
from crosscloud_api.settings import Settings

LambdaHandler = Callable[[dict[str, Any], Any], dict[str, Any]]


@functools.cache
def wsgi_handler() -> LambdaHandler:
    """Adapter and app, built on the first invocation of a cold start and then reused."""
    app = create_app(Settings.from_env(os.environ))
    # binary_support: bodies that are not text go back base64-encoded, as API
    # Gateway and Function URLs require.
    return make_lambda_handler(app, binary_support=True)


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Serve one API Gateway / Function URL event."""
    return wsgi_handler()(event, context)
