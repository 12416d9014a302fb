"""Migration 0016: the hot path's commit writes fewer b-trees, and an older store upgrades (its
rows still recognised as re-delivered, its outbox read through the one conversation index)."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from store_helpers import ALICE, NUMBER, T0, inbound, indexes

from engine.store import SqliteStore
from engine.store.codec import time_in
from engine.store.migrations import MIGRATIONS

BEFORE = MIGRATIONS[: [m.name for m in MIGRATIONS].index("0016_lean_indexes")]


async def test_an_older_store_upgrades_and_its_rows_are_still_recognised(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite"
    async with SqliteStore(path, migrations=BEFORE):
        pass
    assert "inbound_content" in indexes(path, "inbound")
    assert "outbox_contact" in indexes(path, "outbox")
    assert "inbox_status" in indexes(path, "inbox")
    with sqlite3.connect(path) as conn:  # a row as the code before 0016 wrote it: a content key
        conn.execute(
            "INSERT INTO inbound (id, transport, sender, recipient, text, received_at, content,"
            " status) VALUES (1, 'operator', ?, ?, 'VOTE A', ?, 'its sha256', 'processed')",
            (ALICE, NUMBER, time_in(T0)),
        )
        conn.execute(
            "INSERT INTO outbox (id, created_at, contact, recipient, sender, text, kind, status,"
            " updated_at) VALUES (1, ?, ?, ?, ?, 'Thanks', 'reply', 'sent', ?)",
            (time_in(T0), ALICE, ALICE, NUMBER, time_in(T0)),
        )
    conn.close()

    async with SqliteStore(path) as store:
        again = replace(
            inbound(ALICE, "VOTE A", at=T0 + timedelta(seconds=2), transport="operator"),
            dedup_window=60.0,
        )
        [received] = await store.receive([again])
        assert received.duplicate and received.message.id == 1
        loaded = await store.load([(ALICE, NUMBER)], replies_since=T0 - timedelta(hours=1))
        assert loaded[(ALICE, NUMBER)].recent_replies == 1

    inbound_indexes = indexes(path, "inbound")
    assert "inbound_content" not in inbound_indexes
    assert inbound_indexes["inbound_conversation"].columns == ["sender", "recipient", "received_at"]
    assert "inbox_status" not in indexes(path, "inbox")
    outbox_indexes = indexes(path, "outbox")
    assert "outbox_contact" not in outbox_indexes
    assert outbox_indexes["outbox_conversation"].columns == [
        "contact",
        "sender",
        "created_at",
        "kind",
    ]


async def test_a_message_without_an_id_writes_no_content_key(tmp_path: Path) -> None:
    async with SqliteStore(tmp_path / "db.sqlite") as store:
        message = replace(inbound(ALICE, "HOURS", transport="operator"), dedup_window=60.0)
        await store.receive([message])
        rows = await store.read(
            lambda conn: conn.execute("SELECT content, fingerprint FROM inbound").fetchall()
        )
    assert rows == [(None, None)]
