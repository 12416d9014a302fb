"""Own what a batch reads of its conversations — contacts, active sessions, recent replies, the
hand-offs holding them, poll tallies — and the timers that wake them."""

from __future__ import annotations

import sqlite3
from collections.abc import Collection, Iterable, Sequence
from datetime import datetime
from typing import Any, Literal, NamedTuple, cast

from engine.core.groups import groups_of
from engine.core.messages import Address
from engine.core.model import Contact, Session
from engine.core.records import Conversation, Timer
from engine.store import threads
from engine.store.codec import dumps, loads, time_in, time_or_none_out, time_out
from engine.store.sql import Row, select_in

Key = tuple[Address, Address]

__all__ = [
    "SESSION_COLUMNS",
    "Key",
    "OptedOut",
    "contacts",
    "due_timers",
    "load",
    "next_timer_due",
    "opted_out_before",
    "schedule_start",
    "session",
    "tallies",
]


SESSION_COLUMNS = (
    "id, contact, number, flow, state, vars, retries, deadline, deadline_kind, started_at,"
    " updated_at, ruleset_version"
)


def _session(row: Row) -> Session:
    return Session(
        id=row[0],
        contact=row[1],
        number=row[2],
        flow=row[3],
        state=row[4],
        vars=loads(row[5]),
        retries=row[6],
        deadline=time_or_none_out(row[7]),
        deadline_kind=row[8],
        started_at=time_out(row[9]),
        updated_at=time_out(row[10]),
        ruleset_version=row[11],
    )


def contacts(conn: sqlite3.Connection, phones: Iterable[Address]) -> dict[Address, Contact]:
    """The stored contacts among ``phones`` with their opt-outs and votes (unknown: absent)."""
    phones = list(phones)
    rows: dict[Address, tuple[dict[str, Any], tuple[str, ...]]] = {}
    sql = "SELECT phone, fields, groups FROM contacts WHERE phone IN ({marks})"
    for phone, fields, groups in select_in(conn, sql, phones):
        rows[phone] = (loads(fields), groups_of(str(name) for name in loads(groups)))
    opted: dict[Address, set[Address]] = {}
    sql = "SELECT contact, number FROM opt_outs WHERE opted_out = 1 AND contact IN ({marks})"
    for contact, number in select_in(conn, sql, phones):
        opted.setdefault(contact, set()).add(number)
    votes: dict[Address, dict[str, str]] = {}
    sql = "SELECT contact, poll, choice FROM votes WHERE contact IN ({marks}) ORDER BY id"
    for contact, poll, choice in select_in(conn, sql, phones):
        votes.setdefault(contact, {})[poll] = choice
    found: dict[Address, Contact] = {}
    for phone in set(rows) | set(opted) | set(votes):
        fields, groups = rows.get(phone, ({}, ()))
        found[phone] = Contact(
            phone=phone,
            fields=fields,
            groups=groups,
            opted_out=frozenset(opted.get(phone, ())),
            votes=votes.get(phone, {}),
        )
    return found


def load(
    conn: sqlite3.Connection, keys: Sequence[Key], replies_since: datetime
) -> dict[Key, Conversation]:
    phones = {contact for contact, _ in keys}
    known = contacts(conn, phones)
    wanted = set(keys)
    sessions: dict[Key, Session] = {}
    sql = (
        f"SELECT {SESSION_COLUMNS} FROM sessions WHERE status = 'active' AND contact IN ({{marks}})"
    )
    for row in select_in(conn, sql, phones):
        if (row[1], row[2]) in wanted:
            sessions[(row[1], row[2])] = _session(row)
    replies: dict[Key, int] = {}
    sql = (
        "SELECT contact, sender, COUNT(*) FROM outbox WHERE kind = 'reply' AND created_at >= ?"
        " AND contact IN ({marks}) GROUP BY contact, sender"
    )
    for contact, sender, count in select_in(conn, sql, phones, (time_in(replies_since),)):
        replies[(contact, sender)] = count
    held = threads.holding(conn, phones)
    result: dict[Key, Conversation] = {}
    for key in keys:
        contact = known.get(key[0]) or Contact(phone=key[0])
        result[key] = Conversation(contact, sessions.get(key), replies.get(key, 0), held.get(key))
    return result


class OptedOut(NamedTuple):
    """The opt-outs a batch's :func:`load` read, so that its commit reads only those of other
    recipients (``opted_out_before``)."""

    phones: Collection[Address]
    """The contacts whose opt-outs were read."""
    pairs: set[Key]
    """Their (contact, number) pairs opted out."""


def opted_out_before(loaded: dict[Key, Conversation]) -> OptedOut:
    """The opt-outs ``load`` read, as they were before the batch's steps (take them before
    the decision, which advances the conversations)."""
    return OptedOut(
        {contact for contact, _ in loaded},
        {(c.contact.phone, number) for c in loaded.values() for number in c.contact.opted_out},
    )


def tallies(conn: sqlite3.Connection, polls: Collection[str]) -> dict[str, dict[str, int]]:
    """The votes counted for each choice of ``polls`` (one query of ``vote_counts``, a row a
    choice however many votes; nothing read for no poll)."""
    found: dict[str, dict[str, int]] = {poll: {} for poll in polls}
    sql = "SELECT poll, choice, votes FROM vote_counts WHERE poll IN ({marks}) AND votes > 0"
    for poll, choice, count in select_in(conn, sql, polls):
        found[poll][choice] = count
    return found


def _timer(row: Row) -> Timer:
    return Timer(
        id=row[0],
        due=time_out(row[1]),
        kind=cast(Literal["session", "start"], row[2]),
        contact=row[3],
        number=row[4],
        session_id=row[5],
        flow=row[6],
        params=loads(row[7]),
    )


def due_timers(conn: sqlite3.Connection, now: datetime, limit: int) -> list[Timer]:
    sql = (
        "SELECT id, due, kind, contact, number, session_id, flow, params FROM timers"
        " WHERE due <= ? ORDER BY due, id LIMIT ?"
    )
    return [_timer(row) for row in conn.execute(sql, (time_in(now), limit))]


def next_timer_due(conn: sqlite3.Connection) -> datetime | None:
    row = conn.execute("SELECT MIN(due) FROM timers").fetchone()
    return time_or_none_out(row[0])


def schedule_start(
    conn: sqlite3.Connection,
    contact: Address,
    number: Address,
    flow: str,
    params: Any,
    due: datetime,
) -> int:
    cursor = conn.execute(
        "INSERT INTO timers (due, kind, contact, number, flow, params)"
        " VALUES (?, 'start', ?, ?, ?, ?)",
        (time_in(due), contact, number, flow, dumps(params)),
    )
    return int(cast(int, cursor.lastrowid))


def session(conn: sqlite3.Connection, contact: Address, number: Address) -> Session | None:
    row = conn.execute(
        f"SELECT {SESSION_COLUMNS} FROM sessions"
        " WHERE contact = ? AND number = ? AND status = 'active'",
        (contact, number),
    ).fetchone()
    return None if row is None else _session(row)
