"""The shared JSON logger: one line per record, the request id, chosen fields, nothing else."""

import json
import logging
from collections.abc import Callable, Iterator
from typing import Any

import crosscloud_logging
import pytest
from crosscloud_logging import JsonFormatter, configure_logging, emit, get_logger, request_id_var

SECRET = "hunter2-db-password"

Lines = Callable[[], list[dict[str, Any]]]


@pytest.fixture
def lines(capsys: pytest.CaptureFixture[str]) -> Iterator[Lines]:
    """The package logger at INFO, and a reader of the JSON lines written so far."""
    configure_logging("INFO")

    def read() -> list[dict[str, Any]]:
        """Every stdout line, parsed (each must be one JSON object)."""
        return [json.loads(line) for line in capsys.readouterr().out.splitlines()]

    yield read
    configure_logging("INFO")  # a test that changed the level must not leak it


def test_a_line_holds_the_request_id_and_the_chosen_fields_only(lines: Lines) -> None:
    """Fixed keys, the id of the current request, then exactly the fields passed."""
    token = request_id_var.set("req-42")
    try:
        emit(get_logger("unit"), logging.INFO, "indexed", {"outcomes": {"upserted": 2}})
    finally:
        request_id_var.reset(token)
    [line] = lines()
    assert set(line) == {"time", "level", "logger", "message", "request_id", "outcomes"}
    assert line["request_id"] == "req-42"
    assert line["logger"] == "crosscloud.unit"
    assert line["level"] == "INFO"
    assert line["message"] == "indexed"
    assert line["outcomes"] == {"upserted": 2}
    assert line["time"].endswith("+00:00")


def test_outside_a_request_the_id_is_null(lines: Lines) -> None:
    """Nothing of an earlier request lingers once its id was reset."""
    get_logger("unit").warning("cold start", extra={"fields": {"phase": "init"}})
    [line] = lines()
    assert line["request_id"] is None
    assert line["phase"] == "init"


def test_tracebacks_and_exception_texts_are_never_written(lines: Lines) -> None:
    """``log.exception`` writes its message only: the exception may carry a secret."""
    try:
        raise RuntimeError(f"connect to postgres://app:{SECRET}@db failed")
    except RuntimeError:
        get_logger("unit").exception("database down", extra={"fields": {"error": "RuntimeError"}})
    [line] = lines()
    text = json.dumps(line)
    assert SECRET not in text
    assert "Traceback" not in text
    assert line["message"] == "database down"
    assert line["error"] == "RuntimeError"


def test_configuring_twice_keeps_one_handler_and_no_second_copy(
    lines: Lines, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every app built in one instance configures again; each record is still written once."""
    seen: list[logging.LogRecord] = []
    root_handler = logging.Handler()
    root_handler.emit = seen.append  # type: ignore[method-assign]
    monkeypatch.setattr(logging.getLogger(), "handlers", [root_handler])
    logger = configure_logging("INFO")
    assert configure_logging("INFO") is logger
    json_handlers = [h for h in logger.handlers if isinstance(h.formatter, JsonFormatter)]
    assert len(json_handlers) == 1
    get_logger("unit").info("once")
    assert [line["message"] for line in lines()] == ["once"]
    assert seen == []  # the platform's root handler never sees it


def test_records_below_the_level_are_skipped(lines: Lines) -> None:
    """``emit`` honours the configured level, as ``Logger.info`` would."""
    configure_logging("WARNING")
    emit(get_logger("unit"), logging.INFO, "request", {"status": 200})
    emit(get_logger("unit"), logging.WARNING, "backend error", {"error": "backend_unavailable"})
    assert [line["message"] for line in lines()] == ["backend error"]


def test_getting_a_logger_configures_nothing() -> None:
    """Modules take their logger at import; only ``configure_logging`` attaches a handler."""
    logger = get_logger("never-configured-here")
    assert logger.name == f"{crosscloud_logging.LOGGER_NAME}.never-configured-here"
    assert logger.handlers == []
