"""API Gateway HTTP API (payload 2.0) semantics: an HTTP request in, a Lambda result out."""

import base64
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

ACCOUNT_ID = "123456789012"  # moto's default account
API_ID = "local"
# Content types API Gateway passes as text; any other body arrives base64-encoded.
_TEXT_TYPES = ("text/", "application/json", "application/x-www-form-urlencoded", "application/xml")


@dataclass(frozen=True)
class HttpRequest:
    """A request as it arrived on the socket: raw target, repeated headers, body bytes."""

    method: str
    target: str
    headers: list[tuple[str, str]]
    body: bytes
    source_ip: str
    protocol: str = "HTTP/1.1"


@dataclass(frozen=True)
class HttpResponse:
    """What goes back on the socket."""

    status: int
    headers: list[tuple[str, str]]
    body: bytes


def to_event(request: HttpRequest, *, request_id: str | None = None) -> dict[str, Any]:
    """The HTTP API v2 event API Gateway would send for ``request``."""
    raw_path, _, raw_query = request.target.partition("?")
    headers: dict[str, str] = {}
    cookies: list[str] = []
    for name, value in request.headers:
        lowered = name.lower()
        if lowered == "cookie":
            # v2 moves cookies out of the headers into their own array.
            cookies.extend(part.strip() for part in value.split(";") if part.strip())
            continue
        # Repeated headers are joined with commas, as API Gateway does.
        headers[lowered] = f"{headers[lowered]},{value}" if lowered in headers else value
    now = time.time()
    context_id = request_id or str(uuid.uuid4())
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": raw_path or "/",
        "rawQueryString": raw_query,
        "headers": headers,
        "requestContext": {
            "accountId": ACCOUNT_ID,
            "apiId": API_ID,
            "domainName": headers.get("host", "localhost"),
            "domainPrefix": API_ID,
            "http": {
                "method": request.method.upper(),
                "path": raw_path or "/",
                "protocol": request.protocol,
                "sourceIp": request.source_ip,
                "userAgent": headers.get("user-agent", ""),
            },
            "requestId": context_id,
            "routeKey": "$default",
            "stage": "$default",
            "time": time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(now)),
            "timeEpoch": int(now * 1000),
        },
        "isBase64Encoded": False,
    }
    if cookies:
        event["cookies"] = cookies
    if raw_query:
        event["queryStringParameters"] = _joined(parse_qsl(raw_query, keep_blank_values=True))
    if request.body:
        if _is_text(headers.get("content-type", "")):
            try:
                event["body"] = request.body.decode("utf-8")
            except UnicodeDecodeError:
                event["body"], event["isBase64Encoded"] = _b64(request.body), True
        else:
            event["body"], event["isBase64Encoded"] = _b64(request.body), True
    return event


def to_response(result: dict[str, Any]) -> HttpResponse:
    """The HTTP response API Gateway builds from a Lambda's v2 result."""
    headers: list[tuple[str, str]] = []
    for name, value in (result.get("headers") or {}).items():
        headers.append((name, str(value)))
    for name, values in (result.get("multiValueHeaders") or {}).items():
        headers.extend((name, str(value)) for value in values)
    headers.extend(("Set-Cookie", cookie) for cookie in result.get("cookies") or ())
    body = result.get("body") or ""
    data = base64.b64decode(body) if result.get("isBase64Encoded") else str(body).encode()
    return HttpResponse(int(result.get("statusCode", 200)), headers, data)


def _joined(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Decoded query parameters, repeated keys joined with commas (v2's single-value map)."""
    joined: dict[str, str] = {}
    for key, value in pairs:
        joined[key] = f"{joined[key]},{value}" if key in joined else value
    return joined


def _is_text(content_type: str) -> bool:
    """Whether API Gateway would pass a body of this type as text."""
    media = content_type.split(";", 1)[0].strip().lower()
    return media.startswith(_TEXT_TYPES) or media.endswith(("+json", "+xml"))


def _b64(data: bytes) -> str:
    """Base64 text of ``data``."""
    return base64.b64encode(data).decode("ascii")
