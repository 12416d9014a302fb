"""Own the hand-off inbox's reads and a person's acts: the threads page by page, a thread's
messages, assigning, closing and releasing a thread, and a person's reply in it (the model is in
``engine.store.threads``).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from engine.core.messages import Address, Outgoing
from engine.core.records import OutboxRow
from engine.store.codec import time_in
from engine.store.contacts import is_opted_out
from engine.store.conversations import MessageRow, window
from engine.store.outbox import OutboxInsert, insert_outbox
from engine.store.sql import next_id
from engine.store.threads import ACTIVE, COLUMNS, Thread, thread_of

__all__ = [
    "Latest",
    "OptedOutContact",
    "ThreadClosed",
    "ThreadPage",
    "act",
    "latest",
    "like",
    "messages",
    "page",
    "reply",
    "thread",
    "unanswered",
]


@dataclass(frozen=True, slots=True)
class ThreadPage:
    threads: list[Thread]
    next_after: int | None
    """The id to pass as ``after`` for the next page, or None on the last one."""


class ThreadClosed(Exception):
    """The thread is closed or released: nothing more can be done in it."""


def page(
    conn: sqlite3.Connection,
    *,
    status: Sequence[str] = ACTIVE,
    team: str | None = None,
    assigned_to: str | None = None,
    contact: Address | None = None,
    text: str | None = None,
    after: int = 0,
    limit: int = 100,
) -> ThreadPage:
    """Threads in ``status``, oldest first, ``limit`` of them after the id ``after``; whose
    messages (the contact's or the replies) contain ``text``, as ``latest`` finds them."""
    where = [f"t.status IN ({', '.join('?' for _ in status)})", "t.id > ?"]
    params: list[Any] = [*status, after]
    for column, value in (("team", team), ("assigned_to", assigned_to), ("contact", contact)):
        if value is not None:  # constant column names; every value bound
            where.append(f"t.{column} = ?")
            params.append(value)
    if text:
        where.append(_MATCHES)
        params.extend([like(text)] * 3)
    sql = f"SELECT {_T_COLUMNS} FROM threads t WHERE {' AND '.join(where)} ORDER BY t.id LIMIT ?"
    rows = conn.execute(sql, (*params, limit + 1)).fetchall()
    found = [thread_of(row) for row in rows[:limit]]
    return ThreadPage(found, found[-1].id if len(rows) > limit else None)


@dataclass(frozen=True, slots=True)
class Latest:
    """One page of threads, newest change first (the console's inbox)."""

    threads: list[Thread]
    older: int | None
    """``before`` for the next (older) page, or None on the last one."""
    newer: int | None
    """``after`` for the previous (newer) page, or None on the first one."""


SEARCHED = 100
"""Characters of a searched text looked for at most."""
_T_COLUMNS = ", ".join(f"t.{column.strip()}" for column in COLUMNS.split(","))
"""The thread's columns, read as ``threads t`` (``page``, ``latest``)."""
_MATCHES = (
    "(EXISTS (SELECT 1 FROM inbox b JOIN inbound i ON i.id = b.inbound_id"
    " WHERE b.thread_id = t.id AND i.text LIKE ? ESCAPE '\\')"
    " OR EXISTS (SELECT 1 FROM inbound i WHERE i.sender = t.contact AND i.recipient = t.number"
    " AND i.received_at >= t.opened_at AND (t.closed_at IS NULL OR i.received_at <= t.closed_at)"
    " AND i.text LIKE ? ESCAPE '\\')"
    " OR EXISTS (SELECT 1 FROM outbox o WHERE o.contact = t.contact AND o.sender = t.number"
    " AND o.created_at >= t.opened_at AND (t.closed_at IS NULL OR o.created_at <= t.closed_at)"
    " AND o.text LIKE ? ESCAPE '\\'))"
)
"""A thread one of whose messages (both ways, in its window) is like the pattern (3 times)."""


def like(text: str) -> str:
    """The LIKE pattern of threads whose text contains ``text`` (``%``, ``_`` and ``\\``
    escaped: taken as they are)."""
    escaped = text[:SEARCHED].replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def latest(
    conn: sqlite3.Connection,
    *,
    status: Sequence[str] = ACTIVE,
    teams: Sequence[str] | None = None,
    contact: Address | None = None,
    text: str | None = None,
    before: int | None = None,
    after: int | None = None,
    limit: int = 50,
) -> Latest:
    """Threads in ``status`` of ``teams`` (None: every team), newest change first (by
    ``updated_at``, then id), ``limit`` of them: older than the thread ``before``, or newer
    than the thread ``after`` (cursors); of the contact ``contact``; whose messages contain
    ``text``."""
    where = [f"t.status IN ({', '.join('?' for _ in status)})"]
    params: list[Any] = [*status]
    if teams is not None:
        where.append(f"t.team IN ({', '.join('?' for _ in teams)})")
        params.extend(teams)
    if contact is not None:
        where.append("t.contact = ?")
        params.append(contact)
    if text:
        where.append(_MATCHES)
        params.extend([like(text)] * 3)
    newer = after is not None and before is None
    cursor = after if newer else before
    if cursor is not None:
        where.append(
            f"(t.updated_at, t.id) {'>' if newer else '<'}"
            " (SELECT updated_at, id FROM threads WHERE id = ?)"
        )
        params.append(cursor)
    order = "ASC" if newer else "DESC"
    sql = (
        f"SELECT {_T_COLUMNS} FROM threads t"
        f" WHERE {' AND '.join(where)} ORDER BY t.updated_at {order}, t.id {order} LIMIT ?"
    )
    rows = conn.execute(sql, (*params, limit + 1)).fetchall()
    found = [thread_of(row) for row in rows[:limit]]
    more = len(rows) > limit
    if newer:
        found.reverse()
        return Latest(found, found[-1].id if found else None, found[0].id if more else None)
    older = found[-1].id if more and found else None
    return Latest(found, older, found[0].id if cursor is not None and found else None)


def unanswered(conn: sqlite3.Connection, threads: Sequence[Thread]) -> dict[int, int]:
    """Each thread's messages from the contact since a person last answered in it (all of
    them when nobody has): the console's unread count."""
    counts: dict[int, int] = {}
    for found in threads:
        row = conn.execute(
            "SELECT COUNT(*) FROM inbox b WHERE b.thread_id = ? AND b.at > COALESCE("
            "(SELECT MAX(o.created_at) FROM outbox o WHERE o.contact = ? AND o.sender = ?"
            " AND o.kind = 'agent' AND o.created_at >= ?), '')",
            (found.id, found.contact, found.number, time_in(found.opened_at)),
        ).fetchone()
        counts[found.id] = int(row[0])
    return counts


def thread(conn: sqlite3.Connection, thread_id: int) -> Thread | None:
    row = conn.execute(f"SELECT {COLUMNS} FROM threads WHERE id = ?", (thread_id,)).fetchone()
    return None if row is None else thread_of(row)


def messages(conn: sqlite3.Connection, found: Thread) -> list[MessageRow]:
    """The conversation's messages from the thread's opening to its end, in time order.

    The message that opened it is received a moment before the thread is written: the window
    starts at the first inbox row's inbound message when there is one."""
    first = conn.execute(
        "SELECT MIN(i.received_at) FROM inbox b JOIN inbound i ON i.id = b.inbound_id"
        " WHERE b.thread_id = ?",
        (found.id,),
    ).fetchone()[0]
    start = min(first, time_in(found.opened_at)) if first else time_in(found.opened_at)
    until = time_in(found.closed_at) if found.closed_at is not None else None
    return window(conn, found.contact, found.number, start, until)


def _active_thread(conn: sqlite3.Connection, thread_id: int) -> Thread:
    found = thread(conn, thread_id)
    if found is None:
        raise LookupError(thread_id)
    if not found.active:
        raise ThreadClosed(thread_id)
    return found


def act(
    conn: sqlite3.Connection,
    thread_id: int,
    act: Literal["assign", "close", "release"],
    by: str,
    now: datetime,
    to: str | None = None,
) -> Thread:
    """A person's act on an active thread: take it (``assign`` to ``to``), or end it (``close``,
    or ``release`` to the rules). Raises LookupError (no such thread) or ThreadClosed."""
    _active_thread(conn, thread_id)
    at = time_in(now)
    if act == "assign":
        conn.execute(
            "UPDATE threads SET status = 'assigned', assigned_to = ?, updated_at = ? WHERE id = ?",
            (to, at, thread_id),
        )
    else:
        status = "closed" if act == "close" else "released"
        conn.execute(
            "UPDATE threads SET status = ?, closed_at = ?, closed_by = ?, updated_at = ?"
            " WHERE id = ?",
            (status, at, by, at, thread_id),
        )
        conn.execute("UPDATE inbox SET status = 'closed' WHERE thread_id = ?", (thread_id,))
    done = thread(conn, thread_id)
    assert done is not None
    return done


class OptedOutContact(Exception):
    """The contact opted out of the thread's number: a person cannot write to them."""


def reply(
    conn: sqlite3.Connection,
    thread_id: int,
    text: str,
    author: str,
    now: datetime,
    claim: tuple[str, str],
) -> tuple[Thread, OutboxRow]:
    """A person's message in an active thread, written ``sending`` and claimed by ``claim``
    (the caller hands it over once this commits) from the conversation's number. The thread
    now holds the conversation (an ``unmatched`` one becomes ``handoff``). Raises LookupError,
    ThreadClosed or OptedOutContact (nothing written)."""
    found = _active_thread(conn, thread_id)
    if is_opted_out(conn, found.contact, found.number):
        raise OptedOutContact(found.contact)
    outbox_id = next_id(conn, "outbox") + 1
    at = time_in(now)
    message = Outgoing(found.contact, found.number, text, "agent")
    written = OutboxInsert.sending(outbox_id, at, message, claim)
    insert_outbox(conn, [written])
    conn.execute("UPDATE outbox SET author = ? WHERE id = ?", (author, outbox_id))
    conn.execute(
        "UPDATE threads SET kind = 'handoff', updated_at = ? WHERE id = ?", (at, thread_id)
    )
    done = thread(conn, thread_id)
    assert done is not None
    return done, OutboxRow(outbox_id, message, now, "sending", 0, found.contact)
