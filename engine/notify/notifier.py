"""Own the notifier: the engine's task that posts pending notifications to their subscribers.

The store writes a row per (event, subscriber) in the transaction of what caused it; this task
reads the rows due, posts each one's signed JSON (``engine.notify.signing``) with its own aiohttp
session, and records what became of them in one write: ``sent`` on a 2xx answer; on a connection
error, a timeout or any other status, tried again after a back-off that doubles from
``Backoff.first`` up to ``Backoff.cap``; ``failed`` (and logged) once ``Backoff.give_up`` has
passed since the event. It never blocks message handling: it runs beside the service, and the
store is its only link to it. The back-off is measured on the engine's clock, so a test clock
(``TWOWAY_TEST_CLOCK``) moved forward makes a retry due at once.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import aiohttp

from engine.core.clock import Clock, SystemClock, sleep_or_wake
from engine.core.notices import Notification, Outcome, Subscriber
from engine.errors import StoreError
from engine.logs import Repeated
from engine.metrics import Metrics
from engine.notify.signing import EVENT_HEADER, ID_HEADER, SIGNATURE_HEADER, body_of, sign
from engine.types import NotificationStore
from engine.version import __version__

__all__ = ["MAX_SLEEP", "Backoff", "Notifier", "shown"]

log = logging.getLogger(__name__)

MAX_SLEEP = 30.0
"""Real seconds between two looks at the store at most (a row written by another process)."""

STORE_RETRY = 2.0
"""Seconds before the store is asked again after it failed."""

BATCH = 100
"""Rows posted per round at most."""

PARALLEL = 8
"""Posts in flight at once."""


@dataclass(frozen=True, slots=True)
class Backoff:
    """When a failed post is tried again: ``first`` seconds after the first failure, doubling,
    at most ``cap`` apart; given up once ``give_up`` seconds have passed since the event."""

    first: float = 10.0
    cap: float = 3600.0
    give_up: float = 86400.0

    def after(self, attempts: int) -> float:
        """Seconds before the next try, after ``attempts`` failed ones (1 or more)."""
        doublings = max(0, min(attempts - 1, 40))
        return float(min(self.cap, self.first * 2.0**doublings))


def shown(url: str) -> str:
    """``url`` as logs show it: no user, password, query or fragment (they may hold secrets)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}{parts.path}"


class Notifier:
    """Post the pending notifications of ``store`` to ``subscribers``; ``start``/``stop`` with
    the service, ``wake`` when a commit may have written some, ``record`` an event of its own."""

    def __init__(
        self,
        store: NotificationStore,
        subscribers: Iterable[Subscriber],
        *,
        clock: Clock | None = None,
        metrics: Metrics | None = None,
        backoff: Backoff | None = None,
        timeout: float = 10.0,
    ) -> None:
        self.store = store
        self.subscribers: Mapping[str, Subscriber] = {s.url: s for s in subscribers}
        self.clock = clock or SystemClock()
        self.metrics = metrics
        self.backoff = backoff or Backoff()
        self.timeout = timeout
        self.pending = 0
        """Rows waiting to be delivered, as of the last round (``/health``, ``/metrics``)."""
        self._wake = asyncio.Event()
        self._session: aiohttp.ClientSession | None = None
        self._task: asyncio.Task[None] | None = None
        self._unsubscribe: Callable[[], None] | None = None
        self._repeated = Repeated(log)

    # --- life cycle ---------------------------------------------------------------------

    async def start(self) -> None:
        """Start posting (the store must be open): what a previous run left goes first."""
        if self._task is not None:
            return
        await self.open()
        self._unsubscribe = self.clock.subscribe(self.wake)
        self._task = asyncio.create_task(self.run(), name="twoway-notify")

    async def open(self) -> None:
        """Open the HTTP session without the loop (a test then calls ``round`` itself)."""
        if self._session is None:
            self._session = aiohttp.ClientSession(
                timeout=aiohttp.ClientTimeout(total=self.timeout),
                headers={"User-Agent": f"twoway/{__version__}"},
            )

    async def stop(self) -> None:
        """Stop posting; a post in flight is abandoned (its row stays pending)."""
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        session, self._session = self._session, None
        if session is not None:
            await session.close()

    def wake(self) -> None:
        """Look for due rows now (a commit may have written some)."""
        self._wake.set()

    async def record(self, type_: str, data: Mapping[str, Any]) -> None:
        """Write event ``type_`` for its subscribers now (a failed reload), then post it."""
        try:
            written = await self.store.add_notification(type_, self.clock.now(), dict(data))
        except StoreError as exc:
            log.warning("a %s notification could not be written: %s", type_, exc)
            return
        if written:
            self.pending += written
            self.wake()

    # --- the loop -----------------------------------------------------------------------

    async def run(self) -> None:
        while True:
            self._wake.clear()
            delay: float | None = MAX_SLEEP
            try:
                posted = await self.round()
                due = await self.store.next_notification_due()
                self.pending = await self.store.pending_notifications()
                self._repeated.clear("notify")
                delay = None if due is None else (due - self.clock.now()).total_seconds()
                if posted == BATCH:
                    delay = 0.0  # more are due: go on
            except StoreError as exc:
                self._repeated.warning("notify", "notifications wait: the store (%s)", exc)
                delay = STORE_RETRY
            except Exception:
                log.exception("the notifier failed; it tries again")
            if delay is None or delay > 0:
                await self._sleep(delay)

    async def round(self) -> int:
        """Post every row due now (at most ``BATCH``) and record the outcomes; return how many
        were posted."""
        rows = await self.store.notifications_due(self.clock.now(), BATCH)
        if not rows:
            return 0
        gate = asyncio.Semaphore(PARALLEL)

        async def post(row: Notification) -> Outcome:
            async with gate:
                return self._outcome(row, await self._post(row))

        outcomes = await asyncio.gather(*(post(row) for row in rows))
        await self.store.record_notifications(outcomes)
        for row, (_, status, _, _) in zip(rows, outcomes, strict=True):
            if self.metrics is not None:
                self.metrics.notified(row.type, "retried" if status == "pending" else status)
        return len(rows)

    async def _post(self, row: Notification) -> str | None:
        """Post ``row``; None when its subscriber answered 2xx, else what went wrong."""
        subscriber = self._subscriber(row)
        if subscriber is None:
            return f"no longer subscribed to {row.type} in notify: of twoway.yaml"
        session = self._session
        if session is None:
            return "the notifier is stopped"
        body = body_of(row)
        headers = {
            "Content-Type": "application/json",
            SIGNATURE_HEADER: sign(subscriber.secret, body),
            EVENT_HEADER: row.type,
            ID_HEADER: row.event_id,
        }
        try:
            async with session.post(
                subscriber.url, data=body, headers=headers, allow_redirects=False
            ) as response:
                if 200 <= response.status < 300:
                    return None
                return f"HTTP {response.status}"
        except TimeoutError:
            return f"no answer within {self.timeout:g} s"
        except aiohttp.ClientError as exc:
            text = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
            # an error may quote the URL: never its user, password or query string
            return text.replace(subscriber.url, shown(subscriber.url))

    def _subscriber(self, row: Notification) -> Subscriber | None:
        """Who ``row`` goes to, if they are still subscribed to its event."""
        subscriber = self.subscribers.get(row.target)
        return subscriber if subscriber is not None and row.type in subscriber.events else None

    def _outcome(self, row: Notification, error: str | None) -> Outcome:
        where = shown(row.target)
        if error is None:
            log.debug("notification %s (%s) delivered to %s", row.event_id, row.type, where)
            return (row.id, "sent", None, None)
        now = self.clock.now()
        attempts = row.attempts + 1
        last = row.at + timedelta(seconds=self.backoff.give_up)
        if now >= last or self._subscriber(row) is None:
            log.error(
                "notification %s (%s) to %s given up after %d attempt(s): %s",
                row.event_id,
                row.type,
                where,
                attempts,
                error,
            )
            return (row.id, "failed", None, error)
        after: datetime = min(last, now + timedelta(seconds=self.backoff.after(attempts)))
        log.warning(
            "notification %s (%s) to %s failed (%s); attempt %d, tried again at %s",
            row.event_id,
            row.type,
            where,
            error,
            attempts,
            after.isoformat(timespec="seconds"),
        )
        return (row.id, "pending", after, error)

    async def _sleep(self, delay: float | None) -> None:
        await sleep_or_wake(self.clock, self._wake, delay, MAX_SLEEP)
