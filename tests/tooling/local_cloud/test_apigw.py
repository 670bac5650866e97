"""The HTTP API v2 mapping of the AWS endpoint, alone and through apig-wsgi and Flask."""

import base64
import json

from apig_wsgi import make_lambda_handler
from flask import Flask, Response, jsonify, request

from tooling.local_cloud.apigw import HttpRequest, to_event, to_response
from tooling.local_cloud.runtime import LambdaContext


def _request(
    method: str = "GET",
    target: str = "/",
    headers: list[tuple[str, str]] | None = None,
    body: bytes = b"",
) -> HttpRequest:
    """A request as the socket delivered it."""
    return HttpRequest(method, target, headers or [("Host", "127.0.0.1:3000")], body, "127.0.0.1")


def test_event_keeps_raw_path_query_and_repeated_keys() -> None:
    """rawPath and rawQueryString stay encoded; repeated keys are comma-joined in the map."""
    event = to_event(_request(target="/files/a%20b?tag=x&tag=y&q=a%2Bb"))
    assert event["version"] == "2.0"
    assert event["rawPath"] == "/files/a%20b"
    assert event["rawQueryString"] == "tag=x&tag=y&q=a%2Bb"
    assert event["queryStringParameters"] == {"tag": "x,y", "q": "a+b"}
    assert event["requestContext"]["http"]["method"] == "GET"
    assert event["requestContext"]["http"]["sourceIp"] == "127.0.0.1"
    assert event["requestContext"]["requestId"]


def test_event_lowercases_headers_and_moves_cookies() -> None:
    """Headers are lower-cased and joined; cookies leave the headers for their own array."""
    headers = [("Host", "h"), ("X-Tag", "a"), ("x-tag", "b"), ("Cookie", "a=1; b=2")]
    event = to_event(_request(headers=headers))
    assert event["headers"] == {"host": "h", "x-tag": "a,b"}
    assert event["cookies"] == ["a=1", "b=2"]


def test_event_body_is_text_or_base64() -> None:
    """JSON stays text; a binary body is base64-encoded and flagged."""
    text = to_event(_request("POST", headers=[("Content-Type", "application/json")], body=b"{}"))
    assert (text["body"], text["isBase64Encoded"]) == ("{}", False)
    data = bytes(range(256))
    binary = to_event(_request("POST", headers=[("Content-Type", "image/png")], body=data))
    assert binary["isBase64Encoded"] is True
    assert base64.b64decode(binary["body"]) == data


def test_response_maps_cookies_multi_value_headers_and_base64() -> None:
    """Result cookies become Set-Cookie headers; base64 bodies are decoded."""
    result = {
        "statusCode": 201,
        "headers": {"Content-Type": "image/png"},
        "multiValueHeaders": {"X-Many": ["1", "2"]},
        "cookies": ["a=1; Path=/", "b=2"],
        "isBase64Encoded": True,
        "body": base64.b64encode(b"\x00\x01").decode(),
    }
    response = to_response(result)
    assert response.status == 201
    assert response.body == b"\x00\x01"
    assert ("X-Many", "1") in response.headers
    assert ("X-Many", "2") in response.headers
    assert [v for k, v in response.headers if k == "Set-Cookie"] == ["a=1; Path=/", "b=2"]


def _echo_app() -> Flask:
    """A Flask app that reports what it received and sets a cookie."""
    app = Flask(__name__)

    @app.route("/<path:path>", methods=["GET", "POST"])
    def echo(path: str) -> Response:
        """Echo the request."""
        response = jsonify(
            {
                "path": request.path,
                "tags": request.args.getlist("tag"),
                "cookies": dict(request.cookies),
                "header": request.headers.get("X-Tag"),
                "body": base64.b64encode(request.get_data()).decode(),
            }
        )
        response.set_cookie("seen", "yes")
        return response

    return app


def test_round_trip_through_apig_wsgi() -> None:
    """What the front builds is what a Flask app behind apig-wsgi sees, and back."""
    handler = make_lambda_handler(_echo_app(), binary_support=True)
    data = b"\xff\xfe binary"
    headers = [("Host", "h"), ("Cookie", "a=1; b=2"), ("X-Tag", "t"), ("Content-Type", "image/png")]
    event = to_event(_request("POST", "/p/a%20b?tag=x&tag=y", headers, data))
    response = to_response(handler(event, LambdaContext("test")))
    assert response.status == 200
    echoed = json.loads(response.body)
    assert echoed["path"] == "/p/a b"
    assert echoed["tags"] == ["x", "y"]
    assert echoed["cookies"] == {"a": "1", "b": "2"}
    assert echoed["header"] == "t"
    assert base64.b64decode(echoed["body"]) == data
    assert any(k == "Set-Cookie" and v.startswith("seen=yes") for k, v in response.headers)
