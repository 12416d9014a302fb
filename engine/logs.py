"""Own the engine's log output: readable lines, or one JSON object per line for log collectors.

``setup_logging("json", "INFO")`` makes every record one line like
``{"time": "2026-03-02T09:00:00.123Z", "level": "INFO", "logger": "twoway", "message": "…"}``,
plus the record's extra fields (``log.info("sent", extra={"ref": 42})`` adds ``"ref": 42``) and,
for an exception, its traceback under ``"exception"``.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TextIO

__all__ = [
    "FORMATS", "TEXT_FORMAT", "WORKER_FORMAT", "JsonFormatter", "Repeated", "setup_logging",
]  # fmt: skip

FORMATS = ("text", "json")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

# The attributes every LogRecord has; anything else was given with ``extra=``.
_STANDARD = frozenset(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {
    "message",
    "asctime",
    "taskName",
}


def _plain(value: Any) -> Any:
    """A value json can write: itself when it can, else its text."""
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    return str(value)


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time (UTC, ms), level, logger, message, extra fields."""

    def format(self, record: logging.LogRecord) -> str:
        stamp = datetime.fromtimestamp(record.created, UTC)
        entry: dict[str, Any] = {
            "time": stamp.strftime("%Y-%m-%dT%H:%M:%S.") + f"{stamp.microsecond // 1000:03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in record.__dict__.items():
            if key not in _STANDARD and not key.startswith("_") and key not in entry:
                entry[key] = _plain(value)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False)


WORKER_FORMAT = "%(asctime)s %(levelname)s worker %(worker)d %(name)s: %(message)s"
"""A worker's text lines (``workers: N``): its number before the logger's name."""


class _Worker(logging.Filter):
    """Give every record the worker's number: ``worker`` in a JSON line, in the text line."""

    def __init__(self, index: int) -> None:
        super().__init__()
        self.index = index

    def filter(self, record: logging.LogRecord) -> bool:
        record.worker = self.index
        return True


def setup_logging(
    fmt: str = "text", level: str = "INFO", stream: TextIO | None = None, worker: int | None = None
) -> None:
    """Send every log record to ``stream`` (stderr) as text lines or JSON lines; a worker of
    ``workers: N`` (``worker``: its number) says which it is on every line, since all of them
    and their supervisor write to the same output."""
    if fmt not in FORMATS:
        raise ValueError(f"log format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    handler = logging.StreamHandler(stream or sys.stderr)
    text = TEXT_FORMAT if worker is None else WORKER_FORMAT
    formatter = JsonFormatter() if fmt == "json" else logging.Formatter(text)
    handler.setFormatter(formatter)
    if worker is not None:
        handler.addFilter(_Worker(worker))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level.upper())


class Repeated:
    """Log a problem that repeats once per ``interval`` seconds, with how often it happened.

    The first occurrence of a ``key`` is logged at once; the following ones within ``interval``
    are only counted, and the next one logged after it says how many were not:
    ``store cannot write: disk I/O error (and 1,234 more like it in the last 60 s)``. A store
    that refuses every message, or ``accept`` out of descriptors, writes a line a minute, not a
    traceback per attempt. ``clear(key)`` forgets a key once the problem is gone (the next
    occurrence is logged at once again) and returns how many went unlogged.
    """

    def __init__(
        self,
        logger: logging.Logger,
        interval: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.logger = logger
        self.interval = interval
        self.clock = clock
        self._last: dict[str, float] = {}
        self._unlogged: dict[str, int] = {}

    def log(self, level: int, key: str, message: str, *args: Any) -> bool:
        """Log ``message % args`` at ``level`` unless ``key`` was logged less than ``interval``
        ago (then count it); return whether it was logged."""
        now = self.clock()
        last = self._last.get(key)
        if last is not None and now - last < self.interval:
            self._unlogged[key] = self._unlogged.get(key, 0) + 1
            return False
        unlogged = self._unlogged.pop(key, 0)
        self._last[key] = now
        if unlogged:
            message += " (and %s more like it in the last %s s)"
            args = (*args, f"{unlogged:,}", f"{self.interval:g}")
        self.logger.log(level, message, *args)
        return True

    def warning(self, key: str, message: str, *args: Any) -> bool:
        return self.log(logging.WARNING, key, message, *args)

    def error(self, key: str, message: str, *args: Any) -> bool:
        return self.log(logging.ERROR, key, message, *args)

    def __contains__(self, key: str) -> bool:
        """Whether ``key`` was logged and not cleared since (the problem is on)."""
        return key in self._last

    def clear(self, key: str) -> int:
        """Forget ``key``: the problem is over. Return how many occurrences were not logged."""
        self._last.pop(key, None)
        return self._unlogged.pop(key, 0)
