"""Migration 0018: ``inbound`` and ``votes`` rebuilt with keys that no longer cost every message
an entry, an older store upgraded with its rows, ids and references, and a rebuild that would
break a reference refused whole."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from store_helpers import ALICE, BOB, NUMBER, T0, Index, inbound, indexes, step

from engine.core.model import Sprint, Vote
from engine.errors import StoreError
from engine.store import SqliteStore
from engine.store.codec import time_in
from engine.store.migrations import MIGRATIONS, Migration, apply_migrations

BEFORE = MIGRATIONS[: [m.name for m in MIGRATIONS].index("0018_lean_keys")]


async def _older_store(path: Path) -> None:
    """A store as the code before 0018 left it: messages with and without a provider id, an
    event and a reply that refer to one, two votes."""
    async with SqliteStore(path, migrations=BEFORE) as old:
        await old.receive([inbound(ALICE, "VOTE A", external_id="op-1", transport="operator")])
        await old.receive([inbound(BOB, "VOTE B", transport="smpp")])
        await old.commit(
            [
                step(Sprint(session=None, votes=(Vote("contest", "A"),)), inbound_id=1),
                step(Sprint(session=None, votes=(Vote("contest", "B"),)), BOB, inbound_id=2),
            ]
        )
    with sqlite3.connect(path) as conn:  # as the code before 0018 wrote them
        conn.execute(
            "INSERT INTO outbox (id, created_at, contact, recipient, sender, text, kind, status,"
            " updated_at, inbound_id) VALUES (1, ?, ?, ?, ?, 'Thanks', 'reply', 'sent', ?, 1)",
            (time_in(T0), ALICE, ALICE, NUMBER, time_in(T0)),
        )
        conn.execute(
            "INSERT INTO events (at, contact, number, flow, type, data, inbound_id)"
            " VALUES (?, ?, ?, 'contest', 'vote_recorded', '{\"poll\":\"contest\"}', 1)",
            (time_in(T0), ALICE, NUMBER),
        )
    conn.close()
    assert "sqlite_autoindex_inbound_1" in indexes(path, "inbound")
    assert "votes_contact" in indexes(path, "votes")


async def test_an_older_store_upgrades_with_its_rows_ids_and_references(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite"
    await _older_store(path)
    with sqlite3.connect(path) as conn:
        events_before = conn.execute("SELECT * FROM events ORDER BY id").fetchall()
    conn.close()
    assert [row[6] for row in events_before] == ["vote_recorded"]

    async with SqliteStore(path) as store:
        rows = await store.inbound_rows()
        assert [(m.id, m.sender, m.external_id) for m in rows] == [
            (1, ALICE, "op-1"),
            (2, BOB, None),
        ]
        [again] = await store.receive(
            [inbound(ALICE, "VOTE A", external_id="op-1", transport="operator")]
        )
        assert again.duplicate and again.message.id == 1  # still known by its provider id
        assert await store.tally("contest") == {"A": 1, "B": 1}
        await store.commit(  # one vote per voter: a change replaces it
            [step(Sprint(session=None, votes=(Vote("contest", "B", replaces=True),)))]
        )
        assert await store.tally("contest") == {"B": 2}
        assert [(c, choice) for c, choice, _ in await store.votes("contest")] == [
            (ALICE, "B"),
            (BOB, "B"),
        ]
        keys, broken = await store._read(  # the writer's connection: the keys it enforces
            lambda conn: (
                conn.execute("PRAGMA foreign_keys").fetchone()[0],
                conn.execute("PRAGMA foreign_key_check").fetchall(),
            )
        )
        assert (keys, broken) == (1, [])  # references whole, and still enforced

    with sqlite3.connect(path) as conn:
        events_after = conn.execute("SELECT * FROM events ORDER BY id").fetchall()
        assert [row[1:] for row in events_after] == [row[1:] for row in events_before]
        assert conn.execute("SELECT inbound_id FROM outbox").fetchall() == [(1,)]
    conn.close()
    assert indexes(path, "inbound") == {
        "inbound_external_id": Index(["transport", "external_id"], True, True),
        "inbound_fingerprint": Index(["fingerprint"], True, True),
        "inbound_pending": Index(["id"], False, True),
        "inbound_conversation": Index(["sender", "recipient", "received_at"], False, False),
        "inbound_waiting": Index(["sender", "recipient"], False, True),
    }
    assert indexes(path, "votes") == {
        "sqlite_autoindex_votes_1": Index(["contact", "poll"], True, False),
        "votes_at": Index(["poll", "at"], False, False),  # votes_tally until 0020
    }


async def test_a_provider_id_is_still_unique_and_messages_without_one_are_not_keyed(
    tmp_path: Path,
) -> None:
    path = tmp_path / "db.sqlite"
    async with SqliteStore(path) as store:
        await store.receive([inbound(ALICE, "A", external_id="op-1", transport="operator")])
        await store.receive([inbound(ALICE, "B", transport="smpp"), inbound(BOB, "C")])

        def twice(conn: sqlite3.Connection) -> str:
            try:
                conn.execute(
                    "INSERT INTO inbound (transport, external_id, sender, recipient, text,"
                    " received_at) VALUES ('operator', 'op-1', ?, ?, 'again', ?)",
                    (BOB, NUMBER, time_in(T0)),
                )
            except sqlite3.IntegrityError as exc:
                return str(exc)
            return "written"

        assert await store._write(twice) == (
            "UNIQUE constraint failed: inbound.transport, inbound.external_id"
        )
        keyed = await store._read(
            lambda conn: conn.execute(
                "SELECT COUNT(*) FROM inbound INDEXED BY inbound_external_id"
                " WHERE external_id IS NOT NULL"
            ).fetchone()[0]
        )
    assert keyed == 1


def test_a_rebuild_that_breaks_a_reference_is_refused_whole(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "db.sqlite", isolation_level=None)
    conn.execute("PRAGMA foreign_keys = ON")
    apply_migrations(conn)
    conn.execute(
        "INSERT INTO inbound (id, transport, sender, recipient, text, received_at)"
        " VALUES (1, 'smpp', ?, ?, 'VOTE A', ?)",
        (ALICE, NUMBER, time_in(T0)),
    )
    conn.execute(
        "INSERT INTO outbox (id, created_at, contact, recipient, sender, text, kind, status,"
        " updated_at, inbound_id) VALUES (1, ?, ?, ?, ?, 'Thanks', 'reply', 'sent', ?, 1)",
        (time_in(T0), ALICE, ALICE, NUMBER, time_in(T0)),
    )
    losing = Migration("0019_loses_a_row", ("DELETE FROM inbound",), rebuilds=True)
    with pytest.raises(StoreError, match="migration 0019_loses_a_row failed: a reference no"):
        apply_migrations(conn, (*MIGRATIONS, losing))
    assert conn.execute("SELECT COUNT(*) FROM inbound").fetchone() == (1,)
    assert conn.execute("PRAGMA foreign_keys").fetchone() == (1,)  # as it was before
    conn.close()
