"""Own the test clock of ``twoway run``: the time a file says, moving on from there.

``TWOWAY_TEST_CLOCK=PATH`` (never set by default) names a file whose content is an ISO-8601 time
with its offset, optionally followed by a speed factor::

    2026-12-05T19:59:50+01:00
    2026-12-05T19:59:50+01:00 x10

``now`` is the file's time plus the real time elapsed since the clock read that content, times the
speed (x1 when none is given). The file is looked at (a ``stat``) at most every ``POLL`` seconds,
by a task of the event loop once ``start`` ran and by ``now`` when its last look is older: when its
content changed, the clock starts again from the new time and tells its subscribers (the
scheduler looks for due timers at once), and its sleepers wake. A content that cannot be read
later keeps the last good time and logs one WARNING; at start it is a ``ClockFileError``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from engine.core.clock import Moves, Unsubscribe

__all__ = ["ENV", "POLL", "ClockFileError", "FileClock", "from_environment", "read_clock_file"]

log = logging.getLogger("twoway")

ENV = "TWOWAY_TEST_CLOCK"
"""The environment variable that turns the test clock on and names its file."""

POLL = 0.05
"""Seconds between two looks at the file."""

MAX_SPEED = 1_000_000.0
_SPEED = re.compile(r"x(\d+(?:\.\d+)?)")
_MAX_SIZE = 200
"""Bytes of the file read at most: a time and a speed fit in far fewer."""


class ClockFileError(ValueError):
    """The clock file is missing or does not hold a time with its offset (and a speed)."""


@dataclass(frozen=True, slots=True)
class _Base:
    at: datetime
    """The file's time (UTC)."""
    speed: float
    real: float
    """``time.monotonic()`` when the clock read that content."""
    elapsed: float
    """The clock's ``monotonic()`` at that moment."""


def parse_clock(text: str) -> tuple[datetime, float]:
    """The time (UTC) and speed of a clock file's content; ClockFileError when it is wrong."""
    words = text.split()
    if not words or len(words) > 2:
        raise ClockFileError(
            f"expected a time like 2026-12-05T19:59:50+01:00, optionally then a speed like x10; "
            f"got {text.strip()[:60]!r}"
        )
    try:
        at = datetime.fromisoformat(words[0])
    except ValueError:
        raise ClockFileError(
            f"{words[0][:40]!r} is not an ISO-8601 time like 2026-12-05T19:59:50+01:00"
        ) from None
    if at.tzinfo is None or at.utcoffset() is None:
        raise ClockFileError(f"{words[0]!r} has no offset: write it like {words[0]}+01:00")
    speed = 1.0
    if len(words) == 2:
        match = _SPEED.fullmatch(words[1])
        if match is None:
            raise ClockFileError(f"{words[1][:20]!r} is not a speed like x10")
        speed = float(match.group(1))
        if not 0 < speed <= MAX_SPEED:
            raise ClockFileError(f"the speed {words[1]!r} must be above x0 and at most x1000000")
    return at.astimezone(UTC), speed


def read_clock_file(path: Path) -> tuple[datetime, float]:
    """Read and parse ``path``; ClockFileError (one line) when it cannot be."""
    try:
        with path.open("rb") as file:
            data = file.read(_MAX_SIZE + 1)
    except OSError as exc:
        raise ClockFileError(f"{path}: cannot read it: {exc.strerror or exc}") from None
    if len(data) > _MAX_SIZE:
        raise ClockFileError(f"{path}: longer than a time and a speed")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise ClockFileError(f"{path}: not UTF-8 text") from None
    try:
        return parse_clock(text)
    except ClockFileError as exc:
        raise ClockFileError(f"{path}: {exc}") from None


Signature = tuple[int, int, int]


def _signature(path: Path) -> Signature | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_ino, st.st_mtime_ns, st.st_size


class FileClock:
    """The time of a file, flowing at its speed (see the module docstring)."""

    def __init__(
        self,
        path: Path,
        at: datetime,
        speed: float = 1.0,
        *,
        real: Callable[[], float] = time.monotonic,
    ) -> None:
        """``real``: the real seconds the clock's time flows with (tests give their own)."""
        self.path = path
        self._real = real
        self._base = _Base(at.astimezone(UTC), speed, real(), 0.0)
        self._content = (at.astimezone(UTC), speed)
        self._signature = _signature(path)
        self._checked = real()
        self._bad: Signature | None = None
        self._lock = threading.Lock()
        self._moves = Moves()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._poller: asyncio.Task[None] | None = None

    @classmethod
    def open(cls, path: Path, *, real: Callable[[], float] = time.monotonic) -> FileClock:
        """The clock of ``path``; ClockFileError when the file is missing or wrong."""
        at, speed = read_clock_file(path)
        return cls(path, at, speed, real=real)

    @property
    def speed(self) -> float:
        return self._base.speed

    # --- the Clock protocol ------------------------------------------------------------------

    def now(self) -> datetime:
        if self._real() - self._checked >= POLL:
            self.check()
        base = self._base
        return base.at + timedelta(seconds=(self._real() - base.real) * base.speed)

    def monotonic(self) -> float:
        base = self._base
        return base.elapsed + (self._real() - base.real) * base.speed

    async def sleep(self, seconds: float) -> None:
        """Sleep ``seconds`` of the clock's time (real ``seconds / speed``), or until the
        file's time changes."""
        if seconds > 0:
            await self._moves.wait(seconds / self._base.speed)

    def subscribe(self, callback: Callable[[], None]) -> Unsubscribe:
        return self._moves.subscribe(callback)

    # --- watching the file -------------------------------------------------------------------

    def start(self) -> None:
        """Look at the file every ``POLL`` seconds from the running event loop; subscribers are
        called on that loop."""
        self._loop = asyncio.get_running_loop()
        if self._poller is None:
            self._poller = self._loop.create_task(self._poll())

    async def stop(self) -> None:
        if self._poller is not None:
            self._poller.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._poller
            self._poller = None

    async def _poll(self) -> None:
        while True:
            await asyncio.sleep(POLL)
            self.check()

    def check(self) -> bool:
        """Look at the file now; return whether its time changed (then the clock started again
        from it, and its subscribers are told)."""
        with self._lock:
            self._checked = self._real()
            signature = _signature(self.path)
            if signature == self._signature:
                return False
            self._signature = signature
            try:
                content = read_clock_file(self.path)
            except ClockFileError as exc:
                if signature != self._bad:
                    self._bad = signature
                    log.warning("test clock: %s; the clock keeps its time", exc)
                return False
            self._bad = None
            if content == self._content:
                return False
            self._content = content
            real = self._real()
            old = self._base
            before = old.at + timedelta(seconds=(real - old.real) * old.speed)
            at, speed = content
            jump = max(0.0, (at - before).total_seconds())
            elapsed = old.elapsed + (real - old.real) * old.speed + jump
            self._base = _Base(at, speed, real, elapsed)
        log.info("test clock: time is %s (x%g)", at.isoformat(), speed)
        loop = self._loop
        if loop is None or loop.is_closed():
            self._moves.moved()
        else:
            loop.call_soon_threadsafe(self._moves.moved)
        return True


def from_environment() -> FileClock | None:
    """The test clock ``TWOWAY_TEST_CLOCK`` names, or None when it is not set (the wall clock
    then). Raises ``ClockFileError`` when its file cannot be read."""
    path = os.environ.get(ENV, "")
    return FileClock.open(Path(path)) if path else None
