"""Timers: scheduled starts, due order, the next due time."""

from __future__ import annotations

from datetime import timedelta

from store_helpers import ALICE, BOB, NUMBER, T0

from engine.store import SqliteStore


async def test_schedule_start_and_due_order(store: SqliteStore) -> None:
    assert await store.next_timer_due() is None
    later = await store.schedule_start(
        ALICE, NUMBER, "appt", {"appt": {"at": "x"}}, T0 + timedelta(hours=2)
    )
    first = await store.schedule_start(BOB, NUMBER, "appt", {}, T0)
    tie = await store.schedule_start(ALICE, NUMBER, "other", {}, T0)
    assert await store.next_timer_due() == T0
    due = await store.due_timers(T0)
    assert [t.id for t in due] == [first, tie]
    assert await store.due_timers(T0 - timedelta(microseconds=1)) == []
    assert [t.id for t in await store.due_timers(T0, limit=1)] == [first]
    [timer] = [t for t in await store.due_timers(T0 + timedelta(days=1)) if t.id == later]
    assert (timer.kind, timer.contact, timer.number, timer.flow) == ("start", ALICE, NUMBER, "appt")
    assert timer.params == {"appt": {"at": "x"}} and timer.session_id is None
    assert timer.due == T0 + timedelta(hours=2) and timer.due.tzinfo is not None


async def test_a_timer_id_is_never_reused(store: SqliteStore) -> None:
    from engine.core.model import Sprint
    from engine.core.records import Step

    first = await store.schedule_start(ALICE, NUMBER, "appt", {}, T0)
    # consuming the only timer empties the table; the next one must still get a new id
    await store.commit([Step(ALICE, NUMBER, Sprint(session=None), T0, "v", timer_id=first)])
    assert await store.due_timers(T0) == []
    second = await store.schedule_start(ALICE, NUMBER, "appt", {}, T0)
    assert second > first
