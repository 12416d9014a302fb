"""Own the outbox sender: hand committed outbound rows to their transport, at each number's pace.

A row is marked ``sending`` before it is handed over and ``sent`` once the transport accepted it.
A crash between the two re-sends the row at restart: that is the duplicate window, one transport
round trip plus the wait for the commit that records ``sent`` (the next write's, within the
store's ``SENT_WAIT``), and never more than ``window`` rows. Opt-outs are checked again here, at
send time.

Replies the service pushes ``marked`` were written ``sending`` by the transaction that created
them, which checked their opt-outs too: they go out without a transaction of their own, unless
an opt-out was committed since (``opt_outs_changed``), which sends them through the checks again.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Protocol

from engine.core.clock import Clock, SystemClock
from engine.core.idline import IdLine
from engine.core.messages import ProviderId
from engine.core.pacing import RateLimiter
from engine.core.records import OutboxRow
from engine.errors import StoreUnavailable, TransportError
from engine.logs import Repeated
from engine.metrics import Metrics
from engine.types import OutboxStore, Transport

__all__ = ["Outbox"]

log = logging.getLogger(__name__)

VALIDITY = timedelta(hours=24)
"""How long a transient failure (link down, throttled) is retried before the message fails.

A count of attempts would give up after minutes of an SMSC outage; SMS validity is a time."""


QUERY_CHUNK = 1_000
"""References per ``Transport.delivered`` question (a jsonl ``query`` frame stays a few KB)."""

MEMORY = 10_000
"""Rows the outbox keeps in memory at most. Beyond, only their ids wait in line (the rows are
committed: they are read back, in order, as the line moves), so replies piling up for a peer
that does not take them cost a few dozen bytes each, not a whole row."""

CAMPAIGN_BURST = 0.02
"""Seconds of a campaign's throughput its messages may catch up at once."""

STORE_RETRY = 2.0
"""Seconds between two tries of replies the store refused to check (sooner once it writes)."""


class Claims(Protocol):
    """Whether the rows in line are still this process's (``engine.leases.Leases``)."""

    def lapsed(self) -> bool:
        """Whether the leases may have run out (the process stalled, or could not renew)."""
        ...

    async def keep(self, rows: list[OutboxRow]) -> list[OutboxRow]:
        """The rows of ``rows`` still this process's (asked only when ``lapsed``)."""
        ...


@dataclass
class _Route:
    transport: Transport
    limiter: RateLimiter | None


class Outbox:
    """Drain committed outbound rows to transports; report progress through ``done``."""

    def __init__(
        self,
        store: OutboxStore,
        transports: Mapping[str, Transport],
        routes: Mapping[str, str],
        default: str,
        throughput: Mapping[str, float],
        done: Callable[[int], None],
        window: int = 64,
        validity: timedelta = VALIDITY,
        retry_base: float = 0.5,
        metrics: Metrics | None = None,
        memory: int = MEMORY,
        clock: Clock | None = None,
    ) -> None:
        self.store = store
        self.clock: Clock = clock or SystemClock()
        """Business time: validity of retried rows, pacing (the retries' back-off is real
        time: it is about the link)."""
        self.transports = transports
        self.routes = routes
        self.default = default
        self.throughput = throughput
        self.done = done
        self.window = window
        self.validity = validity
        self.retry_base = retry_base
        self.metrics = metrics or Metrics()
        self.queue: deque[OutboxRow] = deque()
        self.memory = memory
        self.hold: Callable[[OutboxRow], datetime | None] | None = None
        """Until when quiet hours keep a row that is about to leave (None: it leaves)."""
        self.claims: Claims | None = None
        """Asked before a hand-over when the leases may have lapsed: rows another process took
        meanwhile are its to send, not this one's."""
        self.campaign_rates: dict[int, float] = {}
        """Campaign id → its messages per second (the campaign loop keeps it up to date)."""
        self._campaign_limiters: dict[int, RateLimiter] = {}
        self._later = IdLine()
        """Ids of the rows queued behind ``queue`` once it held ``memory`` rows (read back from
        the store, in order, as it drains)."""
        self.wakeup = asyncio.Event()
        self._limiters: dict[str, RateLimiter] = {}
        self._retry_handles: set[asyncio.TimerHandle] = set()
        self._failures: dict[int, int] = {}
        """Row id → its transient failures in this run: the back-off doubles with these only."""
        self._unsettled = 0
        """Rows handed over (or being handed over) whose ``sent`` is not recorded yet."""
        self.draining = 0
        """Callers waiting for every row to be sent and recorded (``Service.idle``): the
        ``sent`` marks then go at once (``OutboxStore.hurry``)."""
        self._settled = asyncio.Event()
        self._recording: set[asyncio.Task[None]] = set()
        self._recovered: list[OutboxRow] = []
        self._marked: dict[int, int] = {}
        """Row id → the opt-out epoch it was pushed in, for rows pushed ``marked``."""
        self._opt_epoch = 0
        self._repeated = Repeated(log)

    def push(self, rows: list[OutboxRow], *, marked: bool = False) -> None:
        """Queue ``rows``; ``marked``: their transaction wrote them ``sending`` and checked
        their opt-outs (see the module docstring). Beyond ``memory`` rows, only ids are kept."""
        if not rows:
            return
        room = 0 if self._later else max(0, self.memory - len(self.queue))
        kept, later = rows[:room], rows[room:]
        if marked:
            self._marked.update((row.id, self._opt_epoch) for row in kept)
        self.queue.extend(kept)
        self._later.extend(row.id for row in later)
        self.wakeup.set()

    @property
    def waiting(self) -> int:
        """Rows not handed over yet."""
        return len(self.queue) + len(self._later) + len(self._recovered)

    async def _read_back(self) -> None:
        """Bring the rows queued as ids back into the line, while it is short: as ``queued``,
        so they are checked for opt-outs (their transaction's check may be old by now) but the
        peer is not asked about them (they were never handed over)."""
        ids = self._later.take(max(1, self.memory // 2))
        try:
            rows = await self.store.waiting_outbox(ids)
        except BaseException:
            self._later.put_back(ids)
            raise
        self.queue.extend(replace(row, status="queued") for row in rows)
        gone = len(ids) - len(rows)
        if gone:  # not waiting any more (cannot happen while they wait here): settle them
            log.warning("%d queued replies were no longer waiting when read back", gone)
            self.done(gone)

    def recover(self, rows: list[OutboxRow]) -> None:
        """Queue the rows a previous run left ``queued`` or ``sending``; the peer is asked once
        which of the ``sending`` ones it already has (see ``skip_delivered``)."""
        if rows:
            self._recovered.extend(rows)
            self.wakeup.set()

    def opt_outs_changed(self) -> None:
        """An opt-out was committed: rows pushed ``marked`` before it are checked again."""
        self._opt_epoch += 1

    def _campaign_limiter(self, campaign: int) -> RateLimiter | None:
        """The pace of a campaign's messages: its throughput, with a bucket of 20 ms' worth (at
        least one message) — enough to make up for a sleep that overshoots, too little to burst:
        the campaign loop already starts its recipients a few at a time, at that pace."""
        rate = self.campaign_rates.get(campaign)
        if not rate:
            return None
        limiter = self._campaign_limiters.get(campaign)
        if limiter is None or limiter.rate != rate:
            burst = max(1.0, rate * CAMPAIGN_BURST)
            limiter = self._campaign_limiters[campaign] = RateLimiter(rate, burst, self.clock)
        return limiter

    def route(self, number: str) -> _Route:
        name = self.routes.get(number, self.default)
        transport = self.transports.get(name) or self.transports[self.default]
        limiter = None
        rate = self.throughput.get(number)
        if rate:
            limiter = self._limiters.get(number)
            if limiter is None:
                limiter = self._limiters[number] = RateLimiter(rate, clock=self.clock)
        return _Route(transport, limiter)

    async def run(self) -> None:
        """Hand the queue over, one batch at a time; a batch's ``sent`` marks are written while
        the next batch goes out. At most ``window`` rows are between their hand-over and their
        recorded ``sent``: that bounds the rows a crash can send twice."""
        while True:
            await self.wakeup.wait()
            self.wakeup.clear()
            if self._recovered:
                rows, self._recovered = self._recovered, []
                # One question per transport for all of them, then they queue like any row.
                left = await self.skip_delivered(rows)
                self.queue.extend(replace(row, status="queued") for row in left)
            while self.queue or self._later:
                if self._later and len(self.queue) <= self.memory // 2:
                    try:
                        await self._read_back()
                    except StoreUnavailable:
                        if not self.queue:
                            await self.store.writable(STORE_RETRY)
                    if not self.queue:
                        continue
                room = self.window - self._unsettled
                if room <= 0:
                    self.store.hurry()  # rows wait for the marks of those in flight
                    self._settled.clear()
                    await self._settled.wait()
                    continue
                batch = [self.queue.popleft() for _ in range(min(room, len(self.queue)))]
                self._unsettled += len(batch)
                sent: list[tuple[int, ProviderId | None]] = []
                try:
                    sent = await self.hand_over(batch)
                except StoreUnavailable as exc:
                    # Nothing of the batch went out (the store is asked before any send):
                    # keep it at the head, in order, until the store writes again.
                    self.queue.extendleft(reversed(batch))
                    self._repeated.warning(
                        "store", "the store cannot write (%s): %d replies wait", exc, self.waiting
                    )
                    await self.store.writable(STORE_RETRY)
                    continue
                finally:
                    self._settle(len(batch) - len(sent))
                if "store" in self._repeated:
                    self._repeated.clear("store")
                    log.warning("the store writes again: replies go out")
                if sent:
                    task = asyncio.get_running_loop().create_task(self._record(sent))
                    self._recording.add(task)
                    task.add_done_callback(self._recording.discard)

    async def send_batch(self, batch: list[OutboxRow]) -> None:
        """Hand ``batch`` over and record what was sent."""
        sent = await self.hand_over(batch)
        if sent:
            self.store.hurry()  # the caller waits for them
            await self.store.mark_sent(sent)
            self.done(len(sent))

    async def _record(self, sent: list[tuple[int, ProviderId | None]]) -> None:
        """Record ``sent`` while the next rows go out. Unless a drain waits, or rows behind a
        full window do (``run`` hurries them then), the marks ride in the next write (the next
        message's batch, most often) rather than in a commit of their own."""
        if self.draining:
            self.store.hurry()
        try:
            await self.store.mark_sent(sent)
        except Exception:
            log.exception(
                "%d sent messages could not be recorded as sent; they stay 'sending' and a "
                "restart sends them again",
                len(sent),
            )
        finally:
            self._settle(len(sent))
            self.done(len(sent))

    def _settle(self, count: int) -> None:
        self._unsettled -= count
        self._settled.set()

    async def hand_over(self, batch: list[OutboxRow]) -> list[tuple[int, ProviderId | None]]:
        """Hand ``batch`` to the transports; return ``(row id, provider id)`` of each row they
        accepted (recording them is the caller's: ``store.mark_sent``, then ``done``)."""
        if self.claims is not None and self.claims.lapsed():
            batch = await self._still_ours(batch, self.claims)
        ready: list[OutboxRow] = []
        unchecked: list[OutboxRow] = []
        for row in batch:
            epoch = self._marked.pop(row.id, None)
            if epoch == self._opt_epoch:
                ready.append(row)
            elif epoch is None:
                unchecked.append(row)
            else:  # an opt-out was committed since its transaction: check it like any row
                unchecked.append(replace(row, status="queued"))
        allowed = await self.check(unchecked) if unchecked else []
        if allowed:
            await self.store.mark_sending([row.id for row in allowed])
        allowed = ready + allowed
        if self.hold is not None and allowed:
            allowed = await self._hold(allowed)
        if not allowed:
            return []
        return await self._send(allowed)

    async def _send(self, rows: list[OutboxRow]) -> list[tuple[int, ProviderId | None]]:
        """Hand ``rows`` to their transports, in order. Those a transport takes at once
        (``Transport.send_now``: most replies over SMPP) go without a task of their own; from
        the first that must wait (a pace, a full window, several parts), the rest are sent each
        by a task (``send_one``)."""
        now: list[tuple[OutboxRow, _Route, asyncio.Future[ProviderId | None], float]] = []
        for row in rows:
            route = self.route(row.message.sender)
            handed = self.metrics.clock()
            sending = self._send_now(row, route)
            if sending is None:
                break
            now.append((row, route, sending, handed))
        rest = rows[len(now) :]
        later = asyncio.gather(*(self.send_one(row) for row in rest)) if rest else None
        sent: list[tuple[int, ProviderId | None]] = []
        try:
            for row, route, sending, handed in now:
                try:
                    reference = await sending
                except TransportError as exc:
                    await self._failed(row, route, exc)
                else:
                    sent.append((row.id, self._sent(row, route, handed, reference)))
        except BaseException:
            if later is not None:
                later.cancel()
            raise
        if later is not None:
            results = await later
            sent += [(row.id, ref) for row, (ok, ref) in zip(rest, results, strict=True) if ok]
        return sent

    def _send_now(self, row: OutboxRow, route: _Route) -> asyncio.Future[ProviderId | None] | None:
        """``row`` handed over at once, or None when it must wait for its turn or its pace."""
        if row.campaign is not None and self._campaign_limiter(row.campaign):
            return None
        if route.limiter is not None and not route.limiter.take_now():
            return None
        sending = route.transport.send_now(row.message, row.id)
        if sending is None and route.limiter is not None:
            route.limiter.give_back()  # ``send_one`` takes it again
        return sending

    async def _still_ours(self, batch: list[OutboxRow], claims: Claims) -> list[OutboxRow]:
        """The rows of ``batch`` this process still holds; the others leave its line."""
        kept = await claims.keep(batch)
        if len(kept) < len(batch):
            ours = {row.id for row in kept}
            for row in batch:
                if row.id not in ours:
                    self._marked.pop(row.id, None)
                    self._failures.pop(row.id, None)
            self.done(len(batch) - len(kept))
        return kept

    async def _hold(self, rows: list[OutboxRow]) -> list[OutboxRow]:
        """The rows that may leave now; those ``hold`` keeps (quiet hours began since their
        transaction, or a restart found them) wait in the store until then."""
        assert self.hold is not None
        held: list[tuple[int, datetime]] = []
        going: list[OutboxRow] = []
        for row in rows:
            until = self.hold(row)
            if until is None:
                going.append(row)
            else:
                held.append((row.id, until))
        if held:
            await self.store.hold(held)
            self.done(len(held))  # out of the outbox until ``release_held`` brings them back
        return going

    async def check(self, batch: list[OutboxRow]) -> list[OutboxRow]:
        """The rows of ``batch`` to send: opted-out recipients are suppressed now, and rows the
        peer says a previous run already handed over are marked sent."""
        pairs = [
            (r.message.recipient, r.message.sender) for r in batch if r.message.kind != "compliance"
        ]
        blocked = await self.store.opted_out(pairs) if pairs else set()
        allowed: list[OutboxRow] = []
        suppressed: list[int] = []
        for row in batch:
            message = row.message
            if message.kind != "compliance" and (message.recipient, message.sender) in blocked:
                suppressed.append(row.id)
            else:
                allowed.append(row)
        if suppressed:
            await self.store.suppress(suppressed, "opted out before sending")
            self.metrics.suppressed_rows(row for row in batch if row.id in suppressed)
            for row_id in suppressed:
                self._failures.pop(row_id, None)
                self.done(1)
        return await self.skip_delivered(allowed)

    async def skip_delivered(self, rows: list[OutboxRow]) -> list[OutboxRow]:
        """Drop the rows a previous run was handing over that the peer says it already has.

        Rows are ``sending`` only when a previous process stopped while handing them over;
        a transport that can tell (``delivered``) spares the peer a duplicate.
        """
        handed = [row for row in rows if row.status == "sending"]
        if not handed:
            return rows
        have: set[int] = set()
        by_transport: dict[int, tuple[Transport, list[int]]] = {}
        for row in handed:
            transport = self.route(row.message.sender).transport
            by_transport.setdefault(id(transport), (transport, []))[1].append(row.id)
        for transport, references in by_transport.values():
            for start in range(0, len(references), QUERY_CHUNK):
                seen = await transport.delivered(references[start : start + QUERY_CHUNK])
                if seen is None:
                    break  # it cannot tell: do not wait for it again
                have |= seen
        if not have:
            return rows
        self.store.hurry()  # the line waits for them
        await self.store.mark_sent([(ref, None) for ref in sorted(have)])
        self.done(len(have))
        log.info("%d messages handed over before the restart were already delivered", len(have))
        return [row for row in rows if row.id not in have]

    async def send_one(self, row: OutboxRow) -> tuple[bool, ProviderId | None]:
        route = self.route(row.message.sender)
        if row.campaign is not None and (paced := self._campaign_limiter(row.campaign)):
            await paced.acquire()
        if route.limiter is not None:
            await route.limiter.acquire()
        handed = self.metrics.clock()
        try:
            reference = await route.transport.send(row.message, row.id)
        except TransportError as exc:
            await self._failed(row, route, exc)
            return False, None
        return True, self._sent(row, route, handed, reference)

    def _sent(
        self, row: OutboxRow, route: _Route, handed: float, reference: ProviderId | None
    ) -> ProviderId | None:
        self._failures.pop(row.id, None)
        self.metrics.sent(row, route.transport.name, handed)
        return reference

    async def _failed(self, row: OutboxRow, route: _Route, exc: TransportError) -> None:
        """Record a refused hand-over: failed for good (a permanent refusal, or past the
        validity), else tried again later."""
        expired = self.clock.now() - row.created_at > self.validity
        permanent = not exc.transient or expired
        self.metrics.failed(row, route.transport.name, permanent=permanent)
        try:
            await self.store.mark_failed(row.id, str(exc), permanent=permanent)
        except StoreUnavailable:
            permanent = False  # not recorded: try it again later, and record it then
        if permanent:
            log.warning("outbound %s failed for good: %s", row.id, exc)
            self._failures.pop(row.id, None)
            self.done(1)
        else:
            self.retry_later(row)

    def retry_later(self, row: OutboxRow) -> None:
        """Push ``row`` again after 0.5 s, doubling with each failure of this run up to 60 s.

        Not with ``row.attempts``: that counts the failures of earlier runs too, which a start
        already forgave (it re-sends every queued row at once). A row that failed on the dying
        connections of a few restarts would otherwise wait up to a minute behind a healthy link.
        """
        failures = self._failures.get(row.id, 0)
        self._failures[row.id] = failures + 1
        delay = min(60.0, self.retry_base * 2**failures)
        again = OutboxRow(
            row.id, row.message, row.created_at, "queued", row.attempts + 1, row.contact
        )

        def due() -> None:
            self._retry_handles.discard(handle)  # else the set grows with every retry, for ever
            self.queue.append(again)  # in memory whatever the line: it was handed over before
            self.wakeup.set()

        handle = asyncio.get_running_loop().call_later(delay, due)
        self._retry_handles.add(handle)

    def cancel_retries(self) -> None:
        for handle in self._retry_handles:
            handle.cancel()
        self._retry_handles.clear()
