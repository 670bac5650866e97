"""Writing, listing and linking reports: idempotent, and complete or absent."""

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
import requests
from crosscloud_api.exceptions import BackendUnavailableError
from crosscloud_api.storage.s3 import S3Store
from crosscloud_report.content import build_report
from crosscloud_report.render import render
from crosscloud_reports.exceptions import ReportNotFoundError
from crosscloud_reports.period import Period
from crosscloud_reports.store import ReportStore

from .conftest import KNOWN_CHANNELS, KNOWN_OBJECTS, WEEK

NOW = datetime(2026, 2, 2, 6, tzinfo=UTC)


def _files() -> Any:
    return render(build_report(WEEK, KNOWN_OBJECTS, KNOWN_CHANNELS))


def test_a_written_report_is_listed_and_its_links_download_its_bytes(
    report_store: ReportStore,
) -> None:
    """Files under reports/2026/W05/, manifest last; fresh links serve the stored bytes."""
    files = _files()
    stored = report_store.write(WEEK, files, {"uploads": 4}, NOW)
    assert stored.keys == (
        "reports/2026/W05/uploads-2026-W05.csv",
        "reports/2026/W05/uploads-2026-W05.xlsx",
    )
    assert [r.period for r in report_store.list_reports()] == [WEEK]
    links = report_store.fresh_links(WEEK, 600)
    assert [link.key for link in links] == list(stored.keys)
    for link, file in zip(links, files, strict=True):
        response = requests.get(link.url, timeout=10)
        assert response.status_code == 200
        assert response.content == file.data


def test_writing_twice_rewrites_the_same_keys(
    report_store: ReportStore, aws_client: Callable[..., Any]
) -> None:
    """A rerun for the period leaves exactly the same three keys, with the same CSV."""
    first = report_store.write(WEEK, _files(), {}, NOW)
    second = report_store.write(WEEK, _files(), {}, NOW)
    assert first.keys == second.keys
    bucket = report_store.objects.bucket  # type: ignore[attr-defined]
    listed = aws_client("s3").list_objects_v2(Bucket=bucket)["Contents"]
    assert sorted(o["Key"] for o in listed) == [
        "reports/2026/W05/manifest.json",
        "reports/2026/W05/uploads-2026-W05.csv",
        "reports/2026/W05/uploads-2026-W05.xlsx",
    ]


class FailingSecondPut(S3Store):
    """An S3 store whose second upload fails, as a crash or an outage halfway would."""

    def __init__(self, bucket: str, client: Any) -> None:
        super().__init__(bucket, client)
        self.puts = 0

    def put(self, key: str, data: bytes, content_type: str) -> Any:
        self.puts += 1
        if self.puts == 2:
            raise BackendUnavailableError("storage")
        return super().put(key, data, content_type)


def test_a_failed_run_leaves_no_report_behind(
    aws_client: Callable[..., Any], s3_bucket: str
) -> None:
    """Without its manifest (written last) a period has no report: not listed, no links."""
    store = ReportStore(FailingSecondPut(s3_bucket, aws_client("s3")))
    with pytest.raises(BackendUnavailableError):
        store.write(WEEK, _files(), {}, NOW)
    assert store.list_reports() == []
    with pytest.raises(ReportNotFoundError):
        store.fresh_links(WEEK, 60)


def test_reports_are_listed_newest_first(report_store: ReportStore) -> None:
    """Two periods, newest first; a stray object under reports/ is not a report."""
    report_store.write(Period(2026, 4), _files()[:1], {}, NOW)
    report_store.write(WEEK, _files(), {}, NOW)
    report_store.objects.put("reports/notes.txt", b"x", "text/plain")
    assert [r.period.name for r in report_store.list_reports()] == ["2026-W05", "2026-W04"]
    with pytest.raises(ReportNotFoundError):
        report_store.report(Period(2026, 3))
