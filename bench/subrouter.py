"""Requests per second for GET /health: main.py on functions-framework vs the API called
directly vs a bare function, and main.api's in-function sub-router (where it cannot mount).

The variants run in one process and are timed round by round, so each round
gives a paired ratio that machine-wide slowdowns (other work on the cores)
affect on both sides; the report takes the median of those ratios.
"""

import contextlib
import logging
import os
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Generator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from unittest import mock

import requests
from werkzeug.serving import make_server

from function_builds.shared import import_path

ROOT = Path(__file__).resolve().parents[1]
API_DIR = ROOT / "functions" / "api"
ROUTED = "functions-framework + main.py (API mounted on its app)"
DIRECT = "Flask app called directly"
BARE = "bare functions-framework function"
UNMOUNTED = "functions-framework + main.api (sub-router inside the function)"


@contextlib.contextmanager
def _quiet_stdout() -> Generator[None]:
    """Send the per-request JSON log lines to /dev/null while timing."""
    saved = sys.stdout
    with open(os.devnull, "w") as devnull:
        sys.stdout = devnull
        try:
            yield
        finally:
            sys.stdout = saved


def _apps() -> dict[str, Any]:
    """The WSGI apps: main.py as functions-framework loads it, the API directly, a bare
    function, and main.py with nothing to mount on (main.api's sub-router serves)."""
    import functions_framework

    for path in import_path(API_DIR):
        if str(path) not in sys.path:
            sys.path.insert(0, str(path))
    from crosscloud_api import Settings, create_app, subrouter
    from crosscloud_api.settings import UrlDatabase

    database = f"sqlite:///{tempfile.mkdtemp(prefix='bench-')}/channels.db"
    # /health touches no backend, so the bucket never has to exist.
    os.environ.setdefault("STORAGE_URL", "s3://bench-bucket")
    os.environ.setdefault("DATABASE_URL", database)
    routed = functions_framework.create_app(target="api", source=str(API_DIR / "main.py"))
    bare = functions_framework.create_app(
        target="bare", source=str(Path(__file__).with_name("bare_main.py"))
    )
    with mock.patch.object(subrouter, "mount"):  # as where there is no app to mount on
        unmounted = functions_framework.create_app(target="api", source=str(API_DIR / "main.py"))
    direct = create_app(Settings("s3://bench-bucket", UrlDatabase(database)))
    return {
        ROUTED: routed,
        DIRECT: direct,
        BARE: bare,
        UNMOUNTED: unmounted,
    }


def _in_process(apps: dict[str, Any]) -> dict[str, Callable[[], int]]:
    """GET /health through each app's WSGI test client (no HTTP at all)."""
    clients = {name: app.test_client() for name, app in apps.items()}
    return {
        name: (lambda c=client: c.get("/health").status_code) for name, client in clients.items()
    }


@contextlib.contextmanager
def _over_http(apps: dict[str, Any]) -> Generator[dict[str, Callable[[], int]]]:
    """GET /health over keep-alive HTTP to a threaded server per app, all in this process."""
    # The development server logs every request; that would time the logger.
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    servers = [make_server("127.0.0.1", 0, app, threaded=True) for app in apps.values()]
    threads = [threading.Thread(target=s.serve_forever, daemon=True) for s in servers]
    for thread in threads:
        thread.start()
    sessions = [requests.Session() for _ in servers]
    try:
        yield {
            name: (
                lambda s=session, p=server.server_port: (
                    s.get(f"http://127.0.0.1:{p}/health").status_code
                )
            )
            for name, server, session in zip(apps, servers, sessions, strict=True)
        }
    finally:
        for session in sessions:
            session.close()
        for server in servers:
            server.shutdown()
            server.server_close()


ROUNDS = 15


@dataclass(frozen=True)
class Rounds:
    """Requests/s of each variant, one value per round; a round times every variant once."""

    rates: dict[str, list[float]]

    def median(self, name: str) -> float:
        """The variant's median rate."""
        return statistics.median(self.rates[name])

    def ratios(self, name: str, other: str) -> list[float]:
        """Round by round, ``name``'s rate over ``other``'s (the paired comparison)."""
        return [a / b for a, b in zip(self.rates[name], self.rates[other], strict=True)]


def measure(rounds: int = ROUNDS) -> dict[str, Rounds]:
    """Per-round requests/s of each variant: in-process WSGI (per CPU second), and over HTTP."""
    apps = _apps()
    # In process, all the work is this thread's: its CPU time leaves out the time it
    # waits for a core the other work on the machine holds. Over HTTP the server
    # threads do the work, so only wall time covers it.
    results = {"in-process WSGI": _rounds(_in_process(apps), 2000, rounds, time.thread_time)}
    with _over_http(apps) as clients:
        results["loopback HTTP"] = _rounds(clients, 500, rounds, time.perf_counter)
    return results


def _rounds(
    clients: dict[str, Callable[[], int]],
    requests_per_round: int,
    rounds: int,
    clock: Callable[[], float],
) -> Rounds:
    """Time every variant once per round; the order turns each round so none always goes first."""
    samples: dict[str, list[float]] = {name: [] for name in clients}
    names = list(clients)
    with _quiet_stdout():
        for call in clients.values():  # warm up: first request builds the app
            for _ in range(200):
                assert call() == 200
        for round_number in range(rounds):
            shift = round_number % len(names)
            for name in names[shift:] + names[:shift]:
                call = clients[name]
                started = clock()
                for _ in range(requests_per_round):
                    call()
                samples[name].append(requests_per_round / (clock() - started))
    return Rounds(samples)
