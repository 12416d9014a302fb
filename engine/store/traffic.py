"""Own the reads of stored traffic that `twoway replay` runs again: the inbound messages of the
conversations a window touches, each with the replies the rules wrote for it, and their contacts.

Plain functions over one ``sqlite3.Connection`` (``twoway replay`` opens the file read-only);
every value is a bound parameter.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime

from engine.core.messages import Address
from engine.store.codec import time_in, time_out
from engine.store.contacts import ContactRow, all_contacts

__all__ = ["NOT_SENT", "StoredInbound", "StoredReply", "traffic", "traffic_contacts"]

NOT_SENT = ("suppressed", "rejected")
"""Outbox statuses of a row the engine wrote but chose not to send (an opt-out, a refusal)."""


@dataclass(frozen=True, slots=True)
class StoredReply:
    """A message the rules wrote because of an inbound message (an ``outbox`` row)."""

    recipient: Address
    text: str


@dataclass(frozen=True, slots=True)
class StoredInbound:
    """A processed inbound message and the replies it got (``outbox.inbound_id``)."""

    id: int
    phone: Address
    number: Address
    text: str
    at: datetime
    replies: tuple[StoredReply, ...]


_TOUCHED = (
    "SELECT DISTINCT sender, recipient FROM inbound"
    " WHERE status = 'processed' AND received_at >= ? AND received_at < ?"
)


def traffic(conn: sqlite3.Connection, since: datetime, until: datetime) -> list[StoredInbound]:
    """Every processed inbound message received before ``until`` of the conversations (phone ×
    number) that have one in [``since``, ``until``), from each conversation's first; oldest
    first (received time, then id). Replies suppressed or rejected are left out: not sent."""
    window = (time_in(since), time_in(until))
    replies: dict[int, list[StoredReply]] = {}
    marks = ", ".join("?" for _ in NOT_SENT)
    for inbound_id, recipient, text in conn.execute(
        "SELECT o.inbound_id, o.recipient, o.text FROM outbox o"
        " JOIN inbound i ON i.id = o.inbound_id"
        f" WHERE (i.sender, i.recipient) IN ({_TOUCHED}) AND i.received_at < ?"
        f" AND o.status NOT IN ({marks}) ORDER BY o.id",
        (*window, window[1], *NOT_SENT),
    ):
        replies.setdefault(inbound_id, []).append(StoredReply(recipient, text))
    rows = conn.execute(
        "SELECT id, sender, recipient, text, received_at FROM inbound"
        f" WHERE (sender, recipient) IN ({_TOUCHED}) AND received_at < ?"
        " AND status = 'processed' ORDER BY received_at, id",
        (*window, window[1]),
    )
    return [
        StoredInbound(row[0], row[1], row[2], row[3], time_out(row[4]),
                      tuple(replies.get(row[0], ())))
        for row in rows
    ]  # fmt: skip


def traffic_contacts(conn: sqlite3.Connection, phones: set[Address]) -> list[ContactRow]:
    """The stored contacts (fields, groups) among ``phones``, as they stand now."""
    return [row for row in all_contacts(conn, None) if row[0] in phones]
