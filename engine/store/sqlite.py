"""Own ``SqliteStore``: the Store on one aiosqlite connection, the process's single writer.

Each Store method is one call onto the connection's thread (see ``transactions``): a batch of 500
messages costs one thread hop, and no other coroutine's statements can interleave with a
transaction, so no lock is needed. Writers commit (``BEGIN IMMEDIATE`` … ``COMMIT``) before they
return; any SQLite error rolls the whole call back and is raised as ``StoreError``. The outbox's
``mark_sent`` results and the transports' receipts (``mark_deliveries``) ride in the next write
transaction (one fsync less per batch of messages) and are written alone only when no other
write comes.

A file database runs in WAL mode with ``synchronous=FULL``: an acknowledged message survives a
power cut. ``":memory:"`` is the same code on an in-memory database (``twoway chat``, unit tests).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
from collections.abc import Awaitable, Callable, Collection, Mapping, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from types import TracebackType
from typing import Any, Concatenate, Literal, ParamSpec, TypeVar, cast

import aiosqlite

from engine.core.clock import Clock, SystemClock
from engine.core.messages import Address, Inbound, Outgoing, ProviderId
from engine.core.model import Contact, Session
from engine.core.notices import NONE, Notification, Outcome, Subscriptions
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
from engine.errors import StoreError, StoreUnavailable
from engine.osthreads import name_this_thread
from engine.store import (
    api,
    campaigns,
    commit,
    contacts,
    intake,
    notices,
    outbox,
    reads,
    reports,
    sessions,
    transactions,
)
from engine.store.codec import time_in
from engine.store.files import create_private, make_private
from engine.store.migrations import MIGRATIONS, Migration, apply_migrations

__all__ = ["MEMORY", "SqliteStore", "open_store"]

log = logging.getLogger(__name__)

P = ParamSpec("P")
T = TypeVar("T")

MEMORY = ":memory:"
_STATUS_WRITES = frozenset({
    outbox.mark_sending, outbox.mark_failed, outbox.mark_delivery, outbox.mark_deliveries,
    outbox.suppress, outbox.hold,
})  # fmt: skip
"""The writes that change outbox rows' statuses (``mark_sent``'s ride with any write)."""
Synchronous = Literal["FULL", "NORMAL"]

UNAVAILABLE = frozenset({3, 5, 6, 7, 8, 10, 13, 14})
"""SQLite's primary result codes that say the store cannot write *now* (PERM, BUSY, LOCKED,
NOMEM, READONLY, IOERR, FULL, CANTOPEN): the work is kept and tried again (``StoreUnavailable``)."""

MARKS_RETRY = 1.0
"""Seconds before ``sent`` marks a store refused are written again (sooner if a write succeeds)."""


class SqliteStore:
    """The durable store. ``await open()`` (or ``async with``) before use, ``close()`` after."""

    def __init__(
        self,
        path: str | Path,
        *,
        clock: Clock | None = None,
        synchronous: Synchronous = "FULL",
        busy_timeout_ms: int = 5_000,
        migrations: Sequence[Migration] = MIGRATIONS,
        notify: Subscriptions = NONE,
    ) -> None:
        if synchronous not in ("FULL", "NORMAL"):
            raise ValueError(f"synchronous must be FULL or NORMAL, not {synchronous!r}")
        self.path = str(path)
        self.memory = self.path == MEMORY
        self._clock: Clock = clock or SystemClock()
        self._synchronous = synchronous
        self._busy_timeout_ms = int(busy_timeout_ms)
        self._migrations = tuple(migrations)
        self.notify = notify
        """Who subscribed to which event (``notify:``): the notifications the store writes."""
        self._db: aiosqlite.Connection | None = None
        self._raw: sqlite3.Connection | None = None
        self._marks: list[transactions.Rider] = []
        """``mark_sent`` results and receipts not written yet: the next write transaction
        carries them."""
        self._mark_waiters: list[asyncio.Future[Any]] = []
        self._writing = 0
        self._flushes: set[asyncio.Task[None]] = set()
        self._flush_handle: asyncio.Handle | None = None
        self._problem: str | None = None
        self._wrote: asyncio.Future[None] | None = None
        """Resolved by the next write that succeeds (``writable`` waits on it)."""
        self.status_listeners: list[Callable[[], None]] = []
        """Called once a write that changed outbox rows' statuses committed (a send, a
        failure, a receipt, a suppression): the console's live delivery status."""
        self._closing = False

    def __repr__(self) -> str:
        state = "open" if self._db is not None else "closed"
        return f"SqliteStore({self.path!r}, {state})"

    # --- lifecycle ----------------------------------------------------------------------------

    async def open(self) -> None:
        """Open (creating it mode 0600 if needed), migrate, and make sure the store can write.

        A store that cannot be written (a read-only file or folder, a full disk, another
        process's lock) is refused here, naming its file, rather than refusing every message.
        """
        if self._db is not None:
            return
        self._closing = False
        try:
            if not self.memory:
                create_private(self.path)
            db = await aiosqlite.connect(
                self.path, isolation_level=None, timeout=self._busy_timeout_ms / 1000
            )
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(self._cannot_open(exc)) from exc
        self._db = db
        self._raw = db._conn
        try:
            await self._call(self._configure)
            # BEGIN IMMEDIATE: can it write?
            await self._call(transactions.write, [], transactions.nothing)
        except StoreUnavailable as exc:
            await self.close()
            raise StoreError(self._cannot_open(exc.__cause__ or exc)) from exc
        except StoreError as exc:
            await self.close()
            raise StoreError(f"the store {self.path}: {exc}") from exc
        except BaseException:
            await self.close()
            raise
        if not self.memory:
            make_private(self.path)

    def _cannot_open(self, exc: BaseException) -> str:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        return (
            f"cannot open the store {self.path}: {reason}; the file and its folder must be "
            "writable by this user, on a disk with free space"
        )

    async def close(self) -> None:
        self._closing = True
        if self._flush_handle is not None:
            self._flush_handle.cancel()
            self._flush_handle = None
        if self._db is not None and self._marks and not self._writing:
            with contextlib.suppress(StoreError):  # the waiters are told
                await self._write(transactions.nothing)
        db, self._db, self._raw = self._db, None, None
        if db is not None:
            try:
                await db.close()
            except sqlite3.Error as exc:
                raise StoreError(f"closing the store failed: {exc}") from exc

    async def __aenter__(self) -> SqliteStore:
        await self.open()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    def _configure(self, conn: sqlite3.Connection) -> None:
        name_this_thread("twoway-store")  # run in the connection's thread
        if not self.memory:
            mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if str(mode).lower() != "wal":
                raise StoreError(f"cannot use WAL journal mode on {self.path!r} (got {mode})")
        # Constant values only: the pragma takes no bound parameter; ``synchronous`` is checked.
        conn.execute(f"PRAGMA synchronous = {self._synchronous}")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute(f"PRAGMA busy_timeout = {self._busy_timeout_ms:d}")
        apply_migrations(conn, self._migrations)

    # --- plumbing -----------------------------------------------------------------------------

    async def _call(
        self,
        fn: Callable[Concatenate[sqlite3.Connection, P], T],
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> T:
        """Run ``fn(connection, …)`` on the connection's thread: one hop for the whole call."""
        db, raw = self._db, self._raw
        if db is None or raw is None:
            raise StoreError("the store is not open")
        # aiosqlite has no public "run this callable on your thread"; ``_execute`` is what all of
        # its own methods use (stable from 0.17 to 0.22). One hop per call, not one per statement.
        run = cast(Callable[..., Awaitable[Any]], db._execute)
        try:
            return cast(T, await run(fn, raw, *args, **kwargs))
        except sqlite3.Error as exc:
            code = getattr(exc, "sqlite_errorcode", 0) & 0xFF
            kind = StoreUnavailable if code in UNAVAILABLE else StoreError
            raise kind(f"{type(exc).__name__}: {exc}") from exc
        except ValueError as exc:
            if not db._running:
                raise StoreError("the store is closed") from exc
            raise

    async def _write(
        self,
        fn: Callable[Concatenate[sqlite3.Connection, P], T],
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> T:
        """Run ``fn`` in one write transaction, which also writes the pending ``mark_sent``
        results (see there); if it fails, they wait for the next one."""
        marks, waiters = self._marks, self._mark_waiters
        self._marks, self._mark_waiters = [], []
        self._writing += 1
        try:
            result = await self._call(transactions.write, marks, fn, *args, **kwargs)
        except BaseException as exc:
            if fn is transactions.nothing and not (
                isinstance(exc, StoreUnavailable) and not self._closing
            ):  # the marks' own transaction failed for good: tell their waiters
                for waiter in waiters:
                    if not waiter.done():
                        waiter.set_exception(exc)
                        waiter.exception()  # retrieved, even if nobody awaits any more
            else:  # they wait for the next write, or a retry of their own (``_unavailable``)
                self._marks[:0], self._mark_waiters[:0] = marks, waiters
            if isinstance(exc, StoreUnavailable):
                self._unavailable(exc)
            raise
        else:
            self._available()
            for waiter, rider in zip(waiters, marks, strict=True):
                if not waiter.done():
                    found = rider.found if isinstance(rider, transactions.Receipts) else None
                    waiter.set_result(found)
            if marks or fn in _STATUS_WRITES:
                self._statuses_changed()
        finally:
            self._writing -= 1
            if self._marks and not self._writing and self._problem is None:
                self._flush_marks()
        return result

    def _statuses_changed(self) -> None:
        for listener in list(self.status_listeners):
            try:
                listener()
            except Exception:  # a listener's trouble never undoes what was committed
                log.exception("a listener of the outbox's statuses failed")

    # --- a store that cannot write ------------------------------------------------------------

    @property
    def problem(self) -> str | None:
        """Why the last write failed while the store cannot write (disk full, read-only, I/O
        error, locked), or None once a write succeeds."""
        return self._problem

    async def writable(self, timeout: float) -> bool:
        """Wait until a write succeeds, at most ``timeout`` seconds; return whether one did.

        What the store refused waits here before it is tried again: as soon as any write goes
        through (a new message, most often), or after ``timeout`` to try again itself.
        """
        if self._wrote is None:
            self._wrote = asyncio.get_running_loop().create_future()
        wrote = self._wrote
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(asyncio.shield(wrote), timeout)
        return wrote.done()

    def _unavailable(self, exc: StoreUnavailable) -> None:
        self._problem = str(exc)
        if self._marks and not self._closing and self._flush_handle is None:
            # The marks stay until a write takes them: retry them on their own meanwhile.
            loop = asyncio.get_running_loop()
            self._flush_handle = loop.call_later(MARKS_RETRY, self._flush_now)

    def _available(self) -> None:
        self._problem = None
        if self._wrote is not None:
            wrote, self._wrote = self._wrote, None
            if not wrote.done():
                wrote.set_result(None)

    def _flush_marks(self) -> None:
        """Write the pending marks in a transaction of their own, unless a write started by
        what runs before the loop's next turn carries them."""
        if self._flush_handle is None:
            self._flush_handle = asyncio.get_running_loop().call_soon(self._flush_now)

    def _flush_now(self) -> None:
        self._flush_handle = None
        if not self._marks or self._writing:
            return  # carried already, or the write under way re-arms this when it ends

        async def flush() -> None:
            with contextlib.suppress(Exception):  # reported to the waiters
                await self._write(transactions.nothing)

        task = asyncio.get_running_loop().create_task(flush())
        self._flushes.add(task)
        task.add_done_callback(self._flushes.discard)

    async def _read(
        self,
        fn: Callable[Concatenate[sqlite3.Connection, P], T],
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> T:
        return await self._call(transactions.snapshot, fn, *args, **kwargs)

    async def read(
        self,
        fn: Callable[Concatenate[sqlite3.Connection, P], T],
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> T:
        """``fn(conn, …)`` of a store module (``engine.store.inbox``…) on a read snapshot."""
        return await self._read(fn, *args, **kwargs)

    async def write(
        self,
        fn: Callable[Concatenate[sqlite3.Connection, P], T],
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> T:
        """``fn(conn, …)`` of a store module in one write transaction (``StoreUnavailable``
        when the store cannot write)."""
        return await self._write(fn, *args, **kwargs)

    def _now(self) -> str:
        return time_in(self._clock.now())

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
        return await self._write(commit.commit, steps, False, self.notify)

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
            transactions.process, work, decide, replies_since, polls, self.notify
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
            transactions.handle, messages, decide, replies_since, polls, self.notify
        )

    async def hold_parts(self, parts: Sequence[HeldPart], *, forget_before: datetime) -> None:
        """Keep the parts of long messages not whole yet (see ``HeldPart``); committed with
        the message, they are marked done, and dropped once done before ``forget_before``."""
        await self._write(intake.hold_parts, parts, forget_before)

    async def held_parts(self, transport: str) -> list[HeldPart]:
        return await self._read(intake.held_parts, transport)

    # --- outbox -------------------------------------------------------------------------------

    async def queued_outbox(self, limit: int = 1_000) -> list[OutboxRow]:
        return await self._read(outbox.queued_outbox, limit)

    async def waiting_outbox(self, ids: Sequence[int]) -> list[OutboxRow]:
        """The rows of ``ids`` still to hand over, in id order (the outbox reads back the rows
        it did not keep in memory)."""
        if not ids:
            return []
        return await self._read(outbox.waiting_outbox, ids)

    async def mark_sending(self, ids: Sequence[int]) -> None:
        if ids:
            await self._write(outbox.mark_sending, ids, self._now())

    async def mark_sent(self, results: Sequence[tuple[int, ProviderId | None]]) -> None:
        """Record that the transport accepted these rows (``(row id, provider id)``).

        Returns once committed, but the rows ride in the next write transaction (a batch of
        messages that arrived meanwhile, most often) rather than in one of their own: the
        store writes them alone only when no other write is under way or about to start.
        Until then a crash re-sends the rows, as it would have a moment earlier.
        """
        if not results:
            return
        await self._ride((tuple(results), self._now()))

    async def _ride(self, rider: transactions.Rider) -> Any:
        """Leave ``rider`` to the next write transaction (one of its own only when no write
        is under way or about to start); return once committed, with what it found."""
        waiter: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._marks.append(rider)
        self._mark_waiters.append(waiter)
        if not self._writing:
            self._flush_marks()
        return await waiter

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
        return await self._read(notices.due, now, limit)

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
            transactions.launch, campaign, most, now, cap, decide, replies_since, polls, self.notify
        )

    async def release_held(self, now: datetime, limit: int = 1_000) -> list[OutboxRow]:
        return await self._write(outbox.release_held, now, limit)

    async def hold(self, rows: Sequence[tuple[int, datetime]]) -> None:
        if rows:
            await self._write(outbox.hold, rows, self._now())

    async def next_campaign_due(self, campaign: int) -> datetime | None:
        """When the next waiting recipient of ``campaign`` may go (None: nobody waits)."""
        return await self._read(campaigns.next_due, campaign)

    async def next_held(self) -> datetime | None:
        return await self._read(outbox.next_held)

    async def campaign(self, name: str) -> CampaignRow | None:
        return await self._read(campaigns.campaign_named, name)

    async def all_campaigns(self) -> list[CampaignRow]:
        return await self._read(campaigns.all_campaigns)

    async def create_campaign(self, **values: Any) -> int | None:
        """Record a started campaign and its recipients (``campaigns.create``); None when one
        of that name exists already."""
        return await self._write(campaigns.create, now=self._clock.now(), **values)

    async def set_campaign_status(
        self, name: str, status: CampaignState, author: str | None = None
    ) -> None:
        await self._write(campaigns.set_status, name, status, self._clock.now(), author)

    async def campaign_status(self, row: CampaignRow) -> campaigns.CampaignStatus:
        return await self._read(campaigns.counts, row, self._clock.now())

    async def not_replied(self, name: str, after: timedelta) -> list[tuple[str, Any]]:
        return await self._read(campaigns.not_replied, name, after, self._clock.now())

    async def opted_out_of(self, number: Address) -> set[Address]:
        return await self._read(campaigns.opted_out_of, number)

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
        return await self._write(api.send, message, now, idem)

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

    # --- beyond the Protocol: reads for the CLI, the console and tests ------------------------

    async def session(self, contact: Address, number: Address) -> Session | None:
        """The active session of ``contact`` on ``number``, if any."""
        return await self._read(sessions.session, contact, number)

    async def contact(self, phone: Address) -> Contact | None:
        """The stored contact (fields, groups, opt-outs, votes), or None if unknown."""
        found = await self._read(sessions.contacts, [phone])
        return found.get(phone)

    async def save_contact(
        self,
        phone: Address,
        fields: dict[str, Any] | None = None,
        groups: Sequence[str] | None = None,
    ) -> None:
        """Create or update a contact (imports, tests); None leaves that part unchanged."""
        await self._write(contacts.save_contact, phone, fields, groups, self._now())

    async def set_contact_fields(
        self, phone: Address, fields: Mapping[str, Any], at: datetime
    ) -> None:
        """Merge ``fields`` into the contact's fields, creating the contact if unknown."""
        await self._write(contacts.set_contact_fields, phone, fields, at)

    async def opted_out(
        self, pairs: Sequence[tuple[Address, Address]]
    ) -> set[tuple[Address, Address]]:
        """The ``(contact, number)`` pairs among ``pairs`` that are opted out: ``is_opted_out``
        for a whole send batch in one call."""
        if not pairs:
            return set()
        return await self._read(contacts.opted_out, pairs)

    async def votes(self, poll: str) -> list[tuple[Address, str, datetime]]:
        """``(contact, choice, at)`` of every vote of ``poll``, oldest first."""
        return await self._read(reads.votes, poll)

    async def tally(self, poll: str) -> dict[str, int]:
        """Choice → number of votes, most voted first."""
        return await self._read(reads.tally, poll)

    async def outbox_rows(self, contact: Address | None = None) -> list[OutboxRow]:
        return await self._read(outbox.outbox_rows, contact)

    async def inbound_rows(self) -> list[Inbound]:
        return await self._read(intake.inbound_rows)

    async def inbound_quarters(
        self, since: datetime | None = None, until: datetime | None = None
    ) -> list[tuple[datetime, int]]:
        """Messages received per quarter hour (UTC), oldest first: see ``reports``."""
        return await self._read(reports.inbound_quarters, since, until)

    async def events(
        self, contact: Address | None = None, type: str | None = None
    ) -> list[dict[str, Any]]:
        return await self._read(reads.events, contact, type)

    async def answers(self, survey: str) -> list[dict[str, Any]]:
        return await self._read(reads.answers, survey)

    async def opt_out_log(self, contact: Address | None = None) -> list[dict[str, Any]]:
        return await self._read(reads.opt_out_log, contact)

    async def inbox(self, status: str | None = "open") -> list[dict[str, Any]]:
        """Inbox rows with ``status`` ('open', 'closed'; None for all), oldest first."""
        return await self._read(reads.inbox, status)

    # --- contacts as a whole (``twoway contacts``) ----------------------------------------------

    async def import_contacts(self, rows: Sequence[contacts.ContactRow]) -> tuple[int, int]:
        """Create or merge ``(phone, fields, groups)`` rows in one transaction (fields: the
        row's win; groups: added); return (created, existing ones changed)."""
        return await self._write(contacts.import_contacts, rows, self._now())

    async def all_contacts(self, group: str | None = None) -> list[contacts.ContactRow]:
        """Every contact, or those of ``group``, by phone."""
        return await self._read(contacts.all_contacts, group)

    async def contacts_page(
        self, after: str | None, limit: int, group: str | None = None
    ) -> list[contacts.ContactRow]:
        """A page of contacts by phone, after ``after`` (the REST API's cursor)."""
        return await self._read(contacts.contacts_page, after, limit, group)

    async def patch_contact(
        self, phone: Address, fields: Mapping[str, Any], add: Sequence[str], remove: Sequence[str]
    ) -> bool:
        """Merge fields (None removes one), add and remove groups; False when unknown."""
        return await self._write(contacts.patch_contact, phone, fields, add, remove, self._now())

    async def import_opt_outs(
        self, phones: Sequence[Address], numbers: Sequence[Address], reason: str
    ) -> tuple[int, int]:
        """Opt ``phones`` out of ``numbers`` (audit: ``reason``); return (new, already)."""
        return await self._write(contacts.import_opt_outs, phones, numbers, reason, self._now())

    async def forget_contact(self, phone: Address, reason: str) -> dict[str, int]:
        """Erase a contact but its opt-outs, blank its messages' texts (see there)."""
        return await self._write(contacts.forget_contact, phone, reason, self._now())

    async def counts(self) -> dict[str, int]:
        """Rows per table (health checks, benchmarks)."""
        return await self._read(reads.counts)


def open_store(path: str | Path, *, clock: Clock | None = None) -> SqliteStore:
    """Return the store at ``path`` (``":memory:"``: in memory), to ``await .open()`` or
    ``async with``."""
    return SqliteStore(path, clock=clock)


def _data_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA data_version").fetchone()[0])
