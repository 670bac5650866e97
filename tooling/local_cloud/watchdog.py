"""Watchdogs: detached shells that clean up after a process that died without doing it itself."""

import os
import subprocess


def start_watchdog(cleanup: str) -> subprocess.Popen[bytes]:
    """A detached shell that runs ``cleanup`` (shell code) if this process dies first.

    A SIGTERM or SIGKILL (to pytest, say) skips finally blocks and fixture
    finalizers; servers started in their own session, or as another user,
    would then outlive the run.
    """
    script = f"while kill -0 {os.getpid()} 2>/dev/null; do sleep 1; done; {cleanup}"
    return subprocess.Popen(  # noqa: S603 - a fixed shell loop around cleanup built by our callers
        ["sh", "-c", script],  # noqa: S607 - sh from PATH, as any shell script would
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def stop_watchdog(watchdog: subprocess.Popen[bytes]) -> None:
    """Retire a watchdog after a normal teardown (its cleanup is then not needed)."""
    watchdog.kill()
    watchdog.wait(timeout=10)
