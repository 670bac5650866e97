"""Lint, format and type checks run with the tests, so a red check fails `make test`."""

from collections.abc import Callable
from subprocess import CompletedProcess

# The suite-wide ``run_tool`` fixture (tests/conftest.py).
ToolRunner = Callable[..., CompletedProcess[str]]


def test_ruff_lint_is_clean(run_tool: ToolRunner) -> None:
    """ruff finds nothing across the repository."""
    result = run_tool("ruff", "check", "--no-cache", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format_is_clean(run_tool: ToolRunner) -> None:
    """Every file is formatted as ruff formats it."""
    result = run_tool("ruff", "format", "--no-cache", "--check", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_pyright_reports_no_errors(run_tool: ToolRunner) -> None:
    """Types check against the provider SDKs' signatures: our offline check of provider inputs."""
    result = run_tool("pyright", "--outputjson")
    assert '"errorCount": 0' in result.stdout, result.stdout[-5000:] + result.stderr
