"""Fixtures for the report tests: known index rows, and a report store over moto S3."""

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from crosscloud_api.storage.s3 import S3Store
from crosscloud_report.content import ChannelTotals, IndexedObject
from crosscloud_reports.period import Period
from crosscloud_reports.store import ReportStore

REPORT_DIR = Path(__file__).resolve().parents[3] / "functions" / "report"
REGION_CONFIG = {"LocationConstraint": "eu-west-1"}
# ISO week 2026-W05: Monday 26 January to Sunday 1 February 2026.
WEEK = Period(2026, 5)


def at(day: int, hour: int = 12, month: int = 1) -> datetime:
    """A moment in January/February 2026, UTC."""
    return datetime(2026, month, day, hour, tzinfo=UTC)


# Four uploads in the week (two on Monday), one the Sunday before and one the Monday after.
KNOWN_OBJECTS = (
    IndexedObject("a.png", 100, "image/png", at(26, 9)),
    IndexedObject("b.png", 300, "image/png", at(26, 18)),
    IndexedObject("docs/c.pdf", 5000, "application/pdf", at(28)),
    IndexedObject("d.bin", 42, None, datetime(2026, 2, 1, 23, 59, 59, tzinfo=UTC)),
    IndexedObject("before.txt", 7, "text/plain", at(25, 23)),
    IndexedObject("after.txt", 9, "text/plain", at(2, 0, month=2)),
)
KNOWN_CHANNELS = ChannelTotals(channels=3, subscribers=1500)


@pytest.fixture
def report_store(aws_client: Callable[..., Any], s3_bucket: str) -> ReportStore:
    """A report store over a new moto bucket."""
    return ReportStore(S3Store(s3_bucket, aws_client("s3")))
