"""Own the store's connection: one aiosqlite connection and its thread, the write transaction
that carries the pending ``sent`` marks, and what the store does while it cannot write.

Each store call is one hop onto the connection's thread (see ``transactions``): a batch of 500
messages costs one thread hop, and no other coroutine's statements can interleave with a
transaction, so no lock is needed. What people read (the console, the API, the commands:
``browse`` and ``read``) goes through other connections, read-only, each on a thread of its own
(``readers``): a result page that reads a million votes never holds up the messages'
transactions (WAL lets readers and the writer work at once; each read sees what was committed
when it began), and leaves a reader to the other people meanwhile.

Writers commit (``BEGIN IMMEDIATE`` … ``COMMIT``) before they return; any SQLite error rolls
the whole call back and is raised as ``StoreError`` (or ``StoreUnavailable`` when the store
cannot write *now*). The outbox's ``mark_sent`` results and the transports' receipts
(``mark_deliveries``) ride in the next write transaction (one fsync less per batch of messages)
and are written alone only when no other write comes.

A file database runs in WAL mode with ``synchronous=FULL``: an acknowledged message survives a
power cut. Processes that share the store (``workers: N``) queue for SQLite's write lock on a
file lock beside it (``writer_lock``, see ``writer``). ``":memory:"`` is the same code on an
in-memory database (``twoway chat``, unit tests). ``SqliteStore`` (``sqlite``) is this and the
store's methods.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
from collections.abc import Callable, Sequence
from datetime import timedelta
from pathlib import Path
from types import TracebackType
from typing import Any, Concatenate, Literal, ParamSpec, Self, TypeVar, cast

import aiosqlite

from engine.core.clock import Clock, SystemClock
from engine.core.notices import NONE, Subscriptions
from engine.core.records import WriteTimes
from engine.errors import StoreError, StoreUnavailable
from engine.osthreads import name_this_thread
from engine.store import (
    claims,
    outbox,
    transactions,
)
from engine.store.codec import time_in
from engine.store.files import create_private, make_private
from engine.store.hop import UNAVAILABLE, on_thread
from engine.store.migrations import MIGRATIONS, Migration, apply_migrations
from engine.store.readers import Readers
from engine.store.writer import Writer, WriterLock

__all__ = [
    "MARKS_RETRY",
    "MEMORY",
    "OPEN_RETRY",
    "UNAVAILABLE",
    "Connection",
    "Synchronous",
]

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


_TAKEN = frozenset({5, 6})
"""SQLITE_BUSY and SQLITE_LOCKED: another connection holds what the open needs."""
OPEN_RETRY = 0.02
"""Seconds between tries of a store another process is opening at the same moment."""

MARKS_RETRY = 1.0
"""Seconds before ``sent`` marks a store refused are written again (sooner if a write succeeds)."""
MARKS_WAIT = 0.002
"""Seconds receipts wait for a write to carry them before they are written alone (the SMSC
waits for their answers), and ``sent`` marks somebody waits for (``hurry``): a busy link's next
batch of messages comes within that (one commit, not two)."""
SENT_WAIT = 0.05
"""Seconds ``sent`` marks nobody waits for wait for a write to carry them: at 20 messages a
second and more the next message's batch does, so a message costs one commit (and one fsync),
not two. The rows a crash could send twice stay bounded by the outbox's window."""


class Connection:
    """One store's connection. ``await open()`` (or ``async with``) before use, ``close()``
    after."""

    def __init__(
        self,
        path: str | Path,
        *,
        clock: Clock | None = None,
        synchronous: Synchronous = "FULL",
        busy_timeout_ms: int = 5_000,
        migrations: Sequence[Migration] = MIGRATIONS,
        notify: Subscriptions = NONE,
        owner: claims.Owner | None = None,
        lease: timedelta = claims.LEASE,
        writer_lock: bool = False,
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
        self.owner = owner or claims.Owner.new()
        """Who this process is to the other processes on the store (``store.claims``)."""
        if lease <= timedelta(0):
            raise ValueError(f"the lease must be positive, not {lease}")
        self.lease = lease
        """How long the rows this process claims stay its own without renewal."""
        self.writes = WriteTimes()
        """How much this connection's writer worked (``/metrics``)."""
        self._writer = (
            WriterLock(self.path, self.writes)
            if writer_lock and not self.memory
            else Writer(self.writes)
        )
        """The queue of the processes that share the store (``workers: N``), or this process's
        own writer: see ``writer``."""
        self._db: aiosqlite.Connection | None = None
        self._raw: sqlite3.Connection | None = None
        self._readers = Readers(self.path, self._busy_timeout_ms)
        """The connections of people's reads (``browse``); none in memory, where there is one."""
        self._marks: list[transactions.Rider] = []
        """``mark_sent`` results and receipts not written yet: the next write transaction
        carries them (``_ride``)."""
        self._mark_waiters: list[asyncio.Future[Any]] = []
        self._writing = 0
        self._flushes: set[asyncio.Task[None]] = set()
        self._flush_handle: asyncio.Handle | None = None
        self._flush_at = 0.0
        """When ``_flush_handle`` fires (the loop's clock)."""
        self._hurried = False
        """Somebody waits for the pending marks (``hurry``): they go within ``MARKS_WAIT``."""
        self._problem: str | None = None
        self._wrote: asyncio.Future[None] | None = None
        """Resolved by the next write that succeeds (``writable`` waits on it)."""
        self.status_listeners: list[Callable[[], None]] = []
        """Called once a write that changed outbox rows' statuses committed (a send, a
        failure, a receipt, a suppression): the console's live delivery status."""
        self._closing = False

    def __repr__(self) -> str:
        state = "open" if self._db is not None else "closed"
        return f"{type(self).__name__}({self.path!r}, {state})"

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
            self._writer.open()
            db = await aiosqlite.connect(
                self.path, isolation_level=None, timeout=self._busy_timeout_ms / 1000
            )
        except (OSError, sqlite3.Error) as exc:
            self._writer.close()
            raise StoreError(self._cannot_open(exc)) from exc
        self._db = db
        self._raw = db._conn
        try:
            await self._configured()
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
            try:
                await self._readers.open()
            except StoreError as exc:
                await self.close()
                raise StoreError(self._cannot_open(exc.__cause__ or exc)) from exc
            except BaseException:  # cancelled while opening: nothing left open either
                await self.close()
                raise

    async def _configured(self) -> None:
        """Configure, migrate, and see that the store can write (``BEGIN IMMEDIATE``). Another
        process opening the same store at the same moment (the workers of ``workers: N`` all
        start together) can make SQLite answer "database is locked" at once, without waiting
        its busy timeout (the first use of the WAL's index after a start); that is tried again
        every ``OPEN_RETRY`` seconds for as long as the busy timeout, then refused."""
        loop = asyncio.get_running_loop()
        give_up = loop.time() + self._busy_timeout_ms / 1000
        while True:
            try:
                await self._call(self._configure)
                await self._call(self._transact, [], transactions.nothing)
                return
            except StoreUnavailable as exc:
                code = getattr(exc.__cause__, "sqlite_errorcode", 0) & 0xFF
                if code not in _TAKEN or loop.time() >= give_up:
                    raise
                await asyncio.sleep(OPEN_RETRY)

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
        try:
            await self._readers.close()
            if db is not None:
                await db.close()
        except sqlite3.Error as exc:
            raise StoreError(f"closing the store failed: {exc}") from exc
        finally:
            self._writer.close()

    async def __aenter__(self) -> Self:
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
        if sqlite3.sqlite_version_info < (3, 35):  # the claims' UPDATE … RETURNING
            raise StoreError(f"SQLite 3.35 or later is needed, not {sqlite3.sqlite_version}")
        if not self.memory:
            mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
            if str(mode).lower() != "wal":  # changed once, by the store's first open
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
        return await on_thread(db, fn, raw, *args, **kwargs)

    @property
    def _transact(self) -> Callable[..., Any]:
        """``transactions.write``, timed, behind the writer lock when processes share the store."""
        return self._writer.write

    async def writer_turn(self) -> None:
        """Wait for this process's turn at the writer lock and keep it for the next write,
        which lets go of it (``writer.WriterLock.take_turn``); at once when the store is not
        shared. What the caller writes next is gathered once its turn came: the intake's batch
        takes the messages that arrived meanwhile. Never raises for the store's trouble: without
        a turn, the write that follows waits for the lock itself, or says why it cannot."""
        if not self._writer.shared:
            return
        self._writing += 1  # the pending marks ride in the write that follows
        try:
            await self._call(self._writer.take_turn)
        except (StoreError, OSError) as exc:
            log.debug("no turn at the writer lock: %s", exc)
        finally:
            self._writing -= 1
            if self._marks and not self._writing and self._problem is None:
                self._flush_marks()  # runs after the write that follows has started

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
        if marks:  # a hurry stays until the marks somebody waits for are taken
            self._hurried = False
        self._writing += 1
        try:
            result = cast(T, await self._call(self._transact, marks, fn, *args, **kwargs))
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
                self._hurried = self._hurried or bool(marks)  # they waited once already
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
            self._flush_at = loop.time() + MARKS_RETRY
            self._flush_handle = loop.call_later(MARKS_RETRY, self._flush_now)

    def _available(self) -> None:
        self._problem = None
        if self._wrote is not None:
            wrote, self._wrote = self._wrote, None
            if not wrote.done():
                wrote.set_result(None)

    async def _ride(self, rider: transactions.Rider) -> Any:
        """Leave ``rider`` to the next write transaction (one of its own only when no write
        is under way or about to start); return once committed, with what it found."""
        waiter: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._marks.append(rider)
        self._mark_waiters.append(waiter)
        if not self._writing:
            self._flush_marks()
        return await waiter

    def hurry(self) -> None:
        """Somebody waits for the pending ``sent`` marks (the outbox's window is full, a drain):
        they, and those that come before a write takes them, wait ``MARKS_WAIT`` at most."""
        self._hurried = True
        if self._marks and not self._writing and self._problem is None:
            self._flush_marks()

    def _flush_marks(self) -> None:
        """Write the pending marks in a transaction of their own, unless a write that starts
        soon carries them: within ``MARKS_WAIT`` when receipts are among them or somebody waits
        for them (``hurry``), else within ``SENT_WAIT``."""
        soon = self._hurried or any(isinstance(m, transactions.Receipts) for m in self._marks)
        wait = MARKS_WAIT if soon else SENT_WAIT
        loop = asyncio.get_running_loop()
        at = loop.time() + wait
        if self._flush_handle is not None:
            if self._flush_at <= at or self._problem is not None:
                return  # it fires first, or it is the retry of a store that cannot write
            self._flush_handle.cancel()
        self._flush_at = at
        self._flush_handle = loop.call_later(wait, self._flush_now)

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

    async def _browse(
        self,
        fn: Callable[Concatenate[sqlite3.Connection, P], T],
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> T:
        """``fn(conn, …)`` on a read snapshot of a reader (in memory: of the one connection)."""
        if self.memory:
            return await self._read(fn, *args, **kwargs)
        return await self._readers.read(fn, *args, **kwargs)

    async def read(
        self,
        fn: Callable[Concatenate[sqlite3.Connection, P], T],
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> T:
        """``fn(conn, …)`` of a store module (``engine.store.inbox``…) on a read snapshot of a
        reader: people's reads, never in the way of the messages' writes."""
        return await self._browse(fn, *args, **kwargs)

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

    def claim(self) -> claims.Claim:
        """This process's claim as of now: its owner, and the end of a lease starting now (the
        rows a write hands this process to send carry it; see ``store.claims``)."""
        return claims.Claim(self.owner.name, time_in(self._clock.now() + self.lease))
