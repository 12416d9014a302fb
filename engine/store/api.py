"""Own the REST API's writes: a message sent through it, a flow started through it and a
person's reply in an inbox thread, each in one transaction with its ``Idempotency-Key`` (table
``idempotency``: the first answer to a key, per token, kept 24 hours; older ones are deleted by
the next keyed write).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from engine.core.messages import Address, Outgoing
from engine.core.records import OutboxRow
from engine.store import inbox
from engine.store.codec import dumps, loads, time_in
from engine.store.contacts import is_opted_out
from engine.store.outbox import OutboxInsert, insert_outbox
from engine.store.sessions import schedule_start
from engine.store.sql import next_id

__all__ = ["Answer", "Idempotency", "KeyReused", "OptedOut", "reply", "send", "start"]


@dataclass(frozen=True)
class Idempotency:
    """A request's ``Idempotency-Key``: whose (token name), the key, what the request said."""

    token: str
    key: str
    fingerprint: str
    since: datetime
    """Answers remembered before this instant are forgotten."""


@dataclass(frozen=True)
class Answer:
    """What the API answers: a status and a JSON body; ``row``: the message to hand over."""

    status: int
    body: dict[str, Any]
    replayed: bool = False
    row: OutboxRow | None = field(default=None, compare=False)


class KeyReused(Exception):
    """The ``Idempotency-Key`` was used for another request."""


class OptedOut(Exception):
    """The recipient opted out of the sending number."""


def _remembered(conn: sqlite3.Connection, idem: Idempotency) -> Answer | None:
    conn.execute("DELETE FROM idempotency WHERE created_at < ?", (time_in(idem.since),))
    row = conn.execute(
        "SELECT fingerprint, status, answer FROM idempotency WHERE token = ? AND key = ?",
        (idem.token, idem.key),
    ).fetchone()
    if row is None:
        return None
    if row[0] != idem.fingerprint:
        raise KeyReused(idem.key)
    return Answer(int(row[1]), loads(row[2]), replayed=True)


def _remember(conn: sqlite3.Connection, idem: Idempotency | None, answer: Answer, now: str) -> None:
    if idem is not None:
        conn.execute(
            "INSERT INTO idempotency (token, key, fingerprint, status, answer, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (idem.token, idem.key, idem.fingerprint, answer.status, dumps(answer.body), now),
        )


def send(
    conn: sqlite3.Connection,
    message: Outgoing,
    now: datetime,
    idem: Idempotency | None,
    claim: tuple[str, str],
) -> Answer:
    """Write ``message`` (kind ``api``) to the outbox, ``sending`` and claimed by ``claim``
    (owner, lease's end): the caller hands it over once this commits. Raises ``OptedOut``
    (nothing written) if its recipient opted out."""
    if idem is not None and (found := _remembered(conn, idem)) is not None:
        return found
    if is_opted_out(conn, message.recipient, message.sender):
        raise OptedOut(message.recipient)
    outbox_id = next_id(conn, "outbox") + 1
    at = time_in(now)
    written = OutboxInsert.sending(outbox_id, at, message, claim)
    insert_outbox(conn, [written])
    row = OutboxRow(outbox_id, message, now, "sending", 0, message.recipient)
    answer = Answer(202, {"id": outbox_id, "status": "sending"}, row=row)
    _remember(conn, idem, answer, at)
    return answer


def start(
    conn: sqlite3.Connection,
    contact: Address,
    number: Address,
    flow: str,
    params: dict[str, Any],
    due: datetime,
    now: datetime,
    idem: Idempotency | None,
) -> Answer:
    """Schedule ``flow`` for ``contact`` at ``due`` (a durable ``start`` timer)."""
    if idem is not None and (found := _remembered(conn, idem)) is not None:
        return found
    schedule_start(conn, contact, number, flow, params, due)
    body = {"flow": flow, "contact": contact, "due": due.isoformat()}
    answer = Answer(202, body)
    _remember(conn, idem, answer, time_in(now))
    return answer


def reply(
    conn: sqlite3.Connection,
    thread_id: int,
    text: str,
    author: str,
    now: datetime,
    idem: Idempotency | None,
    claim: tuple[str, str],
) -> Answer:
    """A person's reply in an inbox thread (``inbox.reply``: ``sending``, from the thread's
    number, claimed by ``claim``); raises what it raises (LookupError, ThreadClosed,
    OptedOutContact)."""
    if idem is not None and (found := _remembered(conn, idem)) is not None:
        return found
    thread, row = inbox.reply(conn, thread_id, text, author, now, claim)
    body = {"id": row.id, "status": "sending", "thread": thread.id}
    answer = Answer(202, body, row=row)
    _remember(conn, idem, answer, time_in(now))
    return answer
