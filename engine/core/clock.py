"""Own the notion of time: a real clock for production, clocks that tests move, and the contract
every one of them keeps.

A clock tells the business time (``now``), measures elapsed seconds of that time
(``monotonic``: never backwards; a jump forward of ``now`` counts, a jump back does not), sleeps
on it (``sleep``: may return early when the clock is moved, so the caller reads it again), and
tells who subscribed when it is moved by a jump (``subscribe``): the scheduler looks again at
once, a rate limiter measures again. The wall clock never jumps as far as it knows; the clocks of
tests do (``FixedClock``, ``OffsetClock``, and ``engine.core.fileclock.FileClock`` behind
``TWOWAY_TEST_CLOCK``).

Pure network timeouts (an SMPP link's enquire_link and response timeouts, the reassembly of long
messages) are about the link, not business time: they keep ``time.monotonic()``.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Protocol

__all__ = [
    "Clock", "FixedClock", "Moves", "OffsetClock", "SystemClock", "sleep_or_wake", "wait_set"
]  # fmt: skip

Unsubscribe = Callable[[], None]


class Clock(Protocol):
    def now(self) -> datetime:
        """The business time, timezone-aware."""
        ...

    def monotonic(self) -> float:
        """Seconds of the clock's time from an arbitrary origin, never backwards."""
        ...

    async def sleep(self, seconds: float) -> None:
        """Wait ``seconds`` of the clock's time, or less when the clock is moved by a jump:
        the caller reads the clock again and sleeps again if need be."""
        ...

    def subscribe(self, callback: Callable[[], None]) -> Unsubscribe:
        """Call ``callback`` (on the event loop) each time the clock is moved by a jump;
        return what stops it."""
        ...


class Moves:
    """What a clock that can be moved shares: its subscribers, and the sleepers to wake."""

    def __init__(self) -> None:
        self._callbacks: list[Callable[[], None]] = []
        self._moved = asyncio.Event()

    def subscribe(self, callback: Callable[[], None]) -> Unsubscribe:
        self._callbacks.append(callback)

        def unsubscribe() -> None:
            with contextlib.suppress(ValueError):
                self._callbacks.remove(callback)

        return unsubscribe

    def moved(self) -> None:
        """The clock jumped: wake every sleeper, call every subscriber (on the loop's thread)."""
        moved, self._moved = self._moved, asyncio.Event()
        moved.set()
        for callback in list(self._callbacks):
            callback()

    async def wait(self, timeout: float | None) -> None:
        """Return after ``timeout`` real seconds (None: no limit), or once the clock moved."""
        await wait_set(self._moved, timeout)


class SystemClock:
    """The wall clock, always timezone-aware (UTC)."""

    def now(self) -> datetime:
        return datetime.now(UTC)

    def monotonic(self) -> float:
        return time.monotonic()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(max(0.0, seconds))

    def subscribe(self, callback: Callable[[], None]) -> Unsubscribe:
        return _nothing  # it never jumps, as far as it knows


def _nothing() -> None:
    return None


class FixedClock:
    """A clock that only moves when told to; tests and `twoway test` use it.

    Nothing moves it but ``advance`` and ``set``, so ``sleep`` returns when the test next moves
    it (whatever the amount: the sleeper reads it again), not after real time: a rate limiter
    under a fixed clock waits for the test to advance it, and is exactly as fast as the clock.
    """

    def __init__(self, start: datetime | None = None) -> None:
        self._now = start or datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
        if self._now.tzinfo is None:
            raise ValueError("FixedClock needs a timezone-aware datetime")
        self._elapsed = 0.0
        self._moves = Moves()

    def now(self) -> datetime:
        return self._now

    def monotonic(self) -> float:
        return self._elapsed

    async def sleep(self, seconds: float) -> None:
        if seconds > 0:
            await self._moves.wait(None)

    def subscribe(self, callback: Callable[[], None]) -> Unsubscribe:
        return self._moves.subscribe(callback)

    def advance(self, delta: timedelta) -> datetime:
        self.set(self._now + delta)
        return self._now

    def set(self, when: datetime) -> None:
        self._elapsed += max(0.0, (when - self._now).total_seconds())
        self._now = when
        self._moves.moved()


class OffsetClock:
    """The wall clock moved forward by hand: `twoway chat` uses it for ``/wait 25h``."""

    def __init__(self) -> None:
        self.offset = timedelta()
        self._jumped = 0.0
        self._moves = Moves()

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset

    def monotonic(self) -> float:
        return time.monotonic() + self._jumped

    async def sleep(self, seconds: float) -> None:
        if seconds > 0:
            await self._moves.wait(seconds)

    def subscribe(self, callback: Callable[[], None]) -> Unsubscribe:
        return self._moves.subscribe(callback)

    def advance(self, delta: timedelta) -> datetime:
        self.offset += delta
        self._jumped += max(0.0, delta.total_seconds())
        self._moves.moved()
        return self.now()


async def wait_set(event: asyncio.Event, timeout: float | None) -> bool:
    """Whether ``event`` is set within ``timeout`` real seconds (None: no limit).

    Not ``asyncio.wait_for(event.wait(), …)``: on Python 3.11 that returns normally when the
    task is cancelled just as the event is set, and a loop around it then never stops."""
    if not event.is_set():
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(timeout):
                await event.wait()
    return event.is_set()


async def sleep_or_wake(
    clock: Clock, wake: asyncio.Event, delay: float | None, most: float
) -> None:
    """Until ``wake`` is set, ``delay`` seconds of ``clock`` pass (a test clock may run faster,
    and its jumps end the sleep), or ``most`` real seconds, whichever comes first: the sleep
    of the loops that wait for what is due (the scheduler, the notifier)."""
    waits: list[asyncio.Future[object]] = [asyncio.ensure_future(wake.wait())]
    if delay is not None:
        waits.append(asyncio.ensure_future(clock.sleep(delay)))
    try:
        await asyncio.wait(waits, timeout=most, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for wait in waits:
            wait.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.gather(*waits, return_exceptions=True)
