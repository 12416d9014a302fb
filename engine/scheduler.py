"""Own the durable timers' clock: wake when the next timer falls due and hand due timers over.

Timers live in the store (session deadlines, scheduled flow starts), so a restart loses none;
this loop only decides *when* to look.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from engine.core.clock import Clock, sleep_or_wake, wait_set
from engine.core.records import Timer
from engine.types import TimerStore

__all__ = ["Scheduler"]

MAX_SLEEP = 30.0
"""Look at least this often (real seconds), in case the wall clock jumped."""

SETTLE = 0.05
"""Real seconds to wait when timers are due but being processed: the processor's moment."""


class Scheduler:
    def __init__(
        self, store: TimerStore, clock: Clock, fire: Callable[[list[Timer]], None]
    ) -> None:
        self.store = store
        self.clock = clock
        self.fire = fire
        self._wake = asyncio.Event()

    def wake(self) -> None:
        """Look again now: a timer may have been added that falls due sooner."""
        self._wake.set()

    async def poll(self) -> int:
        """Hand over every timer due by now; return how many."""
        timers = await self.store.due_timers(self.clock.now())
        if timers:
            self.fire(timers)
        return len(timers)

    async def run(self) -> None:
        while True:
            self._wake.clear()
            await self.poll()
            due = await self.store.next_timer_due()
            delay: float | None = None  # the clock's seconds until the next timer
            if due is not None:
                delay = max(0.0, (due - self.clock.now()).total_seconds())
            if delay == 0.0:
                # Due timers are being processed; give the processor a moment.
                await wait_set(self._wake, SETTLE)
                continue
            await self._sleep(delay)

    async def _sleep(self, delay: float | None) -> None:
        await sleep_or_wake(self.clock, self._wake, delay, MAX_SLEEP)
