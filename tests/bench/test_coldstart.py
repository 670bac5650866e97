"""The cold-start benchmark's bookkeeping: paired ratios per platform and the report section."""

import pytest

from bench import __main__ as report
from bench import coldstart

GCP, AWS = coldstart.PLATFORMS
TIMINGS = coldstart.Timings(
    first_request_ms={
        GCP.api: [300.0, 240.0, 330.0],
        GCP.bare: [200.0, 200.0, 300.0],
        AWS.api: [400.0, 150.0, 200.0],
        AWS.bare: [200.0, 100.0, 100.0],
    },
    process_ms={
        GCP.api: [400.0, 340.0, 430.0],
        GCP.bare: [300.0, 300.0, 400.0],
        AWS.api: [500.0, 250.0, 300.0],
        AWS.bare: [300.0, 200.0, 200.0],
    },
)


def test_ratios_pair_the_api_with_the_hello_world_of_the_same_round() -> None:
    """Each ratio divides two runs of the same round on the same platform."""
    assert TIMINGS.ratios(GCP) == [1.5, 1.2, 1.1]
    assert TIMINGS.ratios(AWS) == [2.0, 1.5, 2.0]


def test_report_judges_each_platform_on_its_median_ratio() -> None:
    """1.2x meets the 1.5x target; 2.0x does not; the table shows the median milliseconds."""
    text = "\n".join(report._coldstart_section(TIMINGS))
    assert "(3 interleaved rounds)" in text
    assert f"| {GCP.name} | API entry point | 300 | 400 |" in text
    assert f"| {AWS.name} | hello-world | 100 | 200 |" in text
    assert "**1.20x** (target ≤ 1.5x: met; rounds ranged 1.10 to 1.50x)" in text
    assert "**2.00x** (target ≤ 1.5x: NOT met; rounds ranged 1.50 to 2.00x)" in text


@pytest.mark.parametrize("variant", [v for p in coldstart.PLATFORMS for v in (p.api, p.bare)])
def test_each_variant_answers_its_first_request_in_a_fresh_interpreter(variant: str) -> None:
    """One real cold start per variant, as ``make bench`` runs it (a 200, in positive time)."""
    platform = next(p for p in coldstart.PLATFORMS if variant in (p.api, p.bare))
    first_request_ms, process_ms = coldstart._run(variant, platform.environment)
    assert 0 < first_request_ms < process_ms
