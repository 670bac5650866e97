"""The load client: its figures, its error rule, and its requests against a stub server."""

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bench import load


def _outcome(operation: str, status: int | None, millis: float = 1.0) -> load.Outcome:
    """An outcome with only what the summary reads."""
    return load.Outcome(operation, started=0.0, seconds=millis / 1000, status=status)


def test_summary_counts_errors_and_interpolates_percentiles() -> None:
    """Latencies 1..100 ms: p50 50.5, p99 99.01; a 500 and a missing answer are errors."""
    outcomes = [_outcome("list_channels", 200, float(ms)) for ms in range(1, 99)]
    outcomes += [_outcome("create_channel", 500, 99.0), _outcome("read_file", None, 100.0)]
    summary = load.summarize(outcomes, seconds=4.0)
    assert summary.requests == 100
    assert summary.throughput == 25.0
    assert summary.p50_ms == pytest.approx(50.5)
    assert summary.p99_ms == pytest.approx(99.01)
    assert summary.errors == 2
    assert summary.statuses == {"200": 98, "500": 1, "None": 1}


def test_a_success_status_is_only_right_for_its_operation() -> None:
    """200 for a create is as wrong as a 404 for a read of something just written."""
    assert not load.is_error(_outcome("create_channel", 201))
    assert load.is_error(_outcome("create_channel", 200))
    assert load.is_error(_outcome("read_file", 404))


class _Stub(BaseHTTPRequestHandler):
    """Answers like a healthy API: 201 to POST, 200 to anything else, JSON either way."""

    protocol_version = "HTTP/1.1"

    def _answer(self) -> None:
        """Drain the body, then answer."""
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        body = json.dumps({"items": []}).encode()
        self.send_response(201 if self.command == "POST" else 200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_PUT = _answer  # noqa: N815 - http.server's dispatch names

    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""


@pytest.fixture
def stub_url() -> Iterator[str]:
    """The stub API on a free loopback port."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Stub)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def test_workers_read_back_only_what_they_wrote(stub_url: str) -> None:
    """Every read or update names an id or key the same run created with a 201."""
    stop = threading.Event()
    timer = threading.Timer(1.0, stop.set)  # a bound on the run, not an assertion
    timer.start()
    outcomes = load.run(stub_url, concurrency=2, seconds=30, seed=3, run_id="t", stop=stop)
    timer.cancel()
    assert outcomes
    assert [o for o in outcomes if load.is_error(o)] == []
    written = {o.subject for o in outcomes if o.status == 201}
    read = {o.subject for o in outcomes if o.operation in ("read_channel", "update_channel",
                                                            "read_file")}  # fmt: skip
    assert read <= written
    assert all(s.startswith(("t-0-", "t-1-", "load/t-")) for s in written)


def test_an_observer_sees_each_outcome_as_it_happens(stub_url: str) -> None:
    """``observe`` is called once per outcome, before the run ends, and can stop the run."""
    seen: list[load.Outcome] = []
    lock = threading.Lock()
    stop = threading.Event()

    def observe(outcome: load.Outcome) -> None:
        with lock:
            seen.append(outcome)
            if len(seen) >= 20:
                stop.set()  # reacting to the load while it runs is what the hook is for

    outcomes = load.run(stub_url, concurrency=2, seconds=30, run_id="o", stop=stop,
                        observe=observe)  # fmt: skip
    assert len(seen) >= 20
    assert sorted(seen, key=lambda o: o.started) == outcomes
