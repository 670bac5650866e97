"""AWS Lambda entry point ``report_handler.handler``: EventBridge Scheduler or an on-demand invoke.

The event is ``{}`` (the schedule: the last complete ISO week) or
``{"period": "2026-W05"}``. The answer is the run's summary (no links).
"""

import functools
import os
from datetime import UTC, datetime
from typing import Any

from crosscloud_logging import configure_logging, request_id_var
from crosscloud_report.run import ReportDeps, run_report
from crosscloud_report.settings import ReportSettings
from crosscloud_report.wiring import build_deps
from crosscloud_reports.period import requested_period


@functools.cache
def deps() -> ReportDeps:
    """Settings and clients, built on the first invocation and reused."""
    settings = ReportSettings.from_env(os.environ)
    configure_logging(settings.log_level)
    return build_deps(settings)


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Run the report for the event's period; errors propagate, so Scheduler retries them."""
    token = request_id_var.set(getattr(context, "aws_request_id", None))
    try:
        return run_report(requested_period(event, datetime.now(UTC)), deps())
    finally:
        request_id_var.reset(token)
