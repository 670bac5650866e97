"""A bounded load client: mixed reads and writes from a fixed number of threads for a fixed time.

Each worker has its own seeded random choice of operation and its own channel ids and
object keys, so a run is repeatable and workers never contend for one row. Every
request has a timeout; a request without an HTTP answer counts as an error too.
"""

import base64
import random
import statistics
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import requests

REQUEST_TIMEOUT_SECONDS = 15.0
# Reads are about 70 % of requests, as for a typical API; every write is checked by a read.
WEIGHTS = {
    "list_channels": 20,
    "read_channel": 20,
    "create_channel": 10,
    "update_channel": 10,
    "upload_file": 10,
    "read_file": 20,
    "list_files": 10,
}
# What a healthy endpoint answers to each operation; anything else is an error.
EXPECTED = {
    "list_channels": {200},
    "read_channel": {200},
    "create_channel": {201},
    "update_channel": {200},
    "upload_file": {201},
    "read_file": {200},
    "list_files": {200},
}
FILE_CONTENT = base64.b64encode(b"load test file\n" * 64).decode()  # 960 bytes


@dataclass(frozen=True)
class Outcome:
    """One request: what was asked, when, how long it took and what came back."""

    operation: str
    started: float  # time.monotonic() when sent
    seconds: float
    status: int | None  # None: no HTTP answer (refused, reset, timed out)
    retry_after: str | None = None
    json_error: bool = False  # a JSON body with "error" and "message"
    failure: str | None = None  # the exception class when there was no answer
    subject: str = ""  # the channel id or object key written or read, if any


@dataclass
class Worker:
    """One client thread's state: its random stream and what it has created so far."""

    base_url: str
    name: str
    rng: random.Random
    session: requests.Session = field(default_factory=requests.Session)
    channels: list[str] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)
    count: int = 0

    def request(self) -> Outcome:
        """Pick an operation (reads fall back to lists until something exists) and send it."""
        operation = self.rng.choices(list(WEIGHTS), weights=list(WEIGHTS.values()))[0]
        if operation in ("read_channel", "update_channel") and not self.channels:
            operation = "list_channels"
        if operation == "read_file" and not self.keys:
            operation = "list_files"
        self.count += 1
        method, path, body = self._build(operation)
        subject = _subject(operation, path, body)
        started = time.monotonic()
        try:
            response = self.session.request(
                method, f"{self.base_url}{path}", json=body, timeout=REQUEST_TIMEOUT_SECONDS
            )
        except requests.RequestException as exc:
            return Outcome(operation, started, time.monotonic() - started, None,
                           failure=type(exc).__name__, subject=subject)  # fmt: skip
        outcome = Outcome(
            operation,
            started,
            time.monotonic() - started,
            response.status_code,
            retry_after=response.headers.get("Retry-After"),
            json_error=_is_json_error(response),
            subject=subject,
        )
        if response.status_code in (200, 201):
            self._remember(operation, body)
        return outcome

    def _build(self, operation: str) -> tuple[str, str, dict[str, Any] | None]:
        """Method, path and JSON body of the next ``operation``."""
        item = f"{self.name}-{self.count}"
        match operation:
            case "list_channels":
                return "GET", "/channels?limit=20", None
            case "read_channel":
                return "GET", f"/channels/{self.rng.choice(self.channels)}", None
            case "create_channel":
                body = {"id": item, "name": f"Load {item}", "url": "https://example.com/load"}
                return "POST", "/channels", body
            case "update_channel":
                channel = self.rng.choice(self.channels)
                body = {"name": f"Renamed {item}", "url": "https://example.com/renamed",
                        "subscriber_count": self.count}  # fmt: skip
                return "PUT", f"/channels/{channel}", body
            case "upload_file":
                body = {"key": f"load/{item}.txt", "content": FILE_CONTENT,
                        "content_type": "text/plain"}  # fmt: skip
                return "POST", "/files", body
            case "read_file":
                return "GET", f"/files/{self.rng.choice(self.keys)}", None
            case _:
                return "GET", f"/files?prefix=load/{self.name}&limit=20", None

    def _remember(self, operation: str, body: dict[str, Any] | None) -> None:
        """Keep what a successful write created, for later reads."""
        if body is None:
            return
        if operation == "create_channel":
            self.channels.append(str(body["id"]))
        elif operation == "upload_file":
            self.keys.append(str(body["key"]))


def run(
    base_url: str,
    *,
    concurrency: int,
    seconds: float,
    seed: int = 1,
    run_id: str = "run",
    stop: threading.Event | None = None,
    observe: Callable[[Outcome], None] | None = None,
) -> list[Outcome]:
    """``concurrency`` workers send requests back to back for ``seconds`` (or until ``stop``).

    ``observe``, if given, sees each outcome as it happens (from the worker's thread), for a
    caller that must react to the load while it runs.
    """
    deadline = time.monotonic() + seconds
    stop = stop or threading.Event()
    results: list[list[Outcome]] = [[] for _ in range(concurrency)]

    def work(index: int) -> None:
        """One worker's loop; its outcomes go to its own list (no lock needed)."""
        # A seeded stream, for repeatable request mixes; nothing here is a secret.
        rng = random.Random(seed * 1000 + index)  # noqa: S311
        worker = Worker(base_url, f"{run_id}-{index}", rng)
        with worker.session:
            while time.monotonic() < deadline and not stop.is_set():
                outcome = worker.request()
                results[index].append(outcome)
                if observe is not None:
                    observe(outcome)

    threads = [
        threading.Thread(target=work, args=(i,), name=f"load-{i}") for i in range(concurrency)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted((o for worker in results for o in worker), key=lambda o: o.started)


def is_error(outcome: Outcome) -> bool:
    """Whether a healthy endpoint should not have answered this way."""
    return outcome.status not in EXPECTED[outcome.operation]


@dataclass(frozen=True)
class Summary:
    """The figures a results file reports for one run."""

    requests: int
    seconds: float
    throughput: float  # requests per second
    p50_ms: float
    p99_ms: float
    errors: int
    statuses: dict[str, int]


def summarize(
    outcomes: list[Outcome], seconds: float, error: Callable[[Outcome], bool] = is_error
) -> Summary:
    """Throughput, latency percentiles (of every request, errors included) and errors."""
    latencies = sorted(o.seconds * 1000 for o in outcomes)
    statuses = Counter(str(o.status or o.failure) for o in outcomes)
    return Summary(
        requests=len(outcomes),
        seconds=seconds,
        throughput=len(outcomes) / seconds if seconds else 0.0,
        p50_ms=_percentile(latencies, 50),
        p99_ms=_percentile(latencies, 99),
        errors=sum(1 for o in outcomes if error(o)),
        statuses=dict(sorted(statuses.items())),
    )


def _percentile(ordered: list[float], percent: int) -> float:
    """The nearest-rank-interpolated percentile of sorted values (0 for none)."""
    if len(ordered) < 2:
        return ordered[0] if ordered else 0.0
    return statistics.quantiles(ordered, n=100, method="inclusive")[percent - 1]


def _subject(operation: str, path: str, body: dict[str, Any] | None) -> str:
    """The channel id or object key a request is about ("" for lists)."""
    if body is not None and operation in ("create_channel", "upload_file"):
        return str(body.get("id") or body.get("key"))
    if operation in ("read_channel", "update_channel", "read_file"):
        return path.split("/", 2)[2]
    return ""


def _is_json_error(response: requests.Response) -> bool:
    """Whether the body is the API's JSON error shape."""
    if not response.headers.get("Content-Type", "").startswith("application/json"):
        return False
    try:
        body = response.json()
    except ValueError:
        return False
    return isinstance(body, dict) and {"error", "message"} <= body.keys()
