"""Own intake: inbound rows written once (re-deliveries found by provider id, content window or
fingerprint), the parts of long messages a transport holds, the inbound rows still to process.

A batch that is processed in the transaction that receives it (``transactions.handle``) is
``take``n first, and its rows are written by the commit already ``processed``
(:func:`write_inbound`): a row written ``received`` and updated in the same transaction would
rewrite the row and add and remove its ``inbound_pending`` entry for nothing."""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import NamedTuple, cast

from engine.core.messages import Address, Inbound
from engine.core.records import HeldPart, Received
from engine.store.codec import fingerprint, time_in, time_or_none_out, time_out
from engine.store.sql import Row, many, next_id, select_in

__all__ = [
    "InboundRow",
    "Taken",
    "held_parts",
    "hold_parts",
    "inbound_rows",
    "pending_inbound",
    "receive",
    "take",
    "waiting_before",
    "write_inbound",
]


_INBOUND_COLUMNS = "id, transport, external_id, sender, recipient, text, received_at"


def _inbound(row: Row) -> Inbound:
    return Inbound(
        id=row[0],
        transport=row[1],
        external_id=row[2],
        sender=row[3],
        recipient=row[4],
        text=row[5],
        received_at=time_out(row[6]),
    )


InboundRow = tuple[int, str, str | None, str | None, Address, Address, str, str]
"""A new inbound row: (id, transport, external_id, fingerprint, sender, recipient, text,
received_at), as :func:`write_inbound` writes it (an exact tuple: see ``commit``). The
``content`` column (a hash of the content, before migration 0016) is no longer written."""

Content = tuple[str, Address, Address, str]
"""(transport, sender, recipient, text): what tells a message without an id from another."""


class Taken(NamedTuple):
    """What :func:`take` found: each message received (new or a re-delivery), the new rows."""

    received: list[Received]
    rows: list[InboundRow]


def receive(conn: sqlite3.Connection, messages: Sequence[Inbound]) -> list[Received]:
    """Insert the new messages, ``received``; a re-delivery is flagged (see :func:`take`)."""
    taken = take(conn, messages)
    write_inbound(conn, taken.rows)
    return taken.received


_INSERT_INBOUND = (
    "INSERT INTO inbound (id, transport, external_id, fingerprint, sender, recipient, text,"
    " received_at, status, processed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_RECEIVED = ("received", None)


def write_inbound(
    conn: sqlite3.Connection,
    rows: Sequence[InboundRow],
    processed: Mapping[int, str] | None = None,
) -> None:
    """Write the new rows :func:`take` found: ``processed`` at the time it gives a row's id,
    else ``received``."""
    if rows:
        processed = processed or {}
        conn.executemany(
            _INSERT_INBOUND,
            [
                row + (("processed", at) if (at := processed.get(row[0])) else _RECEIVED)
                for row in rows
            ],
        )


def take(conn: sqlite3.Connection, messages: Sequence[Inbound]) -> Taken:
    """Find the new messages and give them ids; a re-delivery is flagged, and its earlier
    row's id returned. The new rows are the caller's to write (:func:`write_inbound`), before
    anything that refers to them.

    A re-delivery has the same provider id on the same transport (``conflict`` when that row
    has another sender, recipient or text: the id was used twice); without an id, when the
    message has a ``dedup_window``, the same content as a row received at most that many seconds
    before or after it, else the same fingerprint (content and receive time).
    """
    prepared, by_transport, fingerprints, contents, since = _keys(messages)
    known, said = _known(conn, by_transport, fingerprints)
    recent = _recent(conn, contents, since) if since is not None else {}

    last_id = next_id(conn, "inbound")
    rows: list[InboundRow] = []
    results: list[Received] = []
    for message, at, fp, content, key in prepared:
        existing = known.get(key) if key is not None else None
        if existing is None and content is not None:
            existing = _within(recent.get(content), message.received_at, message.dedup_window)
        if existing is not None:
            earlier = said.get(existing) if message.external_id is not None else None
            conflict = earlier is not None and earlier != (
                message.sender,
                message.recipient,
                message.text,
            )
            results.append(Received(message.with_id(existing), duplicate=True, conflict=conflict))
            continue
        last_id += 1
        if key is not None:
            known[key] = last_id
        if message.external_id is not None:
            said[last_id] = (message.sender, message.recipient, message.text)
        if content is not None:
            recent.setdefault(content, []).append((message.received_at, last_id))
        rows.append(
            (
                last_id,
                message.transport,
                message.external_id,
                fp,
                message.sender,
                message.recipient,
                message.text,
                at,
            )
        )
        results.append(Received(message.with_id(last_id), duplicate=False))
    _parts_done(conn, messages)
    return Taken(results, rows)


def _parts_done(conn: sqlite3.Connection, messages: Sequence[Inbound]) -> None:
    """The held parts of these messages (re-deliveries included) are done with."""
    many(
        conn,
        "UPDATE held_parts SET done_at = ? WHERE transport = ? AND group_key = ?"
        " AND done_at IS NULL",
        [
            (time_in(message.received_at), message.transport, message.parts)
            for message in messages
            if message.parts is not None
        ],
    )


def hold_parts(
    conn: sqlite3.Connection, parts: Sequence[HeldPart], forget_before: datetime
) -> None:
    """Keep ``parts`` (a part held again replaces the earlier copy) and drop the parts of
    messages committed before ``forget_before``."""
    many(
        conn,
        "INSERT INTO held_parts (transport, group_key, number, data, received_at)"
        " VALUES (?, ?, ?, ?, ?) ON CONFLICT (transport, group_key, number) DO UPDATE"
        " SET data = excluded.data, received_at = excluded.received_at, done_at = NULL",
        [(p.transport, p.group, p.number, p.data, time_in(p.received_at)) for p in parts],
    )
    conn.execute("DELETE FROM held_parts WHERE done_at < ?", (time_in(forget_before),))


def held_parts(conn: sqlite3.Connection, transport: str) -> list[HeldPart]:
    """The parts ``transport`` holds, and those of messages committed lately (``done_at``)."""
    sql = (
        "SELECT group_key, number, data, received_at, done_at FROM held_parts"
        " WHERE transport = ? ORDER BY group_key, number"
    )
    return [
        HeldPart(transport, group, number, data, time_out(at), time_or_none_out(done))
        for group, number, data, at, done in conn.execute(sql, (transport,))
    ]


class _Keys(NamedTuple):
    """How :func:`take` looks for each message: its row's time, fingerprint, content, key."""

    prepared: list[tuple[Inbound, str, str | None, Content | None, tuple[str, ...] | None]]
    by_transport: dict[str, set[str]]
    """Provider ids, by transport."""
    fingerprints: list[str]
    contents: list[Content]
    since: datetime | None
    """The start of the earliest window (None: no message has one)."""


def _keys(messages: Sequence[Inbound]) -> _Keys:
    prepared: list[tuple[Inbound, str, str | None, Content | None, tuple[str, ...] | None]] = []
    by_transport: dict[str, set[str]] = {}
    fingerprints: list[str] = []
    contents: list[Content] = []
    since: datetime | None = None
    for message in messages:
        at = time_in(message.received_at)
        content: Content | None = None
        fp: str | None = None
        key: tuple[str, ...] | None = None
        if message.external_id is not None:
            key = ("ext", message.transport, message.external_id)
            by_transport.setdefault(message.transport, set()).add(message.external_id)
        elif message.dedup_window > 0:  # its content within the window (covers the fingerprint)
            content = (message.transport, message.sender, message.recipient, message.text)
            contents.append(content)
            start = message.received_at - timedelta(seconds=message.dedup_window)
            since = start if since is None else min(since, start)
        else:
            fp = fingerprint(message.transport, message.sender, message.recipient, message.text, at)
            key = ("fp", fp)
            fingerprints.append(fp)
        prepared.append((message, at, fp, content, key))

    return _Keys(prepared, by_transport, fingerprints, contents, since)


def _known(
    conn: sqlite3.Connection, by_transport: dict[str, set[str]], fingerprints: Sequence[str]
) -> tuple[dict[tuple[str, ...], int], dict[int, tuple[str, str, str]]]:
    """The rows already there with these provider ids or fingerprints: their ids by key, and
    (sender, recipient, text) by id for the rows found by provider id."""
    known: dict[tuple[str, ...], int] = {}
    said: dict[int, tuple[str, str, str]] = {}
    for transport, external_ids in by_transport.items():
        sql = (
            "SELECT id, external_id, sender, recipient, text FROM inbound"
            " WHERE transport = ? AND external_id IN ({marks})"
        )
        for row_id, external_id, sender, recipient, text in select_in(
            conn, sql, external_ids, (transport,)
        ):
            known[("ext", transport, external_id)] = row_id
            said[row_id] = (sender, recipient, text)
    sql = "SELECT id, fingerprint FROM inbound WHERE fingerprint IN ({marks})"
    for row_id, fp_found in select_in(conn, sql, fingerprints):
        known[("fp", fp_found)] = row_id
    return known, said


def _recent(
    conn: sqlite3.Connection, contents: Sequence[Content], since: datetime
) -> dict[Content, list[tuple[datetime, int]]]:
    """The rows received since ``since`` with one of ``contents``: (received time, id) by
    content. Read through ``inbound_conversation`` (sender, recipient, received_at), the index
    every row is in anyway: a key of its own (a hash of the content, random) cost every
    message a WAL page of its own. Only rows that were compared by content too (no provider id,
    no fingerprint), as when they had that key."""
    wanted = set(contents)
    recipients = sorted({content[2] for content in wanted})
    sql = (
        "SELECT id, transport, sender, recipient, text, received_at FROM inbound"
        f" WHERE recipient IN ({','.join('?' * len(recipients))}) AND received_at >= ?"
        " AND sender IN ({marks}) AND external_id IS NULL AND fingerprint IS NULL"
    )
    found: dict[Content, list[tuple[datetime, int]]] = {}
    senders = {content[1] for content in wanted}
    for row_id, *content, received_at in select_in(
        conn, sql, senders, (*recipients, time_in(since))
    ):
        key = cast(Content, tuple(content))
        if key in wanted:
            found.setdefault(key, []).append((time_out(received_at), row_id))
    return found


def _within(earlier: list[tuple[datetime, int]] | None, at: datetime, window: float) -> int | None:
    """The id of the row of ``earlier`` closest in time to ``at``, if within ``window`` s."""
    if not earlier:
        return None
    gap, row_id = min((abs((at - when).total_seconds()), row_id) for when, row_id in earlier)
    return row_id if gap <= window else None


def pending_inbound(conn: sqlite3.Connection, limit: int) -> list[Inbound]:
    sql = f"SELECT {_INBOUND_COLUMNS} FROM inbound WHERE status = 'received' ORDER BY id LIMIT ?"
    return [_inbound(row) for row in conn.execute(sql, (limit,))]


def waiting_before(conn: sqlite3.Connection, messages: Sequence[Inbound]) -> list[Inbound]:
    """The rows still ``received`` (committed and acknowledged, not processed yet: in another
    process's queue, or left by a run that stopped) of the conversations of ``messages``,
    oldest first. A batch processes them ahead of its own messages, so that a conversation's
    messages are processed in the order they were committed, whichever process took them (the
    other process then finds them processed: ``claims.fresh_work``)."""
    if not messages:
        return []
    keys = {(message.sender, message.recipient) for message in messages}
    sql = (
        f"SELECT {_INBOUND_COLUMNS} FROM inbound INDEXED BY inbound_waiting"
        " WHERE status = 'received' AND sender IN ({marks})"
    )
    found = [_inbound(row) for row in select_in(conn, sql, {sender for sender, _ in keys})]
    waiting = [message for message in found if (message.sender, message.recipient) in keys]
    return sorted(waiting, key=_row_id)  # the chunks of senders come one after the other


def _row_id(message: Inbound) -> int:
    return message.id or 0


def inbound_rows(conn: sqlite3.Connection) -> list[Inbound]:
    return [
        _inbound(row) for row in conn.execute(f"SELECT {_INBOUND_COLUMNS} FROM inbound ORDER BY id")
    ]
