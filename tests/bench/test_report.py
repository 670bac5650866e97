"""results.md keeps every run: each one appends its dated section."""

from pathlib import Path

from bench.report import HEADER, append_section


def test_a_run_appends_a_section_below_the_earlier_ones(tmp_path: Path) -> None:
    """Earlier runs stay; a missing file starts with the header."""
    results = tmp_path / "results.md"
    append_section(["## first run", "", "a"], results)
    append_section(["## second run", "", "b", ""], results)
    assert results.read_text() == f"{HEADER}\n\n## first run\n\na\n\n## second run\n\nb\n"
