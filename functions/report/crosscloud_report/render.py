"""The report as files: a CSV for machines and an XLSX workbook with a chart for people."""

import csv
import io
from dataclasses import dataclass
from datetime import UTC, datetime

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference

from crosscloud_report.content import Report

CSV_TYPE = "text/csv"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_HEADER = ("section", "name", "count", "bytes")


@dataclass(frozen=True)
class ReportFile:
    """One rendered file: its name inside the period's prefix, type and bytes."""

    name: str
    content_type: str
    data: bytes


def render(report: Report) -> tuple[ReportFile, ...]:
    """Both files, rendered in memory before anything is written anywhere."""
    stem = f"uploads-{report.period.name}"
    return (
        ReportFile(f"{stem}.csv", CSV_TYPE, to_csv(report)),
        ReportFile(f"{stem}.xlsx", XLSX_TYPE, to_xlsx(report)),
    )


def csv_rows(report: Report) -> list[tuple[str, str, int | str, int | str]]:
    """One row per figure: ``section, name, count, bytes`` (blank where it does not apply)."""
    rows: list[tuple[str, str, int | str, int | str]] = [
        ("period", report.period.name, "", ""),
        ("total", "uploads", report.total.count, report.total.bytes),
    ]
    rows += [("day", day.isoformat(), t.count, t.bytes) for day, t in report.per_day]
    rows += [("content_type", kind, t.count, t.bytes) for kind, t in report.per_content_type]
    rows += [("largest", o.key, 1, o.size) for o in report.largest]
    rows += [
        ("channels", "channels", report.channels.channels, ""),
        ("channels", "subscribers", report.channels.subscribers, ""),
    ]
    return rows


def to_csv(report: Report) -> bytes:
    """UTF-8 CSV with a header row and CRLF line ends (RFC 4180)."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    writer.writerows(csv_rows(report))
    return buffer.getvalue().encode("utf-8")


def to_xlsx(report: Report) -> bytes:
    """A workbook: summary, uploads per day (with a bar chart), content types, largest objects."""
    book = Workbook()
    # Fixed document dates: a rerun for the same period describes the same thing.
    book.properties.created = book.properties.modified = report.period.end.replace(tzinfo=None)
    summary = book.active
    assert summary is not None  # a new workbook always has one sheet
    summary.title = "Summary"
    summary.append(("Period", report.period.name))
    summary.append(("From (UTC)", report.period.start.date().isoformat()))
    summary.append(("To (UTC, exclusive)", report.period.end.date().isoformat()))
    summary.append(("Uploads", report.total.count))
    summary.append(("Bytes", report.total.bytes))
    summary.append(("Channels", report.channels.channels))
    summary.append(("Subscribers", report.channels.subscribers))

    daily = book.create_sheet("Uploads per day")
    daily.append(("Date", "Uploads", "Bytes"))
    for day, tally in report.per_day:
        daily.append((day.isoformat(), tally.count, tally.bytes))
    chart = BarChart()
    chart.title = f"Uploads per day, {report.period.name}"
    chart.y_axis.title = "Uploads"
    chart.x_axis.title = "Date"
    last = len(report.per_day) + 1
    chart.add_data(Reference(daily, min_col=2, min_row=1, max_row=last), titles_from_data=True)
    chart.set_categories(Reference(daily, min_col=1, min_row=2, max_row=last))
    daily.add_chart(chart, "E2")

    types = book.create_sheet("Content types")
    types.append(("Content type", "Uploads", "Bytes"))
    for kind, tally in report.per_content_type:
        types.append((kind, tally.count, tally.bytes))

    largest = book.create_sheet("Largest objects")
    largest.append(("Key", "Bytes", "Content type", "Last modified (UTC)"))
    for item in report.largest:
        largest.append((item.key, item.size, item.content_type or "", _naive(item.last_modified)))

    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _naive(moment: datetime) -> datetime:
    """Excel has no time zones: the UTC wall time."""
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment
