"""The sub-router benchmark's bookkeeping: paired rounds and the report built from them."""

from bench import subrouter
from bench.__main__ import _throughput_section, _where_the_time_goes

RATES = {
    subrouter.ROUTED: [80.0, 45.0, 90.0],
    subrouter.DIRECT: [100.0, 50.0, 100.0],
    subrouter.BARE: [200.0, 100.0, 100.0],
}


def test_ratios_pair_values_of_the_same_round() -> None:
    """Each ratio divides two rates timed in the same round, so a slow round slows both sides."""
    rounds = subrouter.Rounds(RATES)
    assert rounds.ratios(subrouter.ROUTED, subrouter.DIRECT) == [0.8, 0.9, 0.9]
    assert rounds.median(subrouter.ROUTED) == 80.0


def test_report_judges_the_median_paired_ratio_against_the_direct_app() -> None:
    """The verdict uses the median per-round sub-router/direct ratio (0.90, not 80/100)."""
    text = "\n".join(_throughput_section("in-process WSGI", subrouter.Rounds(RATES)))
    assert "### in-process WSGI (3 paired rounds)" in text
    assert "**0.90x** (target ≥ 0.85x: met; rounds ranged 0.80 to 0.90x)" in text
    assert f"| {subrouter.ROUTED} | 80 | 0.90x | 0.45x |" in text


def test_breakdown_compares_both_ways_of_serving_with_the_direct_app() -> None:
    """µs per request from median rates: mounted minus direct, unmounted minus direct."""
    rates = {
        subrouter.ROUTED: [1000.0],  # 1000 µs
        subrouter.DIRECT: [1250.0],  # 800 µs
        subrouter.BARE: [2000.0],  # 500 µs
        subrouter.UNMOUNTED: [800.0],  # 1250 µs
    }
    text = "\n".join(_where_the_time_goes(subrouter.Rounds(rates)))
    assert "costs 200 µs more than the API called directly" in text
    assert "450 µs more than the direct app, 0.64x its rate" in text
