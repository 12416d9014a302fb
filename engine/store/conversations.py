"""Own the conversation reads of the REST API: the conversations (contact × number) with their
last message, active flow and state and the team holding them, page by page; and one
conversation's messages, newest first.

A conversation exists once a message went either way. Pages are keyset-paginated (never
``OFFSET``): conversations by (contact, number), messages by (time, direction, id).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
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
    "window",
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


def _keys(conn: sqlite3.Connection, wanted: ConversationFilter) -> list[tuple[str, str]]:
    """The (contact, number) of the page, walked along an index from ``after``: the active
    sessions when filtered by flow or state, the active threads by team, else the distinct
    pairs of the inbound and outbox indexes (both in (contact, number) order)."""
    after = wanted.after or ("", "")
    more = wanted.limit + 1
    exact = [(name, value) for name, value in (("contact", wanted.contact),
             ("number", wanted.number)) if value is not None]  # fmt: skip
    if wanted.flow is not None or wanted.state is not None or wanted.team is not None:
        by_session = wanted.flow is not None or wanted.state is not None
        where = ["s.status = 'active'"] if by_session else []
        params: list[Any] = []
        for column, value in (("s.flow", wanted.flow), ("s.state", wanted.state),
                              ("t.team", wanted.team)):  # fmt: skip
            if value is not None:  # constant column names; every value bound
                where.append(f"{column} = ?")
                params.append(value)
        driver = "s" if by_session else "t"
        where += [f"{driver}.{name} = ?" for name, _ in exact]
        params += [value for _, value in exact]
        join = (
            "sessions s LEFT JOIN threads t ON t.contact = s.contact AND t.number = s.number"
            " AND t.status IN ('open', 'assigned')"
            if driver == "s" else "threads t"
        )  # fmt: skip
        if driver == "t":
            where.append("t.status IN ('open', 'assigned')")
        sql = (
            f"SELECT {driver}.contact, {driver}.number FROM {join} WHERE {' AND '.join(where)}"
            f" AND ({driver}.contact, {driver}.number) > (?, ?)"
            f" ORDER BY {driver}.contact, {driver}.number LIMIT ?"
        )
        return [(r[0], r[1]) for r in conn.execute(sql, (*params, *after, more))]
    inbound = " AND ".join(
        ["(sender, recipient) > (?, ?)"]
        + [f"{'sender' if name == 'contact' else 'recipient'} = ?" for name, _ in exact]
    )
    outbox = " AND ".join(
        ["(contact, sender) > (?, ?)"]
        + [f"{'contact' if name == 'contact' else 'sender'} = ?" for name, _ in exact]
    )
    values = [value for _, value in exact]
    sql = (
        "SELECT contact, number FROM ("
        f" SELECT * FROM (SELECT DISTINCT sender AS contact, recipient AS number FROM inbound"
        f" WHERE {inbound} ORDER BY sender, recipient LIMIT ?)"
        " UNION"
        f" SELECT * FROM (SELECT DISTINCT contact, sender FROM outbox"
        f" WHERE {outbox} ORDER BY contact, sender LIMIT ?)"
        ") ORDER BY contact, number LIMIT ?"
    )
    params = [*after, *values, more, *after, *values, more, more]
    return [(r[0], r[1]) for r in conn.execute(sql, params)]


def conversations(conn: sqlite3.Connection, wanted: ConversationFilter) -> ConversationPage:
    """A page of conversations matching ``wanted``, ordered by contact and number: each read by
    its keys (the last message's time and text, the active session, the active thread)."""
    keys = _keys(conn, wanted)
    found = [_conversation(conn, contact, number) for contact, number in keys[: wanted.limit]]
    more = len(keys) > wanted.limit
    return ConversationPage(found, (found[-1].contact, found[-1].number) if more else None)


def _conversation(conn: sqlite3.Connection, contact: Address, number: Address) -> ConversationRow:
    latest = _page(conn, contact, number, None, 1)
    session = conn.execute(
        "SELECT flow, state FROM sessions WHERE contact = ? AND number = ? AND status = 'active'",
        (contact, number),
    ).fetchone() or (None, None)
    thread = conn.execute(
        "SELECT team, id, kind FROM threads WHERE contact = ? AND number = ?"
        " AND status IN ('open', 'assigned')",
        (contact, number),
    ).fetchone() or (None, None, None)
    if latest:
        last_at, text, direction = latest[0].at, latest[0].text, latest[0].direction
    else:  # a session or thread with no message yet (a flow started, nothing sent so far)
        last_at, text, direction = datetime.min.replace(tzinfo=UTC), "", "in"
    return ConversationRow(
        contact, number, last_at, text, direction, session[0], session[1], thread[0], thread[1],
        thread[2] == "handoff",
    )  # fmt: skip


def _page(
    conn: sqlite3.Connection,
    contact: Address,
    number: Address,
    before: tuple[datetime, str, int] | None,
    limit: int,
) -> list[MessageRow]:
    """Newest first, older than ``before``, ``limit`` of them."""
    where, params = "", []
    if before is not None:
        where = " WHERE (at, direction, id) < (?, ?, ?)"
        params = [time_in(before[0]), before[1], before[2]]
    order = " ORDER BY at DESC, direction DESC, id DESC LIMIT ?"
    return _select(conn, contact, number, where + order, [*params, limit])


def window(
    conn: sqlite3.Connection, contact: Address, number: Address, since: str, until: str | None
) -> list[MessageRow]:
    """The conversation's messages from ``since`` to ``until`` (stored times; None: now),
    oldest first (an inbox thread's)."""
    where = " WHERE at >= ?" + (" AND at <= ?" if until is not None else "")
    params: list[Any] = [since, *([until] if until is not None else [])]
    return _select(conn, contact, number, where + " ORDER BY at, direction, id", params)


def _select(
    conn: sqlite3.Connection, contact: Address, number: Address, rest: str, params: list[Any]
) -> list[MessageRow]:
    """Both directions of one conversation as ``MessageRow``s; ``rest``: a constant WHERE and
    ORDER BY over (id, direction, at), its values in ``params``."""
    sql = (
        "SELECT id, direction, at, text, kind, status, author FROM ("
        " SELECT id, 'in' AS direction, received_at AS at, text, 'message' AS kind,"
        " 'received' AS status, NULL AS author FROM inbound WHERE sender = ? AND recipient = ?"
        " UNION ALL"
        " SELECT id, 'out', created_at, text, kind, status, author FROM outbox"
        " WHERE contact = ? AND sender = ?)" + rest
    )
    rows = conn.execute(sql, (contact, number, contact, number, *params)).fetchall()
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
