"""The service shell with a real SQLite file: commit before ack, dedup, order, timers, restart."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from engine.core.clock import FixedClock
from engine.core.ids import SequentialIds
from engine.core.messages import Inbound, Outgoing
from engine.core.model import Sprint
from engine.core.records import Step
from engine.outbox import Outbox
from engine.ruleset.compiler import compile_rules
from engine.service import Service
from engine.store import SqliteStore
from engine.testing import Harness
from engine.transports.loopback import LoopbackTransport

REPO = Path(__file__).resolve().parents[2]
RULES = compile_rules(REPO / "rules").raise_for_errors()
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def inbound(sender: str, text: str, ext: str) -> Inbound:
    return Inbound(sender, "36111", text, START, transport="loopback", external_id=ext)


async def test_receive_returns_only_after_the_message_is_committed(tmp_path: Path) -> None:
    db = str(tmp_path / "t.db")
    async with Harness(RULES, db=db, clock=FixedClock(START)) as harness:
        received = await harness.service.receive(inbound("+33600000001", "HOURS", "m1"))
        assert received.duplicate is False
        assert received.message.id is not None
        # a second connection sees the row: it is committed, not just queued
        probe = SqliteStore(db)
        await probe.open()
        rows = await probe.inbound_rows()
        await probe.close()
        assert [(r.external_id, r.text) for r in rows] == [("m1", "HOURS")]


async def test_a_redelivered_message_is_answered_once(tmp_path: Path) -> None:
    async with Harness(RULES, db=str(tmp_path / "t.db"), clock=FixedClock(START)) as harness:
        first = await harness.service.receive(inbound("+33600000001", "VOTE A", "smsc-42"))
        again = await harness.service.receive(inbound("+33600000001", "VOTE A", "smsc-42"))
        await harness.service.idle()
        assert again.duplicate is True
        assert again.message.id == first.message.id
        texts = [m.text for m in harness.transport.take()]
        assert texts == ["Thanks! Your vote for Moonlight Drive is counted."]
        assert await harness.store.tally("contest") == {"A": 1}


async def test_messages_of_one_contact_are_processed_in_arrival_order(tmp_path: Path) -> None:
    async with Harness(RULES, db=str(tmp_path / "t.db"), clock=FixedClock(START)) as harness:
        # all delivered at once: they land in one batch, and still run in order
        await asyncio.gather(
            *(
                harness.transport.deliver("+33600000005", "36111", text, START)
                for text in ("SURVEY", "5", "yes", "faster service")
            )
        )
        await harness.service.idle()
        assert [m.text for m in harness.transport.take()] == [
            "Thanks for helping us! Three quick questions. Reply STOP at any time to quit.",
            "How likely are you to recommend ACME Music to a friend, from 0 to 10?",
            "Was this your first visit to our shop? YES or NO",
            "What could we do better?",
            "Thank you! Your answers are recorded.",
        ]
        answers = await harness.store.answers("survey")
        assert [(a["question"], a["value"]) for a in answers] == [
            ("score", 5),
            ("first_visit", "yes"),
            ("improve", "faster service"),
        ]


async def test_many_conversations_in_one_batch_each_get_their_reply(tmp_path: Path) -> None:
    async with Harness(RULES, db=str(tmp_path / "t.db"), clock=FixedClock(START)) as harness:
        phones = [f"+3360000{i:04d}" for i in range(300)]
        await asyncio.gather(
            *(
                harness.transport.deliver(p, "36111", "VOTE " + "ABC"[i % 3], START)
                for i, p in enumerate(phones)
            )
        )
        await harness.service.idle()
        sent = harness.transport.take()
        assert sorted(m.recipient for m in sent) == sorted(phones)
        assert await harness.store.tally("contest") == {"A": 100, "B": 100, "C": 100}


async def test_a_timer_survives_a_restart(tmp_path: Path) -> None:
    db = str(tmp_path / "t.db")
    clock = FixedClock(START)
    async with Harness(RULES, db=db, clock=clock, ids=SequentialIds()) as harness:
        sent = await harness.start_flow(
            "+33600000007", "36111", "appointments", {"appt": {"at": "2026-03-05T10:00:00+01:00"}}
        )
        assert [m.text for m in sent] == [
            "Hello there, your appointment is on Thursday 05 March at 10:00. "
            "Reply YES to confirm or NO to cancel."
        ]
    # the process is gone; a day later a new one starts on the same file
    clock.advance(timedelta(hours=24, minutes=1))
    async with Harness(RULES, db=db, clock=clock, ids=SequentialIds(100)) as harness:
        await harness.service.run_due_timers()
        assert [m.text for m in harness.transport.take()] == [
            "Reminder: please confirm your appointment of 05/03 at 10:00 with YES or NO."
        ]
        sent = await harness.send("+33600000007", "36111", "yes")
        assert [m.text for m in sent] == ["Thank you, see you then."]


async def test_a_message_received_but_not_processed_is_processed_at_restart(
    tmp_path: Path,
) -> None:
    db = str(tmp_path / "t.db")
    store = SqliteStore(db)
    await store.open()
    await store.receive([inbound("+33600000008", "HOURS", "m-crash")])
    await store.close()  # committed, acknowledged, then the process died
    transport = LoopbackTransport()
    service = Service(RULES, SqliteStore(db), {"loopback": transport}, clock=FixedClock(START))
    await service.start()
    await service.idle()
    await service.stop()
    assert [m.text for m in transport.take()] == [
        "We are open Monday to Friday, 9:00-18:00, and Saturday 10:00-16:00."
    ]


async def test_opt_out_is_checked_again_at_send_time(tmp_path: Path) -> None:
    phone = "+33600000009"
    store = SqliteStore(str(tmp_path / "t.db"))
    await store.open()
    reply = Sprint(session=None, outbound=(Outgoing(phone, "36111", "late news"),))
    rows = await store.commit([Step(phone, "36111", reply, START, RULES.version)])
    # the STOP is committed after the reply was queued, before the outbox sends it
    await store.commit([Step(phone, "36111", Sprint(session=None, opt="out"), START, "v")])
    transport = LoopbackTransport()
    finished: list[int] = []
    outbox = Outbox(store, {"lo": transport}, {}, "lo", {}, finished.append)
    await outbox.send_batch(rows)
    assert transport.take() == []
    assert [(r.message.text, r.status) for r in await store.outbox_rows()] == [
        ("late news", "suppressed")
    ]
    assert finished == [1]
    await store.close()


async def test_one_long_wait_fires_a_chain_of_timeouts(tmp_path: Path) -> None:
    clock = FixedClock(START)
    async with Harness(RULES, db=str(tmp_path / "t.db"), clock=clock) as harness:
        await harness.start_flow(
            "+33600000010", "36111", "appointments", {"appt": {"at": "2026-03-05T10:00:00Z"}}
        )
        # 24h: the reminder; 24h later the reminded state times out and the session ends
        sent = await harness.advance(timedelta(hours=50))
        assert [m.text for m in sent] == [
            "Reminder: please confirm your appointment of 05/03 at 11:00 with YES or NO."
        ]
        assert await harness.store.session("+33600000010", "36111") is None


async def test_a_runtime_bug_costs_one_message_not_the_batch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import engine.decider

    real = engine.decider.step

    def buggy(ruleset, session, inp, now):  # type: ignore[no-untyped-def]
        if inp.message is not None and inp.message.text == "BOOM":
            raise ZeroDivisionError("division by zero")
        return real(ruleset, session, inp, now)

    monkeypatch.setattr(engine.decider, "step", buggy)
    async with Harness(RULES, db=str(tmp_path / "t.db"), clock=FixedClock(START)) as harness:
        await asyncio.gather(
            harness.transport.deliver("+33600000011", "36111", "BOOM", START),
            harness.transport.deliver("+33600000012", "36111", "HOURS", START),
        )
        await harness.service.idle()
        texts = [m.text for m in harness.transport.take()]
        assert texts == ["We are open Monday to Friday, 9:00-18:00, and Saturday 10:00-16:00."]
        errors = await harness.store.events(contact="+33600000011", type="error")
        assert errors[0]["data"]["message"] == "internal error: ZeroDivisionError: division by zero"
        assert [row["contact"] for row in await harness.store.inbox()] == ["+33600000011"]
        assert await harness.store.pending_inbound() == []  # both processed


async def test_the_reply_is_committed_with_the_message_before_it_is_acknowledged(
    tmp_path: Path,
) -> None:
    db = str(tmp_path / "t.db")
    async with Harness(RULES, db=db, clock=FixedClock(START)) as harness:
        received = await harness.service.receive(inbound("+33600000013", "VOTE A", "m13"))
        # another connection, right after the ack: the vote and its reply are already durable
        async with SqliteStore(db) as probe:
            assert await probe.pending_inbound() == []
            assert await probe.tally("contest") == {"A": 1}
            [row] = await probe.outbox_rows("+33600000013")
        assert row.message.text == "Thanks! Your vote for Moonlight Drive is counted."
        assert row.status in ("sending", "sent")
        assert received.duplicate is False


async def test_a_batch_that_cannot_be_processed_at_intake_is_still_kept_and_answered(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    async def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("a bug in the fused path")

    async with Harness(RULES, db=str(tmp_path / "t.db"), clock=FixedClock(START)) as harness:
        monkeypatch.setattr(harness.store, "handle", broken)
        received = await harness.service.receive(inbound("+33600000014", "HOURS", "m14"))
        assert received.duplicate is False  # committed alone, so the transport may ack it
        await harness.service.idle()
        assert [m.text for m in harness.transport.take()] == [
            "We are open Monday to Friday, 9:00-18:00, and Saturday 10:00-16:00."
        ]
    assert "could not be processed as it arrived" in caplog.text


async def test_a_message_waits_behind_older_work_to_keep_arrival_order(tmp_path: Path) -> None:
    db = str(tmp_path / "t.db")
    async with SqliteStore(db) as store:  # a vote acknowledged, then the process died
        await store.receive([inbound("+33600000015", "VOTE A", "m15a")])
    transport = LoopbackTransport()
    service = Service(RULES, SqliteStore(db), {"loopback": transport}, clock=FixedClock(START))
    await service.start()
    # the same contact votes again before the recovered vote is processed: it must come second
    await service.receive(inbound("+33600000015", "VOTE B", "m15b"))
    await service.idle()
    assert await service.store.tally("contest") == {"A": 1}
    await service.stop()
    assert [m.text for m in transport.take()] == [
        "Thanks! Your vote for Moonlight Drive is counted.",
        "You already voted for Moonlight Drive. Only one vote per number counts.",
    ]


async def test_idle_returns_with_the_replies_recorded_sent(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The marks of a reply wait for the next message's batch to carry them (``SENT_WAIT``),
    except while somebody waits for the service to be idle (``twoway test``, a drain): then
    they are written at once."""
    from engine.store import connection

    monkeypatch.setattr(connection, "SENT_WAIT", 3600.0)  # without a hurry, an hour
    async with Harness(RULES, db=str(tmp_path / "t.db"), clock=FixedClock(START)) as harness:
        await harness.service.receive(inbound("+33600000001", "HOURS", "m1"))
        await asyncio.wait_for(harness.service.idle(), 5)
        await harness.service.receive(inbound("+33600000002", "VOTE B", "m2"))
        await asyncio.wait_for(harness.service.idle(), 5)
        rows = await harness.store.outbox_rows()
        assert [(row.message.recipient, row.status) for row in rows] == [
            ("+33600000001", "sent"),
            ("+33600000002", "sent"),
        ]
