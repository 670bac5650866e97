"""ISO-week periods: names, bounds, keys and the default."""

from datetime import UTC, date, datetime

import pytest
from crosscloud_reports.exceptions import PeriodError
from crosscloud_reports.period import Period, last_complete_week, parse_period, requested_period


def test_a_period_spans_monday_to_monday_utc() -> None:
    """2026-W05 runs from Monday 26 January 00:00 UTC to Monday 2 February 00:00 UTC."""
    period = parse_period("2026-W05")
    assert period == Period(2026, 5)
    assert period.start == datetime(2026, 1, 26, tzinfo=UTC)
    assert period.end == datetime(2026, 2, 2, tzinfo=UTC)
    assert period.days[0] == date(2026, 1, 26)
    assert period.days[-1] == date(2026, 2, 1)
    assert period.prefix == "reports/2026/W05/"
    assert period.name == "2026-W05"


def test_the_default_is_the_last_complete_iso_week() -> None:
    """On any day of week 6, and on its Monday at midnight, the default is week 5."""
    assert last_complete_week(datetime(2026, 2, 2, 0, 0, tzinfo=UTC)) == Period(2026, 5)
    assert last_complete_week(datetime(2026, 2, 8, 23, 59, tzinfo=UTC)) == Period(2026, 5)
    # The first days of January belong to the previous ISO year's last week.
    assert last_complete_week(datetime(2027, 1, 6, tzinfo=UTC)) == Period(2026, 53)


def test_a_payload_names_a_period_or_takes_the_default() -> None:
    """``{}``, None and a payload without ``period`` mean the default week."""
    now = datetime(2026, 2, 4, tzinfo=UTC)
    assert requested_period(None, now) == Period(2026, 5)
    assert requested_period({}, now) == Period(2026, 5)
    assert requested_period({"source": "schedule"}, now) == Period(2026, 5)
    assert requested_period({"period": "2025-W52"}, now) == Period(2025, 52)


@pytest.mark.parametrize(
    "payload",
    [{"period": "2026-05"}, {"period": 5}, {"period": "2025-W54"}, {"period": "2026-W10"}, []],
)
def test_a_bad_or_future_period_is_refused(payload: object) -> None:
    """Malformed names, weeks the calendar lacks and weeks not yet started are errors."""
    with pytest.raises(PeriodError):
        requested_period(payload, datetime(2026, 2, 4, tzinfo=UTC))


def test_week_53_exists_only_in_long_years() -> None:
    """2026 has 53 ISO weeks; 2025 has 52."""
    assert Period(2026, 53).days[-1] == date(2027, 1, 3)
    with pytest.raises(PeriodError):
        Period(2025, 53)
