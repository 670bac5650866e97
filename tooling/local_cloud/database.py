"""Channels databases: a SQLite file per cloud, or a throwaway local PostgreSQL cluster.

The cluster is the one ``make local`` runs and the one the function tests run
(``tests/functions/conftest.py``): both start it with ``throwaway_postgres``.
"""

import os
import secrets
import shlex
import shutil
import subprocess
import tempfile
from collections.abc import Generator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tooling.local_cloud.config import HOST
from tooling.local_cloud.processes import StartupError
from tooling.local_cloud.watchdog import start_watchdog, stop_watchdog

POSTGRES_ROOT = Path("/usr/lib/postgresql")
APP_ROLE = "crosscloud"
TOOL_SECONDS = 60


def sqlite_urls(state_dir: Path, clouds: Sequence[str]) -> dict[str, str]:
    """One SQLite file per cloud, emptied for this run (deployed clouds do not share data)."""
    urls = {}
    for cloud in clouds:
        path = state_dir / f"channels-{cloud}.db"
        path.unlink(missing_ok=True)
        urls[cloud] = f"sqlite:///{path}"
    return urls


def postgres_bin() -> Path | None:
    """The newest installed PostgreSQL server's bin directory, if any."""
    found = sorted(POSTGRES_ROOT.glob("*/bin/postgres"))
    return found[-1].parent if found else None


@dataclass(frozen=True)
class PostgresServer:
    """A running throwaway cluster: where it listens and its application role with a password."""

    host: str
    port: int
    user: str
    password: str
    bin_dir: Path
    socket_dir: Path
    run_as: tuple[str, ...]  # how to run its tools as the cluster's owner

    def url(self, database: str) -> str:
        """The API's DATABASE_URL for ``database`` as the application role."""
        return f"postgresql+pg8000://{self.user}:{self.password}@{self.host}:{self.port}/{database}"

    def run_sql(self, statement: str) -> None:
        """Run one statement as the superuser, over the cluster's private socket (trusted)."""
        _run_tool(self.run_as, self.bin_dir / "psql", "-h", str(self.socket_dir),
                  "-p", str(self.port), "-U", "postgres", "-v", "ON_ERROR_STOP=1",
                  "-c", statement)  # fmt: skip


def _run_tool(run_as: Sequence[str], tool: Path, *args: str) -> None:
    """Run a PostgreSQL tool; its output becomes the StartupError's message if it fails."""
    try:
        subprocess.run(  # noqa: S603 - fixed tools from the PostgreSQL bin directory
            [*run_as, str(tool), *args], check=True, capture_output=True, timeout=TOOL_SECONDS
        )
    except subprocess.CalledProcessError as exc:
        output = (exc.stdout + exc.stderr).decode(errors="replace")
        raise StartupError(f"{tool.name} failed:\n{output}") from exc


@contextmanager
def throwaway_postgres(
    port: int, role: str = APP_ROLE, *, stop_if_we_die: bool = False
) -> Generator[PostgresServer]:
    """Run a fresh cluster on ``HOST:port`` with one login ``role``; stop and delete it on exit.

    ``stop_if_we_die`` adds a watchdog that stops the cluster even if this
    process is killed before its finally block runs (pytest on SIGKILL).
    """
    bin_dir = postgres_bin()
    if bin_dir is None:
        raise StartupError(
            f"no PostgreSQL server under {POSTGRES_ROOT} (apt-get install postgresql)"
        )
    # PostgreSQL refuses to run as root, so the cluster then belongs to the postgres user.
    as_root = os.geteuid() == 0
    run_as = ("runuser", "-u", "postgres", "--") if as_root else ()
    workdir = Path(tempfile.mkdtemp(prefix="crosscloud-pg-"))
    if as_root:
        shutil.chown(workdir, "postgres", "postgres")
    data, pg_ctl = workdir / "data", bin_dir / "pg_ctl"
    password = secrets.token_hex(16)
    guard = None
    if stop_if_we_die:
        # Immediate: nobody is left to wait for a clean shutdown, and the data goes anyway.
        stop = [*run_as, str(pg_ctl), "-D", str(data), "-m", "immediate", "-w", "stop"]
        guard = start_watchdog(f"{shlex.join(stop)}; rm -rf {shlex.quote(str(workdir))}")
    started = False
    try:
        _run_tool(run_as, bin_dir / "initdb", "-D", str(data), "-U", "postgres", "-E", "UTF8",
                  "--no-sync", "--auth-local=trust", "--auth-host=scram-sha-256")  # fmt: skip
        options = f"-c listen_addresses={HOST} -p {port} -k {workdir} -c fsync=off"
        _run_tool(run_as, pg_ctl, "-D", str(data), "-o", options, "-l", str(workdir / "log"),
                  "-w", "-t", "30", "start")  # fmt: skip
        started = True
        server = PostgresServer(HOST, port, role, password, bin_dir, workdir, run_as)
        server.run_sql(f"CREATE ROLE {role} LOGIN PASSWORD '{password}'")
        yield server
    finally:
        try:
            if started:
                _run_tool(run_as, pg_ctl, "-D", str(data), "-m", "fast", "-w", "stop")
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
            if guard is not None:
                stop_watchdog(guard)


@contextmanager
def postgres_urls(port: int, clouds: Sequence[str]) -> Generator[dict[str, str]]:
    """Run a fresh cluster on ``port`` with one database per cloud; yield their URLs."""
    if postgres_bin() is None:
        raise StartupError(
            "LOCAL_DATABASE=postgres needs a PostgreSQL server (apt-get install postgresql); "
            "unset it to use SQLite"
        )
    with throwaway_postgres(port) as server:
        for cloud in clouds:
            server.run_sql(f"CREATE DATABASE channels_{cloud} OWNER {server.user}")
        yield {cloud: server.url(f"channels_{cloud}") for cloud in clouds}
