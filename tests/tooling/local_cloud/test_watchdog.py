"""The watchdog runs its cleanup only when the process that started it dies first."""

import subprocess
import sys
import time
from pathlib import Path

from tooling.local_cloud.watchdog import start_watchdog, stop_watchdog

ROOT = Path(__file__).resolve().parents[3]


def test_cleanup_runs_after_the_parent_is_killed(tmp_path: Path) -> None:
    """A SIGKILLed parent skips its finally blocks; its watchdog still runs the cleanup."""
    marker = tmp_path / "cleaned"
    code = (
        "import sys, time; from tooling.local_cloud.watchdog import start_watchdog; "
        f"start_watchdog('touch {marker}'); print('ready', flush=True); time.sleep(60)"
    )
    command = [sys.executable, "-B", "-c", code]
    with subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True) as parent:
        assert parent.stdout is not None
        assert parent.stdout.readline().strip() == "ready"
        assert not marker.exists()  # nothing is cleaned up while the parent lives
        parent.kill()
    deadline = time.monotonic() + 10
    while not marker.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert marker.exists()


def test_a_retired_watchdog_never_cleans_up(tmp_path: Path) -> None:
    """After a normal teardown the watchdog is gone and its cleanup never runs."""
    marker = tmp_path / "cleaned"
    watchdog = start_watchdog(f"touch {marker}")
    stop_watchdog(watchdog)
    assert watchdog.returncode is not None
    time.sleep(1.5)  # longer than the watchdog's polling interval
    assert not marker.exists()
