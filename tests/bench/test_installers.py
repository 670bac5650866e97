"""The setup-time benchmark: the environment both installers see and the report it writes."""

from pathlib import Path

import pytest

from bench import installers

PINS = frozenset({"flask==3.1.2", "pip==23.2.1", "uv==0.13.8"})


def test_both_installers_see_pypi_only_and_scratch_caches(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Local pip settings (index dirs, find-links) and uv settings are dropped."""
    monkeypatch.setenv("PIP_FIND_LINKS", "/opt/wheels")
    monkeypatch.setenv("UV_INDEX_URL", "file:///opt/pypi/simple")
    env = installers.ci_environment(tmp_path)
    assert "PIP_FIND_LINKS" not in env
    assert "UV_INDEX_URL" not in env
    assert env["PIP_CONFIG_FILE"] == "/dev/null"
    assert env["PIP_CACHE_DIR"] == str(tmp_path / "pip")
    assert env["UV_CACHE_DIR"] == str(tmp_path / "uv")


def test_report_compares_best_runs_and_the_installed_pins() -> None:
    """Speed-up per cache state; a pip without warm builds is compared by its cold one."""
    builds = [
        installers.Build("pip", "cold", 200.0, PINS),
        installers.Build("uv", "cold", 50.0, PINS | {"pip==25.0"}),
        installers.Build("uv", "warm", 20.0, PINS),
    ]
    text = "\n".join(installers.section(builds))
    assert "| uv | warm | 20.0 |" in text
    assert "Cold caches, best run: uv 50.0 s, pip 200.0 s: **4.0x** faster with uv." in text
    assert (
        "Warm caches, best run: uv 20.0 s, pip 200.0 s (its cold build: pip cached nothing "
        "here): **10.0x** faster with uv." in text
    )
    assert "(`pip freeze --all`): the same." in text


def test_report_names_packages_that_differ() -> None:
    """A pin only one installer put in the venv is listed."""
    builds = [
        installers.Build("pip", "cold", 2.0, PINS),
        installers.Build("uv", "cold", 1.0, PINS - {"flask==3.1.2"} | {"flask==3.1.1"}),
        installers.Build("pip", "warm", 2.0, PINS),
        installers.Build("uv", "warm", 1.0, PINS),
    ]
    text = "\n".join(installers.section(builds))
    assert "different (flask==3.1.1, flask==3.1.2)" in text
