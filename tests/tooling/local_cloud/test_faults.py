"""Fault injection: each backend stopped and restarted under load while the endpoints keep running.

While a backend is down, what needs it answers 503 with Retry-After and a JSON error, the rest
keeps working, and no write is half done; once it is back, requests succeed without restarting
anything. Each cloud takes about a minute to start on two shared cores; each fault about 30 s.
"""

import io
import os
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests

from bench import load
from tooling.local_cloud.aws import AwsEmulator
from tooling.local_cloud.cloud import Endpoints, LocalCloud
from tooling.local_cloud.config import LocalConfig, free_ports

TIMEOUT = 20  # per request: a dead backend must give a 503 well within it
RECOVER_SECONDS = 30.0
LOAD_THREADS = 2  # per endpoint; two shared cores
TEXT_FILE = {"content": "aGVsbG8=", "content_type": "text/plain"}


@dataclass(frozen=True)
class Fault:
    """A backend, the (endpoint, path) pairs that need it and pairs that must not care."""

    backend: str
    needs: tuple[tuple[str, str], ...]
    independent: tuple[tuple[str, str], ...]
    write: tuple[str, str]  # the endpoint and route of a write that needs the backend


FAULTS = {
    "moto": Fault(
        "moto", (("aws", "/files"),), (("aws", "/channels"), ("gcp", "/files")), ("aws", "/files")
    ),
    "gcs": Fault(
        "gcs", (("gcp", "/files"),), (("gcp", "/channels"), ("aws", "/files")), ("gcp", "/files")
    ),
    "postgres": Fault(
        "postgres",
        (("aws", "/channels"), ("gcp", "/channels")),
        (("aws", "/files"), ("gcp", "/files")),
        ("gcp", "/channels"),
    ),
}


@dataclass
class Running:
    """A local cloud started in this process, and where it listens."""

    cloud: LocalCloud
    endpoints: Endpoints

    def url(self, endpoint: str, path: str) -> str:
        """The full URL of ``path`` on the ``aws`` or ``gcp`` endpoint."""
        base = self.endpoints.aws_api if endpoint == "aws" else self.endpoints.gcp_api
        return f"{base}{path}"

    def log(self, name: str) -> str:
        """Everything a component has printed so far."""
        return Path(self.cloud.children[name].log_path).read_text(errors="replace")

    def endpoint_pids(self) -> dict[str, int]:
        """Process ids of both endpoints, to prove they were not restarted."""
        return {name: self.cloud.children[name].process.pid for name in ("aws-api", "gcp-api")}


@pytest.fixture(
    scope="module",
    params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)],
)
def running(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Running]:
    """One local cloud per database mode, shared by the faults tested in that mode."""
    database = str(request.param)
    config = LocalConfig(
        ports=free_ports(),
        database=database,
        state_dir=tmp_path_factory.mktemp(database),
        seed=False,
    )
    cloud = LocalCloud(config, os.environ, out=io.StringIO())
    with cloud as endpoints:
        yield Running(cloud, endpoints)


class BackgroundLoad:
    """The load client on both endpoints in threads, until stopped; then its outcomes.

    While it runs it watches for the outage: ``refused`` is set once a request to an endpoint
    in ``needs`` that was sent after ``outage_since`` has been answered 503.
    """

    def __init__(self, running: Running, run_id: str, needs: set[str]) -> None:
        """Start ``LOAD_THREADS`` workers per endpoint."""
        self.stop = threading.Event()
        self.refused = threading.Event()
        self.outage_since = float("inf")
        self.outcomes: dict[str, list[load.Outcome]] = {}
        self.needs = needs
        self.threads = [
            threading.Thread(
                target=self._run, args=(running, endpoint, run_id), name=f"load-{endpoint}"
            )
            for endpoint in ("aws", "gcp")
        ]
        for thread in self.threads:
            thread.start()

    def _run(self, running: Running, endpoint: str, run_id: str) -> None:
        """One endpoint's load, bounded by ``stop`` (and by ten minutes, should the test hang)."""
        self.outcomes[endpoint] = load.run(
            running.url(endpoint, ""), concurrency=LOAD_THREADS, seconds=600,
            run_id=f"{run_id}-{endpoint}", stop=self.stop,
            observe=lambda outcome: self._observe(endpoint, outcome),
        )  # fmt: skip

    def _observe(self, endpoint: str, outcome: load.Outcome) -> None:
        """Note a refusal of a request sent during the outage (called from a load thread)."""
        during = outcome.started >= self.outage_since
        if endpoint in self.needs and outcome.status == 503 and during:
            self.refused.set()

    def finish(self) -> dict[str, list[load.Outcome]]:
        """Stop the workers and return what each endpoint answered."""
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=60)
        return self.outcomes


def http(method: str, url: str, **kwargs: Any) -> requests.Response:
    """One request with a bounded wait."""
    return requests.request(method, url, timeout=TIMEOUT, **kwargs)


def eventually(check: Callable[[], bool], what: str) -> None:
    """Poll ``check`` until it holds; fail naming ``what`` after RECOVER_SECONDS (a bound only)."""
    deadline = time.monotonic() + RECOVER_SECONDS
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.3)
    pytest.fail(f"timed out waiting for {what}")


def write_body(fault: Fault, name: str) -> dict[str, Any]:
    """A valid write for the fault's write route."""
    if fault.write[1] == "/files":
        return {"key": f"fault/{name}.txt", **TEXT_FILE}
    return {"id": name, "name": "Fault", "url": "https://example.com/fault"}


def read_path(fault: Fault, name: str) -> str:
    """Where the write of ``write_body`` can be read back."""
    return f"/files/fault/{name}.txt" if fault.write[1] == "/files" else f"/channels/{name}"


def assert_unavailable(response: requests.Response) -> None:
    """The 503 every unreachable backend gives: JSON, a retry hint, no detail of the cause."""
    assert response.status_code == 503, response.text
    assert response.headers["Retry-After"] == "5"
    assert response.headers["Content-Type"] == "application/json"
    assert response.json()["error"] in {"backend_unavailable", "not_ready"}


def acceptable(outcome: load.Outcome) -> bool:
    """A load answer that is right for some moment of an outage and recovery."""
    if not load.is_error(outcome):
        return True
    if outcome.status == 503:
        return outcome.retry_after is not None and outcome.json_error
    # Emulators come back empty, so what a worker wrote before the outage may be gone.
    return outcome.status == 404 and outcome.operation in (
        "read_channel",
        "update_channel",
        "read_file",
    )


def faults_for(running: Running) -> list[Fault]:
    """The faults this cloud's database mode can show."""
    if running.cloud.config.database == "postgres":
        return [FAULTS["postgres"]]
    return [FAULTS["moto"], FAULTS["gcs"]]


def test_each_backend_can_fail_and_come_back_under_load(running: Running) -> None:
    """Stop, probe, restart and recover each backend in turn, with load running throughout."""
    for fault in faults_for(running):
        check_fault(running, fault)


def check_fault(running: Running, fault: Fault) -> None:
    """One outage and recovery of ``fault.backend``."""
    pids = running.endpoint_pids()
    background = BackgroundLoad(running, fault.backend, {e for e, _ in fault.needs})
    try:
        time.sleep(1)  # let the load reach a steady state before the outage
        running.cloud.stop_backend(fault.backend)
        down_since = background.outage_since = time.monotonic()
        for endpoint, path in fault.needs:
            assert_unavailable(http("GET", running.url(endpoint, path)))
            assert_unavailable(http("GET", running.url(endpoint, "/health/ready")))
        for endpoint, path in fault.independent:
            assert http("GET", running.url(endpoint, path)).status_code == 200
        write_endpoint, write_route = fault.write
        lost = f"lost-{fault.backend}"
        assert_unavailable(http("POST", running.url(write_endpoint, write_route),
                                json=write_body(fault, lost)))  # fmt: skip
        # The outage lasts until the load has met it, not just as long as the probes took:
        # on a busy machine the load's requests can all fall outside a window that short.
        # (A bound only: a load that is never refused fails here.)
        assert background.refused.wait(RECOVER_SECONDS), (
            f"the load never met the {fault.backend} outage"
        )
        back_since = time.monotonic()
        running.cloud.restart_backend(fault.backend)
        # Re-provisioning is not atomic (a bucket exists a moment before its notification
        # does), so only writes after it are held to "stored and indexed".
        restarted = time.monotonic()

        def recovered() -> bool:
            return all(http("GET", running.url(e, p)).status_code == 200 for e, p in fault.needs)

        eventually(recovered, f"the endpoints to use {fault.backend} again")
        # No partial write: what was refused during the outage is not there afterwards.
        assert http("GET", running.url(write_endpoint, read_path(fault, lost))).status_code == 404
        kept = f"kept-{fault.backend}"
        created = http(
            "POST", running.url(write_endpoint, write_route), json=write_body(fault, kept)
        )
        assert created.status_code == 201, created.text
        assert http("GET", running.url(write_endpoint, read_path(fault, kept))).status_code == 200
    finally:
        outcomes = background.finish()
    assert running.endpoint_pids() == pids
    assert all(running.cloud.children[name].alive() for name in pids)
    check_load(running, fault, outcomes, (down_since, back_since, restarted))
    check_logs(running, fault)


def check_load(
    running: Running,
    fault: Fault,
    outcomes: dict[str, list[load.Outcome]],
    moments: tuple[float, float, float],
) -> None:
    """Each load answer was right for its moment; the outage showed; refused writes left nothing."""
    down_since, back_since, restarted = moments
    for endpoint, answers in outcomes.items():
        wrong = [o for o in answers if not acceptable(o)]
        assert wrong == [], f"{endpoint}: {wrong[:5]}"
    needed = {endpoint for endpoint, _ in fault.needs}
    refused = [
        o
        for endpoint in needed
        for o in outcomes[endpoint]
        if o.status == 503 and down_since <= o.started <= back_since
    ]
    assert refused, f"the load never met the {fault.backend} outage"
    for endpoint in needed:
        for outcome in outcomes[endpoint]:
            written = outcome.operation in ("create_channel", "upload_file")
            if written and outcome.status == 503 and outcome.started >= down_since:
                path = f"/files/{outcome.subject}" if outcome.operation == "upload_file" else (
                    f"/channels/{outcome.subject}")  # fmt: skip
                assert http("GET", running.url(endpoint, path)).status_code == 404, outcome
    if fault.backend == "moto":
        check_indexed(running, [o.subject for o in outcomes["aws"]
                                if o.operation == "upload_file" and o.status == 201
                                and o.started > restarted])  # fmt: skip


def check_indexed(running: Running, keys: list[str]) -> None:
    """Every upload stored after the restart gets its index row (stored and indexed)."""
    dynamodb = AwsEmulator(running.endpoints.moto, running.endpoints.region).client("dynamodb")

    def indexed(key: str) -> bool:
        item = dynamodb.get_item(
            TableName=running.endpoints.index_table,
            Key={"bucket": {"S": running.endpoints.uploads_bucket}, "key": {"S": key}},
            ConsistentRead=True,
        )
        return "Item" in item

    for key in keys:
        eventually(lambda key=key: indexed(key), f"the index row of {key}")


def check_logs(running: Running, fault: Fault) -> None:
    """The endpoints logged the outage as lines naming its cause, never as a traceback."""
    for name in ("aws-api", "gcp-api"):
        text = running.log(name)
        at = text.find("Traceback")
        assert at == -1, f"{name}:\n{text[at : at + 3000]}"
    if fault.backend in ("moto", "gcs"):
        endpoint = "aws-api" if fault.backend == "moto" else "gcp-api"
        store = "s3" if fault.backend == "moto" else "gcs"
        log = running.log(endpoint)
        assert '"message":"storage unavailable"' in log
        assert f'"store":"{store}"' in log
