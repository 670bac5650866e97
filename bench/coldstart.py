"""Import time of each entry module in a fresh interpreter, next to bare flask/boto3 imports."""

import statistics
import subprocess
import sys
from pathlib import Path

from function_builds.shared import import_path

ROOT = Path(__file__).resolve().parents[1]
# (label, directories put on sys.path as in the archive, module imported)
ENTRIES = [
    ("baseline: import flask", (), "flask"),
    ("baseline: import boto3", (), "boto3"),
    ("GCP entry: main.py", import_path(ROOT / "functions" / "api"), "main"),
    ("AWS entry: lambda_handler.py", import_path(ROOT / "functions" / "api"), "lambda_handler"),
    (
        "indexer entry: indexer_handler.py",
        import_path(ROOT / "functions" / "indexer"),
        "indexer_handler",
    ),
]
_PROGRAM = """
import sys, time
sys.path[:0] = {paths!r}
started = time.perf_counter()
import {module}
print(time.perf_counter() - started)
"""


def measure(runs: int = 7) -> dict[str, float]:
    """Median import time in milliseconds per entry, each run in a new interpreter."""
    results: dict[str, float] = {}
    for label, paths, module in ENTRIES:
        program = _PROGRAM.format(paths=[str(p) for p in paths], module=module)
        timings = []
        for _ in range(runs):
            output = subprocess.run(
                [sys.executable, "-B", "-c", program],
                capture_output=True,
                text=True,
                check=True,
                cwd=ROOT,
            ).stdout
            timings.append(float(output.strip().splitlines()[-1]) * 1000)
        results[label] = statistics.median(timings)
    return results
