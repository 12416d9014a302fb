"""Own the batch commit: every step of a batch written in order, one ``executemany`` per table.

:func:`commit` gathers the rows of the batch table by table (:class:`Batch`), each step through
one small function per concept — the step's contact, its opt-out, its sessions, what it recorded
(events, votes, answers), its outbound messages, its hand-off —, then writes each table once.
Rows are written as they are built: their order is the column order of their statement.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field
from json.encoder import encode_basestring
from typing import Any, NamedTuple

from engine.core.messages import Address
from engine.core.model import Session
from engine.core.notices import NONE, Subscriptions
from engine.core.records import OutboxRow, OutboxStatus, Step
from engine.store import campaigns, notices, threads
from engine.store.codec import dumps, loads, time_in, time_or_none
from engine.store.intake import InboundRow, write_inbound
from engine.store.outbox import OutboxValues, insert_outbox
from engine.store.sessions import SESSION_COLUMNS, Key, OptedOut
from engine.store.sql import many, next_id, select_in

__all__ = [
    "AnswerRow",
    "Batch",
    "EventRow",
    "OptOutLogRow",
    "OptOutRow",
    "ProcessedRow",
    "SessionRow",
    "VoteRow",
    "commit",
]


# The rows every message makes (inbound processed, sessions, events, outbox) are exact tuples,
# typed by column: sqlite3 binds an exact tuple half again as fast as a named tuple, whose
# items it fetches one call at a time; built in the hot loop, a named tuple also costs three
# times a tuple display. Their columns are named where they are declared, and by comments where
# they are built. The rows a batch makes few of are named tuples.

ProcessedRow = tuple[str, int]
"""An inbound row processed: (processed_at, id)."""


class OptOutRow(NamedTuple):
    contact: Address
    number: Address
    opted_out: int
    at: str
    inbound_id: int | None


class OptOutLogRow(NamedTuple):
    contact: Address
    number: Address
    action: str
    at: str
    inbound_id: int | None
    text_of: int | None
    """The inbound row whose text the log keeps (the same as ``inbound_id``)."""


SessionRow = tuple[
    str,
    Address,
    Address,
    str,
    str,
    str,
    int,
    str | None,
    str | None,
    str,
    str,
    str,
    str,
    str | None,
]
"""A session as written: (id, contact, number, flow, state, vars, retries, deadline,
deadline_kind, started_at, updated_at, ruleset_version) as ``SESSION_COLUMNS`` names them, then
(status, ended_at)."""
_ID, _CONTACT, _NUMBER, _FLOW, _DEADLINE, _STATUS = 0, 1, 2, 3, 7, 12
"""Where the columns :func:`_write_sessions` reads are in a ``SessionRow``."""


EventRow = tuple[str, Address, Address, str | None, str | None, str, int | None, str]
"""A step's events: (at, contact, number, session_id, flow, ruleset_version, inbound_id, items),
``items`` their ``[type, data]`` as a JSON array (the view ``events`` shows one row an event)."""

_EVENTS_A_ROW = 1024
"""A step's events in one row at most: the view numbers them ``id * 1024 + place``."""


class VoteRow(NamedTuple):
    poll: str
    contact: Address
    choice: str
    at: str
    inbound_id: int | None
    replaces: int
    """1: this vote overwrites the contact's earlier one (the ``WHERE`` of its upsert)."""


class AnswerRow(NamedTuple):
    survey: str
    contact: Address
    session_id: str | None
    question: str
    value: str
    at: str


@dataclass(slots=True)
class Batch:
    """The rows a batch writes, gathered table by table in step order."""

    opted: set[Key]
    """The (contact, number) pairs opted out, as the batch's steps leave them."""
    fields: dict[Address, dict[str, Any]]
    """The stored fields of the contacts whose fields the batch changes."""
    ready: OutboxStatus
    claim: tuple[str | None, str | None]
    """(owner, lease's end) written on the rows the caller hands over (``store.claims``)."""
    outbox_id: int
    inbox_id: int
    processed: list[ProcessedRow] = field(default_factory=list)
    used_timers: list[tuple[int]] = field(default_factory=list)
    seen: dict[Address, str] = field(default_factory=dict)
    changed: dict[Address, str] = field(default_factory=dict)
    grouped: dict[Address, tuple[str, str]] = field(default_factory=dict)
    opt_outs: list[OptOutRow] = field(default_factory=list)
    opt_log: list[OptOutLogRow] = field(default_factory=list)
    sessions: dict[str, SessionRow] = field(default_factory=dict)
    events: list[EventRow] = field(default_factory=list)
    votes: list[VoteRow] = field(default_factory=list)
    answers: list[AnswerRow] = field(default_factory=list)
    outbox: list[OutboxValues] = field(default_factory=list)
    inbox: list[threads.HandedOver] = field(default_factory=list)
    queued: list[OutboxRow] = field(default_factory=list)
    first_rows: dict[int, int] = field(default_factory=dict)
    """Step index → its first outbox row (a campaign's recipient is started by it)."""
    inbox_ids: dict[int, int] = field(default_factory=dict)
    """Step index → its inbox row (its notifications name it)."""


def commit(
    conn: sqlite3.Connection,
    steps: Sequence[Step],
    sending: bool = False,
    notify: Subscriptions = NONE,
    claim: tuple[str, str] | None = None,
    inbound: Sequence[InboundRow] = (),
    known: OptedOut | None = None,
) -> list[OutboxRow]:
    """Write every step of the batch, in order; return the outbox rows queued for sending.

    With ``sending``, those rows are written ``sending`` at once: the caller hands them over
    as soon as this transaction commits (their opt-outs were checked inside it), which saves
    the outbox a transaction of its own. The notifications ``notify`` asks for (hand-offs,
    opt-outs, unmatched texts) are written with them (``notices.from_steps``). The rows returned
    carry ``claim`` (owner, lease's end): values of their ``INSERT`` (``store.claims``).
    ``inbound``: the batch's new inbound rows (``intake.take``), written first, those a step
    processed already ``processed``. ``known``: the opt-outs the batch's load read (read again
    if not).
    """
    if not steps:
        write_inbound(conn, inbound)
        return []
    batch = _batch(conn, steps, sending, claim or _UNCLAIMED, known)
    for index, step in enumerate(steps):
        _gather(batch, index, step)
    if inbound:
        _write_inbound(conn, batch, inbound)
    _write_contacts(conn, batch)
    _write_sessions(conn, batch)
    _write_records(conn, batch)
    insert_outbox(conn, batch.outbox)
    campaigns.mark_started(conn, steps, batch.first_rows)
    campaigns.attribute(conn, steps)
    threads.hand_over(conn, batch.inbox)
    notices.from_steps(conn, notify, steps, batch.inbox_ids)
    return batch.queued


_UNCLAIMED = (None, None)


def _batch(
    conn: sqlite3.Connection,
    steps: Sequence[Step],
    sending: bool,
    claim: tuple[str | None, str | None],
    known: OptedOut | None,
) -> Batch:
    """What the batch starts from: the opt-outs of its recipients (those ``known`` read not
    again), the fields it changes, the next free outbox and inbox ids."""
    recipients = {message.recipient for step in steps for message in step.sprint.outbound}
    opted: set[Key] = set()
    if known is not None:
        opted.update(known.pairs)
        recipients.difference_update(known.phones)
    sql = "SELECT contact, number FROM opt_outs WHERE opted_out = 1 AND contact IN ({marks})"
    for contact, number in select_in(conn, sql, recipients):
        opted.add((contact, number))
    fields: dict[Address, dict[str, Any]] = {}
    sql = "SELECT phone, fields FROM contacts WHERE phone IN ({marks})"
    changing = {step.contact for step in steps if step.sprint.contact_fields}
    for phone, text in select_in(conn, sql, changing):
        fields[phone] = loads(text)
    return Batch(
        opted=opted,
        fields=fields,
        ready="sending" if sending else "queued",
        claim=claim,
        outbox_id=next_id(conn, "outbox"),
        inbox_id=next_id(conn, "inbox") if any(s.sprint.handoff for s in steps) else 0,
    )


def _gather(batch: Batch, index: int, step: Step) -> None:
    """Add the rows of one step to ``batch``."""
    at = time_in(step.at)
    _add_contact(batch, step, at)
    if step.sprint.opt is not None:
        _add_opt(batch, step, step.sprint.opt, at)
    current = _add_sessions(batch, step, at)
    session_id = current.id if current is not None else None
    _add_records(batch, step, at, session_id, current)
    if step.sprint.outbound:
        _add_outbound(batch, index, step, at, session_id)
    if step.sprint.handoff is not None:
        batch.inbox_id += 1
        batch.inbox_ids[index] = batch.inbox_id
        batch.inbox.append(
            threads.HandedOver(
                batch.inbox_id,
                at,
                step.contact,
                step.number,
                step.sprint.handoff,
                step.sprint.held,
                step.inbound_id,
                session_id,
            )
        )


def _add_contact(batch: Batch, step: Step, at: str) -> None:
    """The inbound row and timer the step consumed, its contact seen, its fields and groups."""
    sprint = step.sprint
    if step.inbound_id is not None:
        batch.processed.append((at, step.inbound_id))
    if step.timer_id is not None:
        batch.used_timers.append((step.timer_id,))
    batch.seen.setdefault(step.contact, at)
    if sprint.contact_fields:
        batch.fields.setdefault(step.contact, {}).update(sprint.contact_fields)
        batch.changed[step.contact] = at
    if sprint.groups is not None:
        batch.grouped[step.contact] = (dumps(list(sprint.groups)), at)


def _add_opt(batch: Batch, step: Step, opt: str, at: str) -> None:
    """An opt-out or opt-in: the pair's state (later steps' messages see it) and its log."""
    pair = (step.contact, step.number)
    if opt == "out":
        batch.opted.add(pair)
    else:
        batch.opted.discard(pair)
    batch.opt_outs.append(
        OptOutRow(
            contact=step.contact,
            number=step.number,
            opted_out=int(opt == "out"),
            at=at,
            inbound_id=step.inbound_id,
        )
    )
    batch.opt_log.append(
        OptOutLogRow(
            contact=step.contact,
            number=step.number,
            action=opt,
            at=at,
            inbound_id=step.inbound_id,
            text_of=step.inbound_id,
        )
    )


def _add_sessions(batch: Batch, step: Step, at: str) -> Session | None:
    """The sessions the step ended and saved; returns the step's session (saved, else ended)."""
    sprint = step.sprint
    if sprint.ended is not None:
        batch.sessions[sprint.ended.id] = _session_row(
            sprint.ended, "ended", at, step.ruleset_version
        )
    if sprint.session is not None:
        batch.sessions[sprint.session.id] = _session_row(
            sprint.session, "active", None, step.ruleset_version
        )
    return sprint.session or sprint.ended


def _session_row(
    session: Session, status: str, ended_at: str | None, ruleset_version: str
) -> SessionRow:
    return (
        session.id,
        session.contact,
        session.number,
        session.flow,
        session.state,
        dumps(session.vars),
        session.retries,
        time_or_none(session.deadline),
        session.deadline_kind,
        time_in(session.started_at),
        time_in(session.updated_at),
        # The rule set of the step that wrote the row: for an ended session, the one that ended it
        # (its own field still names the rule set that last saved it, maybe before a reload).
        ruleset_version or session.ruleset_version,
        status,
        ended_at,
    )


def _add_records(
    batch: Batch, step: Step, at: str, session_id: str | None, current: Session | None
) -> None:
    """The step's events, votes and answers."""
    sprint = step.sprint
    flow = sprint.flow or (current.flow if current is not None else None)
    events = sprint.events
    for start in range(0, len(events), _EVENTS_A_ROW):
        items = [
            f"[{encode_basestring(event.type)},{dumps(event.data, strict=True)}]"
            for event in events[start : start + _EVENTS_A_ROW]
        ]
        batch.events.append(
            (
                at,
                step.contact,
                step.number,
                session_id,
                flow,
                step.ruleset_version,
                step.inbound_id,
                f"[{','.join(items)}]",  # items
            )
        )
    for vote in sprint.votes:
        batch.votes.append(
            VoteRow(
                poll=vote.poll,
                contact=step.contact,
                choice=vote.choice,
                at=at,
                inbound_id=step.inbound_id,
                replaces=int(vote.replaces),
            )
        )
    for answer in sprint.answers:
        batch.answers.append(
            AnswerRow(
                survey=answer.survey,
                contact=step.contact,
                session_id=session_id,
                question=answer.question,
                value=dumps(answer.value),
                at=at,
            )
        )


def _add_outbound(batch: Batch, index: int, step: Step, at: str, session_id: str | None) -> None:
    """The step's messages: suppressed if opted out, held in quiet hours, else ready."""
    held = time_or_none(step.hold_until)
    for message in step.sprint.outbound:
        batch.outbox_id += 1
        batch.first_rows.setdefault(index, batch.outbox_id)
        compliance = message.kind == "compliance"
        blocked = not compliance and (message.recipient, message.sender) in batch.opted
        wait = held if not compliance and not blocked else None
        status: OutboxStatus = "suppressed" if blocked else "queued" if wait else batch.ready
        claimed_by, lease_until = _UNCLAIMED if blocked or wait else batch.claim
        batch.outbox.append(
            (
                batch.outbox_id,
                at,  # created_at
                step.contact,
                message.recipient,
                message.sender,
                message.text,
                message.kind,
                status,
                "opted out" if blocked else None,  # last_error
                at,  # updated_at
                step.inbound_id,
                session_id,
                step.campaign,
                wait,  # hold_until
                claimed_by,
                lease_until,
            )
        )
        if not blocked and not wait:
            batch.queued.append(
                OutboxRow(
                    batch.outbox_id, message, step.at, batch.ready, 0, step.contact, step.campaign
                )
            )


def _write_inbound(conn: sqlite3.Connection, batch: Batch, rows: Sequence[InboundRow]) -> None:
    """The batch's new inbound rows, those its steps processed written ``processed``: only the
    older rows the batch processed are left to update."""
    done = {inbound_id: at for at, inbound_id in batch.processed}
    write_inbound(conn, rows, done)
    if len(done) != len(rows):
        new = {row[0] for row in rows}
        batch.processed = [pair for pair in batch.processed if pair[1] not in new]
    else:
        batch.processed = []


def _write_contacts(conn: sqlite3.Connection, batch: Batch) -> None:
    """Inbound rows processed, timers used, contacts seen and changed, opt-outs and their log."""
    many(
        conn,
        "UPDATE inbound SET status = 'processed', processed_at = ? WHERE id = ?",
        batch.processed,
    )
    many(conn, "DELETE FROM timers WHERE id = ?", batch.used_timers)
    many(
        conn,
        "INSERT INTO contacts (phone, created_at, updated_at) VALUES (?, ?, ?)"
        " ON CONFLICT (phone) DO NOTHING",
        [(phone, at, at) for phone, at in batch.seen.items()],
    )
    many(
        conn,
        "UPDATE contacts SET fields = ?, updated_at = ? WHERE phone = ?",
        [(dumps(batch.fields[phone]), at, phone) for phone, at in batch.changed.items()],
    )
    many(
        conn,
        "UPDATE contacts SET groups = ?, updated_at = ? WHERE phone = ?",
        [(groups, at, phone) for phone, (groups, at) in batch.grouped.items()],
    )
    many(
        conn,
        "INSERT INTO opt_outs (contact, number, opted_out, at, inbound_id) VALUES (?, ?, ?, ?, ?)"
        " ON CONFLICT (contact, number) DO UPDATE SET opted_out = excluded.opted_out,"
        " at = excluded.at, inbound_id = excluded.inbound_id",
        batch.opt_outs,
    )
    many(
        conn,
        "INSERT INTO opt_out_log (contact, number, action, at, inbound_id, text)"
        " VALUES (?, ?, ?, ?, ?, (SELECT text FROM inbound WHERE id = ?))",
        batch.opt_log,
    )


def _write_sessions(conn: sqlite3.Connection, batch: Batch) -> None:
    """The sessions the batch saved or ended, and the timers of the active ones."""
    # Ended sessions first, so that a pair's next session may become active in the same batch.
    ordered = sorted(batch.sessions.values(), key=lambda row: row[_STATUS] == "active")
    many(
        conn,
        f"INSERT INTO sessions ({SESSION_COLUMNS}, status, ended_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (id) DO UPDATE SET contact = excluded.contact, number = excluded.number,"
        " flow = excluded.flow, state = excluded.state, vars = excluded.vars,"
        " retries = excluded.retries, deadline = excluded.deadline,"
        " deadline_kind = excluded.deadline_kind, started_at = excluded.started_at,"
        " updated_at = excluded.updated_at, ruleset_version = excluded.ruleset_version,"
        " status = excluded.status, ended_at = excluded.ended_at",
        ordered,
    )
    many(conn, "DELETE FROM timers WHERE session_id = ?", [(sid,) for sid in batch.sessions])
    many(
        conn,
        "INSERT INTO timers (due, kind, contact, number, session_id, flow)"
        " VALUES (?, 'session', ?, ?, ?, ?)",
        [
            (row[_DEADLINE], row[_CONTACT], row[_NUMBER], row[_ID], row[_FLOW])
            for row in ordered
            if row[_STATUS] == "active" and row[_DEADLINE] is not None
        ],
    )


def _write_records(conn: sqlite3.Connection, batch: Batch) -> None:
    """The batch's events, votes and answers."""
    many(
        conn,
        "INSERT INTO event_steps (at, contact, number, session_id, flow, ruleset_version,"
        " inbound_id, items) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        batch.events,
    )
    # A vote without ``replaces`` never overwrites an earlier one (the runtime refuses it first).
    many(
        conn,
        "INSERT INTO votes (poll, contact, choice, at, inbound_id) VALUES (?, ?, ?, ?, ?)"
        " ON CONFLICT (poll, contact) DO UPDATE SET choice = excluded.choice, at = excluded.at,"
        " inbound_id = excluded.inbound_id WHERE ?",
        batch.votes,
    )
    many(
        conn,
        "INSERT INTO answers (survey, contact, session_id, question, value, at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        batch.answers,
    )
