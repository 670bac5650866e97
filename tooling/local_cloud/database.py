"""Channels databases: a SQLite file per cloud, or a throwaway local PostgreSQL cluster."""

import os
import secrets
import shutil
import subprocess
import tempfile
from collections.abc import Generator, Sequence
from contextlib import contextmanager
from pathlib import Path

from tooling.local_cloud.config import HOST
from tooling.local_cloud.processes import StartupError

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


@contextmanager
def postgres_urls(port: int, clouds: Sequence[str]) -> Generator[dict[str, str]]:
    """Run a fresh cluster on ``port`` with one database per cloud; yield their URLs."""
    bin_dir = postgres_bin()
    if bin_dir is None:
        raise StartupError(
            "LOCAL_DATABASE=postgres needs a PostgreSQL server (apt-get install postgresql); "
            "unset it to use SQLite"
        )
    # PostgreSQL refuses to run as root, so the cluster then belongs to the postgres user.
    as_root = os.geteuid() == 0
    prefix = ["runuser", "-u", "postgres", "--"] if as_root else []
    workdir = Path(tempfile.mkdtemp(prefix="crosscloud-local-pg-"))
    if as_root:
        shutil.chown(workdir, "postgres", "postgres")
    data = workdir / "data"
    password = secrets.token_hex(16)

    def run(*args: str) -> None:
        """Run a PostgreSQL tool; its output becomes the error message if it fails."""
        try:
            subprocess.run(  # noqa: S603 - fixed tools from the PostgreSQL bin directory
                [*prefix, *args], check=True, capture_output=True, timeout=TOOL_SECONDS
            )
        except subprocess.CalledProcessError as exc:
            output = (exc.stdout + exc.stderr).decode(errors="replace")
            raise StartupError(f"{Path(args[0]).name} failed:\n{output}") from exc

    started = False
    try:
        run(f"{bin_dir}/initdb", "-D", str(data), "-U", "postgres", "-E", "UTF8", "--no-sync",
            "--auth-local=trust", "--auth-host=scram-sha-256")  # fmt: skip
        options = f"-c listen_addresses={HOST} -p {port} -k {workdir} -c fsync=off"
        run(f"{bin_dir}/pg_ctl", "-D", str(data), "-o", options, "-l", str(workdir / "log"),
            "-w", "-t", "30", "start")  # fmt: skip
        started = True
        statements = [f"CREATE ROLE {APP_ROLE} LOGIN PASSWORD '{password}'"]
        statements += [f"CREATE DATABASE channels_{c} OWNER {APP_ROLE}" for c in clouds]
        for statement in statements:
            run(f"{bin_dir}/psql", "-h", str(workdir), "-p", str(port), "-U", "postgres",
                "-v", "ON_ERROR_STOP=1", "-c", statement)  # fmt: skip
        yield {
            cloud: f"postgresql+pg8000://{APP_ROLE}:{password}@{HOST}:{port}/channels_{cloud}"
            for cloud in clouds
        }
    finally:
        try:
            if started:
                run(f"{bin_dir}/pg_ctl", "-D", str(data), "-m", "fast", "-w", "stop")
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
