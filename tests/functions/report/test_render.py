"""The CSV and XLSX files: known rows give known cells."""

import csv
import io
import zipfile

from crosscloud_report.content import ChannelTotals, build_report
from crosscloud_report.render import CSV_TYPE, XLSX_TYPE, render, to_csv, to_xlsx
from openpyxl import load_workbook

from .conftest import KNOWN_CHANNELS, KNOWN_OBJECTS, WEEK


def test_csv_has_one_row_per_figure() -> None:
    """Header, period, total, seven days, three types, four largest, two channel rows."""
    rows = list(
        csv.reader(io.StringIO(to_csv(build_report(WEEK, KNOWN_OBJECTS, KNOWN_CHANNELS)).decode()))
    )
    assert rows[0] == ["section", "name", "count", "bytes"]
    assert rows[1] == ["period", "2026-W05", "", ""]
    assert rows[2] == ["total", "uploads", "4", "5442"]
    assert rows[3] == ["day", "2026-01-26", "2", "400"]
    assert rows[4] == ["day", "2026-01-27", "0", "0"]
    assert ["content_type", "application/pdf", "1", "5000"] in rows
    assert ["largest", "docs/c.pdf", "1", "5000"] in rows
    assert rows[-2:] == [["channels", "channels", "3", ""], ["channels", "subscribers", "1500", ""]]
    assert len(rows) == 1 + 2 + 7 + 3 + 4 + 2


def test_xlsx_holds_the_same_figures_and_a_chart_of_uploads_per_day() -> None:
    """Summary cells, a daily sheet with its bar chart over seven rows, types and largest."""
    data = to_xlsx(build_report(WEEK, KNOWN_OBJECTS, KNOWN_CHANNELS))
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["Summary", "Uploads per day", "Content types", "Largest objects"]
    summary = {row[0]: row[1] for row in book["Summary"].iter_rows(values_only=True)}
    assert summary["Period"] == "2026-W05"
    assert summary["Uploads"] == 4
    assert summary["Bytes"] == 5442
    assert summary["Channels"] == 3
    assert summary["Subscribers"] == 1500
    daily = book["Uploads per day"]
    assert [c.value for c in daily["B"]][1:] == [2, 0, 1, 0, 0, 0, 1]
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        chart = archive.read("xl/charts/chart1.xml").decode()
    assert "<barChart>" in chart
    assert "'Uploads per day'!$B$2:$B$8" in chart
    assert "'Uploads per day'!$A$2:$A$8" in chart
    largest = list(book["Largest objects"].iter_rows(min_row=2, values_only=True))
    assert largest[0][:3] == ("docs/c.pdf", 5000, "application/pdf")


def test_an_empty_week_renders_zeros() -> None:
    """The empty week gives a CSV of zero days and a workbook whose chart has seven zeros."""
    report = build_report(WEEK, [], ChannelTotals(0, 0))
    files = render(report)
    assert [(f.name, f.content_type) for f in files] == [
        ("uploads-2026-W05.csv", CSV_TYPE),
        ("uploads-2026-W05.xlsx", XLSX_TYPE),
    ]
    rows = list(csv.reader(io.StringIO(files[0].data.decode())))
    assert rows[2] == ["total", "uploads", "0", "0"]
    assert [r[2] for r in rows if r[0] == "day"] == ["0"] * 7
    book = load_workbook(io.BytesIO(files[1].data))
    assert [c.value for c in book["Uploads per day"]["B"]][1:] == [0] * 7
