"""Own the SQL of event notifications: the rows written beside what caused them, and the notifier's
reads and marks.

A row is one event for one subscriber (``target``, its URL). ``from_steps`` runs inside the
transaction of ``commit.commit`` (hand-offs, opt-outs, unmatched texts), ``add`` inside the
transaction that finishes a campaign or on its own for a failed reload: what caused a
notification and the notification are committed together, so a crash loses neither alone.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from engine.core.events import EventType
from engine.core.notices import Notification, Outcome, Subscriptions
from engine.core.records import Step
from engine.store.codec import dumps, loads, time_in, time_out
from engine.store.sql import Row, select_in

__all__ = [
    "COLUMNS",
    "add",
    "due",
    "from_steps",
    "next_due",
    "notification",
    "pending",
    "record",
]

UNMATCHED = frozenset({"unhandled", "unmatched"})
"""The runtime's events of a text no rule understood (no trigger; no answer a state expects)."""

COLUMNS = "id, target, type, at, data, status, attempts, next_at, last_error"


def add(
    conn: sqlite3.Connection, subscriptions: Subscriptions, type_: str, at: datetime, data: Any
) -> int:
    """One row of event ``type_`` per subscriber of it, due at once; returns how many."""
    return _insert(conn, subscriptions, [(type_, time_in(at), data)])


def _insert(
    conn: sqlite3.Connection, subscriptions: Subscriptions, events: Sequence[tuple[str, str, Any]]
) -> int:
    rows = [
        (target, type_, at, dumps(data), at)
        for type_, at, data in events
        for target in subscriptions.targets(type_)
    ]
    if rows:
        conn.executemany(
            "INSERT INTO notifications (target, type, at, data, next_at) VALUES (?, ?, ?, ?, ?)",
            rows,
        )
    return len(rows)


def from_steps(
    conn: sqlite3.Connection,
    subscriptions: Subscriptions,
    steps: Sequence[Step],
    inbox_ids: Mapping[int, int],
) -> int:
    """The notifications of a batch's steps (``inbox_ids``: step index → its inbox row):
    ``handoff`` for a rule's hand-off, ``opt_out`` for a STOP, ``unmatched`` for a text no rule
    understood. Written in the batch's transaction; returns how many rows."""
    if not subscriptions:
        return 0
    wanted = [
        (index, kind, data)
        for index, step in enumerate(steps)
        for kind, data in _facts(step, inbox_ids.get(index))
        if subscriptions.targets(kind)
    ]
    if not wanted:
        return 0
    inbound = {steps[i].inbound_id for i, _, _ in wanted} - {None}
    sql = "SELECT id, text FROM inbound WHERE id IN ({marks})"
    texts: dict[int | None, str] = dict(select_in(conn, sql, inbound))
    events = []
    for index, kind, data in wanted:
        step = steps[index]
        data["text"] = texts.get(step.inbound_id)
        events.append((kind, time_in(step.at), data))
    return _insert(conn, subscriptions, events)


def _facts(step: Step, inbox_id: int | None) -> list[tuple[str, dict[str, Any]]]:
    """What of ``step`` may be notified: (event, data without the inbound text). An opt-out's
    ``word`` is the compliance keyword as the runtime read it (normalised: ``STOP``, ``ARRET``)."""
    sprint = step.sprint
    who = {"contact": step.contact, "number": step.number}
    facts: list[tuple[str, dict[str, Any]]] = []
    for event in sprint.events:
        if event.type == EventType.HANDOFF:
            team = sprint.handoff or event.data.get("team")
            facts.append(("handoff", {**who, "team": team, "inbox_id": inbox_id}))
        elif event.type in UNMATCHED:
            facts.append(("unmatched", {**who, "inbox_id": inbox_id}))
        elif event.type == EventType.OPTED_OUT and sprint.opt == "out":
            word = str(event.data.get("keyword") or "").upper()
            facts.append(("opt_out", {**who, "word": word}))
    return facts


def notification(row: Row) -> Notification:
    """A row read with ``COLUMNS``."""
    return Notification(
        id=row[0],
        target=row[1],
        type=row[2],
        at=time_out(row[3]),
        data=loads(row[4]),
        status=row[5],
        attempts=row[6],
        next_at=time_out(row[7]) if row[7] else None,
        last_error=row[8],
    )


def due(conn: sqlite3.Connection, now: datetime, limit: int) -> list[Notification]:
    """The pending rows due by ``now``, oldest first."""
    return [
        notification(row)
        for row in conn.execute(
            f"SELECT {COLUMNS} FROM notifications WHERE status = 'pending' AND next_at <= ?"
            " ORDER BY next_at, id LIMIT ?",
            (time_in(now), limit),
        )
    ]


def next_due(conn: sqlite3.Connection) -> datetime | None:
    """When the next pending row is due (None: none is pending)."""
    row = conn.execute("SELECT min(next_at) FROM notifications WHERE status = 'pending'").fetchone()
    return time_out(row[0]) if row and row[0] else None


def record(conn: sqlite3.Connection, outcomes: Sequence[Outcome], now: datetime) -> None:
    """Mark delivered rows ``sent``; count a failed attempt (retried at its time, or ``failed``
    for good). A row to retry is given back: whichever process is free then posts it
    (``claims.claim_notifications``)."""
    at = time_in(now)
    conn.executemany(
        "UPDATE notifications SET status = ?, next_at = ?, last_error = ?,"
        " claimed_by = NULL, lease_until = NULL,"
        " attempts = attempts + (? != 'sent'), done_at = CASE WHEN ? = 'pending' THEN NULL"
        " ELSE ? END WHERE id = ? AND status = 'pending'",
        [
            (status, time_in(next_at) if next_at else None, error, status, status, at, row_id)
            for row_id, status, next_at, error in outcomes
        ],
    )


def pending(conn: sqlite3.Connection) -> int:
    """How many rows wait to be delivered (read from the index of pending rows alone)."""
    row = conn.execute("SELECT COUNT(*) FROM notifications WHERE status = 'pending'").fetchone()
    return int(row[0])
