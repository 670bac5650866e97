"""The throwaway PostgreSQL cluster that make local and the function tests share."""

import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import pg8000.native
import pytest

from tooling.local_cloud.config import HOST
from tooling.local_cloud.database import postgres_bin, postgres_urls

ROOT = Path(__file__).resolve().parents[3]

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(postgres_bin() is None, reason="no PostgreSQL server installed"),
]


def free_port() -> int:
    """A loopback port that was free a moment ago."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def accepts_connections(port: int) -> bool:
    """Whether anything listens on the loopback ``port``."""
    with socket.socket() as sock:
        return sock.connect_ex((HOST, port)) == 0


def test_one_database_per_cloud_owned_by_the_app_role() -> None:
    """Each cloud's URL reaches its own database, where the app role may create tables."""
    port = free_port()
    with postgres_urls(port, ["aws", "gcp"]) as urls:
        assert set(urls) == {"aws", "gcp"}
        for cloud, url in urls.items():
            parts = urlsplit(url)
            connection = pg8000.native.Connection(
                parts.username or "",
                password=parts.password,
                host=parts.hostname or "",
                port=parts.port or 5432,
                database=parts.path.lstrip("/"),
            )
            try:
                connection.run("CREATE TABLE probe (id integer)")
                assert connection.run("SELECT current_database()") == [[f"channels_{cloud}"]]
            finally:
                connection.close()
    assert not accepts_connections(port)


def test_the_cluster_is_stopped_when_its_owner_is_killed() -> None:
    """With stop_if_we_die, a SIGKILLed owner's cluster still stops (the watchdog's job)."""
    port = free_port()
    code = (
        "import time; from tooling.local_cloud.database import throwaway_postgres\n"
        f"with throwaway_postgres({port}, stop_if_we_die=True) as server:\n"
        "    print(server.password, flush=True); time.sleep(120)\n"
    )
    command = [sys.executable, "-B", "-c", code]
    with subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True) as owner:
        assert owner.stdout is not None
        password = owner.stdout.readline().strip()
        connection = pg8000.native.Connection(
            "crosscloud", password=password, host=HOST, port=port, database="postgres"
        )
        assert connection.run("SELECT 1") == [[1]]
        connection.close()
        owner.kill()
    deadline = time.monotonic() + 15
    while accepts_connections(port) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not accepts_connections(port)
