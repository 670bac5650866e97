"""``make local``: both function endpoints on this machine, against local emulators.

The environment is read here and only here (ports, LOCAL_DATABASE, LOCAL_STATE_DIR);
everything below takes explicit arguments. See docs/local.md.
"""

import os
import signal
import sys
import threading
from collections.abc import Callable
from types import FrameType

from tooling.local_cloud import banner
from tooling.local_cloud.cloud import LocalCloud
from tooling.local_cloud.config import LocalConfigError, config_from_env
from tooling.local_cloud.processes import StartupError

EXIT_STOPPED = 0
EXIT_FAILED = 1
EXIT_CONFIG = 2


def main() -> int:
    """Start everything, wait for Ctrl-C or SIGTERM, stop everything."""
    try:
        config = config_from_env(os.environ)
    except LocalConfigError as exc:
        print(f"make local: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    stop = threading.Event()

    def on_signal(signum: int, _: FrameType | None) -> None:
        """Ask the main loop to stop; a second Ctrl-C during start-up aborts it."""
        if stop.is_set() or not started.is_set():
            raise KeyboardInterrupt
        stop.set()

    started = threading.Event()
    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    stop_when_orphaned(stop)
    cloud = LocalCloud(config, os.environ)
    try:
        with cloud as endpoints:
            started.set()
            print(banner.render(endpoints, str(config.state_dir / "logs")), flush=True)
            dead = cloud.watch(stop)
    except StartupError as exc:
        print(f"make local: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("make local: interrupted during start-up; stopped", file=sys.stderr)
        return EXIT_FAILED
    if dead is not None:
        print(f"make local: {dead} stopped unexpectedly; see {config.state_dir}/logs/{dead}.log",
              file=sys.stderr)  # fmt: skip
        return EXIT_FAILED
    return EXIT_STOPPED


def stop_when_orphaned(
    stop: threading.Event, getppid: Callable[[], int] = os.getppid, interval: float = 1.0
) -> threading.Thread:
    """Stop cleanly if whoever started us dies without saying so (a killed test run)."""
    parent = getppid()

    def watch() -> None:
        """Poll the parent id: it changes when we are re-parented."""
        while not stop.wait(interval):
            if getppid() != parent:
                stop.set()

    thread = threading.Thread(target=watch, name="orphan-watch", daemon=True)
    thread.start()
    return thread


if __name__ == "__main__":
    raise SystemExit(main())
