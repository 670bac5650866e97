"""Setup time: `make venv` with uv and with pip, fresh venvs, cold and warm caches.

Run it on its own (``python -m bench.installers [scratch dir]``): it downloads
every pinned package, so it takes minutes and the network. Each build is the
Makefile's own rule (``make venv VENV=<scratch>/... INSTALLER=...``) into a new
virtualenv under the scratch directory, never the project's .venv. Both
installers see what CI sees: PyPI and no local pip configuration.
"""

import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bench.report import append_section

ROOT = Path(__file__).resolve().parents[1]
INSTALLERS = ("pip", "uv")


@dataclass(frozen=True)
class Build:
    """One timed `make venv`."""

    installer: str
    cache: str
    seconds: float
    packages: frozenset[str]


def ci_environment(cache_dir: Path) -> dict[str, str]:
    """This shell's environment minus pip's and uv's local settings, caches in ``cache_dir``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "UV_"))}
    # os.devnull: pip loads no configuration file at all (local index dirs, find-links).
    env["PIP_CONFIG_FILE"] = os.devnull
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    env["PIP_CACHE_DIR"] = str(cache_dir / "pip")
    env["UV_CACHE_DIR"] = str(cache_dir / "uv")
    env["UV_PYTHON_DOWNLOADS"] = "never"
    return env


def build(installer: str, cache: str, scratch: Path) -> Build:
    """Time `make venv` with ``installer`` into a new venv; ``cache`` names the cache state."""
    venv = scratch / f"venv-{installer}-{cache}"
    shutil.rmtree(venv, ignore_errors=True)
    env = ci_environment(scratch / f"cache-{installer}")
    command = ["make", "-s", "-C", str(ROOT), "venv", f"VENV={venv}", f"INSTALLER={installer}"]
    started = time.perf_counter()
    subprocess.run(command, check=True, env=env)
    seconds = time.perf_counter() - started
    freeze = subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "freeze", "--all"],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    ).stdout
    packages = frozenset(line.lower() for line in freeze.split() if "==" in line)
    shutil.rmtree(venv)
    return Build(installer, cache, seconds, packages)


def measure(scratch: Path, warm_runs: int = 1) -> list[Build]:
    """Per installer: one build on empty caches, then ``warm_runs`` on the caches it left.

    An installer whose cold build left its cache empty gets no warm build: it
    would repeat the cold one (pip keeps no download whose response carries no
    cache headers, as some proxies send them).
    """
    for installer in INSTALLERS:
        shutil.rmtree(scratch / f"cache-{installer}", ignore_errors=True)
    builds = [_logged(build(installer, "cold", scratch)) for installer in INSTALLERS]
    warm = [i for i in INSTALLERS if _cached_files(scratch / f"cache-{i}" / i)]
    for _ in range(warm_runs):
        builds += [_logged(build(installer, "warm", scratch)) for installer in warm]
    return builds


def _cached_files(cache: Path) -> int:
    """How many files an installer's cache holds (pip's self-check stamp does not count)."""
    return sum(1 for f in cache.rglob("*") if f.is_file() and "selfcheck" not in f.parts)


def _logged(done: Build) -> Build:
    """Report a build as it finishes: the whole run takes many minutes."""
    print(f"{done.installer} {done.cache}: {done.seconds:.1f} s", file=sys.stderr, flush=True)
    return done


def section(builds: list[Build]) -> list[str]:
    """The dated results section: seconds per build and whether both installed the same pins."""
    by_installer = {i: [b for b in builds if b.installer == i] for i in INSTALLERS}
    pip_pins, uv_pins = (by_installer[i][0].packages for i in INSTALLERS)
    # pip and setuptools come with `python -m venv`, whatever installs the rest.
    differing = sorted(
        (pip_pins ^ uv_pins)
        - {p for p in pip_pins | uv_pins if p.startswith(("pip==", "setuptools=="))}
    )
    lines = [
        f"## {datetime.now(UTC):%Y-%m-%d %H:%M} UTC: Python {platform.python_version()}, "
        f"{os.cpu_count()} CPUs, {platform.machine()}",
        "",
        "### Setup time: `make venv` from nothing, uv vs pip (same pins, PyPI)",
        "",
        "| installer | cache | seconds |",
        "|---|---|---:|",
        *(f"| {b.installer} | {b.cache} | {b.seconds:.1f} |" for b in builds),
        "",
    ]
    for cache in ("cold", "warm"):
        times = {i: [b.seconds for b in by_installer[i] if b.cache == cache] for i in INSTALLERS}
        # No warm pip build: its cache stayed empty, so warm is cold (see measure()).
        pip_s = min(times["pip"] or [b.seconds for b in by_installer["pip"]])
        uv_s = min(times["uv"])
        lines.append(
            f"{cache.capitalize()} caches, best run: uv {uv_s:.1f} s, pip {pip_s:.1f} s"
            f"{'' if times['pip'] else ' (its cold build: pip cached nothing here)'}: "
            f"**{pip_s / uv_s:.1f}x** faster with uv."
        )
        lines.append("")
    same = "the same" if not differing else f"different ({', '.join(differing)})"
    lines += [
        f"Installed packages and versions (`pip freeze --all`): {same}. Each build is a new "
        "virtualenv made by the Makefile's rule; uv's time includes pip installing uv itself. "
        "Cold: empty pip and uv caches (all downloads from PyPI); warm: the caches the "
        "earlier builds left. pip's configuration (local index directories) was switched off "
        "so both installers read PyPI only, as CI does.",
        "",
    ]
    return lines


def main() -> int:
    """Measure in a scratch directory, print and append the section."""
    scratch = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp(prefix="setup-"))
    scratch.mkdir(parents=True, exist_ok=True)
    lines = section(measure(scratch))
    append_section(lines)
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
