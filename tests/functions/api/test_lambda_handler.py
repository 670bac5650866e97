"""The Lambda entry point with real-shaped HTTP API v2 and Function URL events."""

import base64
import hashlib
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import lambda_handler
import pytest
from flask import Flask

Events = Callable[..., dict[str, Any]]


@pytest.fixture
def configured(
    aws_env: str, s3_bucket: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[str]:
    """The function's environment as the AWS stack sets it (bucket on moto, SQLite locally)."""
    monkeypatch.setenv("STORAGE_URL", f"s3://{s3_bucket}")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'channels.db'}")
    lambda_handler.wsgi_handler.cache_clear()
    yield s3_bucket
    lambda_handler.wsgi_handler.cache_clear()


def _json(result: dict[str, Any]) -> Any:
    """The JSON body of a Lambda proxy result."""
    assert result["isBase64Encoded"] is False
    return json.loads(result["body"])


def test_health_over_http_api(configured: str, events: Events, lambda_context: Any) -> None:
    """A v2 event is served; the Lambda request id becomes the request id."""
    result = lambda_handler.handler(events("apigw_v2_get_health"), lambda_context)
    assert result["statusCode"] == 200
    assert _json(result) == {"status": "ok"}
    assert result["headers"]["x-request-id"] == lambda_context.aws_request_id


def test_health_over_function_url(configured: str, events: Events, lambda_context: Any) -> None:
    """Function URL events (the same payload 2.0) work too."""
    result = lambda_handler.handler(events("function_url_get_health"), lambda_context)
    assert result["statusCode"] == 200


def test_app_is_built_once_per_cold_start(
    configured: str, events: Events, lambda_context: Any
) -> None:
    """Warm invocations reuse the adapter and app."""
    lambda_handler.handler(events("apigw_v2_get_health"), lambda_context)
    first = lambda_handler.wsgi_handler()
    lambda_handler.handler(events("apigw_v2_get_health"), lambda_context)
    assert lambda_handler.wsgi_handler() is first
    assert lambda_handler.wsgi_handler.cache_info().misses == 1


def test_create_channel(configured: str, events: Events, lambda_context: Any) -> None:
    """A JSON POST creates a channel."""
    result = lambda_handler.handler(events("apigw_v2_create_channel"), lambda_context)
    assert result["statusCode"] == 201
    assert _json(result)["id"] == "lambda-news"


def test_repeated_query_keys_reach_the_app(
    configured: str, events: Events, lambda_context: Any
) -> None:
    """rawQueryString keeps both values; the app refuses the ambiguous limit."""
    result = lambda_handler.handler(events("apigw_v2_list_channels_repeated_query"), lambda_context)
    assert result["statusCode"] == 400
    assert _json(result)["field"] == "limit"


def test_base64_multipart_upload(
    configured: str, events: Events, lambda_context: Any, aws_client: Callable[..., Any]
) -> None:
    """A base64-encoded binary multipart body is decoded and stored byte for byte."""
    event = events("apigw_v2_upload_multipart_base64")
    result = lambda_handler.handler(event, lambda_context)
    assert result["statusCode"] == 201, result["body"]
    stored = aws_client("s3").get_object(Bucket=configured, Key="example/cat.png")["Body"].read()
    expected = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
    assert stored == expected
    assert _json(result)["size"] == len(expected)


def test_404_and_405_from_the_inner_app(
    configured: str, events: Events, lambda_context: Any
) -> None:
    """Routing errors are JSON; 405 carries Allow."""
    missing = lambda_handler.handler(events("apigw_v2_not_found"), lambda_context)
    assert missing["statusCode"] == 404
    assert _json(missing)["error"] == "not_found"
    wrong = lambda_handler.handler(events("apigw_v2_method_not_allowed"), lambda_context)
    assert wrong["statusCode"] == 405
    assert "POST" in wrong["headers"]["allow"]


def test_cookies_and_repeated_query_through_the_adapter(
    echo_app: Flask, events: Events, lambda_context: Any
) -> None:
    """v2 cookies and repeated keys reach a WSGI app wrapped by build_handler."""
    result = lambda_handler.build_handler(echo_app)(
        events("apigw_v2_echo_cookies_query"), lambda_context
    )
    seen = json.loads(result["body"])
    assert seen["cookies"] == {"session": ["abc"], "theme": ["dark"]}
    assert seen["args"] == {"tag": ["1", "2"], "x": ["y&z"]}


def test_binary_request_and_response_bodies(
    echo_app: Flask, events: Events, lambda_context: Any
) -> None:
    """Base64 request bodies are decoded; binary responses are base64-encoded back."""
    handle = lambda_handler.build_handler(echo_app)
    seen = json.loads(handle(events("apigw_v2_echo_binary_body"), lambda_context)["body"])
    assert seen["body_sha256"] == hashlib.sha256(bytes(range(256))).hexdigest()
    result = handle(events("apigw_v2_status_binary_response"), lambda_context)
    assert result["statusCode"] == 418
    assert result["isBase64Encoded"] is True
    assert base64.b64decode(result["body"]) == bytes(range(256))
    assert result["cookies"] == ["a=1; Path=/", "b=2; Path=/"]


def test_missing_configuration_is_a_json_500_naming_the_variable(
    events: Events,
    lambda_context: Any,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A function deployed without STORAGE_URL answers (and logs) which variable is missing."""
    monkeypatch.delenv("STORAGE_URL", raising=False)
    monkeypatch.setenv("DATABASE_URL", "sqlite://")
    lambda_handler.wsgi_handler.cache_clear()
    try:
        result = lambda_handler.handler(events("apigw_v2_get_health"), lambda_context)
    finally:
        lambda_handler.wsgi_handler.cache_clear()
    assert result["statusCode"] == 500
    body = json.loads(result["body"])
    assert body["error"] == "misconfigured"
    assert "STORAGE_URL" in body["message"]
    [line] = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert line["message"] == "invalid settings"
    assert "Traceback" not in line["detail"]
