"""What rides in the next write transaction: the outbox's ``sent`` marks and the transports'
receipts cost no transaction of their own while other writes come (one fsync per batch)."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from collections.abc import AsyncIterator, Sequence

import pytest
from store_helpers import ALICE, BOB, T0, inbound, reply, step

from engine.core.messages import Inbound
from engine.core.model import Sprint, Tallies
from engine.core.records import Conversation, Key, Step, Work, conversation_key
from engine.store import SqliteStore, connection


def _quiet(
    conversations: dict[Key, Conversation], work: Sequence[Work], tallies: Tallies
) -> list[Step]:
    return [
        Step(*conversation_key(item), Sprint(session=None), T0, "v1", inbound_id=item.id)
        for item in work
        if isinstance(item, Inbound)
    ]


@contextlib.asynccontextmanager
async def _transactions(store: SqliteStore) -> AsyncIterator[list[str]]:
    """The ``BEGIN`` statements the store runs meanwhile: one per write transaction."""
    begun: list[str] = []

    def trace(conn: sqlite3.Connection, on: bool) -> None:
        conn.set_trace_callback(
            (lambda sql: begun.append(sql) if sql.startswith("BEGIN") else None) if on else None
        )

    await store._call(trace, True)
    try:
        yield begun
    finally:
        await store._call(trace, False)


async def test_receipts_and_marks_ride_in_the_next_batch(store: SqliteStore) -> None:
    [row] = await store.commit([step(Sprint(session=None, outbound=(reply(ALICE, "a"),)))])
    await store.mark_sending([row.id])
    async with _transactions(store) as begun:
        first = asyncio.ensure_future(
            store.handle([inbound(ALICE, "HI")], _quiet, replies_since=T0)
        )
        await asyncio.sleep(0)  # the first batch's transaction is under way
        sent = asyncio.ensure_future(store.mark_sent([(row.id, "900")]))
        delivered = asyncio.ensure_future(
            store.mark_deliveries([("900", "delivered", None), ("901", "delivered", None)])
        )
        await asyncio.sleep(0)
        second = asyncio.ensure_future(store.handle([inbound(BOB, "HI")], _quiet, replies_since=T0))
        await asyncio.gather(first, sent, second)
        assert await delivered == [True, False]  # 901: no row has it (kept for later)
    assert len(begun) == 2, begun  # the two batches: the mark and the receipts rode the second
    rows = await store.read(
        lambda conn: conn.execute("SELECT status, external_id FROM outbox").fetchall()
    )
    assert rows == [("delivered", "900")]


async def test_marks_wait_a_moment_for_a_batch_to_carry_them(
    store: SqliteStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A busy link's ``submit_sm_resp`` come just before its next ``deliver_sm``: the marks
    wait (``SENT_WAIT``) for that batch instead of taking a transaction (and an fsync) of
    their own first."""
    monkeypatch.setattr(connection, "SENT_WAIT", 60.0)  # the batch surely comes first
    [row] = await store.commit([step(Sprint(session=None, outbound=(reply(ALICE, "a"),)))])
    await store.mark_sending([row.id])
    async with _transactions(store) as begun:
        sent = asyncio.ensure_future(store.mark_sent([(row.id, "900")]))
        for _ in range(3):  # the loop turns a few times: no write of the marks alone
            await asyncio.sleep(0)
        await store.handle([inbound(BOB, "HI")], _quiet, replies_since=T0)
        await asyncio.wait_for(sent, timeout=5)
    assert len(begun) == 1, begun  # the mark rode the batch
    rows = await store.read(lambda conn: conn.execute("SELECT status FROM outbox").fetchall())
    assert rows == [("sent",)]


async def test_marks_somebody_waits_for_are_written_soon(
    store: SqliteStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Marks wait for the next message only while nobody waits for them: ``hurry`` (the
    outbox's window is full, a drain) has them written within ``MARKS_WAIT``, alone."""
    monkeypatch.setattr(connection, "SENT_WAIT", 3600.0)  # they would wait an hour
    [row] = await store.commit([step(Sprint(session=None, outbound=(reply(ALICE, "a"),)))])
    await store.mark_sending([row.id])
    async with _transactions(store) as begun:
        sent = asyncio.ensure_future(store.mark_sent([(row.id, "900")]))
        for _ in range(3):
            await asyncio.sleep(0)
        assert not sent.done()  # waiting for a batch to carry them
        store.hurry()
        await asyncio.wait_for(sent, timeout=5)
    assert len(begun) == 1, begun
    rows = await store.read(lambda conn: conn.execute("SELECT status FROM outbox").fetchall())
    assert rows == [("sent",)]


async def test_a_receipt_takes_the_waiting_marks_with_it(
    store: SqliteStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Receipts never wait long (the SMSC waits for their answers): marks waiting for a batch
    go with them, in their transaction, and the receipt finds the row they mark."""
    monkeypatch.setattr(connection, "SENT_WAIT", 3600.0)
    [row] = await store.commit([step(Sprint(session=None, outbound=(reply(ALICE, "a"),)))])
    await store.mark_sending([row.id])
    async with _transactions(store) as begun:
        sent = asyncio.ensure_future(store.mark_sent([(row.id, "900")]))
        await asyncio.sleep(0)
        found = await asyncio.wait_for(
            store.mark_deliveries([("900", "delivered", None)]), timeout=5
        )
        await asyncio.wait_for(sent, timeout=5)
    assert (found, len(begun)) == ([True], 1)
    rows = await store.read(lambda conn: conn.execute("SELECT status FROM outbox").fetchall())
    assert rows == [("delivered",)]


async def test_receipts_alone_are_written_soon(store: SqliteStore) -> None:
    """With no other write coming, receipts get a transaction of their own after
    ``MARKS_WAIT``."""
    assert await asyncio.wait_for(store.mark_deliveries([("1", "delivered", None)]), timeout=5) == [
        False
    ]
    kept = await store.read(
        lambda conn: conn.execute("SELECT external_id, outbox_id FROM receipts").fetchall()
    )
    assert kept == [("1", None)]


def _inbound_rows(conn: sqlite3.Connection) -> int:
    return int(conn.execute("SELECT COUNT(*) FROM inbound").fetchone()[0])


async def test_a_failed_batch_keeps_its_riders_for_the_next_write(store: SqliteStore) -> None:
    def broken(
        conversations: dict[Key, Conversation], work: Sequence[Work], tallies: Tallies
    ) -> list[Step]:
        raise RuntimeError("a bug in the rules")

    first = asyncio.ensure_future(store.handle([inbound(ALICE, "HI")], broken, replies_since=T0))
    await asyncio.sleep(0)
    delivered = asyncio.ensure_future(store.mark_deliveries([("7", "delivered", None)]))
    with contextlib.suppress(RuntimeError):
        await first
    assert await asyncio.wait_for(delivered, timeout=5) == [False]
    assert await store.read(_inbound_rows) == 0  # the batch was rolled back, not its riders
