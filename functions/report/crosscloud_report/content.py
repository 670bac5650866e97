"""What a report says: plain values computed from index rows and the channels' totals."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime

from crosscloud_reports.period import Period

LARGEST_COUNT = 10
UNKNOWN_TYPE = "application/octet-stream"


@dataclass(frozen=True)
class IndexedObject:
    """One uploaded object as the index (or a bucket listing) describes it."""

    key: str
    size: int
    content_type: str | None
    last_modified: datetime


@dataclass(frozen=True)
class ChannelTotals:
    """The channels table summed up."""

    channels: int
    subscribers: int


@dataclass(frozen=True)
class Tally:
    """How many objects, and how many bytes they hold."""

    count: int = 0
    bytes: int = 0

    def plus(self, size: int) -> "Tally":
        """This tally with one more object of ``size`` bytes."""
        return Tally(self.count + 1, self.bytes + size)


@dataclass(frozen=True)
class Report:
    """One period's report."""

    period: Period
    total: Tally
    # Every day of the period, in order, empty days included.
    per_day: tuple[tuple[date, Tally], ...]
    # Most bytes first, then by name.
    per_content_type: tuple[tuple[str, Tally], ...]
    # Largest first, then by key.
    largest: tuple[IndexedObject, ...]
    channels: ChannelTotals


def build_report(
    period: Period,
    objects: Iterable[IndexedObject],
    channels: ChannelTotals,
    largest: int = LARGEST_COUNT,
) -> Report:
    """The report for ``period`` over ``objects`` (those outside the period are ignored)."""
    in_period = [o for o in objects if period.contains(o.last_modified)]
    days: dict[date, Tally] = {day: Tally() for day in period.days}
    types: dict[str, Tally] = {}
    total = Tally()
    for item in in_period:
        day = _utc(item.last_modified).date()
        days[day] = days[day].plus(item.size)
        kind = item.content_type or UNKNOWN_TYPE
        types[kind] = types.get(kind, Tally()).plus(item.size)
        total = total.plus(item.size)
    ranked = sorted(in_period, key=lambda o: (-o.size, o.key))
    return Report(
        period=period,
        total=total,
        per_day=tuple(sorted(days.items())),
        per_content_type=tuple(sorted(types.items(), key=lambda kv: (-kv[1].bytes, kv[0]))),
        largest=tuple(ranked[:largest]),
        channels=channels,
    )


def _utc(moment: datetime) -> datetime:
    """``moment`` in UTC (naive means UTC already)."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
