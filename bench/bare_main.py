"""The platform's floor: a bare functions-framework function returning /health's JSON."""

import flask
import functions_framework


@functions_framework.http
def bare(request: flask.Request) -> dict[str, str]:
    """Return what GET /health returns, with no app behind it."""
    return {"status": "ok"}
