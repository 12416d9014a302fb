"""Two engine processes over one store file (two ``SqliteStore``s, two owners, one fixed clock):
each row to send, timer, inbound row, notification and campaign recipient is taken once, and a
dead process's rows are taken over once its lease has ended (``engine.store.claims``)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import AsyncIterator, Sequence
from datetime import timedelta
from pathlib import Path

import pytest
from store_helpers import ALICE, BOB, NUMBER, T0, inbound, reply

from engine.core.clock import FixedClock
from engine.core.messages import Inbound
from engine.core.model import Event, Sprint, Tallies
from engine.core.notices import Subscriber, Subscriptions
from engine.core.records import Conversation, Key, Launch, Step, Timer, Work, conversation_key
from engine.store import SqliteStore
from engine.store.campaigns import Recipient
from engine.store.claims import LEASE, Owner
from engine.store.commit import commit
from engine.store.migrations import MIGRATIONS, apply_migrations
from engine.store.transactions import write

HOOK = "https://crm.example.com/hooks"
NOTIFY = Subscriptions.of([Subscriber(HOOK, frozenset({"handoff"}), "secret")])


@pytest.fixture
async def pair(tmp_path: Path, clock: FixedClock) -> AsyncIterator[tuple[SqliteStore, SqliteStore]]:
    """Process A and process B on one file, one clock."""
    path = tmp_path / "twoway.db"
    a = SqliteStore(path, clock=clock, owner=Owner("host-a:1:aa"), notify=NOTIFY)
    b = SqliteStore(path, clock=clock, owner=Owner("host-b:2:bb"), notify=NOTIFY)
    async with a, b:
        yield a, b


def decide(
    conversations: dict[Key, Conversation], batch: Sequence[Work], tallies: Tallies
) -> list[Step]:
    """One reply per item; a ``handoff`` text is handed to the inbox (a notification)."""
    steps = []
    for work in batch:
        contact, number = conversation_key(work)
        handoff = "inbox" if isinstance(work, Inbound) and work.text == "handoff" else None
        events = (Event("handoff", {"team": "inbox"}),) if handoff else ()
        steps.append(
            Step(
                contact=contact,
                number=number,
                sprint=Sprint(
                    session=None, outbound=(reply(contact),), handoff=handoff, events=events
                ),
                at=T0,
                ruleset_version="r1",
                inbound_id=work.id if isinstance(work, Inbound) else None,
                timer_id=work.id if isinstance(work, Timer) else None,
                campaign=work.campaign if isinstance(work, Launch) else None,
            )
        )
    return steps


async def _replies(store: SqliteStore, *senders: str) -> list[int]:
    """Messages of ``senders`` committed and processed by ``store``: its replies' ids."""
    handled = await store.handle(
        [inbound(s, external_id=s) for s in senders], decide, replies_since=T0
    )
    return [row.id for row in handled.rows]


async def test_a_live_lease_keeps_rows_from_the_other_process(
    pair: tuple[SqliteStore, SqliteStore], clock: FixedClock
) -> None:
    a, b = pair
    mine = await _replies(a, ALICE, BOB)
    assert len(mine) == 2
    assert await b.claim_outbox() == []
    assert await b.renew_claims() == []
    clock.advance(LEASE - timedelta(seconds=1))
    assert await b.claim_outbox() == []
    # A renews (half a lease later, say): its rows stay its own a whole lease more.
    assert await a.renew_claims() == []
    clock.advance(LEASE - timedelta(seconds=1))
    assert await b.claim_outbox() == []
    assert await a.queued_outbox() != []


async def test_rows_of_a_dead_process_are_taken_over_once(
    pair: tuple[SqliteStore, SqliteStore], clock: FixedClock
) -> None:
    a, b = pair
    mine = await _replies(a, ALICE, BOB)
    clock.advance(LEASE + timedelta(seconds=1))  # A died: nobody renewed
    taken = await b.renew_claims()
    assert [row.id for row in taken] == mine
    assert {row.status for row in taken} == {"sending"}
    assert await b.claim_outbox() == [] and await b.renew_claims() == []
    # A comes back within B's lease: B holds them now, and A reads none of them back.
    assert await a.claim_outbox() == []
    assert await a.waiting_outbox(mine) == []
    assert [row.id for row in await b.waiting_outbox(mine)] == mine


async def test_a_process_never_takes_over_its_own_rows(
    pair: tuple[SqliteStore, SqliteStore], clock: FixedClock
) -> None:
    """The renewal runs before the take-over, in one transaction: a process whose leases ran
    out (a long pause, a test clock's jump) renews them instead of taking its rows twice."""
    a, b = pair
    await _replies(a, ALICE)
    clock.advance(timedelta(hours=1))
    assert await a.renew_claims() == []
    assert await b.claim_outbox() == []


async def test_rows_nobody_claimed_are_taken_once(
    pair: tuple[SqliteStore, SqliteStore], clock: FixedClock
) -> None:
    """Rows written before the claims (an upgraded store) or by a command are nobody's."""
    a, b = pair
    rows = await a.commit([Step(ALICE, NUMBER, Sprint(session=None, outbound=(reply(),)), T0, "r")])
    await a.write(_unclaim)
    assert [row.id for row in await b.claim_outbox()] == [rows[0].id]
    assert await a.claim_outbox() == []


def _unclaim(conn: sqlite3.Connection) -> None:
    conn.execute("UPDATE outbox SET claimed_by = NULL, lease_until = NULL")


async def test_released_held_rows_are_claimed_by_the_releasing_process(
    pair: tuple[SqliteStore, SqliteStore], clock: FixedClock
) -> None:
    a, b = pair
    sprint = Sprint(session=None, outbound=(reply(),))
    await a.commit([Step(ALICE, NUMBER, sprint, T0, "r", hold_until=T0 + timedelta(hours=1))])
    clock.advance(timedelta(hours=1))
    released = await b.release_held(clock.now())
    assert len(released) == 1
    assert await a.release_held(clock.now()) == []
    assert await a.claim_outbox() == []
    assert [row.id for row in await b.waiting_outbox([released[0].id])] == [released[0].id]


async def test_a_timer_due_for_both_fires_once(pair: tuple[SqliteStore, SqliteStore]) -> None:
    a, b = pair
    await a.schedule_start(ALICE, NUMBER, "appt", {}, T0)
    seen_by_a, seen_by_b = await a.due_timers(T0), await b.due_timers(T0)
    assert seen_by_a == seen_by_b and len(seen_by_a) == 1
    steps_a, rows_a = await a.process(seen_by_a, decide, replies_since=T0)
    steps_b, rows_b = await b.process(seen_by_b, decide, replies_since=T0)
    assert (len(steps_a), len(rows_a)) == (1, 1)
    assert (steps_b, rows_b) == ([], [])
    assert len(await a.outbox_rows()) == 1


async def test_an_inbound_row_left_received_is_processed_once(
    pair: tuple[SqliteStore, SqliteStore],
) -> None:
    """Both processes found the row ``received`` (each at its start): the first transaction
    processes it, the second finds it processed."""
    a, b = pair
    (received,) = await a.receive([inbound(ALICE, external_id="m1")])
    pending = await b.pending_inbound()
    assert [m.id for m in pending] == [received.message.id]
    steps_b, _ = await b.process(pending, decide, replies_since=T0)
    steps_a, rows_a = await a.process([received.message], decide, replies_since=T0)
    assert len(steps_b) == 1 and (steps_a, rows_a) == ([], [])
    assert len(await a.outbox_rows()) == 1


async def test_a_conversations_earlier_message_waiting_elsewhere_is_processed_first(
    pair: tuple[SqliteStore, SqliteStore],
) -> None:
    """Process A committed Alice's first message alone (its queue was busy) and acknowledged
    it; her second comes to process B, whose queue is empty: B processes the first, then the
    second, in one transaction, and A's turn finds the first processed. Bob's waiting message
    is not B's conversation's: it stays A's."""
    a, b = pair
    first, bobs = await a.receive(
        [inbound(ALICE, "first", external_id="m1"), inbound(BOB, "bob", external_id="b1")]
    )
    handled = await b.handle([inbound(ALICE, "second", external_id="m2")], decide, replies_since=T0)
    (second,) = handled.received
    assert [step.inbound_id for step in handled.steps] == [first.message.id, second.message.id]
    assert [row.message.recipient for row in handled.rows] == [ALICE, ALICE]
    steps_a, rows_a = await a.process([first.message, bobs.message], decide, replies_since=T0)
    assert [step.inbound_id for step in steps_a] == [bobs.message.id] and len(rows_a) == 1
    assert await a.pending_inbound() == []
    assert len(await a.outbox_rows()) == 3


async def test_a_notification_is_posted_by_one_process(
    pair: tuple[SqliteStore, SqliteStore], clock: FixedClock
) -> None:
    a, b = pair
    await a.handle([inbound(ALICE, "handoff", external_id="h1")], decide, replies_since=T0)
    (row,) = await a.notifications_due(clock.now())
    assert await b.notifications_due(clock.now()) == []
    # A asks again (a round that failed to record): its own claim comes back to it.
    assert [r.id for r in await a.notifications_due(clock.now())] == [row.id]
    # A failed to post it: given back, due later, for whichever process is free then.
    retry = clock.now() + timedelta(seconds=10)
    await a.record_notifications([(row.id, "pending", retry, "HTTP 500")])
    clock.advance(timedelta(seconds=10))
    assert [r.id for r in await b.notifications_due(clock.now())] == [row.id]
    assert await a.notifications_due(clock.now()) == []
    # B dies while posting it: A takes it once B's lease has ended.
    clock.advance(LEASE + timedelta(seconds=1))
    assert [r.id for r in await a.notifications_due(clock.now())] == [row.id]
    await a.record_notifications([(row.id, "sent", None, None)])
    clock.advance(LEASE * 2)
    assert await b.notifications_due(clock.now()) == []


async def test_campaign_recipients_are_taken_once(
    pair: tuple[SqliteStore, SqliteStore], clock: FixedClock
) -> None:
    a, b = pair
    phones = [f"+3361000{i:04d}" for i in range(10)]
    await a.create_campaign(
        name="promo", title="Promo", number=NUMBER, flow="promo", kind="marketing",
        throughput=None, window=None, ruleset_version="r1",
        recipients=[Recipient(phone, "UTC", T0) for phone in phones],
    )  # fmt: skip
    campaign_a = await a.campaign("promo")
    campaign_b = await b.campaign("promo")
    assert campaign_a is not None and campaign_b is not None
    now = clock.now()
    steps_a, _ = await a.launch(campaign_a, 4, now, None, decide, replies_since=T0)
    steps_b, _ = await b.launch(campaign_b, 100, now, None, decide, replies_since=T0)
    started_a = {s.contact for s in steps_a}
    started_b = {s.contact for s in steps_b}
    assert len(started_a) == 4 and len(started_b) == 6
    assert started_a | started_b == set(phones) and not started_a & started_b
    assert len(await a.outbox_rows()) == 10


async def test_a_campaign_paused_by_one_process_is_not_launched_by_the_other(
    pair: tuple[SqliteStore, SqliteStore], clock: FixedClock
) -> None:
    a, b = pair
    await a.create_campaign(
        name="promo", title="Promo", number=NUMBER, flow="promo", kind="marketing",
        throughput=None, window=None, ruleset_version="r1",
        recipients=[Recipient(ALICE, "UTC", T0)],
    )  # fmt: skip
    read_by_b = await b.campaign("promo")  # running, as B last read it
    assert read_by_b is not None
    await a.set_campaign_status("promo", "paused")
    steps, rows = await b.launch(read_by_b, 10, clock.now(), None, decide, replies_since=T0)
    assert (steps, rows) == ([], [])
    assert (await a.campaign("promo")).status == "paused"  # type: ignore[union-attr]


_TAKER = """
import asyncio, sys
from datetime import datetime
from engine.core.clock import FixedClock
from engine.store import SqliteStore
from engine.store.claims import Owner

async def main(path, name, at):
    store = SqliteStore(path, clock=FixedClock(datetime.fromisoformat(at)), owner=Owner(name))
    taken = []
    async with store:
        while rows := await store.claim_outbox(7):
            taken += [row.id for row in rows]
    print(" ".join(map(str, taken)))

asyncio.run(main(*sys.argv[1:]))
"""


def test_two_processes_take_each_unclaimed_row_once(tmp_path: Path) -> None:
    """Two real processes sweep one file at once (a shared fixed time): whatever their
    interleaving, each row is taken by exactly one of them."""
    path = tmp_path / "twoway.db"
    steps = [
        Step(f"+3361000{i:04d}", NUMBER, Sprint(session=None, outbound=(reply(),)), T0, "r")
        for i in range(300)
    ]
    with sqlite3.connect(path, isolation_level=None) as conn:
        apply_migrations(conn, MIGRATIONS)
        write(conn, (), commit, steps)  # written by an older engine: nobody's
    repo = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": str(repo)}
    runs = [
        subprocess.Popen(
            [sys.executable, "-c", _TAKER, str(path), name, T0.isoformat()],
            stdout=subprocess.PIPE,
            env=env,
            text=True,
        )
        for name in ("host-a:1:aa", "host-b:2:bb")
    ]
    taken = []
    for run in runs:
        out, _ = run.communicate(timeout=60)
        assert run.returncode == 0
        taken.append([int(i) for i in out.split()])
    first, second = taken
    assert not set(first) & set(second)
    assert sorted(first + second) == list(range(1, 301))


async def test_released_rows_are_taken_at_once(
    pair: tuple[SqliteStore, SqliteStore], clock: FixedClock
) -> None:
    """A graceful stop (or a supervisor for a worker it saw die) gives the rows back: another
    process takes them without waiting for the lease."""
    a, b = pair
    mine = await _replies(a, ALICE, BOB)
    assert await b.claim_outbox() == []
    assert await b.release_claims(a.owner) == 2
    assert [row.id for row in await b.claim_outbox()] == mine
    assert await a.release_claims() == 0  # nothing of A's left


def _ended_pid() -> int:
    """The pid of a process that has ended (and been waited for)."""
    done = subprocess.run([sys.executable, "-c", "pass"], check=True)
    assert done.returncode == 0
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


async def test_a_start_takes_at_once_the_rows_of_a_process_of_this_host_that_ended(
    tmp_path: Path, clock: FixedClock
) -> None:
    """A crash's rows go at the restart, not a lease later, when the crashed process was of
    this host; a live one's (or another host's) wait for their lease."""
    path = tmp_path / "twoway.db"
    here = Owner.new().name.rsplit(":", 2)[0]
    ended = Owner(f"{here}:{_ended_pid()}:aa")
    alive = Owner(f"{here}:{os.getppid()}:bb")
    assert ended.gone and not alive.gone and not Owner("elsewhere:1:cc").gone
    stores = [SqliteStore(path, clock=clock, owner=owner) for owner in (ended, alive)]
    for store, phone in zip(stores, (ALICE, BOB), strict=True):
        async with store:
            await _replies(store, phone)
    async with SqliteStore(path, clock=clock, owner=Owner.new()) as restarted:
        taken = await restarted.claim_outbox()
        assert [row.message.recipient for row in taken] == [ALICE]
        assert await restarted.renew_claims() == []
