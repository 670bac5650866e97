"""One report run: gather, build, render, write, link, announce."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from crosscloud_reports.period import Period
from crosscloud_reports.store import ReportStore

from crosscloud_report.content import ChannelTotals, IndexedObject, build_report
from crosscloud_report.notify import Announcement, Notifier
from crosscloud_report.render import render


class ObjectSource(Protocol):
    """The uploads of a period (the object index, or a bucket listing)."""

    def objects(self, start: datetime, end: datetime) -> Iterable[IndexedObject]:
        """Objects last written in ``[start, end)``."""
        ...


class ChannelSource(Protocol):
    """The channels table's totals."""

    def totals(self) -> ChannelTotals:
        """Count and subscriber sum."""
        ...


@dataclass(frozen=True)
class ReportDeps:
    """Everything a run talks to, built by the entry point (or a test)."""

    objects: ObjectSource
    channels: ChannelSource
    store: ReportStore
    notifier: Notifier
    link_seconds: int
    clock: Callable[[], datetime] = lambda: datetime.now(UTC)


def run_report(period: Period, deps: ReportDeps) -> dict[str, Any]:
    """Write the period's report and announce it once; a summary without the links.

    Nothing is written until both files are rendered, and nothing is announced
    until the manifest (written last) says the report is complete.
    """
    objects = list(deps.objects.objects(period.start, period.end))
    report = build_report(period, objects, deps.channels.totals())
    files = render(report)
    summary = {
        "period": period.name,
        "uploads": report.total.count,
        "bytes": report.total.bytes,
        "channels": report.channels.channels,
        "subscribers": report.channels.subscribers,
    }
    stored = deps.store.write(period, files, summary, deps.clock())
    links = deps.store.links(stored, deps.link_seconds)
    message_id = deps.notifier.send(Announcement(report, links))
    # The links are bearer credentials: they go to the topic only, not to the caller's logs.
    return {**summary, "keys": list(stored.keys), "message_id": message_id}
