"""Lint, format and type checks run with the tests, so a red check fails `make test`."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def _run(*command: str) -> subprocess.CompletedProcess[str]:
    """Run a tool from the test virtualenv at the repository root."""
    return subprocess.run(
        [str(BIN / command[0]), *command[1:]],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )


def test_ruff_lint_is_clean() -> None:
    """ruff finds nothing across the repository."""
    result = _run("ruff", "check", "--no-cache", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format_is_clean() -> None:
    """Every file is formatted as ruff formats it."""
    result = _run("ruff", "format", "--no-cache", "--check", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_pyright_reports_no_errors() -> None:
    """Types check against the provider SDKs' signatures: our offline check of provider inputs."""
    result = _run("pyright", "--outputjson")
    assert '"errorCount": 0' in result.stdout, result.stdout[-5000:] + result.stderr
