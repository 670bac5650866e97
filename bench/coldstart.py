"""Import time of each entry module in a fresh interpreter, next to bare flask/boto3 imports."""

import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# (label, directory put on sys.path, module imported)
ENTRIES = [
    ("baseline: import flask", None, "flask"),
    ("baseline: import boto3", None, "boto3"),
    ("GCP entry: main.py", ROOT / "functions" / "api", "main"),
    ("AWS entry: lambda_handler.py", ROOT / "functions" / "api", "lambda_handler"),
    ("indexer entry: indexer_handler.py", ROOT / "functions" / "indexer", "indexer_handler"),
]
_PROGRAM = """
import sys, time
if {path!r}:
    sys.path.insert(0, {path!r})
started = time.perf_counter()
import {module}
print(time.perf_counter() - started)
"""


def measure(runs: int = 7) -> dict[str, float]:
    """Median import time in milliseconds per entry, each run in a new interpreter."""
    results: dict[str, float] = {}
    for label, path, module in ENTRIES:
        program = _PROGRAM.format(path=str(path) if path else "", module=module)
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
