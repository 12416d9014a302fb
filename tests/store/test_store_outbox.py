"""Outbox lifecycle: queued → sending → sent / failed / suppressed; 'sending' rows after a crash."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

import pytest
from store_helpers import ALICE, BOB, T0, reply, step

from engine.core.clock import FixedClock
from engine.core.model import Event, Sprint
from engine.core.records import OutboxRow
from engine.errors import StoreError
from engine.store import SqliteStore


async def _queue(store: SqliteStore, *texts: str) -> list[OutboxRow]:
    sprint = Sprint(session=None, outbound=tuple(reply(ALICE, text) for text in texts))
    return await store.commit([step(sprint)])


async def test_lifecycle_queued_sending_sent(store: SqliteStore, clock: FixedClock) -> None:
    a, b = await _queue(store, "a", "b")
    assert [r.id for r in await store.queued_outbox()] == [a.id, b.id]
    await store.mark_sending([a.id, b.id])
    sending = await store.queued_outbox()
    assert [(r.id, r.status) for r in sending] == [(a.id, "sending"), (b.id, "sending")]
    clock.advance(timedelta(seconds=5))
    await store.mark_sent([(a.id, "prov-1"), (b.id, None)])
    assert await store.queued_outbox() == []
    rows = await store.outbox_rows(ALICE)
    assert [(r.status, r.attempts) for r in rows] == [("sent", 1), ("sent", 1)]
    assert rows[0].created_at == T0
    details = await store._read(
        lambda conn: conn.execute("SELECT external_id, sent_at FROM outbox ORDER BY id").fetchall()
    )
    assert details[0][0] == "prov-1" and details[1][0] is None
    assert details[0][1] == (T0 + timedelta(seconds=5)).isoformat(timespec="microseconds")


async def test_failures_retry_or_stop(store: SqliteStore) -> None:
    a, b = await _queue(store, "transient", "permanent")
    await store.mark_sending([a.id, b.id])
    await store.mark_failed(a.id, "throttled", permanent=False)
    await store.mark_failed(b.id, "invalid number", permanent=True)
    [retry] = await store.queued_outbox()
    assert (retry.id, retry.status, retry.attempts) == (a.id, "queued", 1)
    rows = {r.id: r for r in await store.outbox_rows()}
    assert (rows[b.id].status, rows[b.id].attempts) == ("failed", 1)
    errors = await store._read(
        lambda conn: dict(conn.execute("SELECT id, last_error FROM outbox").fetchall())
    )
    assert errors == {a.id: "throttled", b.id: "invalid number"}


async def test_suppress_only_touches_unsent_rows(store: SqliteStore) -> None:
    a, b, c = await _queue(store, "a", "b", "c")
    await store.mark_sent([(c.id, "x")])
    await store.suppress([a.id, c.id], "opted out at send time")
    assert [r.id for r in await store.queued_outbox()] == [b.id]
    statuses = {r.id: r.status for r in await store.outbox_rows()}
    assert statuses == {a.id: "suppressed", b.id: "queued", c.id: "sent"}
    await store.mark_sending([a.id])  # a suppressed row never goes back to sending
    assert [r.id for r in await store.queued_outbox()] == [b.id]


async def test_queued_outbox_is_ordered_and_limited(store: SqliteStore) -> None:
    rows = await _queue(store, *(f"m{i}" for i in range(10)))
    await store.mark_sending([rows[5].id])
    assert [r.id for r in await store.queued_outbox(limit=3)] == [r.id for r in rows[:3]]
    assert [r.id for r in await store.queued_outbox()] == [r.id for r in rows]


async def test_sending_rows_are_returned_after_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite"
    async with SqliteStore(path) as store:
        a, b, c = await _queue(store, "a", "b", "c")
        await store.mark_sending([a.id, b.id])
        await store.mark_sent([(a.id, "ok")])
        # the process dies while ``b`` is with the transport
    async with SqliteStore(path) as store:
        again = await store.queued_outbox()
        assert [(r.id, r.status, r.message.text) for r in again] == [
            (b.id, "sending", "b"),
            (c.id, "queued", "c"),
        ]
        assert again[0].contact == ALICE and again[0].message.recipient == ALICE


async def test_outbox_rows_filter_by_contact(store: SqliteStore) -> None:
    await store.commit(
        [
            step(Sprint(session=None, outbound=(reply(ALICE, "x"),))),
            step(Sprint(session=None, outbound=(reply(BOB, "y"),)), BOB),
        ]
    )
    assert [r.message.text for r in await store.outbox_rows(BOB)] == ["y"]
    assert len(await store.outbox_rows()) == 2


async def test_concurrent_calls_do_not_interleave_transactions(store: SqliteStore) -> None:
    rows = await _queue(store, *(f"m{i}" for i in range(20)))
    calls = [store.mark_sent([(row.id, f"p{row.id}")]) for row in rows]
    calls += [_queue(store, f"extra{i}") for i in range(20)]
    calls += [store.load([(ALICE, "36111")], replies_since=T0) for _ in range(5)]
    await asyncio.gather(*calls)
    statuses = [r.status for r in await store.outbox_rows()]
    assert statuses.count("sent") == 20 and statuses.count("queued") == 20


async def test_sent_marks_ride_with_a_write_under_way_and_survive_its_failure(
    store: SqliteStore,
) -> None:
    [row] = await _queue(store, "a")
    broken = step(Sprint(session=None, events=(Event("x"),)), inbound_id=999)  # no such inbound
    ok, marked, failed = await asyncio.gather(
        store.commit([step(Sprint(session=None))]),  # under way when the marks come
        store.mark_sent([(row.id, "prov-9")]),
        store.commit([broken]),  # the next write: it carries the marks, and fails
        return_exceptions=True,
    )
    assert ok == [] and marked is None and isinstance(failed, StoreError)
    [stored] = await store.outbox_rows(ALICE)
    assert (stored.status, stored.attempts) == ("sent", 1)  # written after all, on their own


async def test_sent_marks_that_cannot_be_written_raise(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "t.db")
    await store.open()
    [row] = await _queue(store, "a")
    await store.close()
    with pytest.raises(StoreError, match="not open"):
        await store.mark_sent([(row.id, "prov-1")])
