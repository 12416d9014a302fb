"""Own the processor: committed work, processed in the order it came, one batch at a time.

What the intake does not process as it arrives goes through here: due timers (the
``Scheduler``), flows started by the API or a campaign, messages a previous run left
unprocessed, and messages committed alone because work waited ahead of them or their batch
failed (``engine.service``). Each batch is processed by one call of the service's ``process``
(one transaction: load, step, write). A batch the store refuses stays at the head of the queue,
in order, and is tried again as soon as a write succeeds (or after a pause that doubles up to
``STORE_RETRY[1]``); one that fails for another reason is logged and stays in the store, to be
processed again at the next start.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Awaitable, Callable, Sequence

from engine.core.records import Timer, Work
from engine.errors import StoreUnavailable
from engine.logs import Repeated
from engine.types import Store

__all__ = ["STORE_RETRY", "Processor"]

log = logging.getLogger("engine.service")  # the service's lines, as before this module

STORE_RETRY = (0.25, 2.0)
"""Seconds between two attempts at work the store refused: first, then at most (doubling)."""


class Processor:
    """A queue of committed work and the loop (``run``) that processes it in batches of at most
    ``batch``. ``pending`` and ``finished`` keep the service's count of work in progress: work
    queued here is pending until its batch is processed (the service's ``process`` says so) or
    fails for good (said here)."""

    def __init__(
        self,
        process: Callable[[list[Work]], Awaitable[None]],
        store: Store,
        *,
        batch: int,
        pending: Callable[[int], None],
        finished: Callable[[int], None],
    ) -> None:
        self._process = process
        self._store = store
        self.batch = batch
        self._pending = pending
        self._finished = finished
        self._work: deque[Work] = deque()
        self._ready = asyncio.Event()
        self._timers_taken: set[int] = set()
        self._repeated = Repeated(log)

    def __len__(self) -> int:
        """The work waiting to be processed."""
        return len(self._work)

    def enqueue(self, work: Sequence[Work], *, counted: bool = False) -> None:
        """Queue ``work`` behind what waits (``counted``: already pending, as a message the
        intake counted when it arrived)."""
        if not work:
            return
        if not counted:
            self._pending(len(work))
        self._work.extend(work)
        self._ready.set()

    def schedule(self, timers: Sequence[Timer]) -> None:
        """Queue the due ``timers`` not queued already (the scheduler may see a timer again
        before its batch is committed)."""
        fresh = [t for t in timers if t.id not in self._timers_taken]
        self._timers_taken.update(t.id for t in fresh)
        self.enqueue(fresh)

    def done(self, batch: Sequence[Work]) -> None:
        """``batch`` is committed: its timers are gone from the store."""
        self._timers_taken.difference_update(w.id for w in batch if isinstance(w, Timer))

    async def run(self) -> None:
        """Process the queue, batch after batch, for as long as the service runs."""
        pause = STORE_RETRY[0]
        while True:
            await self._ready.wait()
            self._ready.clear()
            while self._work:
                size = min(self.batch, len(self._work))
                batch = [self._work.popleft() for _ in range(size)]
                try:
                    await self._process(batch)
                except StoreUnavailable as exc:
                    # Kept in order at the head of the queue, tried again as soon as a write
                    # succeeds (or after ``pause``): no restart needed.
                    self._work.extendleft(reversed(batch))
                    self._repeated.warning(
                        "process",
                        "the store cannot write (%s): %d committed messages and timers wait "
                        "to be processed",
                        exc,
                        len(self._work),
                    )
                    await self._store.writable(pause)
                    pause = min(STORE_RETRY[1], pause * 2)
                    continue
                except Exception:
                    log.exception(
                        "a batch of %d could not be processed; it stays in the store "
                        "and is retried at restart",
                        len(batch),
                    )
                    self._finished(len(batch))
                if pause > STORE_RETRY[0]:
                    pause = STORE_RETRY[0]
                    self._repeated.clear("process")
                    log.warning("the store writes again: processing resumes")
