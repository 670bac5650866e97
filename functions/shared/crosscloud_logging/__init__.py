"""JSON log lines for every function: one per record, tagged with the request id, never payloads.

Shared by all functions (functions/shared/ is copied into each archive that imports
it). Records carry a message and the fields a caller chose to pass as
``extra={"fields": {...}}``; tracebacks and exception texts are dropped on purpose,
since they can hold request data or credentials.
"""

import contextvars
import json
import logging
import sys
from datetime import UTC, datetime
from typing import Any

LOGGER_NAME = "crosscloud"
# Set by each entry point for the duration of one request or invocation.
request_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "crosscloud_request_id", default=None
)
# Fields every line of the current request carries for the platform's log agent
# (Cloud Logging reads "logging.googleapis.com/labels" and ".../spanId" off a JSON line).
platform_fields_var: contextvars.ContextVar[dict[str, Any] | None] = contextvars.ContextVar(
    "crosscloud_platform_fields", default=None
)


class JsonFormatter(logging.Formatter):
    """One JSON object per line; tracebacks are deliberately dropped (they can hold secrets)."""

    def format(self, record: logging.LogRecord) -> str:
        """Render the record, its request id and the ``extra={"fields": ...}`` it was given."""
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": request_id_var.get(),
        }
        platform_fields = platform_fields_var.get()
        if platform_fields:
            entry.update(platform_fields)
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            entry.update(fields)
        return json.dumps(entry, default=str, separators=(",", ":"))


class _JsonHandler(logging.Handler):
    """Writes to the current sys.stdout (the platforms ship stdout to their log service)."""

    def emit(self, record: logging.LogRecord) -> None:
        """Write one formatted line; looked up per call so redirected stdout is honoured."""
        try:
            sys.stdout.write(self.format(record) + "\n")
        except Exception:  # logging must never break a request
            self.handleError(record)


def configure_logging(level: str = "INFO") -> logging.Logger:
    """Attach the JSON handler to the ``crosscloud`` logger once, however often it is called."""
    logger = logging.getLogger(LOGGER_NAME)
    logger.setLevel(level)
    if not any(isinstance(h, _JsonHandler) for h in logger.handlers):
        handler = _JsonHandler()
        handler.setFormatter(JsonFormatter())
        logger.addHandler(handler)
    # The platforms' root handlers would print every line a second time, unformatted.
    logger.propagate = False
    # logging.config.dictConfig disables every logger that exists when it runs
    # (functions-framework runs one when LOG_EXECUTION_ID is set); ours stay on.
    for name, existing in logging.root.manager.loggerDict.items():
        if isinstance(existing, logging.Logger) and name.partition(".")[0] == LOGGER_NAME:
            existing.disabled = False
    return logger


def get_logger(name: str) -> logging.Logger:
    """``crosscloud.<name>``; creating it configures nothing (see ``configure_logging``)."""
    return logging.getLogger(f"{LOGGER_NAME}.{name}")


def emit(logger: logging.Logger, level: int, message: str, fields: dict[str, Any]) -> None:
    """Log ``message`` with ``fields``, skipping the caller lookup ``Logger.info`` does.

    The access log runs on every request; finding the caller's frame was most of
    its cost, and the JSON lines never print file or line numbers anyway.
    """
    if logger.isEnabledFor(level):
        extra = {"fields": fields}
        logger.handle(logger.makeRecord(logger.name, level, "", 0, message, (), None, extra=extra))
