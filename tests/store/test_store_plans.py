"""The hot path's reads go through their indexes, whatever the tables hold (query plans)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import replace

import pytest
from store_helpers import NUMBER, T0, inbound

from engine.store import claims, intake, outbox, sessions, threads
from engine.store.codec import time_in
from engine.store.migrations import MIGRATIONS, apply_migrations

PHONES = [f"+3361000{i:04d}" for i in range(8)]


@pytest.fixture
def conn() -> Iterator[sqlite3.Connection]:
    """A migrated database with 2,000 open threads of texts nothing answered (one per
    sender, as a busy inbox has) and no statistics (no ``ANALYZE``, as in production)."""
    conn = sqlite3.connect(":memory:", isolation_level=None)
    apply_migrations(conn, MIGRATIONS)
    at = time_in(T0)
    conn.executemany(
        "INSERT INTO threads (contact, number, team, kind, status, opened_at, updated_at)"
        " VALUES (?, ?, 'inbox', 'unmatched', 'open', ?, ?)",
        [(f"+3362000{i:04d}", NUMBER, at, at) for i in range(2_000)],
    )
    yield conn
    conn.close()


def _plans(
    conn: sqlite3.Connection, run: object, kinds: tuple[str, ...] = ("SELECT",)
) -> list[str]:
    statements: list[str] = []
    conn.set_trace_callback(statements.append)
    try:
        assert callable(run)
        run()
    finally:
        conn.set_trace_callback(None)
    return [
        " | ".join(row[3] for row in conn.execute(f"EXPLAIN QUERY PLAN {sql}"))
        for sql in statements
        if sql.lstrip().upper().startswith(kinds)
    ]


def test_holding_reads_the_active_threads_of_the_batch_only(conn: sqlite3.Connection) -> None:
    (plan,) = _plans(conn, lambda: threads.holding(conn, PHONES))
    assert "threads_active" in plan, plan


def test_load_scans_no_table(conn: sqlite3.Connection) -> None:
    keys = [(phone, NUMBER) for phone in PHONES]
    plans = _plans(conn, lambda: sessions.load(conn, keys, T0))
    assert plans
    for plan in plans:
        assert "SCAN" not in plan and "threads_status" not in plan, plan


def test_the_messages_waiting_ahead_of_a_batch_are_read_through_their_own_index(
    conn: sqlite3.Connection,
) -> None:
    """Not through ``inbound_conversation``, which holds every message a phone ever sent."""
    (plan,) = _plans(conn, lambda: intake.waiting_before(conn, [inbound(p) for p in PHONES]))
    assert plan == "SEARCH inbound USING INDEX inbound_waiting (sender=?)", plan


def test_the_outbox_reads_by_status_use_the_partial_indexes(conn: sqlite3.Connection) -> None:
    """``outbox_status`` is gone (migration 0013): what read by status has an index of its own."""
    names = {row[1] for row in conn.execute("PRAGMA index_list(outbox)")}
    assert "outbox_status" not in names and {"outbox_pending", "outbox_held"} <= names
    plans = _plans(
        conn,
        lambda: (
            outbox.queued_outbox(conn, 10),
            outbox.next_held(conn),
            outbox.release_held(conn, T0, 10, CLAIM),
        ),
    )
    assert len(plans) == 3
    for plan in plans:
        assert "SCAN outbox" not in plan or "INDEX outbox_" in plan, plan


CLAIM = claims.Claim("host:1:ab", time_in(T0))


def test_the_claims_read_the_partial_indexes_of_rows_in_flight(conn: sqlite3.Connection) -> None:
    """Taking expired claims, renewing one's own, claiming notifications: each reads the
    partial index of the rows still to send (``outbox_pending``) or of pending notifications
    (``notifications_due``), never the whole table (migration 0015 adds no index)."""
    now = time_in(T0)
    plans = _plans(
        conn,
        lambda: (
            claims.take_over(conn, CLAIM, now, 10),
            claims.renew(conn, CLAIM),
            claims.claim_notifications(conn, CLAIM, T0, 10),
            outbox.waiting_outbox(conn, [1, 2], CLAIM.owner),
        ),
        ("SELECT", "UPDATE"),
    )
    assert len(plans) == 6
    for plan in plans:
        for step in plan.split(" | "):
            assert not step.startswith("SCAN") or "USING INDEX" in step, plan
        assert any(i in plan for i in ("outbox_pending", "notifications_due", "PRIMARY KEY")), plan


def test_a_redelivery_without_an_id_is_looked_up_by_conversation(
    conn: sqlite3.Connection,
) -> None:
    """Messages without a provider id (SMPP) are compared with the rows of their conversation
    in the window, read through ``inbound_conversation`` (migration 0016 dropped the content key's
    own index)."""
    messages = [
        replace(inbound(phone, "HOURS", transport="operator"), dedup_window=60.0)
        for phone in PHONES
    ]
    plans = _plans(conn, lambda: intake.take(conn, messages))
    assert plans
    for plan in plans:
        assert "SCAN" not in plan, plan
    assert any(
        "inbound_conversation (sender=? AND recipient=? AND received_at>?)" in p for p in plans
    )
