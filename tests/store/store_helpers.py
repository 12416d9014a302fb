"""Value builders shared by the store tests (a uniquely named module, imported by path)."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NamedTuple

from engine.core.messages import Inbound, Outgoing
from engine.core.model import Session, Sprint
from engine.core.records import Step

T0 = datetime(2026, 1, 5, 9, 0, 0, 123456, tzinfo=UTC)
NUMBER = "36111"
ALICE = "+33600000001"
BOB = "+33600000002"


def inbound(
    sender: str = ALICE,
    text: str = "HELLO",
    *,
    at: datetime = T0,
    external_id: str | None = None,
    transport: str = "loopback",
    recipient: str = NUMBER,
) -> Inbound:
    return Inbound(
        sender=sender,
        recipient=recipient,
        text=text,
        received_at=at,
        transport=transport,
        external_id=external_id,
    )


def session(
    contact: str = ALICE,
    *,
    sid: str = "s_000001",
    state: str = "ask",
    deadline: datetime | None = None,
    number: str = NUMBER,
    **vars: Any,
) -> Session:
    return Session(
        id=sid,
        contact=contact,
        number=number,
        flow="survey",
        state=state,
        vars=vars,
        started_at=T0,
        updated_at=T0,
        deadline=deadline,
        deadline_kind="timeout" if deadline else None,
        ruleset_version="r1",
    )


def reply(contact: str = ALICE, text: str = "OK", kind: str = "reply") -> Outgoing:
    return Outgoing(recipient=contact, sender=NUMBER, text=text, kind=kind)


def step(
    sprint: Sprint,
    contact: str = ALICE,
    *,
    at: datetime = T0,
    inbound_id: int | None = None,
    timer_id: int | None = None,
    number: str = NUMBER,
) -> Step:
    return Step(
        contact=contact,
        number=number,
        sprint=sprint,
        at=at,
        ruleset_version="r1",
        inbound_id=inbound_id,
        timer_id=timer_id,
    )


class Index(NamedTuple):
    columns: list[str]
    unique: bool
    partial: bool


def indexes(path: Path, table: str) -> dict[str, Index]:
    """The indexes of ``table`` in the store file ``path``, by name (what a migration left)."""
    with sqlite3.connect(path) as conn:
        found = {
            name: Index(
                [row[2] for row in conn.execute(f"PRAGMA index_info({name})")],
                bool(unique),
                bool(partial),
            )
            for _, name, unique, _, partial in conn.execute(f"PRAGMA index_list({table})")
        }
    conn.close()
    return found
