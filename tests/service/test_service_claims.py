"""Two engines over one store file: a second engine that starts sends nothing a live one holds;
the rows of an engine that died are sent once by another, once their lease has ended."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from engine.core.clock import FixedClock
from engine.core.messages import Outgoing
from engine.core.model import Sprint
from engine.core.records import OutboxRow, Step
from engine.errors import StoreUnavailable
from engine.leases import claim_every_row
from engine.ruleset.compiler import compile_rules
from engine.service import Service
from engine.store import SqliteStore
from engine.store.claims import LEASE, Owner
from engine.transports.loopback import LoopbackTransport

REPO = Path(__file__).resolve().parents[2]
RULES = compile_rules(REPO / "rules").raise_for_errors()
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
PHONE = "+33600000001"


class Gated(LoopbackTransport):
    """Hands nothing over until ``gate`` is set (a slow SMSC): the rows stay in flight."""

    def __init__(self) -> None:
        super().__init__()
        self.gate = asyncio.Event()
        self.waiting = asyncio.Event()

    async def send(self, message: Outgoing, reference: int) -> str | None:
        self.waiting.set()
        await self.gate.wait()
        return await super().send(message, reference)


def _engine(path: Path, clock: FixedClock, name: str, transport: LoopbackTransport) -> Service:
    store = SqliteStore(path, clock=clock, owner=Owner(name))
    return Service(RULES, store, {"loopback": transport}, clock=clock, auto_timers=False)


def _spy(store: SqliteStore) -> asyncio.Event:
    """Set each time ``store`` renewed its claims (the lease loop's tick)."""
    renewed = asyncio.Event()
    renew: Callable[..., object] = store.renew_claims

    async def spied(limit: int = 10_000) -> list[OutboxRow]:
        taken = await renew(limit)  # type: ignore[misc]
        renewed.set()
        return taken  # type: ignore[no-any-return]

    store.renew_claims = spied  # type: ignore[method-assign]
    return renewed


async def test_a_second_engine_sends_nothing_a_live_one_holds(tmp_path: Path) -> None:
    clock = FixedClock(START)
    path = tmp_path / "twoway.db"
    slow, other = Gated(), LoopbackTransport()
    a = _engine(path, clock, "host-a:1:aa", slow)
    b = _engine(path, clock, "host-b:2:bb", other)
    await a.start()
    try:
        renewed = _spy(a.store)  # type: ignore[arg-type]
        await slow.deliver(PHONE, "36111", "HOURS", START)
        await slow.waiting.wait()  # A's reply is committed ``sending`` and being handed over
        await b.start()  # B's recovery leaves it to A
        await b.idle()
        assert other.take() == []
        clock.advance(LEASE / 2 + timedelta(seconds=5))
        await renewed.wait()  # A's lease loop renewed its claim
        clock.advance(LEASE / 2 + timedelta(seconds=5))  # past A's first lease, not its renewal
        assert await b.leases.renew() == 0
        await b.idle()
        assert other.take() == []
        slow.gate.set()
        await a.idle()
        assert len(slow.take()) == 1 and other.take() == []
    finally:
        slow.gate.set()
        await b.stop(drain_timeout=1)
        await a.stop(drain_timeout=1)


async def test_an_engine_whose_leases_lapsed_sends_none_of_what_another_took(
    tmp_path: Path,
) -> None:
    """A stalls (here: its store refuses its renewals) past its lease with two replies: one in
    its connector's hands, one waiting in its outbox. B takes both over and sends them. When A
    goes on, it sends the one it had handed over already (the documented window), not the
    one that waited: it asks the store whether its rows are still its own first."""
    clock = FixedClock(START)
    path = tmp_path / "twoway.db"
    slow, other = Gated(), LoopbackTransport()
    a = _engine(path, clock, "host-a:1:aa", slow)
    b = _engine(path, clock, "host-b:2:bb", other)
    a.outbox.window = 1  # the second reply waits in A's line while the first is handed over
    await a.start()
    try:
        renew: Callable[..., object] = a.store.renew_claims

        async def refused(limit: int = 10_000) -> list[OutboxRow]:
            raise StoreUnavailable("database is locked")

        a.store.renew_claims = refused  # type: ignore[method-assign]
        await slow.deliver(PHONE, "36111", "HOURS", START)
        await slow.deliver("+33600000002", "36111", "HOURS", START)
        await slow.waiting.wait()  # the first is being handed over; the second waits
        assert a.outbox.waiting == 1
        await b.start()
        clock.advance(LEASE + timedelta(seconds=1))
        assert await b.leases.renew() == 2  # both of A's rows: its lease ran out
        await b.idle()
        assert sorted(m.recipient for m in other.take()) == ["+33600000001", "+33600000002"]
        a.store.renew_claims = renew  # type: ignore[method-assign]
        slow.gate.set()
        await a.idle()
        assert [m.recipient for m in slow.take()] == [PHONE]  # not the one B sent
    finally:
        slow.gate.set()
        await b.stop(drain_timeout=1)
        await a.stop(drain_timeout=1)


async def test_the_rows_of_a_dead_engine_are_sent_once_by_another(tmp_path: Path) -> None:
    clock = FixedClock(START)
    path = tmp_path / "twoway.db"
    dead = SqliteStore(path, clock=clock, owner=Owner("host-a:1:aa"))
    async with dead:  # A commits a batch's replies, then dies before handing them over
        sprint = Sprint(session=None, outbound=(Outgoing(PHONE, "36111", "hello"),))
        rows = await dead.commit([Step(PHONE, "36111", sprint, START, "v")])
    transport = LoopbackTransport()
    b = _engine(path, clock, "host-b:2:bb", transport)
    await b.start()
    try:
        await b.idle()
        assert transport.take() == []  # A's lease has not ended
        clock.advance(LEASE + timedelta(seconds=1))
        await b.leases.renew()  # the lease loop's tick (it may have run first: the same)
        await b.idle()
        assert [(ref, m.text) for ref, m in transport.sent] == [(rows[0].id, "hello")]
        clock.advance(LEASE * 2)
        assert await b.leases.renew() == 0
        await b.idle()
        assert len(transport.sent) == 1
        [row] = await b.store.outbox_rows()  # type: ignore[attr-defined]
        assert row.status == "sent"
    finally:
        await b.stop(drain_timeout=1)


async def test_a_start_takes_every_row_left_page_after_page(tmp_path: Path) -> None:
    """A page of rows claimed is the process's own: the next page is the rows after it, not
    the first page again (which would leave the first rows claimed and never sent)."""
    clock = FixedClock(START)
    async with SqliteStore(tmp_path / "twoway.db", clock=clock) as store:
        sprint = Sprint(session=None, outbound=(Outgoing(PHONE, "36111", "hello"),))
        rows = await store.commit([Step(PHONE, "36111", sprint, START, "v")] * 25)
        await store.write(_unclaim)
        taken = await claim_every_row(store.claim_outbox, 10)
        assert [row.id for row in taken] == [row.id for row in rows]
        taken = await claim_every_row(store.claim_outbox, 5)  # all its own now: none left
        assert taken == []


def _unclaim(conn: sqlite3.Connection) -> None:
    conn.execute("UPDATE outbox SET claimed_by = NULL, lease_until = NULL")


async def test_what_a_stop_could_not_send_goes_at_once_with_the_next_engine(
    tmp_path: Path,
) -> None:
    clock = FixedClock(START)
    path = tmp_path / "twoway.db"
    stuck, other = Gated(), LoopbackTransport()
    a = _engine(path, clock, "host-a:1:aa", stuck)
    await a.start()
    await stuck.deliver(PHONE, "36111", "HOURS", START)
    await stuck.waiting.wait()
    await a.stop(drain_timeout=0.05)  # the peer never answers: the reply is left ``sending``
    assert stuck.sent == []
    b = _engine(path, clock, "host-b:2:bb", other)
    await b.start()  # no lease to wait for: A gave its rows back as it stopped
    try:
        await b.idle()
        assert len(other.take()) == 1
    finally:
        await b.stop(drain_timeout=1)
