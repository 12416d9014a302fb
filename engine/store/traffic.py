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

__all__ = ["StoredInbound", "StoredReply", "traffic", "traffic_contacts"]


@dataclass(frozen=True, slots=True)
class StoredReply:
    """A message the rules wrote because of an inbound message (an ``outbox`` row)."""

    recipient: Address
    text: str


@dataclass(frozen=True, slots=True)
class StoredInbound:
    """A processed inbound message and the replies the rules wrote for it: every outbox row
    of the message (``outbox.inbound_id``), whatever became of it (a reply suppressed by an
    opt-out that came before it left, or refused by the network, was still the rules' answer);
    a person's answers from the inbox are not the rules' and have no ``inbound_id``."""

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
    first (received time, then id)."""
    window = (time_in(since), time_in(until))
    replies: dict[int, list[StoredReply]] = {}
    for inbound_id, recipient, text in conn.execute(
        "SELECT o.inbound_id, o.recipient, o.text FROM outbox o"
        " JOIN inbound i ON i.id = o.inbound_id"
        f" WHERE (i.sender, i.recipient) IN ({_TOUCHED}) AND i.received_at < ?"
        " ORDER BY o.id",
        (*window, window[1]),
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
