"""``twoway run`` on the test clock (``TWOWAY_TEST_CLOCK``), as a real process over real sockets:
a reminder an hour away comes as soon as the file says an hour went by, messages are received at
the file's time, and a file that cannot be read stops the start with one line and exit 2.

Every wait is on an event (a frame arriving, the process exiting), bounded by a timeout that
only catches a hung test; the reminder's bound is a few seconds, far below the scheduler's
MAX_SLEEP (30 s), so it can only come from the clock's change waking the scheduler.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import sqlite3
import time
import urllib.request
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from engine.scheduler import MAX_SLEEP
from tests.support.engine_process import Engine, http_address, set_clock, write_config
from tests.support.jsonl_client import Client, assert_clean, mo
from tests.support.jsonl_peer import free_port

T0 = datetime.fromisoformat("2026-12-05T19:59:50+01:00")
REMINDER_WAIT = 5.0
"""Seconds the reminder may take once the file moved: a few, where MAX_SLEEP is 30."""

RULES = """\
flow: Reminder
trigger: {keyword: [PING]}
start: ask
states:
  ask:
    say: "Reply YES within the hour."
    wait:
      - when: yes
        say: "Thank you."
        end: true
    timeout: {after: 1h, then: reminded}
  reminded:
    say: "Reminder: reply YES."
    end: true
"""


def rules(tmp_path: Path) -> Path:
    folder = tmp_path / "rules"
    folder.mkdir()
    (folder / "remind.yaml").write_text(RULES, encoding="utf-8")
    return folder


def stored(db: Path, sql: str, *args: object) -> list[tuple[Any, ...]]:
    with contextlib.closing(sqlite3.connect(db)) as conn:
        return list(conn.execute(sql, args))


def health(config: Path) -> dict[str, Any]:
    host, port = http_address(config)
    with urllib.request.urlopen(f"http://{host}:{port}/health", timeout=5) as response:
        body: dict[str, Any] = json.loads(response.read())
    return body


@contextlib.asynccontextmanager
async def engine_on_test_clock(tmp_path: Path, clock: Path) -> AsyncIterator[tuple[Engine, int]]:
    port = free_port()
    engine = Engine(tmp_path, write_config(tmp_path, rules(tmp_path), "console", port))
    try:
        await engine.start(port, clock_file=clock)
        yield engine, port
    finally:
        await engine.cleanup()


def texts(client: Client) -> list[str]:
    return [str(frame["text"]) for frame in client.mts()]


async def test_a_reminder_comes_when_the_test_clock_moves_an_hour(tmp_path: Path) -> None:
    assert MAX_SLEEP > 5 * REMINDER_WAIT
    clock = tmp_path / "clock"
    set_clock(clock, T0)
    started = time.monotonic()
    async with engine_on_test_clock(tmp_path, clock) as (engine, port):
        client = await Client().connect(port)
        try:
            client.send(mo("m1", text="PING"))
            assert (await client.answer("m1"))["type"] == "ack"
            acked = time.monotonic()
            await client.wait_for(lambda: texts(client) == ["Reply YES within the hour."])
            [(received_at,)] = stored(
                tmp_path / "twoway.db", "SELECT received_at FROM inbound WHERE external_id = 'm1'"
            )
            at = datetime.fromisoformat(received_at)
            # received at the file's time (plus the real seconds since the engine read it)
            assert T0 <= at <= T0 + timedelta(seconds=acked - started), at
            [(due,)] = stored(tmp_path / "twoway.db", "SELECT due FROM timers")
            wait = datetime.fromisoformat(due) - at  # an hour of the clock after it came
            assert timedelta(hours=1) <= wait <= timedelta(hours=1, seconds=acked - started)

            report = await asyncio.to_thread(health, engine.config)
            assert report["clock"] == "test"
            assert T0 <= datetime.fromisoformat(report["now"]) < T0 + timedelta(minutes=5)

            set_clock(clock, T0 + timedelta(hours=1, minutes=1))
            await client.wait_for(lambda: len(client.mts()) == 2, timeout=REMINDER_WAIT)
            assert texts(client)[1] == "Reminder: reply YES."

            # and what comes in now is received at the moved time
            client.send(mo("m2", text="HELLO"))
            assert (await client.answer("m2"))["type"] == "ack"
            [(later,)] = stored(
                tmp_path / "twoway.db", "SELECT received_at FROM inbound WHERE external_id = 'm2'"
            )
            assert datetime.fromisoformat(later) >= T0 + timedelta(hours=1, minutes=1)
        finally:
            await client.aclose()
    log = engine.log()
    assert f"test clock from {clock}: time is 2026-12-05T18:59:50" in log, log
    assert "never for production" in log
    assert_clean(log)


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (None, "cannot read"),
        ("tomorrow", "is not an ISO-8601 time"),
        ("2026-12-05T19:59:50", "has no offset"),
        ("2026-12-05T19:59:50+01:00 fast", "is not a speed like x10"),
    ],
)
async def test_a_clock_file_that_cannot_be_read_stops_the_start_with_one_line(
    tmp_path: Path, content: str | None, says: str
) -> None:
    clock = tmp_path / "clock"
    if content is not None:
        clock.write_text(content, encoding="utf-8")
    port = free_port()
    engine = Engine(tmp_path, write_config(tmp_path, rules(tmp_path), "console", port))
    try:
        await engine.launch(clock_file=clock)
        assert await engine.wait(30) == 2
    finally:
        await engine.cleanup()
    lines = engine.log().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"error: TWOWAY_TEST_CLOCK: {clock}"), lines
    assert says in lines[0], lines
    assert not (tmp_path / "twoway.db").exists()
