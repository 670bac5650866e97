"""Report files in the reports bucket, through a function's object store (no second client layer).

A run renders everything in memory first, then writes each file with a single
request (S3 PutObject, a GCS single-part upload: an object appears whole or not
at all), and writes the period's ``manifest.json`` last. The manifest is what
makes a period's report exist: ``list_reports`` and ``fresh_links`` look only at
periods that have one, so a run that fails halfway leaves no partial file under
a final key and no half-announced report. A rerun rewrites the same keys.
"""

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from crosscloud_reports.exceptions import ReportError, ReportNotFoundError
from crosscloud_reports.period import Period, parse_period

MANIFEST = "manifest.json"
ROOT = "reports/"
PAGE = 1000


class StoredObject(Protocol):
    """What a listing or a write says of one object (the API's ObjectInfo fits)."""

    @property
    def key(self) -> str: ...
    @property
    def size(self) -> int: ...
    @property
    def etag(self) -> str: ...
    @property
    def last_modified(self) -> datetime: ...


class ListingPage(Protocol):
    """One page of a listing (the API's ObjectPage fits)."""

    @property
    def items(self) -> Sequence[StoredObject]: ...
    @property
    def next_cursor(self) -> str | None: ...


class Signed(Protocol):
    """A signed URL and when it stops working (the API's SignedUrl fits)."""

    @property
    def url(self) -> str: ...
    @property
    def expires_at(self) -> datetime: ...


class ReportObjects(Protocol):
    """The part of an object store the reports need (the API's S3Store and GcsStore fit)."""

    def list(self, prefix: str, limit: int, cursor: str | None) -> ListingPage:
        """One page of objects under ``prefix``, ordered by key."""
        ...

    def put(self, key: str, data: bytes, content_type: str) -> StoredObject:
        """Store ``data`` under ``key``."""
        ...

    def download_url(self, key: str, expires_in: int) -> Signed:
        """A time-limited GET URL for one object."""
        ...


class ReportFile(Protocol):
    """One rendered file to store: its name inside the period's prefix, type and bytes."""

    @property
    def name(self) -> str: ...
    @property
    def content_type(self) -> str: ...
    @property
    def data(self) -> bytes: ...


@dataclass(frozen=True)
class StoredReport:
    """A complete report: its period and the keys of its files (manifest excluded)."""

    period: Period
    keys: tuple[str, ...]
    # When the manifest was written (the run's end).
    written_at: str


@dataclass(frozen=True)
class Link:
    """A download link for one report file."""

    key: str
    url: str
    expires_at: datetime

    def to_json(self) -> dict[str, str]:
        """As a notification or an API answer carries it."""
        return {"key": self.key, "url": self.url, "expires_at": iso_utc(self.expires_at)}


class ReportStore:
    """The reports bucket, seen as periods and their files."""

    def __init__(self, objects: ReportObjects) -> None:
        """``objects`` is an object store over the reports bucket."""
        self.objects = objects

    def write(
        self, period: Period, files: Sequence[ReportFile], summary: dict[str, Any], now: datetime
    ) -> StoredReport:
        """Write every file, then the manifest that marks the period complete."""
        written = [self._put(period, file.name, file.data, file.content_type) for file in files]
        manifest = {
            "period": period.name,
            "written_at": iso_utc(now),
            "files": [{"key": i.key, "size": i.size, "etag": i.etag} for i in written],
            "summary": summary,
        }
        body = json.dumps(manifest, indent=2, sort_keys=True).encode()
        self._put(period, MANIFEST, body, "application/json")
        return StoredReport(period, tuple(i.key for i in written), manifest["written_at"])

    def list_reports(self) -> list[StoredReport]:
        """Every complete report in the bucket, newest period first (listing only, no reads)."""
        by_prefix: dict[str, list[StoredObject]] = {}
        for info in self._all(ROOT):
            prefix, _, _ = info.key.rpartition("/")
            by_prefix.setdefault(prefix + "/", []).append(info)
        reports = [r for infos in by_prefix.values() if (r := _complete(infos)) is not None]
        return sorted(reports, key=lambda r: r.period, reverse=True)

    def report(self, period: Period) -> StoredReport:
        """The complete report of ``period``; ReportNotFoundError when it has no manifest."""
        found = _complete(list(self._all(period.prefix)))
        if found is None or found.period != period:
            raise ReportNotFoundError(f"no complete report for {period.name}")
        return found

    def fresh_links(self, period: Period, expires_in: int) -> list[Link]:
        """New download links for every file of the period's complete report."""
        return self.links(self.report(period), expires_in)

    def links(self, report: StoredReport, expires_in: int) -> list[Link]:
        """Download links for the files of ``report``."""
        signed: list[tuple[str, Signed]] = [
            (key, self.objects.download_url(key, expires_in)) for key in report.keys
        ]
        return [Link(key, url.url, url.expires_at) for key, url in signed]

    def _put(self, period: Period, name: str, data: bytes, content_type: str) -> StoredObject:
        """One file under the period's prefix, in one request."""
        return self.objects.put(period.prefix + name, data, content_type)

    def _all(self, prefix: str) -> Iterator[StoredObject]:
        """Every object under ``prefix``, page by page."""
        cursor: str | None = None
        while True:
            page = self.objects.list(prefix, PAGE, cursor)
            yield from page.items
            if page.next_cursor is None:
                return
            cursor = page.next_cursor


def _complete(infos: Sequence[StoredObject]) -> StoredReport | None:
    """The report made of one period prefix's objects, if its manifest says it is complete."""
    manifest = next((i for i in infos if i.key.endswith("/" + MANIFEST)), None)
    if manifest is None:
        return None
    parts = manifest.key.split("/")  # reports/<year>/W<week>/manifest.json
    try:
        period = parse_period(f"{parts[1]}-{parts[2]}")
    except (IndexError, ReportError):
        return None
    if manifest.key != period.prefix + MANIFEST:
        return None
    keys = tuple(sorted(i.key for i in infos if i is not manifest))
    return StoredReport(period, keys, iso_utc(manifest.last_modified))


def iso_utc(moment: datetime) -> str:
    """ISO-8601 in UTC with a Z suffix, as the API writes times; naive means UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
