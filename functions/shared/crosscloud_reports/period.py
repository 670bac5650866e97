"""Report periods: ISO weeks, named ``2026-W05``, stored under ``reports/2026/W05/``."""

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from crosscloud_reports.exceptions import PeriodError

_NAME = re.compile(r"(\d{4})-?W(\d{2})")
DAYS = 7


@dataclass(frozen=True, order=True)
class Period:
    """One ISO week (Monday 00:00 UTC to the next Monday 00:00 UTC)."""

    year: int
    week: int

    def __post_init__(self) -> None:
        """Refuse a week the ISO calendar does not have (W53 exists only in some years)."""
        try:
            date.fromisocalendar(self.year, self.week, 1)
        except ValueError as exc:
            raise PeriodError(f"{self.year}-W{self.week:02d} is not an ISO week") from exc

    @property
    def name(self) -> str:
        """``2026-W05``."""
        return f"{self.year}-W{self.week:02d}"

    @property
    def prefix(self) -> str:
        """Where the period's files live: ``reports/2026/W05/``."""
        return f"reports/{self.year}/W{self.week:02d}/"

    @property
    def days(self) -> list[date]:
        """Monday to Sunday."""
        monday = date.fromisocalendar(self.year, self.week, 1)
        return [monday + timedelta(days=offset) for offset in range(DAYS)]

    @property
    def start(self) -> datetime:
        """Monday 00:00 UTC, inclusive."""
        return datetime.combine(self.days[0], time(), tzinfo=UTC)

    @property
    def end(self) -> datetime:
        """The next Monday 00:00 UTC, exclusive."""
        return self.start + timedelta(days=DAYS)

    def contains(self, moment: datetime) -> bool:
        """Whether ``moment`` (naive means UTC) falls in the week."""
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return self.start <= moment < self.end


def parse_period(name: str) -> Period:
    """``2026-W05`` (or ``2026W05``) as a Period; PeriodError otherwise."""
    match = _NAME.fullmatch(name.strip()) if isinstance(name, str) else None
    if match is None:
        raise PeriodError(f"period must look like 2026-W05, got {name!r}")
    return Period(int(match[1]), int(match[2]))


def last_complete_week(now: datetime) -> Period:
    """The ISO week before the one ``now`` (UTC) is in: the last week with every day over."""
    if now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    year, week, _ = (now.astimezone(UTC).date() - timedelta(days=DAYS)).isocalendar()
    return Period(year, week)


def requested_period(payload: Any, now: datetime) -> Period:
    """The period an event or request body asks for (``{"period": "2026-W05"}``), else the default.

    A scheduled run sends no period (or an empty object) and gets the last
    complete week; anything else must name a week that has ended.
    """
    if payload is None or payload == {}:
        return last_complete_week(now)
    if not isinstance(payload, dict):
        raise PeriodError('the payload must be a JSON object such as {"period": "2026-W05"}')
    value = payload.get("period")
    if value is None:
        return last_complete_week(now)
    if not isinstance(value, str):
        raise PeriodError(f"period must be a string such as 2026-W05, got {value!r}")
    period = parse_period(value)
    if period.start > now.astimezone(UTC):
        raise PeriodError(f"{period.name} has not started yet")
    return period
