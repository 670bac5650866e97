"""JSON log lines carrying the Lambda request id; no event payloads, no tracebacks."""

import contextvars
import json
import logging
import sys
from datetime import UTC, datetime
from typing import Any

LOGGER_NAME = "crosscloud.indexer"
request_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "indexer_request_id", default=None
)


class JsonFormatter(logging.Formatter):
    """One JSON object per line with the fields passed as ``extra={"fields": ...}``."""

    def format(self, record: logging.LogRecord) -> str:
        """Render the record; exc_info is dropped on purpose (tracebacks can hold data)."""
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": request_id_var.get(),
        }
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


def get_logger() -> logging.Logger:
    """The indexer's logger, with the JSON handler attached once."""
    logger = logging.getLogger(LOGGER_NAME)
    if not any(isinstance(h, _JsonHandler) for h in logger.handlers):
        handler = _JsonHandler()
        handler.setFormatter(JsonFormatter())
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        # The Lambda runtime's root handler would print each line again, unformatted.
        logger.propagate = False
    return logger


def emit(logger: logging.Logger, level: int, message: str, fields: dict[str, Any]) -> None:
    """Log ``message`` with ``fields``, skipping the caller lookup ``Logger.info`` does.

    The access log runs on every request; finding the caller's frame was most of
    its cost, and the JSON lines never print file or line numbers anyway.
    """
    if logger.isEnabledFor(level):
        extra = {"fields": fields}
        logger.handle(logger.makeRecord(logger.name, level, "", 0, message, (), None, extra=extra))
