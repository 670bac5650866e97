"""The Lambda code the AWS stack deploys, staged from ``functions/`` when the program runs.

It is staged on every run rather than picked up from disk, so stale code can
never be deployed. It is a directory, not a zip: Pulumi hashes a directory
archive by names and contents alone, so the same sources give the same hash on
any machine and `pulumi preview` shows no change (a zip's bytes would also
depend on the zlib that compressed them). Dependencies are installed once per
pinned set and reused from ``build/.deps``: no network when nothing changed.
"""

import functools
from dataclasses import dataclass
from pathlib import Path

from function_builds import archive as builder
from function_builds.runtime import PYTHON_VERSION

ROOT = Path(__file__).resolve().parent.parent
BUILD_DIR = ROOT / "build"


@dataclass(frozen=True)
class FunctionArchive:
    """A staged code directory and the hex SHA-256 of its names and contents."""

    path: Path
    sha256: str


@functools.cache
def lambda_archive(function: str, architecture: str) -> FunctionArchive:
    """``functions/<function>`` with its dependencies installed for Lambda on ``architecture``."""
    built = builder.build_lambda_tree(
        function, architecture=architecture, python_version=PYTHON_VERSION, out_dir=BUILD_DIR
    )
    return FunctionArchive(path=Path(built.path), sha256=built.sha256)
