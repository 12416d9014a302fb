"""Own the outbox after its rows are written: what to hand over, the marks of sending, sent and
failed, quiet hours' holds, suppression, and delivery receipts (a message sent in parts too)."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import datetime
from typing import NamedTuple, cast

from engine.core.messages import Address, Outgoing, ProviderId, SentParts
from engine.core.records import OutboxRow, OutboxStatus
from engine.store.codec import time_in, time_out
from engine.store.sql import Row, many, select_in

__all__ = [
    "OUTBOX_COLUMNS",
    "RECEIPT_FINAL",
    "OutboxInsert",
    "hold",
    "insert_outbox",
    "mark_deliveries",
    "mark_delivery",
    "mark_failed",
    "mark_sending",
    "mark_sent",
    "next_held",
    "outbox_row",
    "outbox_rows",
    "queued_outbox",
    "release_held",
    "suppress",
    "waiting_outbox",
]


OutboxValues = tuple[
    int,
    str,
    Address,
    Address,
    Address,
    str,
    str,
    OutboxStatus,
    str | None,
    str,
    int | None,
    str | None,
    int | None,
    str | None,
    str | None,
    str | None,
]
"""An outbox row as :func:`insert_outbox` writes it, as an exact tuple (the batch commit writes
one per message, and sqlite3 binds exact tuples fastest): the fields of :class:`OutboxInsert`."""


class OutboxInsert(NamedTuple):
    """One outbox row as it is written, in the column order of :func:`insert_outbox` (what the
    API and the inbox write, one at a time)."""

    id: int
    created_at: str
    contact: Address
    recipient: Address
    sender: Address
    text: str
    kind: str
    status: OutboxStatus
    last_error: str | None
    updated_at: str
    inbound_id: int | None
    session_id: str | None
    campaign: int | None
    hold_until: str | None
    claimed_by: str | None
    """The owner that hands it over (``store.claims``): the writer of a row to send."""
    lease_until: str | None

    @classmethod
    def sending(
        cls, outbox_id: int, at: str, message: Outgoing, claim: tuple[str, str]
    ) -> OutboxInsert:
        """A message written ``sending`` on its own (a send of the API, a person's reply),
        outside any conversation's step, claimed by ``claim`` (owner, lease's end)."""
        return cls(
            id=outbox_id, created_at=at, contact=message.recipient, recipient=message.recipient,
            sender=message.sender, text=message.text, kind=message.kind, status="sending",
            last_error=None, updated_at=at, inbound_id=None, session_id=None, campaign=None,
            hold_until=None, claimed_by=claim[0], lease_until=claim[1],
        )  # fmt: skip


_INSERT_OUTBOX = (
    f"INSERT INTO outbox ({', '.join(OutboxInsert._fields)})"
    f" VALUES ({', '.join('?' * len(OutboxInsert._fields))})"
)
"""The columns are the fields of ``OutboxInsert``: one list, the row's and the statement's."""


def insert_outbox(conn: sqlite3.Connection, rows: Sequence[OutboxValues]) -> None:
    """Write outbox rows (one ``executemany``)."""
    many(conn, _INSERT_OUTBOX, rows)


OUTBOX_COLUMNS = (
    "id, recipient, sender, text, kind, created_at, status, attempts, contact, campaign"
)


def outbox_row(row: Row) -> OutboxRow:
    """An outbox row read with ``OUTBOX_COLUMNS``."""
    return OutboxRow(
        id=row[0],
        message=Outgoing(recipient=row[1], sender=row[2], text=row[3], kind=row[4]),
        created_at=time_out(row[5]),
        status=cast(OutboxStatus, row[6]),
        attempts=row[7],
        contact=row[8],
        campaign=row[9],
    )


def queued_outbox(conn: sqlite3.Connection, limit: int) -> list[OutboxRow]:
    sql = (
        f"SELECT {OUTBOX_COLUMNS} FROM outbox WHERE status IN ('queued', 'sending')"
        " AND hold_until IS NULL ORDER BY id LIMIT ?"
    )
    return [outbox_row(row) for row in conn.execute(sql, (limit,))]


def waiting_outbox(conn: sqlite3.Connection, ids: Sequence[int], owner: str) -> list[OutboxRow]:
    """The rows of ``ids`` still to hand over (``queued`` or ``sending``) that ``owner`` still
    holds (another process took over the rows of a lease it let lapse), in id order."""
    sql = (
        f"SELECT {OUTBOX_COLUMNS} FROM outbox WHERE claimed_by = ? AND id IN ({{marks}})"
        " AND status IN ('queued', 'sending')"
    )
    rows = [outbox_row(row) for row in select_in(conn, sql, ids, (owner,))]
    return sorted(rows, key=lambda row: row.id)


def outbox_rows(conn: sqlite3.Connection, contact: Address | None) -> list[OutboxRow]:
    if contact is None:
        cursor = conn.execute(f"SELECT {OUTBOX_COLUMNS} FROM outbox ORDER BY id")
    else:
        sql = f"SELECT {OUTBOX_COLUMNS} FROM outbox WHERE contact = ? ORDER BY id"
        cursor = conn.execute(sql, (contact,))
    return [outbox_row(row) for row in cursor]


def mark_sending(conn: sqlite3.Connection, ids: Sequence[int], now: str) -> None:
    conn.executemany(
        "UPDATE outbox SET status = 'sending', updated_at = ?"
        " WHERE id = ? AND status IN ('queued', 'sending')",
        [(now, outbox_id) for outbox_id in ids],
    )


def mark_sent(
    conn: sqlite3.Connection, results: Sequence[tuple[int, ProviderId | None]], now: str
) -> None:
    # A row whose receipt was already applied (a re-send after a restart) keeps its outcome.
    conn.executemany(
        "UPDATE outbox SET status = CASE WHEN delivered_at IS NULL THEN 'sent' ELSE status END,"
        " attempts = attempts + 1, sent_at = ?, updated_at = ?,"
        " external_id = COALESCE(?, external_id), last_error = NULL WHERE id = ?",
        [(now, now, _row_id(external_id), outbox_id) for outbox_id, external_id in results],
    )
    long = [(outbox_id, ids) for outbox_id, ids in results if isinstance(ids, SentParts)]
    if long:  # a message sent again has parts of new ids
        conn.executemany("DELETE FROM outbox_parts WHERE outbox_id = ?", [(o,) for o, _ in long])
        many(
            conn,
            "INSERT INTO outbox_parts (outbox_id, part, external_id) VALUES (?, ?, ?)",
            [(o, n, part) for o, ids in long for n, part in enumerate(ids.ids, 1)],
        )
    # Receipts that arrived before this commit recorded the SMSC id: apply them now.
    pairs = [
        (external_id, outbox_id)
        for outbox_id, sent in results
        for external_id in (sent.ids if isinstance(sent, SentParts) else (sent,))
        if external_id
    ]
    if (
        not pairs
        or not conn.execute("SELECT 1 FROM receipts WHERE outbox_id IS NULL LIMIT 1").fetchone()
    ):
        return
    for external_id, outbox_id in pairs:
        early = conn.execute(
            "SELECT status, error FROM receipts WHERE external_id = ? AND outbox_id IS NULL"
            " ORDER BY id",
            (external_id,),
        ).fetchall()
        for status, error in early:
            _apply_part_or_receipt(conn, outbox_id, external_id, status, error, now)
        if early:
            conn.execute(
                "UPDATE receipts SET outbox_id = ? WHERE external_id = ? AND outbox_id IS NULL",
                (outbox_id, external_id),
            )


RECEIPT_FINAL = frozenset({"delivered", "failed", "expired", "rejected", "undeliverable"})
"""Receipt outcomes that change an outbox row; anything else (``sent``: en route) is only kept."""


def _apply_receipt(
    conn: sqlite3.Connection, outbox_id: int, status: str, error: str | None, now: str
) -> None:
    if status in RECEIPT_FINAL:
        conn.execute(
            "UPDATE outbox SET status = ?, delivery_error = ?, delivered_at = ?, updated_at = ?"
            " WHERE id = ? AND status NOT IN ('queued', 'suppressed')",
            (status, error, now, now, outbox_id),
        )


def mark_delivery(
    conn: sqlite3.Connection, external_id: str, status: str, error: str | None, now: str
) -> bool:
    """Record a delivery receipt and apply it to its outbox row; False when no row has the id
    yet (it is applied when ``mark_sent`` records that id)."""
    # the latest message with that id, or with a part of that id (a modem's ids wrap)
    row = conn.execute(
        "SELECT MAX(id) FROM (SELECT MAX(id) AS id FROM outbox WHERE external_id = ?"
        " UNION ALL SELECT MAX(outbox_id) FROM outbox_parts WHERE external_id = ?)",
        (external_id, external_id),
    ).fetchone()
    outbox_id = row[0] if row else None
    conn.execute(
        "INSERT INTO receipts (external_id, status, error, at, outbox_id) VALUES (?, ?, ?, ?, ?)",
        (external_id, status, error, now, outbox_id),
    )
    if outbox_id is not None:
        _apply_part_or_receipt(conn, outbox_id, external_id, status, error, now)
    return outbox_id is not None


def _row_id(sent: ProviderId | None) -> str | None:
    """The id the outbox row keeps: a message sent in parts keeps its last part's."""
    return sent.last if isinstance(sent, SentParts) else sent


def _apply_part_or_receipt(
    conn: sqlite3.Connection,
    outbox_id: int,
    external_id: str,
    status: str,
    error: str | None,
    now: str,
) -> None:
    """Apply a receipt to its row, or to one part of a row sent in parts: the row is delivered
    once every part is, and takes the outcome of the first part that failed for good."""
    part = conn.execute(
        "SELECT part FROM outbox_parts WHERE outbox_id = ? AND external_id = ?",
        (outbox_id, external_id),
    ).fetchone()
    if part is None:
        _apply_receipt(conn, outbox_id, status, error, now)
        return
    if status not in RECEIPT_FINAL:
        return  # en route: kept in receipts, nothing changes
    conn.execute(
        "UPDATE outbox_parts SET status = ?, error = ? WHERE outbox_id = ? AND part = ?",
        (status, error, outbox_id, part[0]),
    )
    states = conn.execute(
        "SELECT status, error FROM outbox_parts WHERE outbox_id = ? ORDER BY part", (outbox_id,)
    ).fetchall()
    failed = [(s, e) for s, e in states if s is not None and s != "delivered"]
    if failed:
        _apply_receipt(conn, outbox_id, failed[0][0], failed[0][1], now)
    elif all(s == "delivered" for s, _ in states):
        _apply_receipt(conn, outbox_id, "delivered", None, now)


def mark_deliveries(
    conn: sqlite3.Connection, receipts: Sequence[tuple[str, str, str | None]], now: str
) -> list[bool]:
    return [mark_delivery(conn, *receipt, now) for receipt in receipts]


def mark_failed(
    conn: sqlite3.Connection, outbox_id: int, error: str, permanent: bool, now: str
) -> None:
    conn.execute(
        "UPDATE outbox SET status = ?, attempts = attempts + 1, last_error = ?, updated_at = ?"
        " WHERE id = ?",
        ("failed" if permanent else "queued", error, now, outbox_id),
    )


def suppress(conn: sqlite3.Connection, ids: Sequence[int], reason: str, now: str) -> None:
    conn.executemany(
        "UPDATE outbox SET status = 'suppressed', last_error = ?, updated_at = ?"
        " WHERE id = ? AND status IN ('queued', 'sending')",
        [(reason, now, outbox_id) for outbox_id in ids],
    )


def release_held(
    conn: sqlite3.Connection, now: datetime, limit: int, claim: tuple[str, str]
) -> list[OutboxRow]:
    """The messages quiet hours held until ``now`` or before: no longer held, ``queued``,
    claimed by ``claim`` (owner, lease's end) whose process hands them over."""
    rows = [
        outbox_row(row)
        for row in conn.execute(
            f"SELECT {OUTBOX_COLUMNS} FROM outbox WHERE hold_until IS NOT NULL"
            " AND hold_until <= ? AND status = 'queued' ORDER BY hold_until, id LIMIT ?",
            (time_in(now), limit),
        )
    ]
    conn.executemany(
        "UPDATE outbox SET hold_until = NULL, claimed_by = ?, lease_until = ? WHERE id = ?",
        [(*claim, r.id) for r in rows],
    )
    return rows


def hold(conn: sqlite3.Connection, rows: Sequence[tuple[int, datetime]], now: str) -> None:
    """Hold rows the outbox was about to hand over inside their quiet hours, until then."""
    conn.executemany(
        "UPDATE outbox SET status = 'queued', hold_until = ?, updated_at = ?"
        " WHERE id = ? AND status IN ('queued', 'sending')",
        [(time_in(until), now, row_id) for row_id, until in rows],
    )


def next_held(conn: sqlite3.Connection) -> datetime | None:
    row = conn.execute(
        "SELECT min(hold_until) FROM outbox WHERE hold_until IS NOT NULL AND status = 'queued'"
    ).fetchone()
    return time_out(row[0]) if row and row[0] else None
