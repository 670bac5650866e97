"""Code several functions share, kept once under ``functions/shared/`` and copied into archives.

A function's archive carries, at its import root, every shared package its code
imports (and those imports' own shared imports). The list is read from the
``import`` statements, so there is none to keep: to share a package, put it under
functions/shared/ and import it. Imports made through ``importlib`` are not seen.
"""

import ast
from collections.abc import Iterable
from pathlib import Path

SHARED_DIR_NAME = "shared"


def shared_dir(functions_dir: Path) -> Path:
    """Where the shared packages live, beside the function directories."""
    return functions_dir / SHARED_DIR_NAME


def import_path(source: Path) -> tuple[Path, ...]:
    """The directories to put on ``sys.path`` so ``source``'s code imports as in its archive."""
    return (source, shared_dir(source.parent))


def shared_packages(files: Iterable[Path], functions_dir: Path) -> tuple[str, ...]:
    """The shared packages the Python ``files`` import, directly or through each other."""
    root = shared_dir(functions_dir)
    available = {init.parent.name for init in root.glob("*/__init__.py")}
    needed: set[str] = set()
    pending = set(_imported_top_level(files)) & available
    while pending:
        package = pending.pop()
        needed.add(package)
        pending |= (_imported_top_level((root / package).rglob("*.py")) & available) - needed
    return tuple(sorted(needed))


def _imported_top_level(files: Iterable[Path]) -> set[str]:
    """The top-level module names that absolute imports in ``files`` name."""
    names: set[str] = set()
    for path in files:
        if path.suffix != ".py":
            continue
        for node in ast.walk(ast.parse(path.read_bytes(), filename=str(path))):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
    return names
