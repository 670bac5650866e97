"""Sizes of the archives the stacks deploy, against the Lambda archive budget."""

from function_builds.archive import (
    LAMBDA_ARCHIVE_BUDGET_BYTES,
    build_lambda_archive,
    build_source_archive,
)
from function_builds.runtime import ARCHITECTURES, PYTHON_VERSION

BUDGET = LAMBDA_ARCHIVE_BUDGET_BYTES


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


def main() -> int:
    """Print the sizes and whether each Lambda archive is within the budget."""
    for name, size in measure().items():
        verdict = "" if "Lambda" not in name else (" ok" if size <= BUDGET else " OVER BUDGET")
        print(f"{name}: {size:,} bytes ({size / 2**20:.2f} MiB){verdict}")
    print(f"Lambda archive budget: {BUDGET:,} bytes ({BUDGET / 2**20:.2f} MiB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
