"""Own the SQL of the store: plain functions over one ``sqlite3.Connection``.

Every function here runs on the store's connection thread, called once per Store method, so a
batch costs one thread hop however many rows it touches. Writers are wrapped by
:func:`transaction` (``BEGIN IMMEDIATE`` … ``COMMIT``, ``ROLLBACK`` on any error); they work
set-based with ``executemany`` and ``IN (…)`` lookups chunked under SQLite's variable limit. Every
value is a bound parameter; the only text formatted into SQL is ``?`` marks and constant names.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any, Concatenate, Literal, ParamSpec, TypeVar, cast

from engine.core.groups import groups_of
from engine.core.messages import Address, Inbound, Outgoing, ProviderId, SentParts
from engine.core.model import Contact, Session
from engine.core.notices import NONE, Subscriptions
from engine.core.records import (
    CampaignRow,
    Conversation,
    Decide,
    Handled,
    HeldPart,
    OutboxRow,
    OutboxStatus,
    Received,
    Step,
    Timer,
    Work,
    conversation_key,
)
from engine.store import campaigns, notices, threads
from engine.store.codec import content_key, dumps, fingerprint, loads, time_in, time_out
from engine.store.sql import select_in

__all__ = ["TABLES", "transaction"]

P = ParamSpec("P")
T = TypeVar("T")
Row = tuple[Any, ...]
Key = tuple[Address, Address]

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


# --- plumbing ---------------------------------------------------------------------------------


def transaction(
    conn: sqlite3.Connection,
    body: Callable[Concatenate[sqlite3.Connection, P], T],
    /,
    *args: P.args,
    **kwargs: P.kwargs,
) -> T:
    """Run ``body`` in one write transaction: committed if it returns, rolled back if it raises."""
    return write(conn, (), body, *args, **kwargs)


SentMarks = tuple[tuple[tuple[int, ProviderId | None], ...], str]
"""``mark_sent`` results waiting to be written, with the time they were reported."""


def write(
    conn: sqlite3.Connection,
    marks: Sequence[SentMarks],
    body: Callable[Concatenate[sqlite3.Connection, P], T],
    /,
    *args: P.args,
    **kwargs: P.kwargs,
) -> T:
    """Write the pending ``marks`` (see ``SqliteStore.mark_sent``) and run ``body``, in one
    write transaction: committed if ``body`` returns, rolled back if anything raises."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        for results, now in marks:
            mark_sent(conn, results, now)
        result = body(conn, *args, **kwargs)
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return result


def nothing(conn: sqlite3.Connection) -> None:
    """The body of a transaction that only writes marks."""


def snapshot(
    conn: sqlite3.Connection,
    body: Callable[Concatenate[sqlite3.Connection, P], T],
    /,
    *args: P.args,
    **kwargs: P.kwargs,
) -> T:
    """Run the reads of ``body`` in one read transaction, so they see one state of the database."""
    conn.execute("BEGIN")
    try:
        return body(conn, *args, **kwargs)
    finally:
        if conn.in_transaction:
            conn.execute("COMMIT")


def _many(conn: sqlite3.Connection, sql: str, rows: Sequence[Row]) -> None:
    """``executemany``, skipped when there is no row (most statements of a commit have none)."""
    if rows:
        conn.executemany(sql, rows)


def _next_id(conn: sqlite3.Connection, table: str) -> int:
    """The highest id of ``table`` (a constant name); ids above it are free inside our lock."""
    row = conn.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}").fetchone()
    return int(row[0])


def _time_or_none(value: datetime | None) -> str | None:
    return None if value is None else time_in(value)


def _time_or_none_out(text: str | None) -> datetime | None:
    return None if text is None else time_out(text)


# --- inbound ----------------------------------------------------------------------------------

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


def receive(conn: sqlite3.Connection, messages: Sequence[Inbound]) -> list[Received]:
    """Insert the new messages; a re-delivery is flagged, and its earlier row's id returned.

    A re-delivery has the same provider id on the same transport (``conflict`` when that row
    has another sender, recipient or text: the id was used twice); without an id, when the
    message has a ``dedup_window``, the same content as a row received at most that many seconds
    before or after it, else the same fingerprint (content and receive time).
    """
    prepared: list[tuple[Inbound, str, str | None, str | None, tuple[str, ...] | None]] = []
    by_transport: dict[str, set[str]] = {}
    fingerprints: list[str] = []
    contents: list[str] = []
    since: datetime | None = None
    for message in messages:
        at = time_in(message.received_at)
        content: str | None = None
        fp: str | None = None
        key: tuple[str, ...] | None = None
        if message.external_id is not None:
            key = ("ext", message.transport, message.external_id)
            by_transport.setdefault(message.transport, set()).add(message.external_id)
        elif message.dedup_window > 0:  # its content within the window (covers the fingerprint)
            content = content_key(
                message.transport, message.sender, message.recipient, message.text
            )
            contents.append(content)
            start = message.received_at - timedelta(seconds=message.dedup_window)
            since = start if since is None else min(since, start)
        else:
            fp = fingerprint(message.transport, message.sender, message.recipient, message.text, at)
            key = ("fp", fp)
            fingerprints.append(fp)
        prepared.append((message, at, fp, content, key))

    known: dict[tuple[str, ...], int] = {}
    said: dict[int, tuple[str, str, str]] = {}
    """Row id → (sender, recipient, text), for the rows found or added by provider id."""
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
    recent: dict[str, list[tuple[datetime, int]]] = {}
    if since is not None:
        sql = (
            "SELECT id, content, received_at FROM inbound"
            " WHERE received_at >= ? AND content IN ({marks})"
        )
        for row_id, found, received_at in select_in(conn, sql, contents, (time_in(since),)):
            recent.setdefault(found, []).append((time_out(received_at), row_id))

    next_id = _next_id(conn, "inbound")
    rows: list[Row] = []
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
            results.append(
                Received(replace(message, id=existing), duplicate=True, conflict=conflict)
            )
            continue
        next_id += 1
        if key is not None:
            known[key] = next_id
        if message.external_id is not None:
            said[next_id] = (message.sender, message.recipient, message.text)
        if content is not None:
            recent.setdefault(content, []).append((message.received_at, next_id))
        rows.append(
            (
                next_id,
                message.transport,
                message.external_id,
                fp,
                content,
                message.sender,
                message.recipient,
                message.text,
                at,
            )
        )
        results.append(Received(replace(message, id=next_id), duplicate=False))
    conn.executemany(
        "INSERT INTO inbound (id, transport, external_id, fingerprint, content, sender,"
        " recipient, text, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
    # The held parts of these messages (re-deliveries included) are done with.
    _many(
        conn,
        "UPDATE held_parts SET done_at = ? WHERE transport = ? AND group_key = ?"
        " AND done_at IS NULL",
        [
            (time_in(message.received_at), message.transport, message.parts)
            for message in messages
            if message.parts is not None
        ],
    )
    return results


def hold_parts(
    conn: sqlite3.Connection, parts: Sequence[HeldPart], forget_before: datetime
) -> None:
    """Keep ``parts`` (a part held again replaces the earlier copy) and drop the parts of
    messages committed before ``forget_before``."""
    _many(
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
        HeldPart(transport, group, number, data, time_out(at), _time_or_none_out(done))
        for group, number, data, at, done in conn.execute(sql, (transport,))
    ]


def _within(earlier: list[tuple[datetime, int]] | None, at: datetime, window: float) -> int | None:
    """The id of the row of ``earlier`` closest in time to ``at``, if within ``window`` s."""
    if not earlier:
        return None
    gap, row_id = min((abs((at - when).total_seconds()), row_id) for when, row_id in earlier)
    return row_id if gap <= window else None


def pending_inbound(conn: sqlite3.Connection, limit: int) -> list[Inbound]:
    sql = f"SELECT {_INBOUND_COLUMNS} FROM inbound WHERE status = 'received' ORDER BY id LIMIT ?"
    return [_inbound(row) for row in conn.execute(sql, (limit,))]


def inbound_rows(conn: sqlite3.Connection) -> list[Inbound]:
    return [
        _inbound(row) for row in conn.execute(f"SELECT {_INBOUND_COLUMNS} FROM inbound ORDER BY id")
    ]


# --- load -------------------------------------------------------------------------------------

_SESSION_COLUMNS = (
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
        deadline=_time_or_none_out(row[7]),
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
        f"SELECT {_SESSION_COLUMNS} FROM sessions WHERE status = 'active'"
        " AND contact IN ({marks})"
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


def tallies(conn: sqlite3.Connection, polls: Collection[str]) -> dict[str, dict[str, int]]:
    """The votes counted for each choice of ``polls`` (one query; nothing read for no poll)."""
    found: dict[str, dict[str, int]] = {poll: {} for poll in polls}
    sql = "SELECT poll, choice, COUNT(*) FROM votes WHERE poll IN ({marks}) GROUP BY poll, choice"
    for poll, choice, count in select_in(conn, sql, polls):
        found[poll][choice] = count
    return found


# --- commit -----------------------------------------------------------------------------------


def _session_row(session: Session, status: str, ended_at: str | None, ruleset_version: str) -> Row:
    return (
        session.id,
        session.contact,
        session.number,
        session.flow,
        session.state,
        dumps(session.vars),
        session.retries,
        _time_or_none(session.deadline),
        session.deadline_kind,
        time_in(session.started_at),
        time_in(session.updated_at),
        # The rule set of the step that wrote the row: for an ended session, the one that ended it
        # (its own field still names the rule set that last saved it, maybe before a reload).
        ruleset_version or session.ruleset_version,
        status,
        ended_at,
    )


def commit(
    conn: sqlite3.Connection,
    steps: Sequence[Step],
    sending: bool = False,
    notify: Subscriptions = NONE,
) -> list[OutboxRow]:
    """Write every step of the batch, in order; return the outbox rows queued for sending.

    With ``sending``, those rows are written ``sending`` at once: the caller hands them over
    as soon as this transaction commits (their opt-outs were checked inside it), which saves
    the outbox a transaction of its own. The notifications ``notify`` asks for (hand-offs,
    opt-outs, unmatched texts) are written with them (``notices.from_steps``).
    """
    if not steps:
        return []
    recipients = {message.recipient for step in steps for message in step.sprint.outbound}
    opted: set[Key] = set()
    sql = "SELECT contact, number FROM opt_outs WHERE opted_out = 1 AND contact IN ({marks})"
    for contact, number in select_in(conn, sql, recipients):
        opted.add((contact, number))
    fields: dict[Address, dict[str, Any]] = {}
    sql = "SELECT phone, fields FROM contacts WHERE phone IN ({marks})"
    changing = {step.contact for step in steps if step.sprint.contact_fields}
    for phone, text in select_in(conn, sql, changing):
        fields[phone] = loads(text)

    processed: list[Row] = []
    used_timers: list[Row] = []
    seen: dict[Address, str] = {}
    changed: dict[Address, str] = {}
    grouped: dict[Address, tuple[str, str]] = {}
    opt_rows: list[Row] = []
    opt_log: list[Row] = []
    sessions: dict[str, Row] = {}
    events: list[Row] = []
    votes: list[Row] = []
    answers: list[Row] = []
    outbox: list[Row] = []
    inbox: list[threads.HandedOver] = []
    queued: list[OutboxRow] = []
    first_rows: dict[int, int] = {}
    inbox_ids: dict[int, int] = {}
    outbox_id = _next_id(conn, "outbox")
    inbox_id = _next_id(conn, "inbox") if any(s.sprint.handoff for s in steps) else 0
    ready: OutboxStatus = "sending" if sending else "queued"

    for index, step in enumerate(steps):
        sprint = step.sprint
        at = time_in(step.at)
        held = _time_or_none(step.hold_until)
        if step.inbound_id is not None:
            processed.append((at, step.inbound_id))
        if step.timer_id is not None:
            used_timers.append((step.timer_id,))
        seen.setdefault(step.contact, at)
        if sprint.contact_fields:
            fields.setdefault(step.contact, {}).update(sprint.contact_fields)
            changed[step.contact] = at
        if sprint.groups is not None:
            grouped[step.contact] = (dumps(list(sprint.groups)), at)
        if sprint.opt is not None:
            pair = (step.contact, step.number)
            if sprint.opt == "out":
                opted.add(pair)
            else:
                opted.discard(pair)
            opt_rows.append((*pair, int(sprint.opt == "out"), at, step.inbound_id))
            opt_log.append((*pair, sprint.opt, at, step.inbound_id, step.inbound_id))
        if sprint.ended is not None:
            sessions[sprint.ended.id] = _session_row(
                sprint.ended, "ended", at, step.ruleset_version
            )
        if sprint.session is not None:
            sessions[sprint.session.id] = _session_row(
                sprint.session, "active", None, step.ruleset_version
            )
        current = sprint.session or sprint.ended
        session_id = current.id if current is not None else None
        flow = sprint.flow or (current.flow if current is not None else None)
        for event in sprint.events:
            events.append(
                (
                    at,
                    step.contact,
                    step.number,
                    session_id,
                    flow,
                    event.type,
                    dumps(event.data),
                    step.ruleset_version,
                    step.inbound_id,
                )
            )
        for vote in sprint.votes:
            votes.append(
                (vote.poll, step.contact, vote.choice, at, step.inbound_id, int(vote.replaces))
            )
        for answer in sprint.answers:
            answers.append(
                (answer.survey, step.contact, session_id, answer.question, dumps(answer.value), at)
            )
        for message in sprint.outbound:
            outbox_id += 1
            first_rows.setdefault(index, outbox_id)
            blocked = message.kind != "compliance" and (message.recipient, message.sender) in opted
            wait = held if message.kind != "compliance" and not blocked else None
            outbox.append(
                (
                    outbox_id,
                    at,
                    step.contact,
                    message.recipient,
                    message.sender,
                    message.text,
                    message.kind,
                    "suppressed" if blocked else "queued" if wait else ready,
                    "opted out" if blocked else None,
                    at,
                    step.inbound_id,
                    session_id,
                    step.campaign,
                    wait,
                )
            )
            if not blocked and not wait:
                queued.append(
                    OutboxRow(outbox_id, message, step.at, ready, 0, step.contact, step.campaign)
                )
        if sprint.handoff is not None:
            inbox_id += 1
            inbox_ids[index] = inbox_id
            inbox.append(
                threads.HandedOver(
                    inbox_id,
                    at,
                    step.contact,
                    step.number,
                    sprint.handoff,
                    sprint.held,
                    step.inbound_id,
                    session_id,
                )
            )

    _many(conn, "UPDATE inbound SET status = 'processed', processed_at = ? WHERE id = ?", processed)
    _many(conn, "DELETE FROM timers WHERE id = ?", used_timers)
    _many(
        conn,
        "INSERT INTO contacts (phone, created_at, updated_at) VALUES (?, ?, ?)"
        " ON CONFLICT (phone) DO NOTHING",
        [(phone, at, at) for phone, at in seen.items()],
    )
    _many(
        conn,
        "UPDATE contacts SET fields = ?, updated_at = ? WHERE phone = ?",
        [(dumps(fields[phone]), at, phone) for phone, at in changed.items()],
    )
    _many(
        conn,
        "UPDATE contacts SET groups = ?, updated_at = ? WHERE phone = ?",
        [(groups, at, phone) for phone, (groups, at) in grouped.items()],
    )
    _many(
        conn,
        "INSERT INTO opt_outs (contact, number, opted_out, at, inbound_id) VALUES (?, ?, ?, ?, ?)"
        " ON CONFLICT (contact, number) DO UPDATE SET opted_out = excluded.opted_out,"
        " at = excluded.at, inbound_id = excluded.inbound_id",
        opt_rows,
    )
    _many(
        conn,
        "INSERT INTO opt_out_log (contact, number, action, at, inbound_id, text)"
        " VALUES (?, ?, ?, ?, ?, (SELECT text FROM inbound WHERE id = ?))",
        opt_log,
    )
    # Ended sessions first, so that a pair's next session may become active in the same batch.
    ordered = sorted(sessions.values(), key=lambda row: row[12] == "active")
    _many(
        conn,
        f"INSERT INTO sessions ({_SESSION_COLUMNS}, status, ended_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (id) DO UPDATE SET contact = excluded.contact, number = excluded.number,"
        " flow = excluded.flow, state = excluded.state, vars = excluded.vars,"
        " retries = excluded.retries, deadline = excluded.deadline,"
        " deadline_kind = excluded.deadline_kind, started_at = excluded.started_at,"
        " updated_at = excluded.updated_at, ruleset_version = excluded.ruleset_version,"
        " status = excluded.status, ended_at = excluded.ended_at",
        ordered,
    )
    _many(conn, "DELETE FROM timers WHERE session_id = ?", [(sid,) for sid in sessions])
    _many(
        conn,
        "INSERT INTO timers (due, kind, contact, number, session_id, flow)"
        " VALUES (?, 'session', ?, ?, ?, ?)",
        [
            (row[7], row[1], row[2], row[0], row[3])
            for row in ordered
            if row[12] == "active" and row[7] is not None
        ],
    )
    _many(
        conn,
        "INSERT INTO events (at, contact, number, session_id, flow, type, data, ruleset_version,"
        " inbound_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        events,
    )
    # A vote without ``replaces`` never overwrites an earlier one (the runtime refuses it first).
    _many(
        conn,
        "INSERT INTO votes (poll, contact, choice, at, inbound_id) VALUES (?, ?, ?, ?, ?)"
        " ON CONFLICT (poll, contact) DO UPDATE SET choice = excluded.choice, at = excluded.at,"
        " inbound_id = excluded.inbound_id WHERE ?",
        votes,
    )
    _many(
        conn,
        "INSERT INTO answers (survey, contact, session_id, question, value, at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        answers,
    )
    insert_outbox(conn, outbox)
    campaigns.mark_started(conn, steps, first_rows)
    campaigns.attribute(conn, steps)
    threads.hand_over(conn, inbox)
    notices.from_steps(conn, notify, steps, inbox_ids)
    return queued


def insert_outbox(conn: sqlite3.Connection, rows: Sequence[Row]) -> None:
    """Write outbox rows: (id, created_at, contact, recipient, sender, text, kind, status,
    last_error, updated_at, inbound_id, session_id, campaign, hold_until)."""
    _many(
        conn,
        "INSERT INTO outbox (id, created_at, contact, recipient, sender, text, kind, status,"
        " last_error, updated_at, inbound_id, session_id, campaign, hold_until)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )


def process(
    conn: sqlite3.Connection,
    work: Sequence[Work],
    decide: Decide,
    replies_since: datetime,
    polls: Collection[str] = (),
    notify: Subscriptions = NONE,
) -> tuple[list[Step], list[OutboxRow]]:
    """Load the conversations of ``work`` and the tallies of ``polls``, let ``decide`` step
    them, commit the steps (and the notifications ``notify`` asks for): the loaded state
    cannot change between the load and the commit. Returns the steps and the outbox rows,
    written ``sending``."""
    if not work:
        return [], []
    keys = list(dict.fromkeys(conversation_key(item) for item in work))
    counted = tallies(conn, polls) if polls else {}
    steps = decide(load(conn, keys, replies_since), work, counted)
    return steps, commit(conn, steps, sending=True, notify=notify)


def launch(
    conn: sqlite3.Connection,
    campaign: CampaignRow,
    most: int,
    now: datetime,
    cap: tuple[int, timedelta] | None,
    decide: Decide,
    replies_since: datetime,
    polls: Collection[str] = (),
    notify: Subscriptions = NONE,
) -> tuple[list[Step], list[OutboxRow]]:
    """Take up to ``most`` due recipients of ``campaign`` and start them, in one transaction:
    a recipient is marked started by the transaction that writes its first message. A
    campaign left with nobody to start is done: its ``campaign_finished`` notification is
    written by the transaction that says so."""
    work = campaigns.take(conn, campaign, most, now, cap, notify)
    return process(conn, work, decide, replies_since, polls, notify)


def release_held(conn: sqlite3.Connection, now: datetime, limit: int) -> list[OutboxRow]:
    """The messages quiet hours held until ``now`` or before: no longer held, ``queued``."""
    rows = [
        _outbox(row)
        for row in conn.execute(
            f"SELECT {_OUTBOX_COLUMNS} FROM outbox WHERE hold_until IS NOT NULL"
            " AND hold_until <= ? AND status = 'queued' ORDER BY hold_until, id LIMIT ?",
            (time_in(now), limit),
        )
    ]
    conn.executemany("UPDATE outbox SET hold_until = NULL WHERE id = ?", [(r.id,) for r in rows])
    return rows


def hold(conn: sqlite3.Connection, rows: Sequence[tuple[int, datetime]], now: str) -> None:
    """Hold rows the outbox was about to hand over inside their quiet hours, until then."""
    conn.executemany(
        "UPDATE outbox SET status = 'queued', hold_until = ?, updated_at = ?"
        " WHERE id = ? AND status IN ('queued', 'sending')",
        [(time_in(until), now, row_id) for row_id, until in rows],
    )


def next_held(conn: sqlite3.Connection) -> datetime | None:
    row = conn.execute(
        "SELECT min(hold_until) FROM outbox WHERE hold_until IS NOT NULL AND status = 'queued'"
    ).fetchone()
    return time_out(row[0]) if row and row[0] else None


def handle(
    conn: sqlite3.Connection,
    messages: Sequence[Inbound],
    decide: Decide,
    replies_since: datetime,
    polls: Collection[str] = (),
    notify: Subscriptions = NONE,
) -> Handled:
    """Receive ``messages`` and process the fresh ones, in one transaction (one fsync)."""
    received = receive(conn, messages)
    fresh = [r.message for r in received if not r.duplicate]
    steps, rows = process(conn, fresh, decide, replies_since, polls, notify)
    return Handled(received, steps, rows)


# --- outbox -----------------------------------------------------------------------------------

_OUTBOX_COLUMNS = (
    "id, recipient, sender, text, kind, created_at, status, attempts, contact, campaign"
)


def _outbox(row: Row) -> OutboxRow:
    return OutboxRow(
        id=row[0],
        message=Outgoing(recipient=row[1], sender=row[2], text=row[3], kind=row[4]),
        created_at=time_out(row[5]),
        status=cast(OutboxStatus, row[6]),
        attempts=row[7],
        contact=row[8],
        campaign=row[9],
    )


def queued_outbox(conn: sqlite3.Connection, limit: int) -> list[OutboxRow]:
    sql = (
        f"SELECT {_OUTBOX_COLUMNS} FROM outbox WHERE status IN ('queued', 'sending')"
        " AND hold_until IS NULL ORDER BY id LIMIT ?"
    )
    return [_outbox(row) for row in conn.execute(sql, (limit,))]


def waiting_outbox(conn: sqlite3.Connection, ids: Sequence[int]) -> list[OutboxRow]:
    """The rows of ``ids`` still to hand over (``queued`` or ``sending``), in id order."""
    sql = (
        f"SELECT {_OUTBOX_COLUMNS} FROM outbox WHERE id IN ({{marks}})"
        " AND status IN ('queued', 'sending')"
    )
    rows = [_outbox(row) for row in select_in(conn, sql, ids)]
    return sorted(rows, key=lambda row: row.id)


def outbox_rows(conn: sqlite3.Connection, contact: Address | None) -> list[OutboxRow]:
    if contact is None:
        cursor = conn.execute(f"SELECT {_OUTBOX_COLUMNS} FROM outbox ORDER BY id")
    else:
        sql = f"SELECT {_OUTBOX_COLUMNS} FROM outbox WHERE contact = ? ORDER BY id"
        cursor = conn.execute(sql, (contact,))
    return [_outbox(row) for row in cursor]


def mark_sending(conn: sqlite3.Connection, ids: Sequence[int], now: str) -> None:
    conn.executemany(
        "UPDATE outbox SET status = 'sending', updated_at = ?"
        " WHERE id = ? AND status IN ('queued', 'sending')",
        [(now, outbox_id) for outbox_id in ids],
    )


def mark_sent(
    conn: sqlite3.Connection, results: Sequence[tuple[int, ProviderId | None]], now: str
) -> None:
    # A row whose receipt was already applied (a re-send after a restart) keeps its outcome.
    conn.executemany(
        "UPDATE outbox SET status = CASE WHEN delivered_at IS NULL THEN 'sent' ELSE status END,"
        " attempts = attempts + 1, sent_at = ?, updated_at = ?,"
        " external_id = COALESCE(?, external_id), last_error = NULL WHERE id = ?",
        [(now, now, _row_id(external_id), outbox_id) for outbox_id, external_id in results],
    )
    long = [(outbox_id, ids) for outbox_id, ids in results if isinstance(ids, SentParts)]
    if long:  # a message sent again has parts of new ids
        conn.executemany("DELETE FROM outbox_parts WHERE outbox_id = ?", [(o,) for o, _ in long])
        _many(
            conn,
            "INSERT INTO outbox_parts (outbox_id, part, external_id) VALUES (?, ?, ?)",
            [(o, n, part) for o, ids in long for n, part in enumerate(ids.ids, 1)],
        )
    # Receipts that arrived before this commit recorded the SMSC id: apply them now.
    pairs = [
        (external_id, outbox_id)
        for outbox_id, sent in results
        for external_id in (sent.ids if isinstance(sent, SentParts) else (sent,))
        if external_id
    ]
    if (
        not pairs
        or not conn.execute("SELECT 1 FROM receipts WHERE outbox_id IS NULL LIMIT 1").fetchone()
    ):
        return
    for external_id, outbox_id in pairs:
        early = conn.execute(
            "SELECT status, error FROM receipts WHERE external_id = ? AND outbox_id IS NULL"
            " ORDER BY id",
            (external_id,),
        ).fetchall()
        for status, error in early:
            _apply_part_or_receipt(conn, outbox_id, external_id, status, error, now)
        if early:
            conn.execute(
                "UPDATE receipts SET outbox_id = ? WHERE external_id = ? AND outbox_id IS NULL",
                (outbox_id, external_id),
            )


RECEIPT_FINAL = frozenset({"delivered", "failed", "expired", "rejected", "undeliverable"})
"""Receipt outcomes that change an outbox row; anything else (``sent``: en route) is only kept."""


def _apply_receipt(
    conn: sqlite3.Connection, outbox_id: int, status: str, error: str | None, now: str
) -> None:
    if status in RECEIPT_FINAL:
        conn.execute(
            "UPDATE outbox SET status = ?, delivery_error = ?, delivered_at = ?, updated_at = ?"
            " WHERE id = ? AND status NOT IN ('queued', 'suppressed')",
            (status, error, now, now, outbox_id),
        )


def mark_delivery(
    conn: sqlite3.Connection, external_id: str, status: str, error: str | None, now: str
) -> bool:
    """Record a delivery receipt and apply it to its outbox row; False when no row has the id
    yet (it is applied when ``mark_sent`` records that id)."""
    # the latest message with that id, or with a part of that id (a modem's ids wrap)
    row = conn.execute(
        "SELECT MAX(id) FROM (SELECT MAX(id) AS id FROM outbox WHERE external_id = ?"
        " UNION ALL SELECT MAX(outbox_id) FROM outbox_parts WHERE external_id = ?)",
        (external_id, external_id),
    ).fetchone()
    outbox_id = row[0] if row else None
    conn.execute(
        "INSERT INTO receipts (external_id, status, error, at, outbox_id) VALUES (?, ?, ?, ?, ?)",
        (external_id, status, error, now, outbox_id),
    )
    if outbox_id is not None:
        _apply_part_or_receipt(conn, outbox_id, external_id, status, error, now)
    return outbox_id is not None


def _row_id(sent: ProviderId | None) -> str | None:
    """The id the outbox row keeps: a message sent in parts keeps its last part's."""
    return sent.last if isinstance(sent, SentParts) else sent


def _apply_part_or_receipt(
    conn: sqlite3.Connection,
    outbox_id: int,
    external_id: str,
    status: str,
    error: str | None,
    now: str,
) -> None:
    """Apply a receipt to its row, or to one part of a row sent in parts: the row is delivered
    once every part is, and takes the outcome of the first part that failed for good."""
    part = conn.execute(
        "SELECT part FROM outbox_parts WHERE outbox_id = ? AND external_id = ?",
        (outbox_id, external_id),
    ).fetchone()
    if part is None:
        _apply_receipt(conn, outbox_id, status, error, now)
        return
    if status not in RECEIPT_FINAL:
        return  # en route: kept in receipts, nothing changes
    conn.execute(
        "UPDATE outbox_parts SET status = ?, error = ? WHERE outbox_id = ? AND part = ?",
        (status, error, outbox_id, part[0]),
    )
    states = conn.execute(
        "SELECT status, error FROM outbox_parts WHERE outbox_id = ? ORDER BY part", (outbox_id,)
    ).fetchall()
    failed = [(s, e) for s, e in states if s is not None and s != "delivered"]
    if failed:
        _apply_receipt(conn, outbox_id, failed[0][0], failed[0][1], now)
    elif all(s == "delivered" for s, _ in states):
        _apply_receipt(conn, outbox_id, "delivered", None, now)


def mark_deliveries(
    conn: sqlite3.Connection, receipts: Sequence[tuple[str, str, str | None]], now: str
) -> list[bool]:
    return [mark_delivery(conn, *receipt, now) for receipt in receipts]


def mark_failed(
    conn: sqlite3.Connection, outbox_id: int, error: str, permanent: bool, now: str
) -> None:
    conn.execute(
        "UPDATE outbox SET status = ?, attempts = attempts + 1, last_error = ?, updated_at = ?"
        " WHERE id = ?",
        ("failed" if permanent else "queued", error, now, outbox_id),
    )


def suppress(conn: sqlite3.Connection, ids: Sequence[int], reason: str, now: str) -> None:
    conn.executemany(
        "UPDATE outbox SET status = 'suppressed', last_error = ?, updated_at = ?"
        " WHERE id = ? AND status IN ('queued', 'sending')",
        [(reason, now, outbox_id) for outbox_id in ids],
    )


def is_opted_out(conn: sqlite3.Connection, contact: Address, number: Address) -> bool:
    row = conn.execute(
        "SELECT opted_out FROM opt_outs WHERE contact = ? AND number = ?", (contact, number)
    ).fetchone()
    return bool(row and row[0])


# --- timers -----------------------------------------------------------------------------------


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
    return _time_or_none_out(row[0])


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


# --- read helpers (CLI, console, tests) -------------------------------------------------------


def session(conn: sqlite3.Connection, contact: Address, number: Address) -> Session | None:
    row = conn.execute(
        f"SELECT {_SESSION_COLUMNS} FROM sessions"
        " WHERE contact = ? AND number = ? AND status = 'active'",
        (contact, number),
    ).fetchone()
    return None if row is None else _session(row)


def save_contact(
    conn: sqlite3.Connection,
    phone: Address,
    fields: Any,
    groups: Sequence[str] | None,
    now: str,
) -> None:
    conn.execute(
        "INSERT INTO contacts (phone, fields, groups, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?) ON CONFLICT (phone) DO UPDATE SET"
        " fields = COALESCE(?, fields), groups = COALESCE(?, groups),"
        " updated_at = excluded.updated_at",
        (
            phone,
            dumps(fields or {}),
            dumps(list(groups_of(groups or ()))),
            now,
            now,
            None if fields is None else dumps(fields),
            None if groups is None else dumps(list(groups_of(groups))),
        ),
    )


def set_contact_fields(
    conn: sqlite3.Connection, phone: Address, changes: Mapping[str, Any], at: datetime
) -> None:
    """Merge ``changes`` into the contact's fields (created if unknown), as a commit step does."""
    row = conn.execute("SELECT fields FROM contacts WHERE phone = ?", (phone,)).fetchone()
    fields = loads(row[0]) if row else {}
    fields.update(changes)
    stamp = time_in(at)
    conn.execute(
        "INSERT INTO contacts (phone, fields, created_at, updated_at) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (phone) DO UPDATE SET fields = excluded.fields,"
        " updated_at = excluded.updated_at",
        (phone, dumps(fields), stamp, stamp),
    )


def opted_out(conn: sqlite3.Connection, pairs: Sequence[Key]) -> set[Key]:
    """The ``(contact, number)`` pairs among ``pairs`` that are opted out (one query per chunk)."""
    wanted = set(pairs)
    sql = "SELECT contact, number FROM opt_outs WHERE opted_out = 1 AND contact IN ({marks})"
    found = {(row[0], row[1]) for row in select_in(conn, sql, {c for c, _ in wanted})}
    return found & wanted


def votes(conn: sqlite3.Connection, poll: str) -> list[tuple[Address, str, datetime]]:
    sql = "SELECT contact, choice, at FROM votes WHERE poll = ? ORDER BY id"
    return [(row[0], row[1], time_out(row[2])) for row in conn.execute(sql, (poll,))]


def tally(conn: sqlite3.Connection, poll: str) -> dict[str, int]:
    sql = (
        "SELECT choice, COUNT(*) FROM votes WHERE poll = ? GROUP BY choice"
        " ORDER BY COUNT(*) DESC, choice"
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
            item[name] = _time_or_none_out(item[name])
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
