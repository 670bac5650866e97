"""Shared packages: found from a function's imports, directly or through each other."""

from pathlib import Path

from function_builds.shared import import_path, shared_dir, shared_packages

ROOT = Path(__file__).resolve().parents[2]
FUNCTIONS = ROOT / "functions"


def _write(path: Path, text: str = "") -> None:
    """Create a file and its parents."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def test_direct_and_transitive_imports_are_found_and_nothing_else(tmp_path: Path) -> None:
    """alpha (imported) and beta (imported by alpha) come along; gamma and plain dirs do not."""
    functions = tmp_path / "functions"
    _write(functions / "fn" / "handler.py", "import os\nimport alpha.sub\nfrom . import local\n")
    _write(functions / "fn" / "pkg" / "mod.py", "def f():\n    from flask import Flask\n")
    shared = shared_dir(functions)
    _write(shared / "alpha" / "__init__.py", "from beta import thing\n")
    _write(shared / "alpha" / "sub.py")
    _write(shared / "beta" / "__init__.py", "import alpha\nthing = 1\n")
    _write(shared / "gamma" / "__init__.py")
    _write(shared / "pkg" / "notes.txt")  # not a package: never shadows the function's own
    files = sorted((functions / "fn").rglob("*"))
    assert shared_packages(files, functions) == ("alpha", "beta")


def test_a_function_that_imports_no_shared_code_gets_none(tmp_path: Path) -> None:
    """No shared directory, or no import of it: an empty tuple."""
    _write(tmp_path / "fn" / "handler.py", "import json\n")
    assert shared_packages([tmp_path / "fn" / "handler.py"], tmp_path) == ()


def test_every_function_here_gets_the_shared_logger() -> None:
    """The API and the indexer both log through crosscloud_logging."""
    for name in ("api", "indexer"):
        files = sorted((FUNCTIONS / name).rglob("*.py"))
        assert "crosscloud_logging" in shared_packages(files, FUNCTIONS), name


def test_import_path_is_the_function_then_the_shared_code() -> None:
    """What tests, the local cloud and benchmarks put on sys.path."""
    assert import_path(FUNCTIONS / "api") == (FUNCTIONS / "api", FUNCTIONS / "shared")
