"""Sizes of the archives the stacks deploy."""

from function_builds.archive import build_lambda_archive, build_source_archive
from function_builds.runtime import ARCHITECTURES, PYTHON_VERSION


def measure() -> dict[str, int]:
    """Build each archive (dependencies come from the build cache) and report bytes."""
    sizes: dict[str, int] = {}
    for name in ("api", "indexer"):
        for architecture in ARCHITECTURES:
            built = build_lambda_archive(
                name, architecture=architecture, python_version=PYTHON_VERSION
            )
            sizes[f"{built.path.name} (Lambda, {architecture})"] = built.size
    source = build_source_archive("api")
    sizes[f"{source.path.name} (Cloud Functions source)"] = source.size
    return sizes
