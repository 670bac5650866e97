"""Cloud Functions (2nd gen) entry point ``report``: called by Cloud Scheduler (OIDC) or on demand.

The body is empty or ``{}`` (the last complete ISO week) or ``{"period": "2026-W05"}``.
"""

import functools
import json
import os
from datetime import UTC, datetime

import flask
import functions_framework
from crosscloud_logging import configure_logging
from crosscloud_report.run import ReportDeps, run_report
from crosscloud_report.settings import ReportSettings
from crosscloud_report.wiring import build_deps
from crosscloud_reports.exceptions import PeriodError
from crosscloud_reports.period import requested_period


@functools.cache
def deps() -> ReportDeps:
    """Settings and clients, built on the instance's first request and reused."""
    settings = ReportSettings.from_env(os.environ)
    configure_logging(settings.log_level)
    return build_deps(settings)


@functions_framework.http
def report(request: flask.Request) -> flask.Response:
    """Run the report; 400 for a bad period, any other failure a 500 that Scheduler retries."""
    payload = request.get_json(silent=True) if request.get_data() else None
    try:
        period = requested_period(payload, datetime.now(UTC))
    except PeriodError as error:
        return _json({"error": "validation_error", "message": str(error)}, 400)
    return _json(run_report(period, deps()), 200)


def _json(body: object, status: int) -> flask.Response:
    """A JSON response."""
    return flask.Response(json.dumps(body), status, mimetype="application/json")
