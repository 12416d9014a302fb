"""``kill -9`` of a ``twoway run`` while the provider posts 5,000 MOs to its http connector, 20
at a time: a provider posts again what got no 200 (as Twilio's retries do), the engine is
started again, and every MO is answered exactly once at the provider — the replies a crash
left ``sending`` go again with the same ``Idempotency-Key``, which the provider honours."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import time
from pathlib import Path

import aiohttp
import pytest

from tests.support.engine_process import REPO, Engine, http_address
from tests.support.fake_provider import AUTH_TOKEN, FakeProvider, write_http_config
from tests.support.jsonl_client import assert_clean

TOTAL = 5_000
AT_ONCE = 20
KILL_AFTER = 2_000
HOURS = "We are open Monday to Friday, 9:00-18:00, and Saturday 10:00-16:00."


def statuses(workdir: Path) -> dict[str, int]:
    with sqlite3.connect(f"file:{workdir / 'twoway.db'}?mode=ro", uri=True) as conn:
        return dict(conn.execute("SELECT status, count(*) FROM outbox GROUP BY status"))


def sender(index: int) -> str:
    return f"+3361{index:07d}"


async def test_kill_9_while_mos_arrive_every_acknowledged_mo_is_answered_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", AUTH_TOKEN)
    provider = FakeProvider()
    await provider.start()
    config, hook = write_http_config(tmp_path, REPO / "rules", provider, status_callback=False)
    port = http_address(config)[1]
    engine = Engine(tmp_path, config)
    acked: set[int] = set()
    before_kill: set[int] = set()
    refused = 0
    killed = asyncio.Event()
    enough = asyncio.Event()
    line: asyncio.Queue[int] = asyncio.Queue()
    for index in range(TOTAL):
        line.put_nowait(index)

    async def post(index: int) -> None:
        nonlocal refused
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            status = 0
            with contextlib.suppress(aiohttp.ClientError, OSError):
                status, _ = await provider.post_mo(
                    hook, f"SMmo{index:06d}", sender(index), "36111", "hours"
                )
            if status == 200:
                acked.add(index)
                if len(acked) >= KILL_AFTER:
                    enough.set()
                if not killed.is_set():
                    before_kill.add(index)
                return
            refused += 1
            await asyncio.sleep(0.05)  # a provider's back-off before it posts again
        raise AssertionError(f"MO {index} never got a 200")

    async def worker() -> None:
        while not line.empty():
            await post(line.get_nowait())

    try:
        await engine.start(port)
        started = time.monotonic()
        workers = [asyncio.create_task(worker()) for _ in range(AT_ONCE)]
        await asyncio.wait_for(enough.wait(), 60)
        engine.kill()
        killed.set()
        await engine.wait(10)
        answered_before = len(provider.messages)
        await engine.start(port)
        await asyncio.gather(*workers)
        await provider.wait_for(lambda: len(provider.messages) >= TOTAL, timeout=60)
        took = time.monotonic() - started
        # the last ``sent`` marks are written a moment after the provider took the messages
        await provider.wait_for(lambda: statuses(tmp_path) == {"sent": TOTAL}, timeout=20)
    finally:
        await engine.cleanup()
        await provider.aclose()

    assert len(before_kill) >= KILL_AFTER and acked == set(range(TOTAL))
    to = [message.to for message in provider.messages]
    assert len(to) == TOTAL and set(to) == {sender(i) for i in range(TOTAL)}  # once each
    assert all(message.text == HOURS for message in provider.messages)
    replays = provider.requests - len(provider.messages)
    with sqlite3.connect(tmp_path / "twoway.db") as conn:
        assert conn.execute("SELECT count(*) FROM inbound").fetchone() == (TOTAL,)
    print(
        f"\n{TOTAL} MOs in {took:.1f} s; killed after {len(before_kill)} acknowledged, "
        f"{answered_before} answered; {refused} posts refused or cut; "
        f"{replays} sends replayed by Idempotency-Key"
    )
    for run in range(1, engine.runs + 1):
        log = (tmp_path / f"engine-{run}.log").read_text(encoding="utf-8", errors="replace")
        assert AUTH_TOKEN not in log
        if run == engine.runs:
            assert_clean(log)
