"""People's reads (the console, the API, the commands: ``Browse`` and ``read``) run on a
read-only connection of their own: a long one — a result page over a million votes — never holds
up the messages' transactions, and sees the store as it was committed when it began."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from store_helpers import ALICE, BOB, NUMBER, inbound

from engine.errors import StoreError
from engine.store import SqliteStore
from engine.store.readers import READERS

WAIT = 30.0
"""Seconds a blocked read waits for the test to let it go (never reached when all is well)."""


async def test_a_long_read_does_not_hold_up_the_messages(tmp_path: Path) -> None:
    began, release = threading.Event(), threading.Event()

    def slow_count(conn: sqlite3.Connection) -> tuple[int, int]:
        before = conn.execute("SELECT count(*) FROM inbound").fetchone()[0]
        began.set()
        release.wait(WAIT)  # a read that takes its time, on the reader's thread
        after = conn.execute("SELECT count(*) FROM inbound").fetchone()[0]
        return before, after

    async with SqliteStore(tmp_path / "twoway.db") as store:
        await store.receive([inbound(ALICE, "first")])
        reading = asyncio.ensure_future(store.read(slow_count))
        try:
            await asyncio.get_running_loop().run_in_executor(None, began.wait, WAIT)
            # the messages' transaction commits while the read is still under way
            [received] = await store.receive([inbound(BOB, "second")])
            assert received.message.id is not None and not reading.done()
            with sqlite3.connect(f"file:{tmp_path / 'twoway.db'}?mode=ro", uri=True) as other:
                assert other.execute("SELECT count(*) FROM inbound").fetchone() == (2,)
            other.close()
        finally:
            release.set()
        # the long read saw one state: the one committed when it began
        assert await reading == (1, 1)


PEOPLE_READS = {
    "a result's tally": lambda store, row: store.tally("final"),
    "a result's votes by the minute": lambda store, row: store.vote_minutes("final"),
    "events of a type": lambda store, row: store.events(type="vote_refused"),
    "a contact": lambda store, row: store.contact(ALICE),
    "the campaigns": lambda store, row: store.all_campaigns(),
    "a campaign by name": lambda store, row: store.campaign("spring"),
    "those who did not reply": lambda store, row: store.not_replied("spring", timedelta(days=1)),
    "a number's opt-outs": lambda store, row: store.opted_out_of(NUMBER),
    "a campaign's progress": lambda store, row: store.campaign_status(row),
    "a poll's refused votes": lambda store, row: store.refused_votes("final"),
    "a contacts page": lambda store, row: store.contacts_page(None, 50),
}


@pytest.mark.parametrize("what", PEOPLE_READS)
async def test_people_s_reads_queue_on_the_reader_not_before_the_messages(
    tmp_path: Path, what: str
) -> None:
    """Each of people's reads waits behind readers that are all busy, while a message's commit
    goes through: it runs on the readers' lane (a campaign's progress over a million recipients took
    a second on the messages' lane, 2026-12-06)."""
    release = threading.Event()

    def busy(conn: sqlite3.Connection) -> None:
        release.wait(WAIT)

    async with SqliteStore(tmp_path / "twoway.db") as store:
        await store.create_campaign(
            name="spring", title="Spring", number=NUMBER, flow="spring", kind="marketing",
            throughput=None, window=None, recipients=[], ruleset_version="v1",
        )  # fmt: skip
        row = await store.campaign("spring")
        try:
            blocking = [asyncio.ensure_future(store.read(busy)) for _ in range(READERS)]
            reading = asyncio.ensure_future(PEOPLE_READS[what](store, row))
            await asyncio.sleep(0)  # the tasks run to their lane's queue, in this order
            [received] = await store.receive([inbound(BOB, "through")])  # the messages' lane
            assert received.message.id is not None
            assert not reading.done()  # behind the busy reader
        finally:
            release.set()
        await asyncio.gather(*blocking)
        await reading


async def test_one_persons_long_read_leaves_a_reader_to_the_others(tmp_path: Path) -> None:
    release = threading.Event()

    def long_read(conn: sqlite3.Connection) -> int:
        release.wait(WAIT)
        return int(conn.execute("SELECT count(*) FROM inbound").fetchone()[0])

    async with SqliteStore(tmp_path / "twoway.db") as store:
        await store.receive([inbound(ALICE, "hello")])
        long = asyncio.ensure_future(store.read(long_read))
        try:
            await asyncio.sleep(0)  # the long read is on its reader
            assert [m.text for m in await store.inbound_rows()] == ["hello"]  # another reader
            assert not long.done()
        finally:
            release.set()
        assert await long == 1


async def test_people_cannot_write_through_the_reader(tmp_path: Path) -> None:
    def sneak(conn: sqlite3.Connection) -> None:
        conn.execute("DELETE FROM inbound")

    async with SqliteStore(tmp_path / "twoway.db") as store:
        await store.receive([inbound(ALICE, "kept")])
        with pytest.raises(StoreError, match="attempt to write a readonly database"):
            await store.read(sneak)
        assert [m.text for m in await store.inbound_rows()] == ["kept"]


async def test_the_reader_is_closed_with_the_store(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "twoway.db")
    await store.open()
    await store.receive([inbound(ALICE, "x")])
    assert len(await store.inbound_rows()) == 1
    await store.close()
    assert not [t for t in threading.enumerate() if t.name == "twoway-reader" and t.is_alive()]
    with pytest.raises(StoreError):
        await store.inbound_rows()
