"""bench/results.md: one dated section per run, appended below the earlier ones."""

from pathlib import Path

RESULTS = Path(__file__).with_name("results.md")
HEADER = (
    "# Benchmarks\n\n"
    "One dated section per `make bench` run (setup-time sections come from "
    "`python -m bench.installers`). Numbers from one machine; compare them with each "
    "other, not across machines."
)


def append_section(lines: list[str], results: Path = RESULTS) -> None:
    """Add one dated section at the end of ``results``, keeping the earlier runs above it."""
    previous = results.read_text().rstrip("\n") if results.exists() else HEADER
    results.write_text(previous + "\n\n" + "\n".join(lines).rstrip("\n") + "\n")
