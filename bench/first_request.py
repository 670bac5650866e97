"""One cold start, run as a script in a fresh interpreter: ``first_request.py <variant>``.

Times importing the entry module, building the app and answering the first
GET /health, then prints the milliseconds and the status. Only ``sys``,
``time`` and ``json`` are imported before the clock starts; every variant
needs them anyway. The shared packages (functions/shared/) go on ``sys.path``
first, as an archive has them at its root beside the function's own code.
"""

import json
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
API_DIR = ROOT / "functions" / "api"
BENCH_DIR = ROOT / "bench"
SHARED_DIR = ROOT / "functions" / "shared"
HEALTH_EVENT = ROOT / "tests" / "functions" / "events" / "apigw_v2_get_health.json"


class _LambdaContext:
    """The one attribute of a Lambda context the API reads."""

    aws_request_id = "cold-start-bench"


def _functions_framework(source: Path, target: str) -> int:
    """What the Cloud Functions runtime does: load the source, build the app, serve."""
    import functions_framework

    app: Any = functions_framework.create_app(target=target, source=str(source))  # a Flask app
    return app.test_client().get("/health").status_code


def _lambda(directory: Path, module: str, event: dict[str, object]) -> int:
    """What the Lambda runtime does: import the handler's module, then invoke it."""
    sys.path.insert(0, str(directory))
    handler = __import__(module).handler
    return int(handler(event, _LambdaContext())["statusCode"])


def main(variant: str) -> None:
    """Run ``variant``'s cold start and print ``<ms> <status>``."""
    event = json.loads(HEALTH_EVENT.read_text())
    sys.path.append(str(SHARED_DIR))
    started = time.perf_counter()
    if variant == "gcp-bare":
        status = _functions_framework(BENCH_DIR / "bare_main.py", "bare")
    elif variant == "gcp-api":
        status = _functions_framework(API_DIR / "main.py", "api")
    elif variant == "aws-bare":
        status = _lambda(BENCH_DIR, "bare_lambda", event)
    elif variant == "aws-api":
        status = _lambda(API_DIR, "lambda_handler", event)
    else:
        raise SystemExit(f"unknown variant {variant!r}")
    elapsed_ms = (time.perf_counter() - started) * 1000
    print(f"{elapsed_ms:.3f} {status}")


if __name__ == "__main__":
    main(sys.argv[1])
