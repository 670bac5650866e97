"""The deployed program (__main__.py, stacks/, function_builds/) imports no dev tooling,
and the function code it deploys carries the shared packages that code imports."""

import ast
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from function_builds.archive import build_source_archive
from function_builds.runtime import ARCHITECTURES
from stacks import function_archives

ROOT = Path(__file__).resolve().parents[1]
# What `pulumi up` runs: the composition root and everything it is built from.
DEPLOYED = [ROOT / "__main__.py", *sorted((ROOT / "stacks").rglob("*.py")),
            *sorted((ROOT / "function_builds").rglob("*.py"))]  # fmt: skip
# Top-level packages that exist for development only and are not needed to deploy.
DEV_ONLY = {"tooling", "tests", "bench", "policies"}


def dev_imports(source: str) -> Iterator[str]:
    """The modules a source file imports from a dev-only package, wherever the import sits."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        yield from (name for name in names if name.split(".")[0] in DEV_ONLY)


def test_the_scan_finds_dev_imports_at_any_depth() -> None:
    """Plain, from- and function-local imports of a dev package are all reported."""
    source = (
        "import os\nimport tooling.synth\nfrom tooling import archive\n"
        "def f():\n    from bench.sizes import measure\n"
        "from stacks.settings import Settings\nimport toolingx\n"
    )
    assert list(dev_imports(source)) == ["tooling.synth", "tooling", "bench.sizes"]


def test_deployed_modules_import_no_dev_tooling() -> None:
    """No module the stacks run imports ``tooling`` (or tests, bench, policies)."""
    assert len(DEPLOYED) > 10
    found = {
        path.relative_to(ROOT).as_posix(): imports
        for path in DEPLOYED
        if (imports := list(dev_imports(path.read_text())))
    }
    assert found == {}


SHARED_LOGGER = ROOT / "functions" / "shared" / "crosscloud_logging" / "__init__.py"


@pytest.mark.parametrize("function", ["api", "indexer"])
def test_staged_lambda_code_carries_the_shared_logger(function: str) -> None:
    """The directory the AWS stack deploys holds crosscloud_logging beside the handler."""
    staged = function_archives.lambda_archive(function, ARCHITECTURES[0]).path
    copy = staged / "crosscloud_logging" / "__init__.py"
    assert copy.read_bytes() == SHARED_LOGGER.read_bytes()


def test_gcp_source_carries_the_shared_logger() -> None:
    """The source zip the GCP stack uploads (stacks/gcp/platform.py's API_SOURCE) holds it too."""
    from stacks.gcp.platform import API_SOURCE

    with zipfile.ZipFile(build_source_archive(API_SOURCE).path) as source:
        copy = source.read("crosscloud_logging/__init__.py")
    assert copy == SHARED_LOGGER.read_bytes()
