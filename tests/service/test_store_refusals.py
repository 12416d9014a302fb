"""A store that cannot write (SQLite's own refusal: ``query_only``, as a full disk or a read-only
file gives) loses nothing: what it refused is taken again as soon as a write succeeds, without a
restart; one poison message is refused alone; the log says it once, not once per message."""

from __future__ import annotations

import asyncio
import logging
import os
import stat
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from engine.core.clock import FixedClock
from engine.core.messages import Inbound, Outgoing
from engine.errors import InvalidMessage, StoreError, StoreUnavailable
from engine.ruleset.compiler import compile_rules
from engine.store import SqliteStore
from engine.testing import Harness

REPO = Path(__file__).resolve().parents[2]
RULES = compile_rules(REPO / "rules").raise_for_errors()
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
HOURS = "We are open Monday to Friday, 9:00-18:00, and Saturday 10:00-16:00."


def inbound(sender: str, text: str, ext: str) -> Inbound:
    return Inbound(sender, "36111", text, START, transport="loopback", external_id=ext)


async def query_only(store: SqliteStore, on: bool) -> None:
    await store._call(lambda conn: conn.execute(f"PRAGMA query_only = {'ON' if on else 'OFF'}"))


async def statuses(db: str) -> list[tuple[str, str]]:
    async with SqliteStore(db) as probe:
        rows = await probe.outbox_rows()
    return [(row.message.text, row.status) for row in rows]


def tracebacks(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.exc_info]


async def test_a_refused_message_is_taken_once_the_store_writes_again(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    async with Harness(RULES, db=str(tmp_path / "t.db"), clock=FixedClock(START)) as harness:
        service, store = harness.service, harness.store
        await query_only(store, True)
        for n in range(50):
            with pytest.raises(StoreUnavailable, match="readonly database"):
                await service.receive(inbound("+33600000001", "HOURS", f"m{n}"))
        assert service.store_problem is not None
        assert "attempt to write a readonly database" in service.store_problem
        warnings = [r.getMessage() for r in caplog.records if "cannot write" in r.getMessage()]
        assert len(warnings) == 1, warnings  # once per interval, not once per message
        assert not tracebacks(caplog)

        await query_only(store, False)
        await service.receive(inbound("+33600000001", "HOURS", "m0"))  # the sender retries
        await service.idle()
        assert service.store_problem is None
        assert [m.text for m in harness.transport.take()] == [HOURS]
        assert "the store writes again: inbound messages are taken" in caplog.text


async def test_acknowledged_messages_are_processed_when_the_store_writes_again(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Committed at intake, then processing refused: processed without a restart."""
    db = str(tmp_path / "t.db")
    async with Harness(RULES, db=db, clock=FixedClock(START)) as harness:
        service, store = harness.service, harness.store
        refuse = True
        process, handle = store.process, store.handle

        def full() -> StoreUnavailable:
            exc = StoreUnavailable("OperationalError: database or disk is full")
            store._unavailable(exc)  # as the store does for a refusal of SQLite's
            return exc

        async def flaky_process(*args: Any, **kwargs: Any) -> Any:
            if refuse:
                raise full()
            return await process(*args, **kwargs)

        async def flaky_handle(*args: Any, **kwargs: Any) -> Any:
            if refuse:
                raise full()
            return await handle(*args, **kwargs)

        store.process = flaky_process  # type: ignore[method-assign]
        store.handle = flaky_handle  # type: ignore[method-assign]
        for n in range(3):  # committed alone (``receive`` works): acknowledged
            received = await service.receive(inbound(f"+3360000000{n}", "HOURS", f"m{n}"))
            assert received.duplicate is False
        assert harness.transport.take() == []
        assert service.depths()["work"] == 3

        refuse = False
        await service.receive(inbound("+33600000009", "HOURS", "m9"))  # a write succeeds
        await asyncio.wait_for(service.idle(), 30)
        assert [m.text for m in harness.transport.take()] == [HOURS] * 4
        assert "processing resumes" in caplog.text
        assert not tracebacks(caplog)
    assert await statuses(db) == [(HOURS, "sent")] * 4


async def test_sent_marks_the_store_refused_are_written_once_it_writes_again(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A reply handed over while the store cannot write stays ``sending`` only until it can."""
    db = str(tmp_path / "t.db")
    async with Harness(RULES, db=db, clock=FixedClock(START)) as harness:
        store = harness.store
        handed = asyncio.Event()

        def refuse_after_send(message: Outgoing, reference: int) -> None:
            handed.set()

        harness.transport.on_sent = refuse_after_send
        original_send = harness.transport.send

        async def send(message: Outgoing, reference: int) -> str | None:
            await query_only(store, True)  # the disk fills while the reply goes out
            return await original_send(message, reference)

        harness.transport.send = send  # type: ignore[method-assign]
        refused = asyncio.Event()
        unavailable = store._unavailable

        def note(exc: StoreUnavailable) -> None:
            unavailable(exc)
            refused.set()

        store._unavailable = note  # type: ignore[method-assign]
        await harness.service.receive(inbound("+33600000001", "HOURS", "m1"))
        await handed.wait()
        await refused.wait()  # the marks' own transaction is refused
        assert store.problem is not None
        assert await statuses(db) == [(HOURS, "sending")]

        harness.transport.send = original_send  # type: ignore[method-assign]
        await query_only(store, False)
        await asyncio.wait_for(harness.service.idle(), 30)  # the marks are retried on their own
        assert store.problem is None
        assert not tracebacks(caplog)
    assert await statuses(db) == [(HOURS, "sent")]


async def test_a_poison_message_is_refused_alone_and_its_batch_is_taken(tmp_path: Path) -> None:
    """A lone surrogate cannot be stored: that message is refused, the others are answered."""
    async with Harness(RULES, db=str(tmp_path / "t.db"), clock=FixedClock(START)) as harness:
        service = harness.service
        good = [inbound(f"+336000001{n:02d}", "HOURS", f"g{n}") for n in range(20)]
        poisons = [
            inbound("+33600000666", "HOURS \ud800", "p1"),
            inbound("+33600000\udfff", "HOURS", "p2"),
            Inbound("+33600000667", "36111", "HOURS", START, "loopback", external_id="p\ud800"),
        ]
        results = await asyncio.gather(
            *(service.receive(m) for m in [*good[:10], *poisons, *good[10:]]),
            return_exceptions=True,
        )
        errors = [r for r in results if isinstance(r, BaseException)]
        assert [str(e) for e in errors] == [
            "text is not valid Unicode: lone surrogate U+D800 at character 6",
            "from is not valid Unicode: lone surrogate U+DFFF at character 9",
            "id is not valid Unicode: lone surrogate U+D800 at character 1",
        ]
        assert all(isinstance(e, InvalidMessage) for e in errors)
        await service.idle()
        assert [m.text for m in harness.transport.take()] == [HOURS] * 20


async def test_the_store_files_are_for_their_owner_only(tmp_path: Path) -> None:
    os.umask(0o022)
    db = tmp_path / "t.db"
    async with SqliteStore(db) as store:
        await store.save_contact("+33600000001", {"name": "Ana"})
        modes = {path.name: stat.S_IMODE(path.stat().st_mode) for path in tmp_path.iterdir()}
    assert modes == {"t.db": 0o600, "t.db-wal": 0o600, "t.db-shm": 0o600}


async def test_a_store_an_older_release_left_readable_is_tightened(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    async with SqliteStore(db):
        pass
    db.chmod(0o644)
    async with SqliteStore(db):
        assert stat.S_IMODE(db.stat().st_mode) == 0o600


async def test_a_store_that_cannot_be_created_is_refused_naming_its_file(tmp_path: Path) -> None:
    missing = tmp_path / "no" / "such" / "folder" / "t.db"
    with pytest.raises(StoreError) as info:
        await SqliteStore(missing).open()
    assert str(info.value) == (
        f"cannot open the store {missing}: No such file or directory; the file and its folder "
        "must be writable by this user, on a disk with free space"
    )


async def test_a_lone_message_the_store_fails_on_is_refused_and_intake_goes_on(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Not a "cannot write" refusal (a corrupt page, a constraint): that message is refused,
    the next ones are taken; the intake never stops."""
    async with Harness(RULES, db=str(tmp_path / "t.db"), clock=FixedClock(START)) as harness:
        service, store = harness.service, harness.store
        receive, handle = store.receive, store.handle
        failures = [StoreError("DatabaseError: database disk image is malformed")] * 2

        async def failing(real: Any, *args: Any, **kwargs: Any) -> Any:
            if failures:
                raise failures.pop()
            return await real(*args, **kwargs)

        store.handle = lambda *a, **k: failing(handle, *a, **k)  # type: ignore[method-assign]
        store.receive = lambda *a, **k: failing(receive, *a, **k)  # type: ignore[method-assign]
        with pytest.raises(StoreError, match="malformed"):
            await service.receive(inbound("+33600000001", "HOURS", "m1"))
        await asyncio.wait_for(service.receive(inbound("+33600000002", "HOURS", "m2")), 30)
        await service.idle()
        assert [m.text for m in harness.transport.take()] == [HOURS]
        assert "an inbound message was not committed: DatabaseError" in caplog.text
