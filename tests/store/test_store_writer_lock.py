"""The writer lock (``engine/store/writer.py``): stores that share a file queue for SQLite's
write lock on a file lock instead of meeting at SQLite's busy handler.

Two ``SqliteStore`` over one file, each with its own connection and thread, stand for two
workers (``flock`` locks belong to an open file description: two in one process exclude each
other as two processes do). Both have ``busy_timeout_ms=0``: a write that reached
``BEGIN IMMEDIATE`` while the other held SQLite's lock would fail at once, so a write that
succeeds was queued, not retried."""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import os
import sqlite3
import stat
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import pytest
from store_helpers import ALICE, BOB

from engine.errors import StoreError, StoreUnavailable
from engine.store import SqliteStore, contacts, writer

WAIT = 10.0
"""Bound of every wait on an event (a failure, never a pace)."""


class Recorder:
    """``fcntl.flock`` as the writer lock calls it, each call logged with the store's name;
    ``asked[name]`` is set when that store asks for the lock."""

    def __init__(self, real: Callable[[int, int], None]) -> None:
        self.real = real
        self.names: dict[int, str] = {}
        self.log: list[tuple[str, str]] = []
        self.asked = {"first": threading.Event(), "second": threading.Event()}

    def name(self, store: SqliteStore, name: str) -> None:
        lock = store._writer
        assert lock is not None and lock._fd is not None
        self.names[lock._fd] = name

    def __call__(self, fd: int, op: int) -> None:
        who = self.names.get(fd, "?")
        if op == fcntl.LOCK_UN:
            self.log.append(("unlock", who))
            self.real(fd, op)
            return
        self.log.append(("ask", who))
        if who in self.asked:
            self.asked[who].set()
        self.real(fd, op)
        self.log.append(("hold", who))


@pytest.fixture
def recorder(monkeypatch: pytest.MonkeyPatch) -> Iterator[Recorder]:
    recording = Recorder(fcntl.flock)
    monkeypatch.setattr(fcntl, "flock", recording)
    yield recording


def nothing(conn: sqlite3.Connection) -> None:
    """Nothing to do inside the transaction."""


def save(
    phone: str, before: Callable[[sqlite3.Connection], None] = nothing
) -> Callable[[sqlite3.Connection], None]:
    """A write body: ``before(conn)`` inside the transaction, then a contact saved."""

    def body(conn: sqlite3.Connection) -> None:
        conn.execute("DELETE FROM contacts WHERE phone = ?", ("+33699999999",))  # takes the lock
        before(conn)
        contacts.save_contact(conn, phone, {"by": phone}, None, "2026-01-05T09:00:00Z")

    return body


@contextlib.asynccontextmanager
async def _two_stores(
    path: Path, *, writer_lock: bool
) -> AsyncIterator[tuple[SqliteStore, SqliteStore]]:
    """Two stores on one file, as two workers open it, without SQLite's busy wait (the
    writer lock, when they take it, is the only queue)."""
    async with (
        SqliteStore(path, busy_timeout_ms=0, writer_lock=writer_lock) as first,
        SqliteStore(path, busy_timeout_ms=0, writer_lock=writer_lock) as second,
    ):
        yield first, second


async def wait_for(event: threading.Event) -> None:
    assert await asyncio.to_thread(event.wait, WAIT), "the event never came"


async def test_two_stores_with_the_writer_lock_queue_and_both_commit(
    tmp_path: Path, recorder: Recorder
) -> None:
    path = tmp_path / "twoway.db"
    async with _two_stores(path, writer_lock=True) as (first, second):
        recorder.name(first, "first")
        recorder.name(second, "second")
        recorder.log.clear()
        inside = threading.Event()

        def hold_until_second_asks(conn: sqlite3.Connection) -> None:
            inside.set()
            assert recorder.asked["second"].wait(WAIT)

        one = asyncio.create_task(first.write(save(ALICE, hold_until_second_asks)))
        await wait_for(inside)  # the first is inside its transaction, holding both locks
        two = asyncio.create_task(second.write(save(BOB)))
        await asyncio.gather(one, two)

        assert recorder.log == [
            ("ask", "first"),
            ("hold", "first"),
            ("ask", "second"),  # while the first is in its transaction: queued, not refused
            ("unlock", "first"),
            ("hold", "second"),  # woken by the first's unlock, no retry in between
            ("unlock", "second"),
        ]
        assert (await first.contact(BOB)) is not None
        assert (await second.contact(ALICE)) is not None


async def test_each_writer_counts_its_transactions_and_its_wait_for_the_lock(
    tmp_path: Path, recorder: Recorder
) -> None:
    """What ``/metrics`` reads (``twoway_store_transactions``, ``…_write_seconds``,
    ``…_writer_wait_seconds``): the second store's wait behind the first is counted as a wait."""
    path = tmp_path / "twoway.db"
    async with _two_stores(path, writer_lock=True) as (first, second):
        recorder.name(first, "first")
        recorder.name(second, "second")
        before = [
            (s.writes.transactions, s.writes.writing, s.writes.waiting) for s in (first, second)
        ]
        inside = threading.Event()

        def hold_until_second_asks(conn: sqlite3.Connection) -> None:
            inside.set()
            assert recorder.asked["second"].wait(WAIT)

        one = asyncio.create_task(first.write(save(ALICE, hold_until_second_asks)))
        await wait_for(inside)
        await asyncio.gather(one, second.write(save(BOB)))

        (first_count, first_writing, _), (second_count, _, second_waiting) = before
        assert first.writes.transactions == first_count + 1
        assert second.writes.transactions == second_count + 1
        assert first.writes.writing > first_writing
        assert second.writes.waiting > second_waiting  # it asked while the first held the lock


async def test_a_store_alone_counts_every_write_and_never_waits(tmp_path: Path) -> None:
    async with SqliteStore(tmp_path / "twoway.db") as store:
        count = store.writes.transactions
        await store.write(save(ALICE))
        with pytest.raises(StoreError, match="IntegrityError"):
            await store.write(_refused)
        assert store.writes.transactions == count + 2  # a rolled-back one is a transaction too
        assert store.writes.writing > 0
        assert store.writes.waiting == 0.0


def _refused(conn: sqlite3.Connection) -> None:
    raise sqlite3.IntegrityError("refused on purpose")


async def test_without_the_writer_lock_the_second_meets_sqlites_busy_lock(
    tmp_path: Path,
) -> None:
    """What the lock is for: the same two writes, no lock, no busy wait: the second is refused."""
    path = tmp_path / "twoway.db"
    async with _two_stores(path, writer_lock=False) as (first, second):
        inside, refused = threading.Event(), threading.Event()

        def hold_until_refused(conn: sqlite3.Connection) -> None:
            inside.set()
            assert refused.wait(WAIT)

        one = asyncio.create_task(first.write(save(ALICE, hold_until_refused)))
        await wait_for(inside)
        with pytest.raises(StoreUnavailable, match="locked"):
            await second.write(save(BOB))
        refused.set()
        await one
        assert (await second.contact(ALICE)) is not None
        assert (await second.contact(BOB)) is None


async def test_a_write_that_fails_lets_go_of_the_writer_lock(
    tmp_path: Path, recorder: Recorder
) -> None:
    path = tmp_path / "twoway.db"
    async with _two_stores(path, writer_lock=True) as (first, second):
        recorder.name(first, "first")
        recorder.log.clear()

        def fail(conn: sqlite3.Connection) -> None:
            conn.execute("DELETE FROM contacts")
            raise sqlite3.IntegrityError("refused on purpose")

        with pytest.raises(StoreError, match="IntegrityError"):
            await first.write(fail)
        assert recorder.log == [("ask", "first"), ("hold", "first"), ("unlock", "first")]
        await second.write(save(BOB))  # neither lock is left held
        assert (await first.contact(BOB)) is not None


async def test_the_writer_lock_file_is_beside_the_store_and_private(tmp_path: Path) -> None:
    shared, alone = tmp_path / "shared.db", tmp_path / "alone.db"
    async with SqliteStore(shared, writer_lock=True):
        pass
    async with SqliteStore(alone):
        pass
    async with SqliteStore(":memory:", writer_lock=True) as memory:
        assert not memory._writer.shared  # one connection: nobody to queue with
    lock = Path(writer.lock_path(str(shared)))
    assert lock == tmp_path / "shared.db.writer"
    assert stat.S_IMODE(os.stat(lock).st_mode) == 0o600
    assert not Path(writer.lock_path(str(alone))).exists()


async def test_a_turn_taken_is_kept_for_the_next_write(tmp_path: Path, recorder: Recorder) -> None:
    """``writer_turn`` (the intake, before it takes its batch) holds the lock for the write
    that follows: a write of the other store asked meanwhile comes after it."""
    path = tmp_path / "twoway.db"
    async with _two_stores(path, writer_lock=True) as (first, second):
        recorder.name(first, "first")
        recorder.name(second, "second")
        recorder.log.clear()
        await first.writer_turn()
        seen: list[bool] = []

        def sees_alice(conn: sqlite3.Connection) -> None:
            row = conn.execute("SELECT 1 FROM contacts WHERE phone = ?", (ALICE,)).fetchone()
            seen.append(row is not None)

        two = asyncio.create_task(second.write(save(BOB, sees_alice)))
        await wait_for(recorder.asked["second"])
        await first.write(save(ALICE))  # the turn's write: no second ask
        await two

        assert recorder.log[:5] == [
            ("ask", "first"),
            ("hold", "first"),  # the turn
            ("ask", "second"),
            ("unlock", "first"),  # after the first's write: its turn was for that write
            ("hold", "second"),
        ]
        assert seen == [True]  # the second wrote after the first's write


async def test_a_store_of_its_own_gives_its_turn_at_once(tmp_path: Path) -> None:
    async with SqliteStore(tmp_path / "twoway.db") as alone:
        await alone.writer_turn()  # nothing to wait for, nothing held
        await alone.save_contact(ALICE, {"n": 1})
        assert (await alone.contact(ALICE)) is not None


async def test_a_turn_the_store_cannot_give_is_no_error(tmp_path: Path) -> None:
    """The intake asks for its turn before every batch: a closed store's trouble is said by
    the write that follows, not by the turn."""
    shared = SqliteStore(tmp_path / "twoway.db", writer_lock=True)
    await shared.writer_turn()  # not open: nothing to wait for
    with pytest.raises(StoreError, match="not open"):
        await shared.save_contact(ALICE, {"n": 1})
