"""Held parts of long inbound messages: kept until the message is committed, then done."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from store_helpers import T0, inbound

from engine.core.records import HeldPart
from engine.store import SqliteStore

GROUP = "+33600000001|36111|66|3|8"


def part(number: int, data: str = "") -> HeldPart:
    return HeldPart("operator", GROUP, number, data or f"part {number}", T0)


async def test_held_parts_come_back_until_their_message_is_committed(store: SqliteStore) -> None:
    await store.hold_parts([part(1), part(3)], forget_before=T0)
    await store.hold_parts([part(3, "part 3, sent again")], forget_before=T0)
    held = await store.held_parts("operator")
    assert [(p.number, p.data, p.done_at) for p in held] == [
        (1, "part 1", None),
        (3, "part 3, sent again", None),  # a part sent again replaces the earlier copy
    ]
    assert await store.held_parts("other connector") == []

    message = replace(inbound(text="one two three", transport="operator"), parts=GROUP)
    [received] = await store.receive([message])
    assert not received.duplicate
    # the same transaction marked them done, with the message's time
    held = await store.held_parts("operator")
    assert [(p.number, p.done_at) for p in held] == [(1, T0), (3, T0)]


async def test_done_parts_are_forgotten_after_the_window(store: SqliteStore) -> None:
    await store.hold_parts([part(1)], forget_before=T0)
    await store.receive([replace(inbound(transport="operator"), parts=GROUP)])
    other = replace(part(1), group="+33600000002|36111|7|2|8")
    await store.hold_parts([other], forget_before=T0)  # done at T0: not before T0, kept
    assert len(await store.held_parts("operator")) == 2
    await store.hold_parts([other], forget_before=T0 + timedelta(seconds=1))
    assert [p.group for p in await store.held_parts("operator")] == [other.group]
