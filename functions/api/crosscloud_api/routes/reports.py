"""Reports: the periods the report function has written, and fresh links to their files."""

from crosscloud_reports.exceptions import PeriodError, ReportNotFoundError
from crosscloud_reports.links import link_seconds
from crosscloud_reports.period import Period, parse_period
from crosscloud_reports.store import ReportStore, StoredReport, iso_utc
from flask import Blueprint, Response, jsonify

from crosscloud_api import contract
from crosscloud_api.exceptions import NotFoundError
from crosscloud_api.routes import limits, services, settings
from crosscloud_api.validation import json_body, path

bp = Blueprint("reports", __name__)


@bp.get("/reports")
def list_reports() -> Response:
    """Every complete report (a period with a manifest), newest first, with its file names."""
    reports = _reports().list_reports()
    return jsonify({"items": [_summary(report) for report in reports]})


@bp.post("/reports/<period>/link")
def report_links(period: str) -> Response:
    """New time-limited download links for every file of the period's report."""
    week = _period(period)
    body = json_body(contract.REPORT_LINK, limits(), optional=True)
    # Asked-for lifetimes are shortened to what the signature can honour on this cloud.
    expires_in = link_seconds(
        settings().scheme, body.get("expires_in", contract.DEFAULT_LINK_SECONDS)
    )
    try:
        links = _reports().fresh_links(week, expires_in)
    except ReportNotFoundError as exc:
        raise NotFoundError(f"there is no report for {week.name}") from exc
    return jsonify(
        {
            "period": week.name,
            "expires_in": expires_in,
            "links": [
                {"file": _file(link.key), "url": link.url, "expires_at": iso_utc(link.expires_at)}
                for link in links
            ],
        }
    )


def _reports() -> ReportStore:
    """The reports bucket; a deployment without one has no reports to show."""
    store = services().reports
    if store is None:
        raise NotFoundError("this deployment keeps no reports")
    return store


def _period(value: str) -> Period:
    """The path's ISO week; a well-formed name the calendar lacks (2025-W53) has no report."""
    checked = path(contract.PERIOD, value, "period", limits())
    try:
        return parse_period(checked)
    except PeriodError as exc:
        # The contract's pattern admits it, so it is not a bad request: nothing is there.
        raise NotFoundError(f"there is no report for {checked}") from exc


def _summary(report: StoredReport) -> dict[str, object]:
    """A report as the listing shows it."""
    return {
        "period": report.period.name,
        "files": [_file(key) for key in report.keys],
        "written_at": report.written_at,
    }


def _file(key: str) -> str:
    """A report file's name inside its period's prefix."""
    return key.rpartition("/")[2]
