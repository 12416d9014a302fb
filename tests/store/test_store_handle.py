"""handle() and process(): load, decide and write in one transaction; replies come back sending."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

import pytest
from store_helpers import ALICE, BOB, NUMBER, T0, inbound

from engine.core.messages import Inbound, Outgoing
from engine.core.model import Event, Sprint, Tallies, Vote
from engine.core.records import Conversation, Handled, Key, Step, Work, conversation_key
from engine.errors import StoreError
from engine.store import SqliteStore, sessions, transactions


def echo(seen: list[tuple[Key, Conversation]]):  # type: ignore[no-untyped-def]
    """A decision that answers every message with its own text and records what it was given."""

    def decide(
        conversations: dict[Key, Conversation], work: Sequence[Work], tallies: Tallies
    ) -> list[Step]:
        steps = []
        for item in work:
            key = conversation_key(item)
            seen.append((key, conversations[key]))
            text = getattr(item, "text", "timer")
            sprint = Sprint(session=None, outbound=(Outgoing(key[0], key[1], f"echo {text}"),))
            steps.append(Step(key[0], key[1], sprint, T0, "v1", inbound_id=item.id))
        return steps

    return decide


async def test_fresh_messages_are_received_and_processed_in_one_call(store: SqliteStore) -> None:
    seen: list[tuple[Key, Conversation]] = []
    handled = await store.handle(
        [inbound(ALICE, "HOURS"), inbound(BOB, "VOTE A")], echo(seen), replies_since=T0
    )
    assert [r.duplicate for r in handled.received] == [False, False]
    assert [key for key, _ in seen] == [(ALICE, NUMBER), (BOB, NUMBER)]
    assert [(row.message.text, row.status) for row in handled.rows] == [
        ("echo HOURS", "sending"),
        ("echo VOTE A", "sending"),
    ]
    assert await store.pending_inbound() == []  # processed in the same transaction
    stored = await store.outbox_rows()
    assert [(row.id, row.status) for row in stored] == [(row.id, "sending") for row in handled.rows]


async def test_a_redelivery_is_acknowledged_and_not_decided_again(store: SqliteStore) -> None:
    seen: list[tuple[Key, Conversation]] = []
    first = await store.handle(
        [inbound(ALICE, "HOURS", external_id="m1")], echo(seen), replies_since=T0
    )
    again = await store.handle(
        [inbound(ALICE, "HOURS", external_id="m1"), inbound(BOB, "HI", external_id="m2")],
        echo(seen),
        replies_since=T0,
    )
    assert [r.duplicate for r in again.received] == [True, False]
    assert again.received[0].message.id == first.received[0].message.id
    assert [key[0] for key, _ in seen] == [ALICE, BOB]
    assert [row.message.text for row in again.rows] == ["echo HI"]


async def test_a_failing_decision_rolls_back_the_intake_too(store: SqliteStore) -> None:
    def broken(
        conversations: dict[Key, Conversation], work: Sequence[Work], tallies: Tallies
    ) -> list[Step]:
        raise RuntimeError("bug")

    with pytest.raises(RuntimeError, match="bug"):
        await store.handle([inbound(ALICE, "HOURS")], broken, replies_since=T0)
    assert await store.inbound_rows() == []  # nothing half-written: the caller may retry alone
    [received] = await store.receive([inbound(ALICE, "HOURS")])
    assert received.duplicate is False


async def test_a_failing_write_raises_a_store_error_and_keeps_nothing(store: SqliteStore) -> None:
    def unknown_inbound(
        conversations: dict[Key, Conversation], work: Sequence[Work], tallies: Tallies
    ) -> list[Step]:
        sprint = Sprint(session=None, events=(Event("x"),))  # its row names inbound 999
        return [Step(ALICE, NUMBER, sprint, T0, "v1", inbound_id=999)]

    with pytest.raises(StoreError):
        await store.handle([inbound(ALICE, "HOURS")], unknown_inbound, replies_since=T0)
    assert await store.inbound_rows() == []


async def test_process_loads_what_earlier_batches_committed(store: SqliteStore) -> None:
    seen: list[tuple[Key, Conversation]] = []
    [received] = await store.receive([inbound(ALICE, "HOURS")])
    steps, rows = await store.process([received.message], echo(seen), replies_since=T0)
    assert [step.inbound_id for step in steps] == [received.message.id]
    assert [row.status for row in rows] == ["sending"]
    # the next batch sees the reply just written (counted in the reply window)
    [second] = await store.receive([inbound(ALICE, "AGAIN", at=T0.replace(second=1))])
    await store.process([second.message], echo(seen), replies_since=T0)
    assert [conversation.recent_replies for _, conversation in seen] == [0, 1]


def voter(given: list[Tallies]):  # type: ignore[no-untyped-def]
    """A decision that votes A in poll ``contest`` for each message and records the tallies."""

    def decide(
        conversations: dict[Key, Conversation], work: Sequence[Work], tallies: Tallies
    ) -> list[Step]:
        given.append(tallies)
        steps = []
        for item in work:
            key = conversation_key(item)
            sprint = Sprint(session=None, votes=(Vote("contest", "A"),))
            steps.append(Step(key[0], key[1], sprint, T0, "v1", inbound_id=item.id))
        return steps

    return decide


async def test_the_tallies_of_the_polls_asked_for_are_read_in_the_transaction(
    store: SqliteStore,
) -> None:
    given: list[Tallies] = []
    await store.handle([inbound(ALICE, "A"), inbound(BOB, "A")], voter(given), replies_since=T0)
    await store.handle(
        [inbound("+33600000009", "A")],
        voter(given),
        replies_since=T0,
        polls=frozenset({"contest", "other"}),
    )
    [received] = await store.receive([inbound("+33600000010", "A")])
    await store.process([received.message], voter(given), replies_since=T0, polls=("contest",))
    # no poll asked for: nothing read; then the votes committed by the earlier batches
    assert given == [{}, {"contest": {"A": 2}, "other": {}}, {"contest": {"A": 3}}]


def _plan_of_tallies(conn: sqlite3.Connection) -> list[str]:
    statements: list[str] = []
    conn.set_trace_callback(statements.append)
    try:
        sessions.tallies(conn, ["contest"])
    finally:
        conn.set_trace_callback(None)
    [sql] = [s for s in statements if "vote" in s]
    return [row[-1] for row in conn.execute(f"EXPLAIN QUERY PLAN {sql}")]


async def test_the_tallies_are_read_from_the_counts_never_from_the_votes(
    store: SqliteStore,
) -> None:
    """A row a choice, however many votes (``vote_counts``): a TV vote's batch does not walk
    its million votes to say who leads."""
    plan = await store._read(_plan_of_tallies)  # the plan of the very query the store runs
    assert plan == ["SEARCH vote_counts USING PRIMARY KEY (poll=?)"]


def _handle_traced(
    conn: sqlite3.Connection, messages: Sequence[Inbound], statements: list[str]
) -> None:
    conn.set_trace_callback(statements.append)
    try:
        transactions.write(conn, (), transactions.handle, messages, echo([]), T0)
    finally:
        conn.set_trace_callback(None)


async def test_fresh_rows_are_written_processed_once(store: SqliteStore) -> None:
    """``handle`` writes a new inbound row once, ``processed``: no update of the row (and of
    ``inbound_pending``) in the transaction that wrote it."""
    statements: list[str] = []
    await store.handle([inbound(ALICE, "HI", external_id="m1")], echo([]), replies_since=T0)
    batch = [inbound(ALICE, "HI", external_id="m1"), inbound(BOB, "HOURS", external_id="m2")]
    await store._call(_handle_traced, batch, statements)
    assert not [s for s in statements if s.startswith("UPDATE inbound")], statements
    assert [s for s in statements if s.startswith("INSERT INTO inbound")] != []
    rows = await store.read(
        lambda conn: conn.execute(
            "SELECT external_id, status, processed_at FROM inbound ORDER BY id"
        ).fetchall()
    )
    assert [(ext, status, at is not None) for ext, status, at in rows] == [
        ("m1", "processed", True),
        ("m2", "processed", True),
    ]
    assert await store.pending_inbound() == []


def to_both(
    conversations: dict[Key, Conversation], work: Sequence[Work], tallies: Tallies
) -> list[Step]:
    """A decision that answers each sender and sends a copy to CAROL."""
    steps = []
    for item in work:
        key = conversation_key(item)
        outbound = (Outgoing(key[0], key[1], "answer"), Outgoing(CAROL, key[1], "copy", "send"))
        conversations.pop(key)  # as the service's decider does: the conversation moves on
        steps.append(Step(key[0], key[1], Sprint(session=None, outbound=outbound), T0, "v1",
                          inbound_id=item.id))  # fmt: skip
    return steps


CAROL = "+33600000003"


def _opt_out(conn: sqlite3.Connection, phones: Sequence[str]) -> None:
    conn.executemany(
        "INSERT INTO opt_outs (contact, number, opted_out, at) VALUES (?, ?, 1, ?)",
        [(phone, NUMBER, "2026-01-01T00:00:00.000000+00:00") for phone in phones],
    )


async def test_opt_outs_read_by_the_load_are_not_read_again(store: SqliteStore) -> None:
    """The commit suppresses what goes to an opted-out number: the batch's contacts from what
    the load read (not read again), other recipients from a read of their own."""
    await store.write(_opt_out, [ALICE, CAROL])
    statements: list[str] = []

    def traced(conn: sqlite3.Connection) -> Handled:
        conn.set_trace_callback(statements.append)
        try:
            batch = [inbound(ALICE, "HI"), inbound(BOB, "HI")]
            return transactions.handle(conn, batch, to_both, T0)
        finally:
            conn.set_trace_callback(None)

    handled = await store.write(traced)
    assert [(r.message.recipient, r.message.text) for r in handled.rows] == [(BOB, "answer")]
    statuses = [(r.message.recipient, r.message.text, r.status) for r in await store.outbox_rows()]
    assert statuses == [
        (ALICE, "answer", "suppressed"),
        (CAROL, "copy", "suppressed"),
        (BOB, "answer", "sending"),
        (CAROL, "copy", "suppressed"),
    ]
    reads = [s for s in statements if s.startswith("SELECT") and "FROM opt_outs" in s]
    assert len(reads) == 2 and CAROL in reads[1] and ALICE not in reads[1], reads
