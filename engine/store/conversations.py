"""Own the conversation reads of the REST API: the conversations (contact × number) with their
last message, active flow and state and the team holding them, page by page; and one
conversation's messages, newest first.

A conversation exists once a message went either way. Pages are keyset-paginated (never
``OFFSET``): conversations by (contact, number), messages by (time, direction, id).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from engine.core.messages import Address
from engine.store.codec import time_in, time_out

__all__ = [
    "ConversationFilter",
    "ConversationPage",
    "ConversationRow",
    "MessagePage",
    "MessageRow",
    "conversations",
    "messages",
]


@dataclass(frozen=True, slots=True)
class ConversationFilter:
    contact: Address | None = None
    number: Address | None = None
    flow: str | None = None
    state: str | None = None
    team: str | None = None
    after: tuple[Address, Address] | None = None
    limit: int = 50


@dataclass(frozen=True, slots=True)
class ConversationRow:
    contact: Address
    number: Address
    last_at: datetime
    last_text: str
    last_direction: str
    flow: str | None
    state: str | None
    team: str | None
    thread: int | None
    held: bool


@dataclass(frozen=True, slots=True)
class ConversationPage:
    conversations: list[ConversationRow]
    next_after: tuple[Address, Address] | None


@dataclass(frozen=True, slots=True)
class MessageRow:
    id: int
    direction: str
    at: datetime
    text: str
    kind: str
    status: str
    author: str | None


@dataclass(frozen=True, slots=True)
class MessagePage:
    messages: list[MessageRow]
    next_before: tuple[datetime, str, int] | None


_PAIRS = """
    SELECT contact, number, MAX(last) AS last FROM (
        SELECT sender AS contact, recipient AS number, MAX(received_at) AS last
        FROM inbound GROUP BY sender, recipient
        UNION ALL
        SELECT contact, sender, MAX(created_at) FROM outbox GROUP BY contact, sender
    ) GROUP BY contact, number
"""


def conversations(conn: sqlite3.Connection, wanted: ConversationFilter) -> ConversationPage:
    """A page of conversations matching ``wanted``, ordered by contact and number."""
    where: list[str] = []
    params: list[Any] = []
    for column, value in (
        ("c.contact", wanted.contact), ("c.number", wanted.number), ("s.flow", wanted.flow),
        ("s.state", wanted.state), ("t.team", wanted.team),
    ):  # fmt: skip
        if value is not None:  # constant column names; every value bound
            where.append(f"{column} = ?")
            params.append(value)
    if wanted.after is not None:
        where.append("(c.contact, c.number) > (?, ?)")
        params.extend(wanted.after)
    sql = (
        f"SELECT c.contact, c.number, c.last, s.flow, s.state, t.team, t.id, t.kind"
        f" FROM ({_PAIRS}) c"
        " LEFT JOIN sessions s ON s.contact = c.contact AND s.number = c.number"
        " AND s.status = 'active'"
        " LEFT JOIN threads t ON t.contact = c.contact AND t.number = c.number"
        " AND t.status IN ('open', 'assigned')"
        + (" WHERE " + " AND ".join(where) if where else "")
        + " ORDER BY c.contact, c.number LIMIT ?"
    )
    rows = conn.execute(sql, (*params, wanted.limit + 1)).fetchall()
    found = [_conversation(conn, row) for row in rows[: wanted.limit]]
    more = len(rows) > wanted.limit
    return ConversationPage(found, (found[-1].contact, found[-1].number) if more else None)


def _conversation(conn: sqlite3.Connection, row: tuple[Any, ...]) -> ConversationRow:
    contact, number, last = row[0], row[1], row[2]
    latest = _page(conn, contact, number, None, 1)
    text, direction = (latest[0].text, latest[0].direction) if latest else ("", "in")
    return ConversationRow(
        contact, number, time_out(last), text, direction, row[3], row[4], row[5], row[6],
        row[7] == "handoff",
    )  # fmt: skip


def _page(
    conn: sqlite3.Connection,
    contact: Address,
    number: Address,
    before: tuple[datetime, str, int] | None,
    limit: int,
) -> list[MessageRow]:
    cursor = ""
    params: list[Any] = [contact, number, contact, number]
    if before is not None:
        cursor = " WHERE (at, direction, id) < (?, ?, ?)"
        params.extend((time_in(before[0]), before[1], before[2]))
    sql = (
        "SELECT id, direction, at, text, kind, status, author FROM ("
        " SELECT id, 'in' AS direction, received_at AS at, text, 'message' AS kind,"
        " 'received' AS status, NULL AS author FROM inbound WHERE sender = ? AND recipient = ?"
        " UNION ALL"
        " SELECT id, 'out', created_at, text, kind, status, author FROM outbox"
        " WHERE contact = ? AND sender = ?)"
        f"{cursor} ORDER BY at DESC, direction DESC, id DESC LIMIT ?"
    )
    rows = conn.execute(sql, (*params, limit)).fetchall()
    return [MessageRow(r[0], r[1], time_out(r[2]), r[3], r[4], r[5], r[6]) for r in rows]


def messages(
    conn: sqlite3.Connection,
    contact: Address,
    number: Address,
    before: tuple[datetime, str, int] | None = None,
    limit: int = 50,
) -> MessagePage:
    """A page of the conversation's messages, newest first, older than ``before``."""
    rows = _page(conn, contact, number, before, limit + 1)
    found = rows[:limit]
    last = found[-1] if found else None
    more = len(rows) > limit and last is not None
    return MessagePage(found, (last.at, last.direction, last.id) if more and last else None)
