"""Own what the console shows of a thread beyond its messages, and what it exports: the
conversation's session (flow, state, variables) and its recorded events (``events`` table), and
the archive's rows (one per message of every ended thread of some teams).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from engine.store import inbox
from engine.store.codec import loads, time_in, time_out
from engine.store.threads import COLUMNS, Thread, thread_of

__all__ = ["ARCHIVE_COLUMNS", "Happened", "SessionNow", "archive_rows", "happened", "session_now"]

EVENTS = 100
"""A thread's events shown at most (its last ones)."""
ARCHIVE_COLUMNS = (
    "thread", "contact", "number", "team", "direction", "time", "text", "status", "author",
)  # fmt: skip
ENDED = ("closed", "released")


@dataclass(frozen=True, slots=True)
class SessionNow:
    """The conversation's last session: its flow, state, variables and whether it is live."""

    flow: str
    state: str
    vars: dict[str, Any]
    active: bool


@dataclass(frozen=True, slots=True)
class Happened:
    """One recorded event of a conversation."""

    at: datetime
    type: str
    data: dict[str, Any]


def session_now(conn: sqlite3.Connection, found: Thread) -> SessionNow | None:
    """The conversation's latest session (live or ended), if it ever had one."""
    row = conn.execute(
        "SELECT flow, state, vars, status FROM sessions WHERE contact = ? AND number = ?"
        " ORDER BY started_at DESC, rowid DESC LIMIT 1",
        (found.contact, found.number),
    ).fetchone()
    if row is None:
        return None
    values = loads(row[2])
    known = values if isinstance(values, dict) else {}
    return SessionNow(row[0], row[1], known, row[3] == "active")


def happened(conn: sqlite3.Connection, found: Thread, most: int = EVENTS) -> list[Happened]:
    """The conversation's last ``most`` events up to the thread's end, oldest first."""
    until = time_in(found.closed_at) if found.closed_at is not None else None
    sql = "SELECT at, type, data FROM events WHERE contact = ? AND number = ?"
    params: list[Any] = [found.contact, found.number]
    if until is not None:
        sql += " AND at <= ?"
        params.append(until)
    rows = conn.execute(sql + " ORDER BY id DESC LIMIT ?", (*params, most)).fetchall()
    out = []
    for at, kind, data in reversed(rows):
        decoded = loads(data)
        out.append(Happened(time_out(at), kind, decoded if isinstance(decoded, dict) else {}))
    return out


def archive_rows(
    conn: sqlite3.Connection, teams: Sequence[str] | None, most: int = 10_000
) -> list[list[Any]]:
    """One row per message (``ARCHIVE_COLUMNS``) of the last ``most`` ended threads of
    ``teams`` (None: every team), newest thread first, each thread's messages in time order."""
    where, params = f"status IN ({', '.join('?' for _ in ENDED)})", [*ENDED]
    if teams is not None:
        where += f" AND team IN ({', '.join('?' for _ in teams)})"
        params.extend(teams)
    sql = f"SELECT {COLUMNS} FROM threads WHERE {where} ORDER BY updated_at DESC, id DESC LIMIT ?"
    threads = [thread_of(row) for row in conn.execute(sql, (*params, most)).fetchall()]
    rows: list[list[Any]] = []
    for found in threads:
        for message in inbox.messages(conn, found):
            rows.append([
                found.id, found.contact, found.number, found.team, message.direction,
                message.at.isoformat(), message.text, message.status, message.author or "",
            ])  # fmt: skip
    return rows
