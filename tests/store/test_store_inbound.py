"""Inbound: dedup by provider id and by fingerprint, crash recovery via pending_inbound."""

from __future__ import annotations

from dataclasses import fields, replace
from datetime import timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from store_helpers import ALICE, BOB, T0, inbound, step

from engine.core.messages import Inbound
from engine.core.model import Sprint
from engine.errors import StoreError
from engine.store import SqliteStore


async def test_receive_sets_ids_in_order(store: SqliteStore) -> None:
    received = await store.receive([inbound(ALICE, "A"), inbound(BOB, "B"), inbound(ALICE, "C")])
    assert [r.message.text for r in received] == ["A", "B", "C"]
    assert [r.duplicate for r in received] == [False, False, False]
    ids = [r.message.id for r in received]
    assert ids == sorted(ids) and len(set(ids)) == 3
    assert [m.id for m in await store.pending_inbound()] == ids


async def test_a_committed_message_keeps_every_field_with_its_id(store: SqliteStore) -> None:
    """What the intake answers is the message as given, only its id set: every field of
    ``Inbound`` (a field added later too) is carried by ``with_id``."""
    given = Inbound(
        sender=ALICE,
        recipient="+33699999999",
        text="VOTE A",
        received_at=T0,
        transport="smpp",
        external_id="m-7",
        dedup_window=30.0,
        parts="smpp/+33600000001/+33699999999/42/2/8",
    )
    assert all(  # no field left at its default: none could be dropped unseen
        getattr(given, f.name) != f.default for f in fields(Inbound) if f.name != "id"
    )
    [received] = await store.receive([given])
    assert received.message == replace(given, id=received.message.id)
    assert received.message.id is not None
    assert given.with_id(7) == replace(given, id=7)


async def test_dedup_by_external_id(store: SqliteStore) -> None:
    first = await store.receive([inbound(text="VOTE A", external_id="m-1", transport="smpp")])
    again = await store.receive(
        [
            inbound(text="VOTE A", external_id="m-1", transport="smpp", at=T0 + timedelta(1)),
            inbound(text="VOTE A", external_id="m-1", transport="modem"),  # another provider
        ]
    )
    assert again[0].duplicate and again[0].message.id == first[0].message.id
    assert not again[1].duplicate
    assert (await store.counts())["inbound"] == 2


async def test_dedup_by_fingerprint_without_external_id(store: SqliteStore) -> None:
    first = await store.receive([inbound(text="HELLO")])
    again = await store.receive(
        [inbound(text="HELLO"), inbound(text="HELLO", at=T0 + timedelta(seconds=1))]
    )
    assert again[0].duplicate and again[0].message.id == first[0].message.id
    assert not again[1].duplicate
    assert (await store.counts())["inbound"] == 2


async def test_dedup_within_one_batch(store: SqliteStore) -> None:
    batch = [
        inbound(text="X", external_id="e1"),
        inbound(text="Y"),
        inbound(text="X", external_id="e1"),
        inbound(text="Y"),
        inbound(text="Z"),
    ]
    received = await store.receive(batch)
    assert [r.duplicate for r in received] == [False, False, True, True, False]
    assert received[2].message.id == received[0].message.id
    assert received[3].message.id == received[1].message.id
    assert (await store.counts())["inbound"] == 3


def smpp(sender: str = ALICE, text: str = "VOTE A", seconds: float = 0, **kw: Any) -> Inbound:
    """An MO as the SMPP connector hands it over: no provider id, a 60 s dedup window."""
    message = inbound(sender, text, at=T0 + timedelta(seconds=seconds), transport="operator")
    return replace(message, dedup_window=kw.get("window", 60.0), **kw.get("fields", {}))


async def test_dedup_by_content_within_the_window(store: SqliteStore) -> None:
    """A message without an id, identical (transport, sender, recipient, text) to one received
    at most ``dedup_window`` seconds before or after, is a re-delivery of that one."""
    [first] = await store.receive([smpp(seconds=0)])
    again = await store.receive(
        [
            smpp(seconds=0.5),  # the SMSC re-delivers it after a link drop
            smpp(seconds=60),  # exactly the window after: still the same message
            smpp(seconds=-3),  # a clock that stepped back: still within the window
        ]
    )
    assert [r.duplicate for r in again] == [True, True, True]
    assert {r.message.id for r in again} == {first.message.id}
    assert (await store.counts())["inbound"] == 1


async def test_dedup_by_content_tells_what_differs(store: SqliteStore) -> None:
    await store.receive([smpp(seconds=0)])
    others = await store.receive(
        [
            smpp(seconds=60.001),  # just outside the window: sent again, a new message
            smpp(BOB, seconds=1),  # another sender
            smpp(text="VOTE B", seconds=1),  # another text
            smpp(seconds=1, fields={"recipient": "+33700000000"}),  # another of our numbers
            smpp(seconds=1, fields={"transport": "other"}),  # another connector
            smpp(seconds=1, window=0),  # no window: every message without an id is new
        ]
    )
    assert [r.duplicate for r in others] == [False] * 6
    assert (await store.counts())["inbound"] == 7


async def test_dedup_by_content_is_exact_across_rows_and_in_one_batch(
    store: SqliteStore,
) -> None:
    """Each message is compared with the rows received near it, not with fixed buckets: one
    sent at 0 s and again at 70 s are two; a re-delivery at 100 s is the one of 70 s."""
    batch = await store.receive([smpp(seconds=0), smpp(seconds=70), smpp(seconds=100)])
    assert [r.duplicate for r in batch] == [False, False, True]
    assert batch[2].message.id == batch[1].message.id
    later = await store.receive([smpp(seconds=125), smpp(seconds=131)])
    assert [r.duplicate for r in later] == [True, False]  # 125 s is 55 s after 70 s, 131 is 61
    assert later[0].message.id == batch[1].message.id
    assert (await store.counts())["inbound"] == 3


async def test_dedup_by_content_survives_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite"
    async with SqliteStore(path) as store:
        [first] = await store.receive([smpp(seconds=0)])
    async with SqliteStore(path) as reopened:  # the MO was committed, its answer lost
        [again] = await reopened.receive([smpp(seconds=20)])
        assert again.duplicate and again.message.id == first.message.id


async def test_pending_inbound_survives_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite"
    store = SqliteStore(path)
    await store.open()
    received = await store.receive([inbound(ALICE, "1"), inbound(BOB, "2"), inbound(ALICE, "3")])
    first = received[0].message
    assert first.id is not None
    await store.commit([step(Sprint(session=None), ALICE, inbound_id=first.id)])
    await store.close()  # the process dies before processing messages 2 and 3

    async with SqliteStore(path) as reopened:
        pending = await reopened.pending_inbound()
        assert [m.text for m in pending] == ["2", "3"]
        assert [m.id for m in pending] == [r.message.id for r in received[1:]]
        assert pending[0].received_at == T0 and pending[0].received_at.tzinfo is not None
        assert [m.text for m in await reopened.pending_inbound(limit=1)] == ["2"]


async def test_received_at_round_trips_as_aware_utc(store: SqliteStore) -> None:
    paris = timezone(timedelta(hours=1))
    at = T0.astimezone(paris)
    await store.receive([inbound(text="tz", at=at)])
    [message] = await store.inbound_rows()
    assert message.received_at == at
    assert message.received_at.utcoffset() == timedelta(0)
    assert message.received_at.microsecond == 123456


async def test_naive_datetime_is_refused_and_nothing_written(store: SqliteStore) -> None:
    with pytest.raises(StoreError, match="naive"):
        await store.receive([inbound(text="ok"), inbound(text="bad", at=T0.replace(tzinfo=None))])
    assert (await store.counts())["inbound"] == 0


async def test_empty_batches_are_free(store: SqliteStore) -> None:
    assert await store.receive([]) == []
    assert await store.commit([]) == []
    assert await store.load([], replies_since=T0) == {}


async def test_dedup_by_content_compares_only_rows_compared_by_content(store: SqliteStore) -> None:
    """A row received with a provider id, or without a window (a fingerprint), is no earlier
    copy of a message compared by content, even with the same transport, addresses and text."""
    await store.receive([smpp(seconds=0, window=0)])  # a fingerprint
    await store.receive([smpp(seconds=0, fields={"external_id": "x1"})])  # a provider id
    [received] = await store.receive([smpp(seconds=1)])
    assert not received.duplicate
    assert (await store.counts())["inbound"] == 3
