"""The AWS floor: a minimal Flask app behind apig-wsgi answering GET /health."""

from apig_wsgi import make_lambda_handler
from flask import Flask

app = Flask(__name__)


@app.get("/health")
def health() -> dict[str, str]:
    """Return what GET /health returns, with nothing else behind it."""
    return {"status": "ok"}


handler = make_lambda_handler(app, binary_support=True)
