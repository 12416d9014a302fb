"""commit(): all tables written in one transaction, in step order; a failed batch leaves nothing."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from store_helpers import ALICE, BOB, NUMBER, T0, inbound, reply, session, step

from engine.core.messages import Outgoing
from engine.core.model import Answer, Event, Sprint, Vote
from engine.errors import StoreError
from engine.store import SqliteStore

STAFF = "+33611111111"


async def _inbound_id(store: SqliteStore, text: str = "HELLO", sender: str = ALICE) -> int:
    [received] = await store.receive(
        [inbound(sender, text, at=T0 + timedelta(microseconds=len(text)))]
    )
    assert received.message.id is not None
    return received.message.id


async def test_a_full_sprint_writes_every_table(store: SqliteStore) -> None:
    inbound_id = await _inbound_id(store, "SURVEY")
    timer_id = await store.schedule_start(ALICE, NUMBER, "survey", {"src": "api"}, T0)
    deadline = T0 + timedelta(hours=24)
    sprint = Sprint(
        session=session(ALICE, sid="s1", deadline=deadline, answers={"score": 9}),
        events=(Event("started", {"flow": "survey"}), Event("asked", {"q": "score"})),
        outbound=(reply(ALICE, "Q1?"), Outgoing(STAFF, NUMBER, "New survey", kind="send")),
        contact_fields={"name": "Alice", "language": "fr"},
        votes=(Vote("contest", "A"),),
        answers=(Answer("sat", "score", 9), Answer("sat", "when", date(2026, 1, 4))),
        handoff="reception",
        flow="survey",
    )
    rows = await store.commit([step(sprint, inbound_id=inbound_id, timer_id=timer_id)])

    assert [(r.message.text, r.status, r.contact) for r in rows] == [
        ("Q1?", "queued", ALICE),
        ("New survey", "queued", ALICE),
    ]
    assert rows[0].id < rows[1].id and rows[0].created_at == T0
    assert await store.pending_inbound() == []
    [processed] = await store.inbound_rows()
    assert processed.id == inbound_id

    contact = await store.contact(ALICE)
    assert contact is not None
    assert contact.fields == {"name": "Alice", "language": "fr"}
    assert contact.votes == {"contest": "A"}

    active = await store.session(ALICE, NUMBER)
    assert active is not None and active.vars == {"answers": {"score": 9}}
    assert active.deadline == deadline and active.ruleset_version == "r1"
    [timer] = await store.due_timers(deadline)
    assert (timer.kind, timer.session_id, timer.due) == ("session", "s1", deadline)

    events = await store.events(ALICE)
    assert [(e["type"], e["data"], e["session_id"], e["flow"]) for e in events] == [
        ("started", {"flow": "survey"}, "s1", "survey"),
        ("asked", {"q": "score"}, "s1", "survey"),
    ]
    assert events[0]["at"] == T0 and events[0]["inbound_id"] == inbound_id
    answers = await store.answers("sat")
    assert [(a["question"], a["value"], a["session_id"]) for a in answers] == [
        ("score", 9, "s1"),
        ("when", date(2026, 1, 4), "s1"),
    ]
    [handoff] = await store.inbox()
    assert (handoff["team"], handoff["contact"], handoff["status"]) == ("reception", ALICE, "open")
    assert handoff["inbound_id"] == inbound_id
    counts = await store.counts()
    assert {name: counts[name] for name in ("sessions", "outbox", "events", "timers")} == {
        "sessions": 1,
        "outbox": 2,
        "events": 2,
        "timers": 1,
    }


async def test_a_failing_step_rolls_back_the_whole_batch(store: SqliteStore) -> None:
    ids = [await _inbound_id(store, text) for text in ("one", "two")]
    before = await store.counts()
    good = Sprint(
        session=session(ALICE, sid="s1", deadline=T0 + timedelta(hours=1)),
        events=(Event("ok"),),
        outbound=(reply(ALICE),),
        contact_fields={"name": "Alice"},
        votes=(Vote("contest", "A"),),
    )
    bad = Sprint(session=None, events=(Event("broken", {"value": object()}),))
    with pytest.raises(StoreError, match="JSON"):
        await store.commit([step(good, inbound_id=ids[0]), step(bad, inbound_id=ids[1])])
    assert await store.counts() == before
    assert [m.id for m in await store.pending_inbound()] == ids
    assert await store.contact(ALICE) is None
    # The store is still usable after the failure.
    rows = await store.commit([step(good, inbound_id=ids[0])])
    assert len(rows) == 1


async def test_a_constraint_violation_rolls_back_and_raises_store_error(store: SqliteStore) -> None:
    inbound_id = await _inbound_id(store, "STOP")
    timer_id = await store.schedule_start(ALICE, NUMBER, "f", {}, T0)
    before = await store.counts()
    # These writes all reach the database before the failing session insert does.
    first = Sprint(
        session=session(ALICE, sid="s1"),
        outbound=(reply(ALICE),),
        contact_fields={"name": "Alice"},
        opt="out",
    )
    second = Sprint(session=session(ALICE, sid="s2"), outbound=(reply(ALICE),))
    with pytest.raises(StoreError, match="UNIQUE"):  # two active sessions for one pair
        await store.commit([step(first, inbound_id=inbound_id, timer_id=timer_id), step(second)])
    assert await store.counts() == before
    assert [m.id for m in await store.pending_inbound()] == [inbound_id]
    assert [t.id for t in await store.due_timers(T0)] == [timer_id]
    assert await store.contact(ALICE) is None
    assert not await store.is_opted_out(ALICE, NUMBER)
    assert await store.outbox_rows() == []


async def test_unknown_inbound_id_is_refused_by_foreign_key(store: SqliteStore) -> None:
    with pytest.raises(StoreError, match="FOREIGN KEY"):
        await store.commit([step(Sprint(session=None, events=(Event("x"),)), inbound_id=999)])


async def test_session_upsert_replaces_its_timer_and_ending_deletes_it(store: SqliteStore) -> None:
    far = T0 + timedelta(days=30)
    d1, d2 = T0 + timedelta(hours=1), T0 + timedelta(hours=2)
    await store.commit([step(Sprint(session=session(sid="s1", deadline=d1, n=1)))])
    assert [t.due for t in await store.due_timers(far)] == [d1]

    await store.commit([step(Sprint(session=session(sid="s1", state="next", deadline=d2, n=2)))])
    assert [t.due for t in await store.due_timers(far)] == [d2]
    current = await store.session(ALICE, NUMBER)
    assert current is not None and (current.state, current.vars) == ("next", {"n": 2})

    await store.commit([step(Sprint(session=session(sid="s1", deadline=None)))])
    assert await store.due_timers(far) == []
    assert await store.next_timer_due() is None

    await store.commit([step(Sprint(session=session(sid="s1", deadline=d1)))])
    ended = session(sid="s1", deadline=d1, state="done")
    await store.commit([step(Sprint(session=None, ended=ended))])
    assert await store.session(ALICE, NUMBER) is None
    assert await store.due_timers(far) == []
    assert (await store.counts())["sessions"] == 1


async def test_end_and_start_for_one_pair_in_one_batch(store: SqliteStore) -> None:
    d = T0 + timedelta(hours=1)
    s1, s2, s3 = (session(sid=sid, deadline=d) for sid in ("s1", "s2", "s3"))
    await store.commit(
        [
            step(Sprint(session=s1)),
            step(Sprint(session=None, ended=s1)),
            step(Sprint(session=s2)),
            step(Sprint(session=s3, ended=s2)),  # an interrupting trigger
        ]
    )
    current = await store.session(ALICE, NUMBER)
    assert current is not None and current.id == "s3"
    assert [t.session_id for t in await store.due_timers(d)] == ["s3"]
    assert (await store.counts())["sessions"] == 3


async def test_a_session_started_and_ended_in_one_step_is_kept_as_history(
    store: SqliteStore,
) -> None:
    await store.commit([step(Sprint(session=None, ended=session(sid="s9"), events=(Event("e"),)))])
    assert await store.session(ALICE, NUMBER) is None
    assert (await store.counts())["sessions"] == 1
    [event] = await store.events()
    assert event["session_id"] == "s9"


async def test_consumed_timer_is_deleted(store: SqliteStore) -> None:
    first = await store.schedule_start(ALICE, NUMBER, "f", {}, T0)
    second = await store.schedule_start(BOB, NUMBER, "f", {}, T0)
    await store.commit([step(Sprint(session=None), ALICE, timer_id=first)])
    assert [t.id for t in await store.due_timers(T0)] == [second]


async def test_contact_fields_merge_and_contacts_are_created(store: SqliteStore) -> None:
    await store.commit(
        [
            step(Sprint(session=None, contact_fields={"name": "Alice", "city": "Lyon"})),
            step(Sprint(session=None), BOB),
            step(Sprint(session=None, contact_fields={"city": "Paris"})),
        ]
    )
    await store.commit([step(Sprint(session=None, contact_fields={"age": 30}))])
    alice = await store.contact(ALICE)
    assert alice is not None and alice.fields == {"name": "Alice", "city": "Paris", "age": 30}
    bob = await store.contact(BOB)
    assert bob is not None and bob.fields == {} and bob.groups == ()


async def test_votes_are_unique_per_contact_and_replaces_updates(store: SqliteStore) -> None:
    await store.commit(
        [
            step(Sprint(session=None, votes=(Vote("contest", "A"),))),
            step(Sprint(session=None, votes=(Vote("contest", "B"),))),  # refused: ignored
            step(Sprint(session=None, votes=(Vote("contest", "B"),)), BOB),
        ]
    )
    assert await store.tally("contest") == {"A": 1, "B": 1}
    await store.commit([step(Sprint(session=None, votes=(Vote("contest", "C", replaces=True),)))])
    assert await store.tally("contest") == {"B": 1, "C": 1}
    votes = await store.votes("contest")
    assert [(contact, choice) for contact, choice, _ in votes] == [(ALICE, "C"), (BOB, "B")]
    assert all(at == T0 for _, _, at in votes)
    await store.commit(
        [step(Sprint(session=None, votes=(Vote("other", "X", replaces=True),)), BOB)]
    )
    assert await store.tally("other") == {"X": 1}


async def test_opt_out_suppresses_non_compliance_outbound(store: SqliteStore) -> None:
    stop_id = await _inbound_id(store, "STOP")
    sprint = Sprint(
        session=None,
        opt="out",
        outbound=(
            reply(ALICE, "You will receive no more messages.", kind="compliance"),
            reply(ALICE, "a stray reply"),
        ),
    )
    rows = await store.commit(
        [
            step(sprint, inbound_id=stop_id),
            step(Sprint(session=None, outbound=(reply(ALICE, "later"),))),
            # a ``send`` to an opted-out number is suppressed too; to BOB it goes out
            step(Sprint(session=None, outbound=(reply(ALICE, "staff", "send"), reply(BOB))), BOB),
        ]
    )
    assert [(r.message.text, r.message.recipient) for r in rows] == [
        ("You will receive no more messages.", ALICE),
        ("OK", BOB),
    ]
    statuses = [(r.message.text, r.status) for r in await store.outbox_rows()]
    assert statuses == [
        ("You will receive no more messages.", "queued"),
        ("a stray reply", "suppressed"),
        ("later", "suppressed"),
        ("staff", "suppressed"),
        ("OK", "queued"),
    ]
    assert [r.id for r in await store.queued_outbox()] == [r.id for r in rows]
    assert await store.is_opted_out(ALICE, NUMBER)
    assert not await store.is_opted_out(ALICE, "other")
    contact = await store.contact(ALICE)
    assert contact is not None and contact.opted_out == frozenset({NUMBER})
    [log] = await store.opt_out_log(ALICE)
    assert (log["action"], log["text"], log["inbound_id"], log["at"]) == (
        "out",
        "STOP",
        stop_id,
        T0,
    )

    start_id = await _inbound_id(store, "START")
    rows = await store.commit(
        [
            step(
                Sprint(session=None, opt="in", outbound=(reply(ALICE, "welcome"),)),
                inbound_id=start_id,
            )
        ]
    )
    assert [r.message.text for r in rows] == ["welcome"]
    assert not await store.is_opted_out(ALICE, NUMBER)
    assert [entry["action"] for entry in await store.opt_out_log()] == ["out", "in"]


async def test_handoff_and_unhandled_go_to_the_inbox(store: SqliteStore) -> None:
    await store.commit(
        [
            step(Sprint(session=None, handoff="inbox")),
            step(Sprint(session=None, handoff="reception"), BOB),
        ]
    )
    assert [(r["contact"], r["team"]) for r in await store.inbox()] == [
        (ALICE, "inbox"),
        (BOB, "reception"),
    ]
    assert await store.inbox("closed") == []


async def test_events_filter_by_type(store: SqliteStore) -> None:
    await store.commit(
        [
            step(Sprint(session=None, events=(Event("a"), Event("b", {"x": [1, 2]})))),
            step(Sprint(session=None, events=(Event("b"),)), BOB),
        ]
    )
    assert [e["contact"] for e in await store.events(type="b")] == [ALICE, BOB]
    [only] = await store.events(ALICE, "b")
    assert only["data"] == {"x": [1, 2]} and only["number"] == NUMBER


async def test_set_contact_fields_merges_and_creates(store: SqliteStore) -> None:
    await store.set_contact_fields(ALICE, {"name": "Alice"}, T0)
    await store.set_contact_fields(ALICE, {"city": "Lyon"}, T0)
    contact = await store.contact(ALICE)
    assert contact is not None and contact.fields == {"name": "Alice", "city": "Lyon"}


async def test_opted_out_checks_a_batch_of_pairs(store: SqliteStore) -> None:
    await store.commit([step(Sprint(session=None, opt="out"))])
    pairs = [(ALICE, NUMBER), (ALICE, "other"), (BOB, NUMBER)]
    assert await store.opted_out(pairs) == {(ALICE, NUMBER)}
    assert await store.opted_out([]) == set()
