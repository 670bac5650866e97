"""The Lambda archives the AWS stack deploys, built from ``functions/`` when the program runs.

Archives are built on every run rather than picked up from disk, so a stale
archive can never be deployed; the builder is deterministic, so unchanged
sources give the same bytes and hash and `pulumi preview` shows no change.
"""

import functools
from dataclasses import dataclass
from pathlib import Path

from tooling import archive as builder

ROOT = Path(__file__).resolve().parent.parent
BUILD_DIR = ROOT / "build"
# The Lambda runtime the archives are built for (see stacks/aws/lambda_function.py).
LAMBDA_PYTHON = "3.12"


@dataclass(frozen=True)
class FunctionArchive:
    """A built zip and the hex SHA-256 of its bytes."""

    path: Path
    sha256: str


@functools.cache
def lambda_archive(function: str, architecture: str) -> FunctionArchive:
    """``functions/<function>`` with its dependencies installed for Lambda on ``architecture``."""
    built = builder.build_lambda_archive(
        function, architecture=architecture, python_version=LAMBDA_PYTHON, out_dir=BUILD_DIR
    )
    return FunctionArchive(path=Path(built.path), sha256=built.sha256)
