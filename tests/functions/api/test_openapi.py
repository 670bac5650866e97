"""GET /openapi.json describes exactly the routes the app serves."""

import re

from flask import Flask
from flask.testing import FlaskClient

IMPLICIT = {"HEAD", "OPTIONS"}


def test_document_matches_the_url_map(app: Flask, client: FlaskClient) -> None:
    """Every (path, method) of the app is documented, and nothing else is."""
    served = {
        (re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule), method.lower())
        for rule in app.url_map.iter_rules()
        for method in (rule.methods or set()) - IMPLICIT
    }
    document = client.get("/openapi.json").json
    assert document is not None
    assert document["openapi"].startswith("3.")
    documented = {
        (path, method)
        for path, item in document["paths"].items()
        for method in item
        if method != "parameters"
    }
    assert documented == served
    assert len(served) == 16


def test_document_states_the_deployed_limits(client: FlaskClient) -> None:
    """The upload limit and the allowed media types come from the running settings."""
    document = client.get("/openapi.json").json
    assert document is not None
    post = document["paths"]["/files"]["post"]
    assert str(4 * 1024 * 1024) in post["summary"]
    schema = post["requestBody"]["content"]["application/json"]["schema"]
    assert "image/png" in schema["properties"]["content_type"]["enum"]
    assert "text/html" not in schema["properties"]["content_type"]["enum"]
