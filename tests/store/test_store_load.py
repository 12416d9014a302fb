"""load(): contacts, active sessions and recent replies for a whole batch of conversations."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta, timezone

from store_helpers import ALICE, BOB, NUMBER, T0, reply, session, step

from engine.core.messages import Outgoing
from engine.core.model import Contact, Sprint, Vote
from engine.core.records import Step
from engine.store import SqliteStore


async def test_unknown_contacts_come_back_empty_and_are_not_created(store: SqliteStore) -> None:
    keys = [(ALICE, NUMBER), (BOB, "other")]
    loaded = await store.load(keys, replies_since=T0)
    assert list(loaded) == keys
    assert loaded[(ALICE, NUMBER)].contact == Contact(phone=ALICE)
    assert loaded[(ALICE, NUMBER)].session is None
    assert loaded[(ALICE, NUMBER)].recent_replies == 0
    assert (await store.counts())["contacts"] == 0
    assert await store.contact(ALICE) is None


async def test_load_many_keys_in_one_call(store: SqliteStore) -> None:
    phones = [f"+3360000{i:04d}" for i in range(1_200)]  # more than one IN chunk
    steps = [
        step(
            Sprint(
                session=session(phone, sid=f"s{i}", deadline=T0 + timedelta(hours=1), i=i),
                contact_fields={"i": i},
                votes=(Vote("contest", "AB"[i % 2]),),
            ),
            phone,
        )
        for i, phone in enumerate(phones)
        if i % 3 != 0  # a third stays unknown
    ]
    await store.commit(steps)
    await store.save_contact(phones[1], groups=["vip"])
    keys = [(phone, NUMBER) for phone in phones] + [(phones[1], "other")]
    loaded = await store.load(keys, replies_since=T0)
    assert len(loaded) == len(keys)
    for i, phone in enumerate(phones):
        conversation = loaded[(phone, NUMBER)]
        if i % 3 == 0:
            assert conversation.contact == Contact(phone=phone) and conversation.session is None
            continue
        assert conversation.contact.fields == {"i": i}
        assert conversation.contact.votes == {"contest": "AB"[i % 2]}
        assert conversation.session is not None and conversation.session.vars == {"i": i}
    assert loaded[(phones[1], NUMBER)].contact.groups == ("vip",)
    assert loaded[(phones[1], "other")].session is None  # sessions are per number
    assert loaded[(phones[1], "other")].contact.fields == {"i": 1}


async def test_recent_replies_counts_only_the_window(store: SqliteStore) -> None:
    def replies_at(minutes_ago: int, *outbound: Outgoing) -> Step:
        return step(Sprint(session=None, outbound=outbound), at=T0 - timedelta(minutes=minutes_ago))

    await store.commit(
        [
            replies_at(120, reply(ALICE, "old")),  # before the window
            replies_at(60, reply(ALICE, "edge")),  # exactly at the start: counted
            replies_at(30, reply(ALICE, "in"), Outgoing("+33611111111", NUMBER, "staff", "send")),
            replies_at(0, reply(ALICE, "now"), reply(ALICE, "help", kind="compliance")),
            step(Sprint(session=None, outbound=(reply(BOB),)), BOB),
            step(
                Sprint(session=None, outbound=(Outgoing(ALICE, "other", "x"),)),
                number="other",
            ),
        ]
    )
    loaded = await store.load(
        [(ALICE, NUMBER), (BOB, NUMBER), (ALICE, "other"), (BOB, "other")],
        replies_since=T0 - timedelta(hours=1),
    )
    assert loaded[(ALICE, NUMBER)].recent_replies == 3
    assert loaded[(BOB, NUMBER)].recent_replies == 1
    assert loaded[(ALICE, "other")].recent_replies == 1
    assert loaded[(BOB, "other")].recent_replies == 0


async def test_opt_outs_are_per_number(store: SqliteStore) -> None:
    await store.commit([step(Sprint(session=None, opt="out"), number="other")])
    loaded = await store.load([(ALICE, NUMBER), (ALICE, "other")], replies_since=T0)
    assert loaded[(ALICE, NUMBER)].contact.opted_out == frozenset({"other"})
    assert loaded[(ALICE, "other")].contact.opted_out == frozenset({"other"})


async def test_datetimes_round_trip_aware(store: SqliteStore) -> None:
    tokyo = timezone(timedelta(hours=9))
    started = T0.astimezone(tokyo)
    deadline = (T0 + timedelta(days=1, microseconds=1)).astimezone(tokyo)
    base = session(ALICE, sid="s1", deadline=deadline, when=started)
    stored = replace(base, started_at=started, updated_at=started)
    await store.commit([step(Sprint(session=stored))])
    loaded = (await store.load([(ALICE, NUMBER)], replies_since=T0))[(ALICE, NUMBER)]
    assert loaded.session is not None
    got = loaded.session
    assert got.started_at == started and got.started_at.utcoffset() == timedelta(0)
    assert got.deadline == deadline and got.deadline is not None
    assert got.deadline.microsecond == deadline.microsecond
    assert got.vars == {"when": started}  # datetimes inside JSON come back as datetimes
    assert got.vars["when"].tzinfo is not None
    assert (await store.next_timer_due()) == deadline
