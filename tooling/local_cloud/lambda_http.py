"""The AWS endpoint: an HTTP server that calls a Lambda handler with HTTP API v2 events.

Run as ``python -m tooling.local_cloud.lambda_http --source DIR --handler module.fn --port N``;
the function's environment is this process's environment, as in a Lambda runtime.
"""

import argparse
import json
import signal
import sys
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import FrameType

from tooling.local_cloud.apigw import HttpRequest, HttpResponse, to_event, to_response
from tooling.local_cloud.runtime import Handler, LambdaContext, exit_with_parent, load_handler

# Hop-by-hop and framing headers belong to this server, not to the function's result.
_OWN_HEADERS = frozenset({"content-length", "transfer-encoding", "connection", "keep-alive"})
# API Gateway's payload limit; larger requests never reach the function.
MAX_BODY_BYTES = 10 * 1024 * 1024
# A synchronous Lambda invocation carries at most 6 MB of event JSON (the body
# base64-encoded inside it); API Gateway answers 413 for a larger one.
MAX_EVENT_BYTES = 6 * 1024 * 1024


def make_server(
    host: str, port: int, handler: Handler, function_name: str, timeout: float = 15.0
) -> ThreadingHTTPServer:
    """A threading HTTP server that serves every method and path through ``handler``."""

    class Front(BaseHTTPRequestHandler):
        """Turns each request into one invocation."""

        protocol_version = "HTTP/1.1"

        def _invoke(self) -> None:
            """Read the body, call the handler, write its result."""
            length = int(self.headers.get("Content-Length") or 0)
            if length > MAX_BODY_BYTES:
                self._write(_gateway_error(HTTPStatus.REQUEST_ENTITY_TOO_LARGE))
                self.close_connection = True
                return
            request = HttpRequest(
                method=self.command,
                target=self.path,
                headers=list(self.headers.items()),
                body=self.rfile.read(length) if length else b"",
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

        # Every method an HTTP API "ANY" route accepts reaches the function; the names
        # are BaseHTTPRequestHandler's dispatch convention.
        do_GET = do_POST = do_PUT = do_PATCH = _invoke  # noqa: N815
        do_DELETE = do_HEAD = do_OPTIONS = _invoke  # noqa: N815

        def _write(self, response: HttpResponse) -> None:
            """Send status, headers and body."""
            self.send_response(response.status)
            for name, value in response.headers:
                if name.lower() not in _OWN_HEADERS:
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(response.body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(response.body)

        def log_message(self, format: str, *args: object) -> None:
            """Access lines on stderr, prefixed so they stand out among the function's logs."""
            sys.stderr.write(f"[aws-api] {self.address_string()} {format % args}\n")

    return ThreadingHTTPServer((host, port), Front)


def _gateway_error(status: HTTPStatus) -> HttpResponse:
    """The JSON body API Gateway itself sends when it cannot get a result."""
    body = f'{{"message":"{status.phrase}"}}'.encode()
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
