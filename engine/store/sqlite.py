"""Own ``SqliteStore``: the Store on one SQLite connection (``connection``), the process's writer.

Each method is one call of a store module's function on the connection's thread (``intake``,
``transactions``, ``outbox``, ``claims``, ``notices``, ``campaigns``, ``sessions``, ``api``): the
hot path's batches, the outbox's marks, the claims, notifications, campaigns and timers; what
people and tests read beyond that is ``browse``'s.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Collection, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from engine.core.clock import Clock
from engine.core.messages import Address, Inbound, Outgoing, ProviderId
from engine.core.notices import Notification, Outcome
from engine.core.records import (
    CampaignRow,
    CampaignState,
    Conversation,
    Decide,
    Handled,
    HeldPart,
    OutboxRow,
    Received,
    Step,
    Timer,
    Work,
)
from engine.store import (
    api,
    campaigns,
    claims,
    commit,
    contacts,
    intake,
    notices,
    outbox,
    sessions,
    transactions,
)
from engine.store.browse import Browse
from engine.store.connection import MEMORY

__all__ = ["MEMORY", "SqliteStore", "open_store"]

log = logging.getLogger(__name__)


class SqliteStore(Browse):
    """The durable store. ``await open()`` (or ``async with``) before use, ``close()`` after."""

    # --- inbound ------------------------------------------------------------------------------

    async def receive(self, messages: Sequence[Inbound]) -> list[Received]:
        if not messages:
            return []
        return await self._write(intake.receive, messages)

    async def pending_inbound(self, limit: int = 10_000) -> list[Inbound]:
        return await self._read(intake.pending_inbound, limit)

    async def load(
        self, keys: Sequence[tuple[Address, Address]], *, replies_since: datetime
    ) -> dict[tuple[Address, Address], Conversation]:
        if not keys:
            return {}
        return await self._read(sessions.load, keys, replies_since)

    async def commit(self, steps: Sequence[Step]) -> list[OutboxRow]:
        if not steps:
            return []
        return await self._write(commit.commit, steps, False, self.notify, self.claim())

    async def process(
        self,
        work: Sequence[Work],
        decide: Decide,
        *,
        replies_since: datetime,
        polls: Collection[str] = (),
    ) -> tuple[list[Step], list[OutboxRow]]:
        """Load, decide and commit ``work`` in one transaction; see ``transactions.process``."""
        if not work:
            return [], []
        return await self._write(
            transactions.process, work, decide, replies_since, polls, self.notify, self.claim()
        )

    async def handle(
        self,
        messages: Sequence[Inbound],
        decide: Decide,
        *,
        replies_since: datetime,
        polls: Collection[str] = (),
    ) -> Handled:
        """Receive ``messages`` and process the fresh ones in one transaction: once it returns,
        the messages may be acknowledged and the returned rows handed over."""
        if not messages:
            return Handled([], [], [])
        return await self._write(
            transactions.handle, messages, decide, replies_since, polls, self.notify, self.claim()
        )

    async def hold_parts(self, parts: Sequence[HeldPart], *, forget_before: datetime) -> None:
        """Keep the parts of long messages not whole yet (see ``HeldPart``); committed with
        the message, they are marked done, and dropped once done before ``forget_before``."""
        await self._write(intake.hold_parts, parts, forget_before)

    async def held_parts(self, transport: str) -> list[HeldPart]:
        return await self._read(intake.held_parts, transport)

    # --- outbox -------------------------------------------------------------------------------

    async def queued_outbox(self, limit: int = 1_000) -> list[OutboxRow]:
        """The rows still to hand over, whoever holds them (a read: commands, tests)."""
        return await self._read(outbox.queued_outbox, limit)

    async def claim_outbox(self, limit: int = 1_000) -> list[OutboxRow]:
        """Take the rows still to hand over that no live process holds (a start's recovery:
        those a previous run left, or a dead process's once its lease ended), in id order."""
        return await self._write(claims.take_over, self.claim(), self._now(), limit)

    async def renew_claims(self, limit: int = 10_000) -> list[OutboxRow]:
        """Renew the leases of the rows this process holds and take those whose lease ended,
        in one transaction (``claims.recover``); return the rows taken, to hand over."""
        return await self._write(claims.recover, self.claim(), self._now(), limit)

    async def release_claims(self, owner: claims.Owner | None = None) -> int:
        """Give back the rows ``owner`` (this process by default) holds: any process takes them
        at once (a graceful stop; a supervisor for a worker it saw die). Return how many."""
        return await self._write(claims.release, (owner or self.owner).name)

    async def waiting_outbox(self, ids: Sequence[int]) -> list[OutboxRow]:
        """The rows of ``ids`` still to hand over and still this process's, in id order (the
        outbox reads back the rows it did not keep in memory)."""
        if not ids:
            return []
        return await self._read(outbox.waiting_outbox, ids, self.owner.name)

    async def mark_sending(self, ids: Sequence[int]) -> None:
        if ids:
            await self._write(outbox.mark_sending, ids, self._now())

    async def mark_sent(self, results: Sequence[tuple[int, ProviderId | None]]) -> None:
        """Record that the transport accepted these rows (``(row id, provider id)``).

        Returns once committed, but the rows ride in the next write transaction (a batch of
        messages that arrived meanwhile, most often) rather than in one of their own: the
        store writes them alone only when no other write starts within ``SENT_WAIT`` (50 ms),
        or ``MARKS_WAIT`` (2 ms) once somebody waits for them (``hurry``: the outbox's window
        is full, a drain). Until then a crash re-sends the rows, as it would have a moment
        earlier.
        """
        if not results:
            return
        await self._ride((tuple(results), self._now()))

    async def mark_failed(self, outbox_id: int, error: str, *, permanent: bool) -> None:
        await self._write(outbox.mark_failed, outbox_id, error, permanent, self._now())

    async def mark_delivery(self, external_id: str, status: str, error: str | None) -> bool:
        """Record a delivery receipt for the message the provider calls ``external_id``.

        ``status`` is the outbox status it means (``delivered``, ``undeliverable``, ``expired``,
        ``rejected``, ``failed``; ``sent`` for a receipt that is not final). Return whether a
        row has that id; a receipt that came first is applied when ``mark_sent`` records it.
        """
        return await self._write(outbox.mark_delivery, external_id, status, error, self._now())

    async def mark_deliveries(self, receipts: Sequence[tuple[str, str, str | None]]) -> list[bool]:
        """Record many receipts ``(external_id, status, error)``; return whether a row has each
        id. Like ``mark_sent``'s rows they ride in the next write transaction (a batch of
        messages, most often): a transport's receipts cost no transaction of their own."""
        if not receipts:
            return []
        found: list[bool] = await self._ride(
            transactions.Receipts(tuple(receipts), self._now(), [])
        )
        return found

    async def suppress(self, ids: Sequence[int], reason: str) -> None:
        if ids:
            await self._write(outbox.suppress, ids, reason, self._now())

    async def is_opted_out(self, contact: Address, number: Address) -> bool:
        return await self._read(contacts.is_opted_out, contact, number)

    # --- notifications ------------------------------------------------------------------------

    async def add_notification(self, type_: str, at: datetime, data: Any) -> int:
        """Write event ``type_`` for its subscribers in a transaction of its own (a failed
        reload); return how many rows."""
        if not self.notify.targets(type_):
            return 0
        return await self._write(notices.add, self.notify, type_, at, data)

    async def notifications_due(self, now: datetime, limit: int = 100) -> list[Notification]:
        """The notifications due by ``now``, claimed for this process to post (a write only
        when some are due: ``claims.claim_notifications``)."""
        if not await self._read(notices.due, now, 1):
            return []
        return await self._write(claims.claim_notifications, self.claim(), now, limit)

    async def next_notification_due(self) -> datetime | None:
        return await self._read(notices.next_due)

    async def pending_notifications(self) -> int:
        return await self._read(notices.pending)

    async def record_notifications(self, outcomes: Sequence[Outcome]) -> None:
        if outcomes:
            await self._write(notices.record, outcomes, self._clock.now())

    # --- campaigns ----------------------------------------------------------------------------

    async def running_campaigns(self) -> list[CampaignRow]:
        return await self._read(campaigns.running)

    async def launch(
        self,
        campaign: CampaignRow,
        most: int,
        now: datetime,
        cap: tuple[int, timedelta] | None,
        decide: Decide,
        *,
        replies_since: datetime,
        polls: Collection[str] = (),
    ) -> tuple[list[Step], list[OutboxRow]]:
        """Start up to ``most`` due recipients of ``campaign`` in one transaction; see
        ``transactions.launch``."""
        return await self._write(
            transactions.launch,
            campaign,
            most,
            now,
            cap,
            decide,
            replies_since,
            polls,
            self.notify,
            self.claim(),
        )

    async def release_held(self, now: datetime, limit: int = 1_000) -> list[OutboxRow]:
        return await self._write(outbox.release_held, now, limit, self.claim())

    async def hold(self, rows: Sequence[tuple[int, datetime]]) -> None:
        if rows:
            await self._write(outbox.hold, rows, self._now())

    async def next_campaign_due(self, campaign: int) -> datetime | None:
        """When the next waiting recipient of ``campaign`` may go (None: nobody waits)."""
        return await self._read(campaigns.next_due, campaign)

    async def next_held(self) -> datetime | None:
        return await self._read(outbox.next_held)

    # What people read of campaigns (the console, the API, the commands, and a start's plan) is
    # read on the reader's lane (``Connection._browse``): a progress page over a million
    # recipients takes a second, which no message's commit waits for.

    async def campaign(self, name: str) -> CampaignRow | None:
        return await self._browse(campaigns.campaign_named, name)

    async def all_campaigns(self) -> list[CampaignRow]:
        return await self._browse(campaigns.all_campaigns)

    async def create_campaign(self, **values: Any) -> int | None:
        """Record a started campaign and its recipients (``campaigns.create``); None when one
        of that name exists already."""
        return await self._write(campaigns.create, now=self._clock.now(), **values)

    async def set_campaign_status(
        self, name: str, status: CampaignState, author: str | None = None
    ) -> None:
        await self._write(campaigns.set_status, name, status, self._clock.now(), author)

    async def campaign_status(self, row: CampaignRow) -> campaigns.CampaignStatus:
        return await self._browse(campaigns.counts, row, self._clock.now())

    async def not_replied(self, name: str, after: timedelta) -> list[tuple[str, Any]]:
        return await self._browse(campaigns.not_replied, name, after, self._clock.now())

    async def opted_out_of(self, number: Address) -> set[Address]:
        return await self._browse(campaigns.opted_out_of, number)

    async def data_version(self) -> int:
        """Changes whenever another connection (a ``twoway`` command) commits to the store."""
        return await self._read(_data_version)

    # --- timers -------------------------------------------------------------------------------

    async def due_timers(self, now: datetime, limit: int = 1_000) -> list[Timer]:
        return await self._read(sessions.due_timers, now, limit)

    async def next_timer_due(self) -> datetime | None:
        return await self._read(sessions.next_timer_due)

    async def schedule_start(
        self,
        contact: Address,
        number: Address,
        flow: str,
        params: dict[str, Any],
        due: datetime,
    ) -> int:
        return await self._write(sessions.schedule_start, contact, number, flow, params, due)

    # --- the REST API (engine.web.api) -------------------------------------------------------

    async def api_send(
        self, message: Outgoing, now: datetime, idem: api.Idempotency | None
    ) -> api.Answer:
        """Write a message of the API to the outbox, with its idempotency key (``store.api``)."""
        return await self._write(api.send, message, now, idem, self.claim())

    async def api_start(
        self,
        contact: Address,
        number: Address,
        flow: str,
        params: dict[str, Any],
        due: datetime,
        now: datetime,
        idem: api.Idempotency | None,
    ) -> api.Answer:
        """Schedule a flow's start for the API, with its idempotency key (``store.api``)."""
        return await self._write(api.start, contact, number, flow, params, due, now, idem)


def open_store(path: str | Path, *, clock: Clock | None = None) -> SqliteStore:
    """Return the store at ``path`` (``":memory:"``: in memory), to ``await .open()`` or
    ``async with``."""
    return SqliteStore(path, clock=clock)


def _data_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA data_version").fetchone()[0])
