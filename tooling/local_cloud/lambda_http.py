"""The AWS endpoint: an HTTP server that calls a Lambda handler with HTTP API v2 events.

Run as ``python -m tooling.local_cloud.lambda_http --source DIR --handler module.fn --port N``;
the function's environment is this process's environment, as in a Lambda runtime.
"""

import argparse
import json
import re
import signal
import sys
import threading
from collections.abc import Iterable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import FrameType

from tooling.local_cloud.apigw import HttpRequest, HttpResponse, to_event, to_response
from tooling.local_cloud.framing import FramingError, read_body
from tooling.local_cloud.runtime import Handler, LambdaContext, exit_with_parent, load_handler

# Hop-by-hop and framing headers belong to this server, not to the function's result.
_OWN_HEADERS = frozenset({"content-length", "transfer-encoding", "connection", "keep-alive"})
# The body is handed over decoded, so its framing headers are not the function's either.
_FRAMING_HEADERS = frozenset({"content-length", "transfer-encoding"})
# As the standard library's parser: longer request lines are a 414.
MAX_REQUEST_LINE = 65536
READ_TIMEOUT_SECONDS = 30.0
# A method is an RFC 9110 token; anything else cannot have come from a conforming client.
_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
# API Gateway's payload limit; larger requests never reach the function.
MAX_BODY_BYTES = 10 * 1024 * 1024
# A synchronous Lambda invocation carries at most 6 MB of event JSON (the body
# base64-encoded inside it); API Gateway answers 413 for a larger one.
MAX_EVENT_BYTES = 6 * 1024 * 1024


def make_server(
    host: str,
    port: int,
    handler: Handler,
    function_name: str,
    timeout: float = 15.0,
    read_timeout: float = READ_TIMEOUT_SECONDS,
) -> ThreadingHTTPServer:
    """A threading HTTP server that serves every method and path through ``handler``.

    ``timeout`` is the function's; ``read_timeout`` bounds each wait for the client.
    """

    class Front(BaseHTTPRequestHandler):
        """Turns each request into one invocation; every answer of its own is JSON."""

        protocol_version = "HTTP/1.1"
        # Socket timeout: a client that stops sending mid-request gets a 408, not a thread.
        timeout = read_timeout

        def handle_one_request(self) -> None:
            """Read one request line and headers (the standard library's parser), then invoke.

            Every method reaches the function, as through an ANY route, so an unknown one
            gets the application's JSON 405 rather than the library's HTML 501.
            """
            try:
                self.raw_requestline = self.rfile.readline(MAX_REQUEST_LINE + 1)
                if len(self.raw_requestline) > MAX_REQUEST_LINE:
                    self.requestline = self.request_version = self.command = ""
                    self.send_error(HTTPStatus.REQUEST_URI_TOO_LONG)
                    return
                if not self.raw_requestline:
                    self.close_connection = True
                    return
                if self.parse_request():
                    self._invoke()
                self.wfile.flush()
            except TimeoutError:
                self.close_connection = True
            except ConnectionError as error:
                # The client hung up (reset, broken pipe): nobody to answer, nothing to
                # report but one line; socketserver would print a traceback.
                self.log_message("client went away: %s", type(error).__name__)
                self.close_connection = True

        def _invoke(self) -> None:
            """Read the body, call the handler, write its result."""
            if not _TOKEN.fullmatch(self.command):
                self.send_error(HTTPStatus.BAD_REQUEST, "invalid method")
                return
            try:
                body = read_body(self.headers, self.rfile, MAX_BODY_BYTES)
            except FramingError as error:
                # The next request's first byte is unknown now: answer and hang up.
                self.close_connection = True
                self._write(_gateway_error(error.status, error.message))
                return
            except TimeoutError:
                self.close_connection = True
                self._write(_gateway_error(HTTPStatus.REQUEST_TIMEOUT))
                return
            request = HttpRequest(
                method=self.command,
                target=self.path,
                headers=_forwarded_headers(self.headers.items(), len(body)),
                body=body,
                source_ip=self.client_address[0],
                protocol=self.request_version,
            )
            context = LambdaContext(function_name, timeout)
            event = to_event(request, request_id=context.aws_request_id)
            if len(json.dumps(event)) > MAX_EVENT_BYTES:
                self._write(_gateway_error(HTTPStatus.REQUEST_ENTITY_TOO_LARGE))
                return
            try:
                response = to_response(handler(event, context))
            except Exception as error:
                # A handler that raises is a 502 at API Gateway; the type is enough here.
                self.log_message("handler raised %s", type(error).__name__)
                response = _gateway_error(HTTPStatus.BAD_GATEWAY)
            self._write(response)

        def send_error(
            self, code: int, message: str | None = None, explain: str | None = None
        ) -> None:
            """The library's own errors (bad request line, headers too long...) as JSON."""
            self.log_error("code %d, message %s", code, message)
            if self.request_version == "HTTP/0.9":
                # The version was not parsed yet (the library's default): without this
                # the answer would go out as a bare HTTP/0.9 body, with no status line.
                self.request_version = "HTTP/1.1"
            self.close_connection = True
            self._write(_gateway_error(HTTPStatus(code), message))

        def _write(self, response: HttpResponse) -> None:
            """Send status, headers and body."""
            self.send_response(response.status)
            for name, value in response.headers:
                if name.lower() not in _OWN_HEADERS:
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(response.body)))
            if self.close_connection:
                self.send_header("Connection", "close")
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(response.body)

        def log_message(self, format: str, *args: object) -> None:
            """Access lines on stderr, prefixed so they stand out among the function's logs."""
            sys.stderr.write(f"[aws-api] {self.address_string()} {format % args}\n")

    return ThreadingHTTPServer((host, port), Front)


def _forwarded_headers(headers: Iterable[tuple[str, str]], length: int) -> list[tuple[str, str]]:
    """The request's headers as the function sees them: the body arrives de-chunked."""
    kept = [(name, value) for name, value in headers if name.lower() not in _FRAMING_HEADERS]
    return [*kept, ("Content-Length", str(length))] if length else kept


def _gateway_error(status: HTTPStatus, message: str | None = None) -> HttpResponse:
    """The JSON body API Gateway itself sends when it cannot get a result."""
    body = json.dumps({"message": message or status.phrase}, separators=(",", ":")).encode()
    return HttpResponse(int(status), [("Content-Type", "application/json")], body)


def main(argv: list[str] | None = None) -> int:
    """Serve until SIGTERM."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--source", type=Path, required=True, help="the function's code directory")
    parser.add_argument("--handler", required=True, help="module.function, as in Lambda")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--function-name", default="crosscloud-local-api")
    parser.add_argument("--timeout", type=float, default=15.0, help="the function's timeout (s)")
    args = parser.parse_args(argv)
    exit_with_parent()
    handler = load_handler(args.source.resolve(), args.handler)
    server = make_server(args.host, args.port, handler, args.function_name, args.timeout)

    def stop(signum: int, _: FrameType | None) -> None:
        """Shut the server down from another thread (shutdown() blocks until the loop ends)."""
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
