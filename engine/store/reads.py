"""Own the read helpers of the CLI, the console and the tests: votes, tallies, events, answers,
the opt-out log, inbox rows, and the rows of every table counted."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from engine.core.events import EventType
from engine.core.messages import Address
from engine.store.codec import loads, time_or_none_out, time_out

__all__ = [
    "TABLES",
    "answers",
    "counts",
    "event_counts",
    "events",
    "inbox",
    "opt_out_log",
    "refused_votes",
    "tally",
    "vote_minutes",
    "votes",
]


TABLES = (
    "inbound",
    "contacts",
    "opt_outs",
    "opt_out_log",
    "sessions",
    "events",
    "outbox",
    "votes",
    "answers",
    "timers",
    "inbox",
    "threads",
    "receipts",
    "held_parts",
    "outbox_parts",
    "campaigns",
    "campaign_recipients",
    "idempotency",
    "notifications",
    "migrations",
)

_COUNTS_SQL = " UNION ALL ".join(f"SELECT '{name}', COUNT(*) FROM {name}" for name in TABLES)


def votes(conn: sqlite3.Connection, poll: str) -> list[tuple[Address, str, datetime]]:
    sql = "SELECT contact, choice, at FROM votes WHERE poll = ? ORDER BY id"
    return [(row[0], row[1], time_out(row[2])) for row in conn.execute(sql, (poll,))]


def vote_minutes(conn: sqlite3.Connection, poll: str) -> list[tuple[datetime, int]]:
    """The votes of ``poll`` counted by the minute (UTC) they were cast, in one pass of SQL: a
    poll of a million votes is a few hundred rows, not a million (the results' votes per hour,
    in whatever time zone)."""
    sql = "SELECT substr(at, 1, 16), COUNT(*) FROM votes WHERE poll = ? GROUP BY 1 ORDER BY 1"
    return [(time_out(f"{row[0]}:00+00:00"), row[1]) for row in conn.execute(sql, (poll,))]


_OF_TYPE = (
    " FROM event_steps AS s, json_each(s.items) AS e"
    " WHERE instr(s.items, ?) AND json_extract(e.value, '$[0]') = ?"
)
"""The events of one type (``_of_type``'s two parameters), each a row ``e`` of its step ``s``:
a step's events are taken apart (``json_each``) only when its text names the type at all, where
the view ``events`` takes every step apart."""


def _of_type(type_: str) -> tuple[str, str]:
    """The parameters of ``_OF_TYPE``: the type as its JSON text names it, and the type."""
    return json.dumps(str(type_)), str(type_)


def event_counts(conn: sqlite3.Connection, type_: str) -> dict[tuple[str | None, str | None], int]:
    """The events of ``type_`` counted by flow (the event's own ``flow``, else its step's) and
    by ``reason`` (None when it has none), in SQL: a results page over a million steps counts
    them without taking a million events into Python."""
    sql = (
        "SELECT COALESCE(NULLIF(json_extract(e.value, '$[1].flow'), ''), s.flow),"
        f" json_extract(e.value, '$[1].reason'), COUNT(*){_OF_TYPE} GROUP BY 1, 2"
    )
    found = conn.execute(sql, _of_type(type_))
    return {(flow, reason): count for flow, reason, count in found}


def refused_votes(conn: sqlite3.Connection, poll: str) -> dict[str, int]:
    """The votes of ``poll`` the rules refused, by reason (``already_voted``, ``closed``…), read
    in SQL: a poll of a million votes, most of them counted, is a scan of short texts, not a
    million steps' events taken apart (``_OF_TYPE``)."""
    sql = (
        f"SELECT json_extract(e.value, '$[1].reason'), COUNT(*){_OF_TYPE}"
        " AND json_extract(e.value, '$[1].poll') = ? GROUP BY 1"
    )
    found = conn.execute(sql, (*_of_type(EventType.VOTE_REFUSED), poll))
    return {str(reason): count for reason, count in found}


def tally(conn: sqlite3.Connection, poll: str) -> dict[str, int]:
    sql = (
        "SELECT choice, votes FROM vote_counts WHERE poll = ? AND votes > 0"
        " ORDER BY votes DESC, choice"
    )
    return {row[0]: row[1] for row in conn.execute(sql, (poll,))}


def _dicts(
    cursor: sqlite3.Cursor, times: Sequence[str], jsons: Sequence[str]
) -> list[dict[str, Any]]:
    names = [column[0] for column in cursor.description]
    result: list[dict[str, Any]] = []
    for row in cursor:
        item = dict(zip(names, row, strict=True))
        for name in times:
            item[name] = time_or_none_out(item[name])
        for name in jsons:
            item[name] = loads(item[name])
        result.append(item)
    return result


def _where(filters: dict[str, Any]) -> tuple[str, tuple[Any, ...]]:
    """``WHERE`` for the filters that are set; keys are constant column names, never input."""
    used = {name: value for name, value in filters.items() if value is not None}
    if not used:
        return "", ()
    return " WHERE " + " AND ".join(f"{name} = ?" for name in used), tuple(used.values())


def events(
    conn: sqlite3.Connection, contact: Address | None, type_: str | None
) -> list[dict[str, Any]]:
    where, params = _where({"contact": contact, "type": type_})
    cursor = conn.execute(f"SELECT * FROM events{where} ORDER BY id", params)
    return _dicts(cursor, ("at",), ("data",))


def answers(conn: sqlite3.Connection, survey: str) -> list[dict[str, Any]]:
    cursor = conn.execute("SELECT * FROM answers WHERE survey = ? ORDER BY id", (survey,))
    return _dicts(cursor, ("at",), ("value",))


def opt_out_log(conn: sqlite3.Connection, contact: Address | None) -> list[dict[str, Any]]:
    where, params = _where({"contact": contact})
    cursor = conn.execute(f"SELECT * FROM opt_out_log{where} ORDER BY id", params)
    return _dicts(cursor, ("at",), ())


def inbox(conn: sqlite3.Connection, status: str | None) -> list[dict[str, Any]]:
    where, params = _where({"status": status})
    cursor = conn.execute(f"SELECT * FROM inbox{where} ORDER BY id", params)
    return _dicts(cursor, ("at",), ())


def counts(conn: sqlite3.Connection) -> dict[str, int]:
    return {row[0]: row[1] for row in conn.execute(_COUNTS_SQL)}
