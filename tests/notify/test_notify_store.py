"""The notification rows of the store: written in the transaction of what caused them (a batch's
steps, a campaign's end, a failed reload on its own), one per subscriber of the event, and what
the notifier records of them."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from engine.core.clock import FixedClock
from engine.core.model import Event, Sprint
from engine.core.notices import Subscriber, Subscriptions
from engine.core.records import Step
from engine.ruleset.compiler import compile_rules
from engine.store import SqliteStore, commit, transactions
from engine.store.migrations import apply_migrations
from engine.testing import Harness
from tests.notify.receiver import write_rules

NOW = datetime(2027, 1, 11, 7, 0, tzinfo=UTC)
CRM = "https://crm.example.com/hooks"
OPS = "https://ops.example.com/hooks"
SUBSCRIBED = Subscriptions.of(
    [
        Subscriber(CRM, frozenset({"handoff", "opt_out", "unmatched", "campaign_finished"}), "a"),
        Subscriber(OPS, frozenset({"handoff", "rules_failed"}), "b"),
    ]
)


def _harness(tmp_path: Path, notify: Subscriptions = SUBSCRIBED) -> Harness:
    ruleset = compile_rules(write_rules(tmp_path / "rules")).raise_for_errors()
    harness = Harness(ruleset, db=str(tmp_path / "t.db"), clock=FixedClock(NOW))
    harness.store.notify = notify
    return harness


async def test_a_batch_writes_one_row_per_subscriber_of_each_event(tmp_path: Path) -> None:
    async with _harness(tmp_path) as harness:
        await harness.send("+33600000001", "36111", "AGENT")
        await harness.send("+33600000002", "36111", "what?")
        await harness.send("+33600000001", "36111", "Stop")
        await harness.send("+33600000003", "36111", "HELP")  # notifies nothing
        rows = await harness.store.notifications_due(NOW)
        inbox = {row["contact"]: row["id"] for row in await harness.store.inbox()}
        assert await harness.store.pending_notifications() == len(rows) == 4
    got = [(r.target, r.type, dict(r.data)) for r in rows]
    handoff = {
        "contact": "+33600000001",
        "number": "36111",
        "team": "support",
        "inbox_id": inbox["+33600000001"],
        "text": "AGENT",
    }
    unmatched = {
        "contact": "+33600000002",
        "number": "36111",
        "inbox_id": inbox["+33600000002"],
        "text": "what?",
    }
    opt_out = {"contact": "+33600000001", "number": "36111", "word": "STOP", "text": "Stop"}
    assert got == [
        (CRM, "handoff", handoff),
        (OPS, "handoff", handoff),
        (CRM, "unmatched", unmatched),
        (CRM, "opt_out", opt_out),
    ]
    assert all(r.at == NOW and r.status == "pending" and r.attempts == 0 for r in rows)
    assert len({r.event_id for r in rows}) == len(rows)


async def test_nobody_subscribed_writes_nothing(tmp_path: Path) -> None:
    async with _harness(tmp_path, Subscriptions()) as harness:
        await harness.send("+33600000001", "36111", "AGENT")
        await harness.send("+33600000001", "36111", "STOP")
        assert await harness.store.notifications_due(NOW + timedelta(days=1)) == []
        assert (await harness.store.counts())["notifications"] == 0


def _connection(tmp_path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(tmp_path / "raw.db", isolation_level=None)
    apply_migrations(conn)
    return conn


def _handoff_step() -> Step:
    sprint = Sprint(
        session=None, events=(Event("handoff", {"team": "support"}),), handoff="support"
    )
    return Step(contact="+33600000001", number="36111", sprint=sprint, at=NOW, ruleset_version="r")


def test_a_batch_that_fails_leaves_no_notification(tmp_path: Path) -> None:
    def commit_then_fail(conn: sqlite3.Connection) -> None:
        commit.commit(conn, [_handoff_step()], notify=SUBSCRIBED)
        assert conn.execute("SELECT COUNT(*) FROM notifications").fetchone()[0] == 2
        raise RuntimeError("the disk went away")

    with contextlib.closing(_connection(tmp_path)) as conn:
        with pytest.raises(RuntimeError):
            transactions.transaction(conn, commit_then_fail)
        assert conn.execute("SELECT COUNT(*) FROM inbox").fetchone()[0] == 0
        assert conn.execute("SELECT COUNT(*) FROM notifications").fetchone()[0] == 0
        transactions.transaction(conn, commit.commit, [_handoff_step()], False, SUBSCRIBED)
        assert conn.execute("SELECT COUNT(*) FROM notifications").fetchone()[0] == 2


async def test_outcomes_are_recorded(tmp_path: Path) -> None:
    clock = FixedClock(NOW)
    async with SqliteStore(tmp_path / "t.db", clock=clock, notify=SUBSCRIBED) as store:
        assert await store.add_notification("rules_failed", NOW, {"errors": ["x"]}) == 1
        assert await store.add_notification("handoff", NOW, {"team": "a"}) == 2
        assert await store.add_notification("campaign_finished", NOW, {}) == 1
        first, second, third, fourth = await store.notifications_due(NOW)
        later = NOW + timedelta(seconds=10)
        await store.record_notifications(
            [
                (first.id, "sent", None, None),
                (second.id, "pending", later, "HTTP 500"),
                (third.id, "failed", None, "HTTP 404"),
            ]
        )
        assert [r.id for r in await store.notifications_due(NOW)] == [fourth.id]
        assert await store.next_notification_due() == NOW
        assert await store.pending_notifications() == 2
        (retried,) = [r for r in await store.notifications_due(later) if r.id == second.id]
        assert (retried.attempts, retried.last_error, retried.next_at) == (1, "HTTP 500", later)
        # a row already sent is never changed again (a late duplicate outcome)
        await store.record_notifications([(first.id, "failed", None, "late")])
        assert await store.pending_notifications() == 2


async def test_a_finished_campaign_writes_its_notification_in_the_same_transaction(
    tmp_path: Path,
) -> None:
    from tests.campaigns.test_campaign_loop import (
        CAMPAIGN,
        MONDAY_8AM,
        SETTINGS,
        SURVEY,
        rules,
        start_campaign,
        tick,
    )

    ruleset = rules(tmp_path, settings=SETTINGS, avis=SURVEY, janvier=CAMPAIGN)
    clock = FixedClock(MONDAY_8AM)
    phones = ["+33612340001", "+33612340002"]
    async with Harness(ruleset, db=str(tmp_path / "t.db"), clock=clock) as harness:
        harness.store.notify = SUBSCRIBED
        await start_campaign(harness, ruleset, "janvier", phones)
        for _ in range(10):
            await tick(harness)
            clock.advance(timedelta(seconds=1))
            row = await harness.store.campaign("janvier")
            if row is not None and row.status == "done":
                break
        assert row is not None and row.status == "done"
        (finished,) = await harness.store.notifications_due(clock.now())
        assert finished.target == CRM and finished.type == "campaign_finished"
        assert finished.at == row.finished_at
        assert dict(finished.data) == {
            "campaign": "janvier",
            "title": row.title,
            "number": "36111",
            "recipients": 2,
            "started": 2,
            "sent": 2,
            "failed": 0,
            "replied": 0,
            "opted_out": 0,
            "skipped": 0,
            "excluded": 0,
        }


async def test_a_finished_campaign_is_posted_by_the_engine(tmp_path: Path) -> None:
    from engine.core.ids import SequentialIds
    from engine.notify import Notifier, verify
    from engine.service import Service
    from tests.campaigns.test_campaign_loop import (
        CAMPAIGN,
        MONDAY_8AM,
        SETTINGS,
        SURVEY,
        rules,
        start_campaign,
        tick,
    )
    from tests.notify.receiver import Receiver

    receiver = await Receiver().start()
    subscriber = Subscriber(receiver.url, frozenset({"campaign_finished"}), "campaign-secret")
    ruleset = rules(tmp_path, settings=SETTINGS, avis=SURVEY, janvier=CAMPAIGN)
    clock = FixedClock(MONDAY_8AM)
    harness = Harness(ruleset, db=str(tmp_path / "t.db"), clock=clock)
    harness.store.notify = Subscriptions.of([subscriber])
    harness.service = Service(
        ruleset,
        harness.store,
        {"loopback": harness.transport},
        clock=clock,
        ids=SequentialIds(),
        auto_timers=False,
        notifier=Notifier(harness.store, [subscriber], clock=clock),
    )
    try:
        async with harness:
            await start_campaign(harness, ruleset, "janvier", ["+33612340001"])
            for _ in range(5):
                await tick(harness)
                clock.advance(timedelta(seconds=1))
            await receiver.wait_for(lambda: len(receiver.delivered()) == 1)
            async with asyncio.timeout(30):  # recorded, then counted: /health's figure
                while harness.service.depths()["notifications"] != 0:
                    await asyncio.sleep(0.01)
    finally:
        await receiver.stop()
    (post,) = receiver.delivered()
    assert post.json["type"] == "campaign_finished"
    assert post.json["data"]["campaign"] == "janvier"
    assert post.json["data"]["started"] == 1
    assert verify("campaign-secret", post.body, post.headers["X-Twoway-Signature"])
