"""Liveness and readiness."""

from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout

from crosscloud_logging import get_logger
from flask import Blueprint, Response, jsonify

from crosscloud_api.error_handlers import error_response
from crosscloud_api.routes import services

bp = Blueprint("health", __name__)
# Each backend gets this long to answer; a readiness probe must not hang.
CHECK_TIMEOUT_SECONDS = 3.0
log = get_logger("health")


@bp.get("/health")
def liveness() -> Response:
    """The function is running; no backend is touched."""
    return jsonify({"status": "ok"})


@bp.get("/health/ready")
def readiness() -> Response | tuple[Response, int]:
    """Check every backend concurrently; 503 naming the ones that are down."""
    backends = services()
    checks = {"database": backends.channels.check, "storage": backends.store.check}
    # Not a context manager: its exit would wait for a hung check.
    pool = ThreadPoolExecutor(max_workers=len(checks), thread_name_prefix="readiness")
    futures = {name: pool.submit(check) for name, check in checks.items()}
    results: dict[str, str] = {}
    for name, future in futures.items():
        try:
            future.result(timeout=CHECK_TIMEOUT_SECONDS)
            results[name] = "ok"
        except FutureTimeout:
            results[name] = "timeout"
        except Exception as error:  # any failure at all means "not ready"
            fields = {"backend": name, "error_type": type(error).__name__}
            log.warning("readiness check failed", extra={"fields": fields})
            results[name] = "down"
    pool.shutdown(wait=False)
    down = sorted(name for name, state in results.items() if state != "ok")
    if down:
        message = f"unavailable: {', '.join(down)}"
        return error_response(503, "not_ready", message, checks=results)
    return jsonify({"status": "ready", "checks": results}), 200
