"""Report files in the reports bucket, through the API's ObjectStore (no second client layer).

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
from datetime import datetime
from typing import Any

from crosscloud_api.storage import ObjectInfo, ObjectStore, SignedUrl
from crosscloud_api.storage.model import iso_utc

from crosscloud_report.exceptions import ReportError, ReportNotFoundError
from crosscloud_report.period import Period, parse_period
from crosscloud_report.render import ReportFile

MANIFEST = "manifest.json"
ROOT = "reports/"
PAGE = 1000


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

    def __init__(self, objects: ObjectStore) -> None:
        """``objects`` is the API's store over the reports bucket."""
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
        by_prefix: dict[str, list[ObjectInfo]] = {}
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
        signed: list[tuple[str, SignedUrl]] = [
            (key, self.objects.download_url(key, expires_in)) for key in report.keys
        ]
        return [Link(key, url.url, url.expires_at) for key, url in signed]

    def _put(self, period: Period, name: str, data: bytes, content_type: str) -> ObjectInfo:
        """One file under the period's prefix, in one request."""
        return self.objects.put(period.prefix + name, data, content_type)

    def _all(self, prefix: str) -> Iterator[ObjectInfo]:
        """Every object under ``prefix``, page by page."""
        cursor: str | None = None
        while True:
            page = self.objects.list(prefix, PAGE, cursor)
            yield from page.items
            if page.next_cursor is None:
                return
            cursor = page.next_cursor


def _complete(infos: Sequence[ObjectInfo]) -> StoredReport | None:
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
