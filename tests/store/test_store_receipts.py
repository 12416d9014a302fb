"""Delivery receipts: mark_delivery updates the outbox row with the provider id, even when the
receipt arrives before the row records that id (the receipt races the outbox's commit)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from store_helpers import ALICE, reply, step

from engine.core.messages import SentParts
from engine.core.model import Sprint
from engine.core.records import OutboxRow
from engine.store import SqliteStore
from engine.store.migrations import MIGRATIONS, apply_migrations


async def _queue(store: SqliteStore, *texts: str) -> list[OutboxRow]:
    sprint = Sprint(session=None, outbound=tuple(reply(ALICE, text) for text in texts))
    return await store.commit([step(sprint)])


async def _delivery(store: SqliteStore) -> list[tuple[str, str | None, bool]]:
    return await store._read(
        lambda conn: [
            (status, error, at is not None)
            for status, error, at in conn.execute(
                "SELECT status, delivery_error, delivered_at FROM outbox ORDER BY id"
            )
        ]
    )


async def test_a_receipt_after_the_send_updates_the_row(store: SqliteStore) -> None:
    a, b = await _queue(store, "a", "b")
    await store.mark_sending([a.id, b.id])
    await store.mark_sent([(a.id, "100"), (b.id, "101")])
    assert await store.mark_delivery("100", "delivered", None) is True
    assert await store.mark_delivery("101", "undeliverable", "034") is True
    assert await _delivery(store) == [("delivered", None, True), ("undeliverable", "034", True)]


async def test_a_receipt_before_mark_sent_is_applied_when_the_id_is_recorded(
    store: SqliteStore,
) -> None:
    a, b = await _queue(store, "a", "b")
    await store.mark_sending([a.id, b.id])
    assert await store.mark_delivery("200", "delivered", None) is False
    assert await store.mark_delivery("201", "expired", "027") is False
    await store.mark_sent([(a.id, "200"), (b.id, "201")])
    assert await _delivery(store) == [("delivered", None, True), ("expired", "027", True)]
    matched = await store._read(
        lambda conn: conn.execute("SELECT outbox_id FROM receipts ORDER BY id").fetchall()
    )
    assert matched == [(a.id,), (b.id,)]


async def test_an_intermediate_receipt_changes_nothing_and_a_resend_keeps_the_outcome(
    store: SqliteStore,
) -> None:
    [a] = await _queue(store, "a")
    await store.mark_sending([a.id])
    await store.mark_sent([(a.id, "300")])
    await store.mark_delivery("300", "sent", None)  # ENROUTE
    assert await _delivery(store) == [("sent", None, False)]
    await store.mark_delivery("300", "delivered", None)
    await store.mark_sent([(a.id, "300")])  # a re-send after a restart
    assert await _delivery(store) == [("delivered", None, True)]
    assert (await store.counts())["receipts"] == 2


async def test_many_receipts_in_one_call(store: SqliteStore) -> None:
    a, b = await _queue(store, "a", "b")
    await store.mark_sent([(a.id, "500")])
    found = await store.mark_deliveries([("500", "delivered", None), ("501", "rejected", "001")])
    assert found == [True, False]
    await store.mark_sent([(b.id, "501")])
    assert await _delivery(store) == [("delivered", None, True), ("rejected", "001", True)]


async def test_an_unknown_id_is_kept_and_matches_nothing(store: SqliteStore) -> None:
    [a] = await _queue(store, "a")
    await store.mark_sent([(a.id, "400")])
    assert await store.mark_delivery("999", "delivered", None) is False
    assert await _delivery(store) == [("sent", None, False)]


def test_the_migration_keeps_outbox_rows(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "old.db", isolation_level=None)
    apply_migrations(conn, MIGRATIONS[:2])
    conn.execute(
        "INSERT INTO outbox (created_at, contact, recipient, sender, text, kind, status,"
        " external_id, updated_at) VALUES ('t', 'c', 'c', '36111', 'hi', 'reply', 'sent',"
        " 'x1', 't')"
    )
    assert apply_migrations(conn, MIGRATIONS[:3]) == ["0003_delivery_receipts"]
    assert conn.execute(
        "SELECT text, status, external_id, delivered_at FROM outbox"
    ).fetchall() == [("hi", "sent", "x1", None)]
    conn.execute("UPDATE outbox SET status = 'undeliverable'")
    conn.close()


async def test_a_message_sent_in_parts_is_delivered_once_every_part_is(store: SqliteStore) -> None:
    a, b, c = await _queue(store, "a", "b", "c")
    await store.mark_sending([a.id, b.id, c.id])
    # a report of c's first part before c's send is recorded
    assert await store.mark_delivery("+1#7", "undeliverable", "41") is False
    await store.mark_sent(
        [
            (a.id, SentParts(("+1#1", "+1#2", "+1#3"))),
            (b.id, SentParts(("+1#4", "+1#5"))),
            (c.id, SentParts(("+1#7", "+1#8"))),
        ]
    )
    for part in ("+1#3", "+1#1"):  # the last part's report does not decide
        assert await store.mark_delivery(part, "delivered", None) is True
    await store.mark_delivery("+1#2", "sent", None)  # en route
    await store.mark_delivery("+1#5", "delivered", None)
    await store.mark_delivery("+1#4", "expired", "27")
    assert await _delivery(store) == [
        ("sent", None, False),
        ("expired", "27", True),  # a part failed: the message failed
        ("undeliverable", "41", True),  # the early report applied to its part
    ]
    await store.mark_delivery("+1#2", "delivered", None)
    assert (await _delivery(store))[0] == ("delivered", None, True)
    ids = await store._read(lambda conn: conn.execute("SELECT external_id FROM outbox").fetchall())
    assert ids == [("+1#3",), ("+1#5",), ("+1#8",)]  # the row keeps its last part's id
