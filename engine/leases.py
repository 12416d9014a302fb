"""Own the engine's side of the claims (``engine.store.claims``): what it takes at a start, and
the lease loop.

Outbox rows are claimed by the process that hands them over, with a lease. At a start, the
engine takes every row no live process holds (those a previous run left, page after page);
then, every half lease, it renews what it holds and takes over the rows whose lease ended (a
process that died or stalled), and hands them to its outbox (``recover``). All of it is in the
store's rows, so several processes over one store (``workers: N``, or a second engine) each
send a row once.

A process whose leases may have lapsed (no renewal for ``LAPSE`` of a lease: it stalled, or
the store refused the renewals) may have had its rows taken by another meanwhile: before it
hands a batch over, the outbox asks ``keep``, which renews and keeps only the rows still its
own. Only a row already handed to a connector when the stall began can go twice.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from engine.core.clock import Clock
from engine.core.records import OutboxRow
from engine.errors import StoreError
from engine.logs import Repeated
from engine.types import Store

__all__ = ["LAPSE", "Leases", "claim_every_row"]

log = logging.getLogger("engine.service")  # the service's lines, as before this module


LAPSE = 0.75
"""The share of a lease after which a process that has not renewed checks that its rows are
still its own before it hands them over (renewals come every half lease)."""


class Leases:
    """The claims of one engine on ``store``; rows taken over go to ``recover``."""

    def __init__(
        self, store: Store, clock: Clock, recover: Callable[[list[OutboxRow]], None]
    ) -> None:
        self._store = store
        self._clock = clock
        self._recover = recover
        self._repeated = Repeated(log)
        self._renewed = clock.monotonic()
        """When the claims were last renewed (or taken, at the start)."""
        self._lapse = store.lease.total_seconds() * LAPSE
        """Seconds without a renewal after which the leases may have run out."""

    async def left(self) -> list[OutboxRow]:
        """Claim every outbox row no live process holds (a start's recovery): only those,
        since another engine on this store sends its own."""
        rows = await claim_every_row(self._store.claim_outbox)
        self._renewed = self._clock.monotonic()
        return rows

    async def run(self) -> None:
        """Every half lease (the clock's seconds): ``renew``."""
        interval = self._store.lease.total_seconds() / 2
        while True:
            start = self._clock.monotonic()
            while (left := interval - (self._clock.monotonic() - start)) > 0:
                await self._clock.sleep(left)
            await self.renew()

    async def renew(self) -> int:
        """Renew the claims this engine holds and take over those whose lease ended; return
        how many rows were taken over. The store's trouble is logged once a minute."""
        try:
            taken = await self._store.renew_claims()
        except StoreError as exc:
            self._repeated.warning("leases", "the leases could not be renewed: %s", exc)
            return 0
        self._renewed = self._clock.monotonic()
        self._repeated.clear("leases")
        if taken:
            log.warning("%d outbound messages of a stopped engine are taken over", len(taken))
            self._recover(taken)
        return len(taken)

    def lapsed(self) -> bool:
        """Whether the leases may have run out: no renewal for ``LAPSE`` of a lease."""
        return self._clock.monotonic() - self._renewed > self._lapse

    async def keep(self, rows: list[OutboxRow]) -> list[OutboxRow]:
        """The rows of ``rows`` this engine still holds, once its leases are renewed (see the
        module's docstring); all of them when the store cannot tell (a read it refused): the
        rows go, as they would have without the question."""
        await self.renew()
        try:
            held = {row.id for row in await self._store.waiting_outbox([r.id for r in rows])}
        except StoreError as exc:
            self._repeated.warning("keep", "cannot check the claims before sending: %s", exc)
            return rows
        kept = [row for row in rows if row.id in held]
        if len(kept) < len(rows):
            log.warning(
                "%d outbound messages were taken over by another engine while this one's leases"
                " lapsed; it does not send them",
                len(rows) - len(kept),
            )
        return kept


async def claim_every_row(
    claim: Callable[[int], Awaitable[list[OutboxRow]]], size: int = 10_000
) -> list[OutboxRow]:
    """All the rows ``claim(limit)`` takes, page after page: a page taken is this process's,
    so the next call takes the rows after it (reading the first page again would not do)."""
    rows: list[OutboxRow] = []
    while len(page := await claim(size)) == size:
        rows += page
    return rows + page
