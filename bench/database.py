"""What the channels database layer costs: a cold instance's first query, and each request.

Run ``python -B -m bench.database`` (PostgreSQL figures need a local server
package, as the tests do). The repository is built the way the entry points
build it, ``LazyServices(settings)``, so the same code measures any
implementation of the layer behind that interface: ``BENCH_API_DIR=<another
checkout>/functions/api`` measures that checkout's (how the SQLAlchemy figures in
bench/results.md were taken).

- cold: a fresh interpreter imports ``crosscloud_api.services``, builds the
  services and runs the readiness query once on SQLite (what a cold instance pays
  before its first channels response, minus Flask, which every variant shares);
  once with cached bytecode and once without any, as on Lambda, whose archive
  holds no ``.pyc`` files and whose code directory is read-only (the stdlib is
  then compiled too, the same for every variant);
- warm: the median time of each repository call, on SQLite and PostgreSQL, over
  many rounds in one process (one request's database work, without HTTP).
"""

import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
API_DIR = Path(os.environ.get("BENCH_API_DIR") or ROOT / "functions" / "api")
ROUNDS = 300
COLD_RUNS = 9
_COLD_PROGRAM = """
import sys, tempfile, time
sys.path.insert(0, {api!r})
started = time.perf_counter()
from crosscloud_api.services import LazyServices
from crosscloud_api.settings import Settings, UrlDatabase
imported = time.perf_counter()
url = "sqlite:///" + tempfile.mkdtemp() + "/cold.db"
LazyServices(Settings("s3://cold-bucket", UrlDatabase(url))).channels.check()
print(imported - started, time.perf_counter() - started)
"""


def cold(runs: int = COLD_RUNS, *, bytecode: bool = True) -> dict[str, float]:
    """Median milliseconds to import the layer, and to import it and answer a first query."""
    imports, firsts = [], []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as empty:
            # An empty bytecode cache that -B keeps empty: every module is compiled.
            env = {**os.environ} if bytecode else {**os.environ, "PYTHONPYCACHEPREFIX": empty}
            output = subprocess.run(
                [sys.executable, "-B", "-c", _COLD_PROGRAM.format(api=str(API_DIR))],
                capture_output=True,
                text=True,
                check=True,
                cwd=ROOT,
                env=env,
            ).stdout
        imported, first = (float(v) * 1000 for v in output.split()[-2:])
        imports.append(imported)
        firsts.append(first)
    return {"import": statistics.median(imports), "import + first query": statistics.median(firsts)}


def warm(url: str, rounds: int = ROUNDS) -> dict[str, float]:
    """Median microseconds of each repository call on the database at ``url``."""
    if str(API_DIR) not in sys.path:
        sys.path.insert(0, str(API_DIR))
    from crosscloud_api.channels import ChannelFields
    from crosscloud_api.services import LazyServices
    from crosscloud_api.settings import Settings, UrlDatabase

    repo = LazyServices(Settings("s3://bench-bucket", UrlDatabase(url))).channels
    fields = ChannelFields(name="Bench", url="https://example.com/bench", subscriber_count=1)
    for seed in range(60):  # a table with more than one page
        repo.create(f"seed-{seed:03d}", fields)
    calls: dict[str, Callable[[str], Any]] = {
        "create": lambda key: repo.create(key, fields),
        "get": lambda key: repo.get(key),
        "list (50)": lambda key: repo.list(50, None),
        "replace": lambda key: repo.replace(key, fields),
        "delete": lambda key: repo.delete(key),
    }
    timings: dict[str, list[float]] = {name: [] for name in calls}
    for round_ in range(rounds):
        key = f"bench-{round_:05d}"
        for name, call in calls.items():
            started = time.perf_counter()
            call(key)
            timings[name].append(time.perf_counter() - started)
    return {name: statistics.median(values) * 1e6 for name, values in timings.items()}


def measure() -> dict[str, dict[str, float]]:
    """Cold figures, then warm ones per database (PostgreSQL where a server is installed)."""
    from tooling.local_cloud.database import postgres_bin, throwaway_postgres

    results = {
        "cold (ms, SQLite, cached bytecode)": cold(),
        "cold (ms, SQLite, no bytecode as on Lambda)": cold(bytecode=False),
    }
    with ExitStack() as stack:
        results["warm (µs, SQLite)"] = warm(f"sqlite:///{tempfile.mkdtemp()}/warm.db")
        if postgres_bin() is not None:
            server = stack.enter_context(throwaway_postgres(_free_port()))
            server.run_sql(f"CREATE DATABASE bench OWNER {server.user}")
            results["warm (µs, PostgreSQL)"] = warm(server.url("bench"))
    return results


def _free_port() -> int:
    """A loopback port that was free a moment ago."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def main() -> int:
    """Print the figures as Markdown tables."""
    for title, figures in measure().items():
        print(f"\n| {title} | median |\n|---|---:|")
        for name, value in figures.items():
            print(f"| {name} | {value:,.0f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
