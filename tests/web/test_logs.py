"""`log.format: json`: one JSON object per line, with the record's extra fields."""

from __future__ import annotations

import io
import json
import logging

from engine.logs import setup_logging


def test_json_lines_carry_time_level_logger_message_and_extras() -> None:
    stream = io.StringIO()
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    try:
        setup_logging("json", "debug", stream)
        log = logging.getLogger("twoway.test")
        log.info("sent %d messages", 3, extra={"connector": "console", "refs": (1, 2)})
        try:
            raise RuntimeError("boom")
        except RuntimeError:
            log.exception("it failed")
        log.debug("détail")
    finally:
        root.handlers[:], root.level = saved
    first, second, third = (json.loads(line) for line in stream.getvalue().splitlines())
    assert set(first) == {"time", "level", "logger", "message", "connector", "refs"}
    assert first["time"].endswith("Z") and len(first["time"]) == len("2026-03-02T09:00:00.123Z")
    assert first["level"] == "INFO"
    assert first["logger"] == "twoway.test"
    assert first["message"] == "sent 3 messages"
    assert first["connector"] == "console"
    assert first["refs"] == [1, 2]
    assert second["message"] == "it failed"
    assert second["exception"].startswith("Traceback")
    assert "RuntimeError: boom" in second["exception"]
    assert third == {**third, "level": "DEBUG", "message": "détail"}


def test_text_lines_stay_readable() -> None:
    stream = io.StringIO()
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    try:
        setup_logging("text", "INFO", stream)
        logging.getLogger("twoway").info("hello")
        logging.getLogger("twoway").debug("hidden")
    finally:
        root.handlers[:], root.level = saved
    (line,) = stream.getvalue().splitlines()
    assert line.endswith(" INFO twoway: hello")


def test_a_worker_says_which_it_is_on_every_line() -> None:
    """``workers: N``: the supervisor and every worker write to the same output."""
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    text, lines = io.StringIO(), io.StringIO()
    try:
        setup_logging("text", "INFO", text, worker=2)
        logging.getLogger("twoway").warning("link down")
        setup_logging("json", "INFO", lines, worker=2)
        logging.getLogger("twoway").warning("link down")
    finally:
        root.handlers[:], root.level = saved
    (line,) = text.getvalue().splitlines()
    assert line.endswith(" WARNING worker 2 twoway: link down")
    assert json.loads(lines.getvalue()) == {
        **json.loads(lines.getvalue()),
        "worker": 2,
        "message": "link down",
    }
