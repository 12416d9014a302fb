"""Own the store's transactions: every query function runs on the store's connection thread,
called once per Store method, so a batch costs one thread hop however many rows it touches.

Writers are wrapped by :func:`write` (``BEGIN IMMEDIATE`` … ``COMMIT``, ``ROLLBACK`` on any
error, the outbox's pending ``sent`` marks first); readers by :func:`snapshot`. The hot path's
batches each run in one: :func:`handle` (receive, then process), :func:`process` (load,
decide, commit), :func:`launch` (a campaign's due recipients, then process). The query modules
work set-based with ``executemany`` and ``IN (…)`` lookups chunked under SQLite's variable
limit; every value is a bound parameter, the only text formatted into SQL is ``?`` marks and
constant names.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Collection, Sequence
from datetime import datetime, timedelta
from typing import Concatenate, NamedTuple, ParamSpec, TypeVar

from engine.core.messages import Inbound, ProviderId
from engine.core.notices import NONE, Subscriptions
from engine.core.records import (
    CampaignRow,
    Decide,
    Handled,
    OutboxRow,
    Step,
    Work,
    conversation_key,
)
from engine.store import campaigns
from engine.store.claims import Claim, fresh_work
from engine.store.commit import commit
from engine.store.intake import InboundRow, take, waiting_before, write_inbound
from engine.store.outbox import mark_deliveries, mark_sent
from engine.store.sessions import load, opted_out_before, tallies

P = ParamSpec("P")
T = TypeVar("T")

__all__ = [
    "Receipts",
    "Rider",
    "SentMarks",
    "handle",
    "launch",
    "nothing",
    "process",
    "snapshot",
    "transaction",
    "write",
]


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


class Receipts(NamedTuple):
    """``mark_deliveries`` receipts waiting to be written, like ``sent`` marks."""

    receipts: tuple[tuple[str, str, str | None], ...]
    """(provider id, outbox status it means, error)."""
    at: str
    """When they were reported."""
    found: list[bool]
    """Whether a row has each id: filled in by the transaction that writes them."""


Rider = SentMarks | Receipts
"""What rides in the next write transaction (``SqliteStore.mark_sent``, ``mark_deliveries``)."""


def write(
    conn: sqlite3.Connection,
    marks: Sequence[Rider],
    body: Callable[Concatenate[sqlite3.Connection, P], T],
    /,
    *args: P.args,
    **kwargs: P.kwargs,
) -> T:
    """Write the pending ``marks`` and receipts (see ``SqliteStore.mark_sent``), in the order
    they were reported, and run ``body``, in one write transaction: committed if ``body``
    returns, rolled back if anything raises."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        for rider in marks:
            if isinstance(rider, Receipts):
                rider.found[:] = mark_deliveries(conn, rider.receipts, rider.at)
            else:
                mark_sent(conn, *rider)
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


def handle(
    conn: sqlite3.Connection,
    messages: Sequence[Inbound],
    decide: Decide,
    replies_since: datetime,
    polls: Collection[str] = (),
    notify: Subscriptions = NONE,
    claim: Claim | None = None,
) -> Handled:
    """Receive ``messages`` and process the fresh ones, in one transaction (one fsync): their
    rows are written by the commit, already ``processed`` (``intake.write_inbound``). Earlier
    messages of their conversations that no process has processed yet go first
    (``intake.waiting_before``): one conversation, one order, with ``workers: N`` too."""
    received, new = take(conn, messages)
    fresh = [r.message for r in received if not r.duplicate]
    work: list[Work] = [*waiting_before(conn, fresh), *fresh] if fresh else []
    steps, rows = _step(conn, work, decide, replies_since, polls, notify, claim, new)
    return Handled(received, steps, rows)


def process(
    conn: sqlite3.Connection,
    work: Sequence[Work],
    decide: Decide,
    replies_since: datetime,
    polls: Collection[str] = (),
    notify: Subscriptions = NONE,
    claim: Claim | None = None,
) -> tuple[list[Step], list[OutboxRow]]:
    """Load the conversations of ``work`` and the tallies of ``polls``, let ``decide`` step
    them, commit the steps (and the notifications ``notify`` asks for): the loaded state
    cannot change between the load and the commit. Returns the steps and the outbox rows,
    written ``sending`` and claimed by ``claim``.

    What another process processed meanwhile is left out (``claims.fresh_work``): an inbound
    row no longer ``received``, a timer already fired. Both processes may have read it; only
    the first transaction takes it."""
    return _step(conn, fresh_work(conn, work), decide, replies_since, polls, notify, claim)


def _step(
    conn: sqlite3.Connection,
    work: Sequence[Work],
    decide: Decide,
    replies_since: datetime,
    polls: Collection[str],
    notify: Subscriptions,
    claim: Claim | None,
    inbound: Sequence[InboundRow] = (),
) -> tuple[list[Step], list[OutboxRow]]:
    """Load, decide and commit ``work``, all of it to do (see ``process``). ``inbound``: the
    new rows of the messages of ``work`` not written yet (``handle``), written by the commit."""
    if not work:
        write_inbound(conn, inbound)
        return [], []
    keys = list(dict.fromkeys(conversation_key(item) for item in work))
    counted = tallies(conn, polls) if polls else {}
    loaded = load(conn, keys, replies_since)
    known = opted_out_before(loaded)  # before ``decide``, which advances the conversations
    steps = decide(loaded, work, counted)
    rows = commit(
        conn, steps, sending=True, notify=notify, claim=claim, inbound=inbound, known=known
    )
    return steps, rows


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
    claim: Claim | None = None,
) -> tuple[list[Step], list[OutboxRow]]:
    """Take up to ``most`` due recipients of ``campaign`` and start them, in one transaction:
    a recipient is marked started by the transaction that writes its first message. A
    campaign left with nobody to start is done: its ``campaign_finished`` notification is
    written by the transaction that says so."""
    work = campaigns.take(conn, campaign, most, now, cap, notify)
    return _step(conn, work, decide, replies_since, polls, notify, claim)
