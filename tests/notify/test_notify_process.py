"""Event notifications over real sockets: a real ``twoway run`` with a jsonl connector and a
``notify:`` subscriber, an aiohttp receiver on a free 127.0.0.1 port.

What a phone does (a hand-off, STOP, a text no rule takes) and a rule file saved with mistakes
arrive at the receiver as signed JSON; a receiver that answers 500 or does not listen gets them
later (the test clock moved past the back-off: no sleep); a ``kill -9`` with notifications
pending loses none.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from engine.notify import verify
from tests.notify.receiver import Receiver, add_notify, notify_section, write_rules
from tests.support.engine_process import Engine, http_address, set_clock, write_config
from tests.support.jsonl_client import Client, assert_clean, mo
from tests.support.jsonl_peer import free_port

SECRET = "whsec-5ecret-for-tests"
ALL = ["handoff", "opt_out", "unmatched", "rules_failed"]
WAIT = 60.0
START = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)


@dataclass
class Deployment:
    workdir: Path
    engine: Engine
    port: int
    receiver: Receiver
    client: Client | None = None

    @property
    def db(self) -> Path:
        return self.workdir / "twoway.db"

    def rows(self, sql: str) -> list[tuple[Any, ...]]:
        with contextlib.closing(sqlite3.connect(self.db, timeout=10)) as conn:
            return list(conn.execute(sql))

    async def connect(self) -> Client:
        self.client = await Client().connect(self.port)
        return self.client

    async def send(self, mo_id: str, sender: str, text: str) -> None:
        assert self.client is not None
        self.client.send(mo(mo_id, sender, text))
        assert (await self.client.answer(mo_id))["type"] == "ack"

    async def until(self, predicate: Callable[[], bool], what: str) -> None:
        """Poll ``predicate`` (the store or the log: no event to wait on) within ``WAIT``."""
        deadline = time.monotonic() + WAIT
        while not predicate():
            assert self.engine.proc is not None and self.engine.proc.returncode is None, (
                self.engine.log()
            )
            assert time.monotonic() < deadline, f"{what}; log:\n{self.engine.log()}"
            await asyncio.sleep(0.05)


@contextlib.asynccontextmanager
async def deployment(
    tmp_path: Path, receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[Deployment]:
    monkeypatch.setenv("TWOWAY_NOTIFY_SECRET", SECRET)
    port = free_port()
    config = write_config(tmp_path, write_rules(tmp_path / "rules"), "console", port)
    add_notify(config, notify_section(receiver.url, ALL))
    engine = Engine(tmp_path, config)
    running = Deployment(tmp_path, engine, port, receiver)
    try:
        yield running
    finally:
        if running.client is not None:
            with contextlib.suppress(Exception):
                await running.client.aclose()
        await engine.cleanup()
        await receiver.stop()
    logs = "".join(
        (tmp_path / f"engine-{n}.log").read_text(encoding="utf-8", errors="replace")
        for n in range(1, engine.runs + 1)
    )
    assert SECRET not in logs


def _signed(post: Any) -> bool:
    return verify(SECRET, post.body, post.headers["X-Twoway-Signature"])


async def test_a_running_engine_posts_signed_notifications(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    receiver = await Receiver().start()
    async with deployment(tmp_path, receiver, monkeypatch) as running:
        await running.engine.start(running.port)
        await running.connect()

        await running.send("m1", "+33600000001", "AGENT")
        await receiver.wait_for(lambda: len(receiver.delivered("handoff")) == 1)
        (handoff,) = receiver.delivered("handoff")
        body = handoff.json
        assert set(body) == {"id", "type", "at", "data"}
        inbox = running.rows("SELECT id, team FROM inbox")
        assert body["data"] == {
            "contact": "+33600000001",
            "number": "36111",
            "team": "support",
            "inbox_id": inbox[0][0],
            "text": "AGENT",
        }
        assert inbox[0][1] == "support"
        assert handoff.headers["X-Twoway-Event"] == "handoff"
        assert handoff.headers["X-Twoway-Id"] == body["id"]
        assert handoff.headers["Content-Type"] == "application/json"
        assert _signed(handoff)
        assert not verify("another secret", handoff.body, handoff.headers["X-Twoway-Signature"])
        assert not verify(SECRET, handoff.body + b" ", handoff.headers["X-Twoway-Signature"])

        await running.send("m2", "+33600000001", "STOP")
        await receiver.wait_for(lambda: len(receiver.delivered("opt_out")) == 1)
        (opt_out,) = receiver.delivered("opt_out")
        assert opt_out.json["data"] == {
            "contact": "+33600000001",
            "number": "36111",
            "word": "STOP",
            "text": "STOP",
        }
        assert _signed(opt_out)

        await running.send("m3", "+33600000002", "Do you sell vinyl records?")
        await receiver.wait_for(lambda: len(receiver.delivered("unmatched")) == 1)
        (unmatched,) = receiver.delivered("unmatched")
        data = unmatched.json["data"]
        assert (data["contact"], data["number"]) == ("+33600000002", "36111")
        assert data["text"] == "Do you sell vinyl records?"
        assert _signed(unmatched)

        (tmp_path / "rules" / "broken.yaml").write_text(
            "autoreply:\n  - keyword: PRICE\n    replyy: nope\n", encoding="utf-8"
        )
        await receiver.wait_for(lambda: len(receiver.delivered("rules_failed")) == 1, WAIT)
        (failed,) = receiver.delivered("rules_failed")
        errors = failed.json["data"]["errors"]
        assert errors and all("broken.yaml:" in line for line in errors), errors
        assert any("broken.yaml:3:5: error[" in line for line in errors), errors
        assert _signed(failed)

        ids = [p.json["id"] for p in receiver.posts]
        assert len(ids) == len(set(ids)) == 4
        host, port = http_address(running.engine.config)
        async with aiohttp.ClientSession() as session:
            # The receiver has the post before the engine has its answer and marks it sent.
            deadline = asyncio.get_running_loop().time() + WAIT
            while True:
                async with session.get(f"http://{host}:{port}/health") as response:
                    health = await response.json()
                if health["queues"]["notifications"] == 0:
                    break
                assert asyncio.get_running_loop().time() < deadline, health
                await asyncio.sleep(0.05)  # a poll of the condition, bounded by the deadline
            async with session.get(f"http://{host}:{port}/metrics") as response:
                page = await response.text()
        assert SECRET not in str(health)
        assert 'twoway_notifications_total{event="handoff",outcome="sent"} 1.0' in page
        assert 'twoway_queue_depth{queue="notifications"} 0.0' in page
        assert running.rows("SELECT status, COUNT(*) FROM notifications GROUP BY status") == [
            ("sent", 4)
        ]
    assert_clean(running.engine.log())


@pytest.mark.parametrize("down", ["answers 500", "not listening"])
async def test_a_receiver_that_is_down_gets_the_notification_later(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, down: str
) -> None:
    clock = tmp_path / "clock"
    set_clock(clock, START)
    receiver = Receiver(status=500)
    if down == "answers 500":
        await receiver.start()
    async with deployment(tmp_path, receiver, monkeypatch) as running:
        await running.engine.start(running.port, clock_file=clock)
        await running.connect()
        await running.send("m1", "+33600000001", "AGENT")

        def tried() -> bool:
            rows = running.rows("SELECT attempts FROM notifications")
            return len(rows) == 1 and rows[0][0] >= 1

        await running.until(tried, "the first attempt was not recorded")
        assert receiver.delivered() == []
        assert "failed (" in running.engine.log()
        receiver.status = 200
        if down == "not listening":
            await receiver.start()
        # The first retry is due 10 s of the engine's clock later: move the clock past it.
        set_clock(clock, START + timedelta(minutes=5))
        await receiver.wait_for(lambda: len(receiver.delivered("handoff")) == 1)
        (post,) = receiver.delivered()
        assert post.json["data"]["team"] == "support" and _signed(post)
        if down == "answers 500":  # the same id at every attempt: the receiver dedupes by it
            assert len(receiver.posts) >= 2
            assert {p.json["id"] for p in receiver.posts} == {post.json["id"]}
        await running.until(
            lambda: running.rows("SELECT status FROM notifications") == [("sent",)],
            "the delivery was not recorded",
        )
    assert_clean(running.engine.log())


async def test_notifications_pending_at_a_kill_are_delivered_after_the_restart(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = tmp_path / "clock"
    set_clock(clock, START)
    receiver = Receiver()  # not listening yet
    async with deployment(tmp_path, receiver, monkeypatch) as running:
        await running.engine.start(running.port, clock_file=clock)
        await running.connect()
        await running.send("m1", "+33600000001", "AGENT")
        await running.send("m2", "+33600000002", "STOP")
        await running.until(
            lambda: (
                running.rows("SELECT COUNT(*) FROM notifications WHERE attempts >= 1") == [(2,)]
            ),
            "the attempts were not recorded",
        )
        running.engine.kill()
        await running.engine.wait(WAIT)
        assert running.client is not None
        await running.client.aclose()
        running.client = None
        assert running.rows("SELECT type, status FROM notifications ORDER BY id") == [
            ("handoff", "pending"),
            ("opt_out", "pending"),
        ]

        await receiver.start()
        set_clock(clock, START + timedelta(hours=1))
        await running.engine.start(running.port, clock_file=clock)
        await receiver.wait_for(lambda: len(receiver.delivered()) == 2)
        assert sorted(p.json["type"] for p in receiver.delivered()) == ["handoff", "opt_out"]
        assert all(_signed(p) for p in receiver.delivered())
        await running.until(
            lambda: running.rows("SELECT DISTINCT status FROM notifications") == [("sent",)],
            "the deliveries were not recorded",
        )
    assert_clean(running.engine.log())
