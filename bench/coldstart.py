"""Cold start as a user feels it: a fresh interpreter's first GET /health, API vs hello-world.

Each run starts a new interpreter that imports the entry module, builds the app
and answers GET /health (bench/first_request.py), once through the API's entry
point and once through a minimal app on the same platform adapter:
functions-framework for Cloud Functions, Flask + apig-wsgi for Lambda. Rounds
run every variant back to back, the order turning each round, so each round
gives a paired ratio as in the sub-router benchmark.
"""

import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = Path(__file__).with_name("first_request.py")
RUNS = 15
# The deployed environment of each function (stacks/aws/platform.py,
# stacks/gcp/platform.py) with placeholder values: /health must build the app
# from them without touching a backend.
AWS_ENV = {
    "STORAGE_URL": "s3://bench-uploads",
    "DB_SECRET_ARN": "arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds-bench-AbCdEf",
    "DB_HOST": "bench.cluster.eu-west-1.rds.amazonaws.com",
    "DB_PORT": "5432",
    "DB_NAME": "crosscloud",
    "LOG_LEVEL": "INFO",
    "AWS_DEFAULT_REGION": "eu-west-1",
}
GCP_ENV = {
    "STORAGE_URL": "gs://bench-uploads",
    "CLOUD_SQL_INSTANCE": "bench-project:europe-west1:bench",
    "CLOUD_SQL_IP_TYPE": "PUBLIC",
    "DB_NAME": "crosscloud",
    "DB_USER": "api@bench-project.iam",
    "DB_IAM_AUTH": "true",
    "LOG_LEVEL": "INFO",
}

_API_PREFIXES = ("DB_", "DATABASE_", "STORAGE_", "CLOUD_SQL_")


@dataclass(frozen=True)
class Platform:
    """One cloud's pair: the API's entry point and the hello-world on the same adapter."""

    name: str
    api: str
    bare: str
    environment: dict[str, str]


PLATFORMS = [
    Platform("Cloud Functions (functions-framework)", "gcp-api", "gcp-bare", GCP_ENV),
    Platform("Lambda (Flask + apig-wsgi)", "aws-api", "aws-bare", AWS_ENV),
]


@dataclass(frozen=True)
class Timings:
    """Per variant, one value per round: milliseconds from import to response, and whole process."""

    first_request_ms: dict[str, list[float]]
    process_ms: dict[str, list[float]]

    def ratios(self, platform: Platform) -> list[float]:
        """Round by round, the API's import-to-response time over the hello-world's."""
        api, bare = self.first_request_ms[platform.api], self.first_request_ms[platform.bare]
        return [a / b for a, b in zip(api, bare, strict=True)]


def measure(runs: int = RUNS) -> Timings:
    """Run every variant ``runs`` times, interleaved, each in a new interpreter."""
    variants = {v: p.environment for p in PLATFORMS for v in (p.api, p.bare)}
    first: dict[str, list[float]] = {v: [] for v in variants}
    whole: dict[str, list[float]] = {v: [] for v in variants}
    names = list(variants)
    for round_number in range(runs):
        shift = round_number % len(names)
        for variant in names[shift:] + names[:shift]:
            inner, outer = _run(variant, variants[variant])
            first[variant].append(inner)
            whole[variant].append(outer)
    return Timings(first, whole)


def _run(variant: str, environment: dict[str, str]) -> tuple[float, float]:
    """One cold start: (import-to-response ms reported by the child, whole process ms)."""
    # None of this shell's own settings (a developer's DATABASE_URL) may leak in.
    env = {k: v for k, v in os.environ.items() if not k.startswith(_API_PREFIXES)}
    env.update(environment)
    started = time.perf_counter()
    output = subprocess.run(
        [sys.executable, "-B", str(SCRIPT), variant],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        env=env,
    ).stdout
    process_ms = (time.perf_counter() - started) * 1000
    # The API's access log line comes first; the script's own line is the last.
    elapsed, status = output.strip().splitlines()[-1].split()
    if status != "200":
        raise RuntimeError(f"{variant}: GET /health answered {status}")
    return float(elapsed), process_ms
