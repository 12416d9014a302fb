"""The outbox against a transport that fails: transient errors retry, permanent ones do not."""

from __future__ import annotations

import asyncio
import sqlite3
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from engine.core.clock import FixedClock
from engine.core.idline import IdLine
from engine.core.messages import Outgoing
from engine.core.model import Sprint
from engine.core.records import Step
from engine.errors import TransportError
from engine.outbox import Outbox
from engine.store import SqliteStore
from engine.transports.base import TransportBase

PHONE = "+33600000001"


class Flaky(TransportBase):
    """Fail the first ``failures`` sends with ``error``, then accept."""

    def __init__(self, failures: int, error: TransportError) -> None:
        super().__init__("flaky")
        self.failures, self.error = failures, error
        self.calls = 0
        self._called = asyncio.Event()

    async def send(self, message: Outgoing, reference: int) -> str | None:
        self.calls += 1
        self._called.set()
        if self.calls <= self.failures:
            raise self.error
        return f"smsc-{reference}"

    async def handed(self, count: int) -> None:
        """Return once ``send`` was called ``count`` times."""
        while self.calls < count:
            self._called.clear()
            await self._called.wait()


async def _setup(
    tmp_path: Path, created: datetime, texts: tuple[str, ...] = ("hello",)
) -> tuple[SqliteStore, list]:
    """An open store holding one reply to ``PHONE`` per text, created at ``created``."""
    store = SqliteStore(str(tmp_path / "o.db"))
    await store.open()
    sprint = Sprint(session=None, outbound=tuple(Outgoing(PHONE, "36111", t) for t in texts))
    rows = await store.commit([Step(PHONE, "36111", sprint, created, "v")])
    return store, rows


async def test_transient_failures_are_retried_until_sent(tmp_path: Path) -> None:
    store, rows = await _setup(tmp_path, datetime.now(UTC))
    transport = Flaky(3, TransportError("throttled", transient=True))
    finished = asyncio.Event()
    outbox = Outbox(store, {"x": transport}, {}, "x", {}, lambda n: finished.set(), retry_base=0.01)
    task = asyncio.create_task(outbox.run())
    outbox.push(rows)
    await asyncio.wait_for(finished.wait(), 5)  # set once the row is marked sent
    task.cancel()
    [row] = await store.outbox_rows()
    assert (row.status, transport.calls, row.attempts) == ("sent", 4, 4)
    assert not outbox._retry_handles  # a retry that ran is forgotten
    await store.close()


async def test_a_permanent_failure_is_not_retried(tmp_path: Path) -> None:
    store, rows = await _setup(tmp_path, datetime.now(UTC))
    transport = Flaky(1, TransportError("unknown subscriber", transient=False))
    done: list[int] = []
    outbox = Outbox(store, {"x": transport}, {}, "x", {}, done.append, retry_base=0.01)
    await outbox.send_batch(rows)
    [row] = await store.outbox_rows()
    assert (row.status, transport.calls, done) == ("failed", 1, [1])
    await store.close()


async def test_a_transient_failure_past_the_validity_fails_the_message(tmp_path: Path) -> None:
    store, rows = await _setup(tmp_path, datetime.now(UTC) - timedelta(hours=25))
    transport = Flaky(1, TransportError("link down", transient=True))
    done: list[int] = []
    outbox = Outbox(store, {"x": transport}, {}, "x", {}, done.append)
    await outbox.send_batch(rows)
    [row] = await store.outbox_rows()
    assert row.status == "failed" and done == [1]
    await store.close()


async def test_the_back_off_starts_over_in_a_new_run(tmp_path: Path) -> None:
    """Failures of earlier runs (``attempts`` in the store) do not lengthen this run's back-off.

    A row that failed on the dying connections of six restarts used to wait 0.2 s x 2**6 = 12.8 s
    after its next failure, behind a healthy link; now it waits 0.2 s, as after a first failure.
    """
    store, [row] = await _setup(tmp_path, datetime.now(UTC))
    for _ in range(6):
        await store.mark_failed(row.id, "the peer disconnected", permanent=False)
    [loaded] = await store.queued_outbox()
    assert loaded.attempts == 6
    transport = Flaky(1, TransportError("the peer disconnected", transient=True))
    finished = asyncio.Event()
    outbox = Outbox(store, {"x": transport}, {}, "x", {}, lambda n: finished.set(), retry_base=0.2)
    task = asyncio.create_task(outbox.run())
    try:
        outbox.push([loaded])
        await asyncio.wait_for(finished.wait(), 5)  # 12.8 s when the back-off counted old ones
        [row] = await store.outbox_rows()
        assert (row.status, transport.calls, row.attempts) == ("sent", 2, 8)
    finally:
        task.cancel()
        outbox.cancel_retries()
        await store.close()


async def test_a_reply_checked_at_commit_is_checked_again_after_an_opt_out(tmp_path: Path) -> None:
    store, rows = await _setup(tmp_path, datetime.now(UTC))
    transport = Flaky(0, TransportError("unused"))
    done: list[int] = []
    outbox = Outbox(store, {"x": transport}, {}, "x", {}, done.append)
    outbox.push(rows, marked=True)  # as the service pushes the replies of its transactions
    # the contact's STOP is committed before the outbox reaches the row
    await store.commit(
        [Step(PHONE, "36111", Sprint(session=None, opt="out"), datetime.now(UTC), "v")]
    )
    outbox.opt_outs_changed()
    await outbox.send_batch([outbox.queue.popleft()])
    [row] = await store.outbox_rows()
    assert (row.status, transport.calls, done) == ("suppressed", 0, [1])
    await store.close()


async def test_at_most_a_window_of_rows_is_sent_and_not_yet_recorded(tmp_path: Path) -> None:
    store, rows = await _setup(tmp_path, datetime.now(UTC), tuple(f"news {n}" for n in range(5)))
    recording, asked = asyncio.Event(), asyncio.Event()
    real_mark_sent = store.mark_sent

    async def slow_mark_sent(results):  # type: ignore[no-untyped-def]
        asked.set()
        await recording.wait()  # the store is slow to record what was sent
        await real_mark_sent(results)

    store.mark_sent = slow_mark_sent  # type: ignore[method-assign]
    transport = Flaky(0, TransportError("unused"))
    done: list[int] = []
    all_recorded = asyncio.Event()

    def finished(count: int) -> None:
        done.append(count)
        if sum(done) == 5:
            all_recorded.set()

    outbox = Outbox(store, {"x": transport}, {}, "x", {}, finished, window=2)
    task = asyncio.create_task(outbox.run())
    outbox.push(rows)
    await asyncio.wait_for(asked.wait(), 5)  # the first batch is being recorded
    # the loop went on before the recording started: the next rows wait for it
    assert (transport.calls, len(outbox.queue)) == (2, 3)
    recording.set()
    await asyncio.wait_for(all_recorded.wait(), 5)
    task.cancel()
    assert transport.calls == 5
    assert [row.status for row in await store.outbox_rows()] == ["sent"] * 5
    await store.close()


class Asked(TransportBase):
    """Remember each ``delivered`` question; say it has the even references (or cannot tell)."""

    def __init__(self, can_tell: bool) -> None:
        super().__init__("asked")
        self.can_tell = can_tell
        self.questions: list[list[int]] = []

    async def delivered(self, references: list[int]) -> set[int] | None:
        self.questions.append(references)
        return {ref for ref in references if ref % 2 == 0} if self.can_tell else None


@pytest.mark.parametrize("can_tell", [True, False])
async def test_rows_left_sending_are_asked_about_in_chunks_once(
    tmp_path: Path, can_tell: bool
) -> None:
    store = SqliteStore(str(tmp_path / "o.db"))
    await store.open()
    outgoing = tuple(Outgoing(PHONE, "36111", f"news {n}") for n in range(2_500))
    sprint = Sprint(session=None, outbound=outgoing)
    rows = await store.commit([Step(PHONE, "36111", sprint, datetime.now(UTC), "v")])
    left = [replace(row, status="sending") for row in rows]  # as a restart finds them
    transport = Asked(can_tell)
    done: list[int] = []
    outbox = Outbox(store, {"x": transport}, {}, "x", {}, done.append)
    remaining = await outbox.skip_delivered(left)
    if can_tell:
        assert [len(q) for q in transport.questions] == [1_000, 1_000, 500]
        assert [row.id for row in remaining] == [row.id for row in rows if row.id % 2]
        assert sum(done) == 1_250  # the peer's copies are recorded sent
    else:  # a peer that cannot tell is asked once, not once per chunk
        assert [len(q) for q in transport.questions] == [1_000]
        assert remaining == left and done == []
    await store.close()


async def test_beyond_memory_rows_wait_as_ids_and_go_out_in_order_checked(
    tmp_path: Path,
) -> None:
    """A peer that does not keep up: the outbox keeps ``memory`` rows, and only the ids of the
    others, which it reads back in order; read back, they are checked for opt-outs again."""
    store = SqliteStore(str(tmp_path / "o.db"))
    await store.open()
    other = "+33600000002"
    outgoing = tuple(Outgoing(PHONE if n % 2 else other, "36111", f"news {n}") for n in range(25))
    rows = await store.commit(
        [Step(PHONE, "36111", Sprint(session=None, outbound=outgoing), datetime.now(UTC), "v")]
    )
    transport = Flaky(0, TransportError("unused"))
    sent: list[str] = []
    real_send = transport.send

    async def send(message: Outgoing, reference: int) -> str | None:
        sent.append(message.text)
        return await real_send(message, reference)

    transport.send = send  # type: ignore[method-assign]
    done: list[int] = []
    all_done = asyncio.Event()

    def finished(count: int) -> None:
        done.append(count)
        if sum(done) == 25:
            all_done.set()

    outbox = Outbox(store, {"x": transport}, {}, "x", {}, finished, window=3, memory=4)
    outbox.push(rows, marked=True)
    assert (len(outbox.queue), len(outbox._later), outbox.waiting) == (4, 21, 25)
    # the other contact opts out after the commit: the rows read back are checked again
    await store.commit(
        [Step(other, "36111", Sprint(session=None, opt="out"), datetime.now(UTC), "v")]
    )
    task = asyncio.create_task(outbox.run())
    await asyncio.wait_for(all_done.wait(), 10)
    task.cancel()
    kept = [f"news {n}" for n in range(4)]  # checked by their own transaction, before the STOP
    assert sent == kept + [f"news {n}" for n in range(4, 25) if n % 2]
    statuses = [row.status for row in await store.outbox_rows()]
    assert statuses == ["sent"] * 4 + ["sent" if n % 2 else "suppressed" for n in range(4, 25)]
    await store.close()


def test_ids_in_line_keep_their_order_as_runs() -> None:
    line = IdLine()
    line.extend([5, 6, 7, 9, 10, 3])
    assert len(line) == 6
    assert line.take(2) == [5, 6]
    line.put_back([5, 6])
    assert line.take(4) == [5, 6, 7, 9]
    assert line.take(10) == [10, 3]
    assert (len(line), line.take(1)) == (0, [])
    line.extend(range(100_000, 200_000))
    assert len(line._runs) == 1  # one transaction's rows: one run


class Immediate(TransportBase):
    """Takes a row at once (``send_now``) unless its text starts with ``wait``; refuses the
    texts that start with ``refuse`` or ``busy`` (for good, or for now); answers each hand-over
    on the loop's next turn, as a link answers later."""

    def __init__(self) -> None:
        super().__init__("immediate")
        self.handed: list[tuple[str, str]] = []
        """(``now`` or ``send``, text) of each hand-over, in order."""

    def _answer(self, text: str, reference: int) -> asyncio.Future[str | None]:
        answer: asyncio.Future[str | None] = asyncio.get_running_loop().create_future()
        if text.startswith(("refuse", "busy")):
            error = TransportError(f"{text}: no", transient=text.startswith("busy"))
            asyncio.get_running_loop().call_soon(answer.set_exception, error)
        else:
            asyncio.get_running_loop().call_soon(answer.set_result, f"smsc-{reference}")
        return answer

    def send_now(self, message: Outgoing, reference: int) -> asyncio.Future[str | None] | None:
        if message.text.startswith("wait"):
            return None
        self.handed.append(("now", message.text))
        return self._answer(message.text, reference)

    async def send(self, message: Outgoing, reference: int) -> str | None:
        self.handed.append(("send", message.text))
        return await self._answer(message.text, reference)


async def _rows(store: SqliteStore, *texts: str) -> list:
    out = tuple(Outgoing(PHONE, "36111", text) for text in texts)
    sprint = Sprint(session=None, outbound=out)
    return await store.commit([Step(PHONE, "36111", sprint, datetime.now(UTC), "v")])


async def test_rows_taken_at_once_and_the_rest_go_out_in_their_order(tmp_path: Path) -> None:
    store = SqliteStore(str(tmp_path / "o.db"))
    await store.open()
    try:
        rows = await _rows(store, "one", "two", "wait three", "four")
        transport = Immediate()
        done: list[int] = []
        outbox = Outbox(store, {"x": transport}, {}, "x", {}, done.append)
        await outbox.send_batch(rows)
        # from the first row that must wait, the rest go through ``send``: the order holds
        assert transport.handed == [
            ("now", "one"), ("now", "two"), ("send", "wait three"), ("send", "four")
        ]  # fmt: skip
        with sqlite3.connect(tmp_path / "o.db") as db:
            sent = db.execute("SELECT text, status, external_id FROM outbox ORDER BY id").fetchall()
        assert sent == [
            (row.message.text, "sent", f"smsc-{row.id}") for row in rows
        ]  # fmt: skip
        assert done == [4]
    finally:
        await store.close()


async def test_a_refusal_of_a_row_taken_at_once_is_recorded_like_any(tmp_path: Path) -> None:
    store = SqliteStore(str(tmp_path / "o.db"))
    await store.open()
    try:
        rows = await _rows(store, "refuse this", "busy now", "fine")
        transport = Immediate()
        done: list[int] = []
        outbox = Outbox(store, {"x": transport}, {}, "x", {}, done.append, retry_base=60)
        await outbox.send_batch(rows)
        assert [how for how, _ in transport.handed] == ["now", "now", "now"]
        status = {row.message.text: row.status for row in await store.outbox_rows()}
        assert status == {"refuse this": "failed", "busy now": "queued", "fine": "sent"}
        assert done == [1, 1]  # failed for good, then the one sent; the busy one waits
        assert len(outbox._retry_handles) == 1  # tried again later
        outbox.cancel_retries()
    finally:
        await store.close()


async def test_a_paced_row_that_cannot_go_at_once_gives_its_turn_back(tmp_path: Path) -> None:
    """A number with ``throughput:``: a row takes its turn from the pace, and gives it back when
    the transport cannot take it at once, so ``send`` does not wait for a second turn (under a
    clock that does not move, it would wait for ever)."""
    store = SqliteStore(str(tmp_path / "o.db"))
    await store.open()
    try:
        rows = await _rows(store, "wait for send")
        transport = Immediate()
        outbox = Outbox(
            store, {"x": transport}, {}, "x", {"36111": 1.0}, lambda n: None, clock=FixedClock()
        )
        await asyncio.wait_for(outbox.send_batch(rows), 5)
        assert transport.handed == [("send", "wait for send")]
        limiter = outbox.route("36111").limiter
        assert limiter is not None and limiter.tokens == 0  # one turn, taken once
    finally:
        await store.close()


async def test_rows_waiting_for_room_hurry_the_marks_of_those_in_flight(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The ``sent`` marks of a batch wait for a write to carry them (``SENT_WAIT``) only while
    nothing waits for them: rows in line behind a full window have them written at once,
    whether they were in line when the marks were recorded or came after. The last batch's
    marks wait for the next write (a drain, ``hurry``, writes them)."""
    from engine.store import connection

    monkeypatch.setattr(connection, "SENT_WAIT", 3600.0)  # without a hurry, an hour
    store, rows = await _setup(tmp_path, datetime.now(UTC), tuple(f"n{n}" for n in range(7)))
    real_mark_sent = store.mark_sent
    marking = asyncio.Event()

    async def mark_sent(results: list[tuple[int, str | None]]) -> None:
        marking.set()
        await real_mark_sent(results)

    store.mark_sent = mark_sent  # type: ignore[method-assign]
    transport = Flaky(0, TransportError("unused"))
    done: list[int] = []
    recorded = asyncio.Event()

    def finished(count: int) -> None:
        done.append(count)
        recorded.set()

    outbox = Outbox(store, {"x": transport}, {}, "x", {}, finished, window=2)
    task = asyncio.create_task(outbox.run())
    outbox.push(rows[:2])
    await asyncio.wait_for(marking.wait(), 5)  # recorded with nothing in line: they wait
    outbox.push(rows[2:])  # a full window now holds these back
    await asyncio.wait_for(transport.handed(7), 5)
    while sum(done) < 6:  # three full windows: their marks went at once
        recorded.clear()
        await asyncio.wait_for(recorded.wait(), 5)
    statuses = [row.status for row in await store.outbox_rows()]
    assert statuses == ["sent"] * 6 + ["sending"]  # nobody waits for the last one yet
    recorded.clear()
    store.hurry()
    await asyncio.wait_for(recorded.wait(), 5)
    task.cancel()
    assert [row.status for row in await store.outbox_rows()] == ["sent"] * 7
    await store.close()
