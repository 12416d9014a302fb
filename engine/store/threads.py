"""Own the hand-off inbox's threads on the hot path: which conversations a hand-off holds (read
with the batch's conversations) and the inbox rows a batch writes, each in its thread.

A thread is one conversation (contact × number) handed to people.

A thread is ``open`` when the rules hand a message over, ``assigned`` once a person takes it,
and ends ``closed`` (done) or ``released`` (given back to the rules). A ``handoff`` thread (a
rule's ``handoff:``) holds the conversation while it is open or assigned: the runtime answers
that contact on that number no more, compliance words aside, and each of their messages joins
the thread. An ``unmatched`` thread gathers messages nothing answered; it holds nothing, and
becomes a ``handoff`` one when a rule hands the conversation over or a person answers in it.
At most one thread per conversation is open or assigned (a partial unique index). The thread's
messages are the conversation's inbound and outbox rows between its opening and its end; a
person's reply is an outbox row of kind ``agent`` whose ``author`` names the token or user
(``engine.store.inbox``: the inbox's reads and a person's acts).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from engine.core.messages import Address
from engine.store.codec import time_out
from engine.store.sql import select_in

__all__ = ["ACTIVE", "COLUMNS", "HandedOver", "Thread", "hand_over", "holding", "thread_of"]

Key = tuple[Address, Address]
ThreadStatus = Literal["open", "assigned", "closed", "released"]
ACTIVE = ("open", "assigned")
COLUMNS = (
    "id, contact, number, team, kind, status, assigned_to, opened_at, updated_at, closed_at,"
    " closed_by"
)


@dataclass(frozen=True, slots=True)
class HandedOver:
    """One step that handed its conversation to people (written by the batch's commit)."""

    id: int
    """The inbox row's id (the commit numbers them: its notifications name them)."""
    at: str
    contact: Address
    number: Address
    team: str
    held: bool
    """A rule's hand-off (it holds the conversation), not a message nothing answered."""
    inbound_id: int | None
    session_id: str | None


@dataclass(frozen=True, slots=True)
class Thread:
    """A conversation handed to people, as the inbox lists it."""

    id: int
    contact: Address
    number: Address
    team: str
    kind: Literal["handoff", "unmatched"]
    status: ThreadStatus
    assigned_to: str | None
    opened_at: datetime
    updated_at: datetime
    closed_at: datetime | None
    closed_by: str | None

    @property
    def active(self) -> bool:
        return self.status in ACTIVE


def thread_of(row: tuple[Any, ...]) -> Thread:
    return Thread(
        row[0], row[1], row[2], row[3], row[4], row[5], row[6], time_out(row[7]),
        time_out(row[8]), None if row[9] is None else time_out(row[9]), row[10],
    )  # fmt: skip


# --- on the hot path: the batch's load and commit ------------------------------------------------


def holding(conn: sqlite3.Connection, phones: Collection[Address]) -> dict[Key, str]:
    """The team holding each conversation of ``phones`` that a hand-off holds.

    Read through ``threads_active`` (contact, number; open or assigned only), by name: left to
    itself the planner takes ``threads_status`` and walks every open thread, and every text
    nothing answered opens one, so each batch cost more than the one before (1.6 ms at 20,000).
    """
    sql = (
        "SELECT contact, number, team FROM threads INDEXED BY threads_active"
        " WHERE status IN ('open', 'assigned') AND kind = 'handoff' AND contact IN ({marks})"
    )
    return {(contact, number): team for contact, number, team in select_in(conn, sql, phones)}


def _active(conn: sqlite3.Connection, contact: Address, number: Address) -> tuple[int, str] | None:
    row = conn.execute(
        "SELECT id, kind FROM threads WHERE contact = ? AND number = ?"
        " AND status IN ('open', 'assigned')",
        (contact, number),
    ).fetchone()
    return None if row is None else (int(row[0]), str(row[1]))


def hand_over(conn: sqlite3.Connection, items: Sequence[HandedOver]) -> None:
    """Write the inbox rows of a batch, each in its conversation's active thread (opened if
    there is none; an ``unmatched`` one becomes ``handoff`` when a rule hands it over)."""
    for item in items:
        found = _active(conn, item.contact, item.number)
        kind = "handoff" if item.held else "unmatched"
        if found is None:
            cursor = conn.execute(
                "INSERT INTO threads (contact, number, team, kind, status, opened_at, updated_at)"
                " VALUES (?, ?, ?, ?, 'open', ?, ?)",
                (item.contact, item.number, item.team, kind, item.at, item.at),
            )
            thread_id = int(cursor.lastrowid or 0)
        else:
            thread_id = found[0]
            if item.held and found[1] == "unmatched":
                conn.execute(
                    "UPDATE threads SET kind = 'handoff', team = ?, updated_at = ? WHERE id = ?",
                    (item.team, item.at, thread_id),
                )
            else:
                conn.execute("UPDATE threads SET updated_at = ? WHERE id = ?", (item.at, thread_id))
        conn.execute(
            "INSERT INTO inbox (id, at, contact, number, team, inbound_id, session_id,"
            " thread_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (item.id, item.at, item.contact, item.number, item.team, item.inbound_id,
             item.session_id, thread_id),
        )  # fmt: skip
