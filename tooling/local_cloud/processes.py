"""Child processes of the local cloud: started with a log file, awaited, stopped for sure."""

import contextlib
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from tooling.local_cloud.config import HOST, ROOT, Port

STOP_SECONDS = 5.0


class StartupError(Exception):
    """A component did not come up; the message says which and why."""


class PortTakenError(StartupError):
    """A port the local cloud needs is already bound by another process."""

    def __init__(self, port: Port) -> None:
        """Name the port, what wanted it and the variable that moves it."""
        super().__init__(
            f"port {port.number} on {HOST} is already in use (wanted by the {port.purpose}); "
            f"stop whatever listens there or choose another port: {port.variable}=<port> make local"
        )
        self.port = port


def check_ports_free(ports: Sequence[Port]) -> None:
    """Raise PortTakenError for the first port something already listens on."""
    for port in ports:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            # The servers themselves set SO_REUSEADDR, so a port in TIME_WAIT from a
            # previous run is free for them and must count as free here too.
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind((HOST, port.number))
            except OSError as exc:
                raise PortTakenError(port) from exc


@dataclass
class Child:
    """One running component, the leader of its own process group, and its log file."""

    name: str
    process: subprocess.Popen[bytes]
    log_path: Path

    def alive(self) -> bool:
        """Whether the component's main process is still running."""
        return self.process.poll() is None

    def log_tail(self, lines: int = 30) -> str:
        """The last lines of the component's output, for error messages."""
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def stop(self, timeout: float = STOP_SECONDS) -> None:
        """SIGTERM the group, wait, then SIGKILL it: nothing of it is left when this returns.

        The whole group, because a server's workers (gunicorn's) can outlive their
        master, e.g. while an abandoned readiness check is still retrying.
        """
        if self.process.stdin is not None:
            self.process.stdin.close()
        group = self.process.pid
        _signal_group(group, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.process.poll()  # reap the leader, or the group never empties
            if not _group_exists(group):
                return
            time.sleep(0.05)
        _signal_group(group, signal.SIGKILL)
        self.process.wait(timeout=timeout)


def _signal_group(group: int, signum: signal.Signals) -> None:
    """Signal every process of a group that may already be gone."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(group, signum)


def _group_exists(group: int) -> bool:
    """Whether any process (zombies included) is left in the group."""
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    return True


def start(
    name: str,
    command: Sequence[str],
    env: Mapping[str, str],
    log_dir: Path,
) -> Child:
    """Start ``command`` at the repository root with exactly ``env``, output to a log file."""
    log_dir.mkdir(parents=True, exist_ok=True)
    log_path = log_dir / f"{name}.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(  # noqa: S603 - commands are built here, never from input
            list(command),
            cwd=ROOT,
            env=dict(env),
            # A pipe we never write: our runtimes exit when it closes (we died).
            stdin=subprocess.PIPE,
            stdout=log,
            stderr=subprocess.STDOUT,
            # Its own group: the terminal's Ctrl-C reaches only the supervisor, which
            # stops the components in order, and stop() can reach every worker.
            process_group=0,
        )
    return Child(name, process, log_path)


def wait_until_serving(child: Child, url: str, timeout: float) -> None:
    """Poll ``url`` until it answers at all; StartupError if the child exits or time runs out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not child.alive():
            raise StartupError(
                f"{child.name} exited with code {child.process.returncode}:\n{child.log_tail()}"
            )
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 - a loopback http URL
                return
        except urllib.error.HTTPError:
            return  # any HTTP status means it is serving
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.1)
    raise StartupError(f"{child.name} did not answer on {url} within {timeout:.0f} s")


def base_env(env: Mapping[str, str]) -> dict[str, str]:
    """The parent's environment without cloud credentials or endpoints (never reach real clouds)."""
    blocked = ("AWS_", "GOOGLE_", "CLOUDSDK_", "STORAGE_EMULATOR_HOST", "GCLOUD_")
    kept = {k: v for k, v in env.items() if not k.startswith(blocked)}
    kept["PYTHONDONTWRITEBYTECODE"] = "1"
    kept["PYTHONUNBUFFERED"] = "1"
    return kept
