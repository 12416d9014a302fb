"""Connections of the jsonl connector, against the real ``twoway run``: a cap (one more gets an
error frame and is closed, the others go on), an idle time-out, and the engine reachable again
once idle peers are gone even under a low ``ulimit -n``, without accept tracebacks."""

from __future__ import annotations

import asyncio
import resource
from pathlib import Path

from tests.support.jsonl_client import WAIT, Client, assert_clean, mo, running_engine


async def test_one_connection_over_max_connections_gets_an_error_frame(tmp_path: Path) -> None:
    async with running_engine(tmp_path, {"max_connections": 3}) as running:
        clients = []
        for number in range(3):  # one after the other: the start's probe is gone by then
            client = await Client().connect(running.port)
            client.send(mo(f"a{number}", f"+3360000000{number}"))
            assert (await client.answer(f"a{number}"))["type"] == "ack"
            clients.append(client)
        extra = await Client().connect(running.port)
        assert await extra.error() == {"type": "error", "error": "too many connections (max 3)"}
        await asyncio.wait_for(extra.closed.wait(), WAIT)
        for number, client in enumerate(clients):  # nothing else is disturbed
            client.send(mo(f"b{number}", f"+3360000000{number}", "ADDRESS"))
            assert (await client.answer(f"b{number}"))["type"] == "ack"
        assert await running.stop() == 0  # a graceful stop hands the replies over first
        assert sum(len(client.mts()) for client in clients) == 6
        for client in clients:
            await client.aclose()
    log = running.log()
    assert "refused a connection: too many connections (max 3)" in log
    assert_clean(log)


def low_files() -> None:
    resource.setrlimit(resource.RLIMIT_NOFILE, (64, 64))


IDLE = 10
"""The peers' idle time-out: the sixty must all be in before the first served ones go, or none
is refused. Connecting them takes milliseconds, but when the engine accepts slower than they
come, the handshakes its accept queue (a few under this ulimit) cannot hold are tried again by
the kernel 1 s, then 3 s later. With 3 s, a loaded CI run once served all sixty, each let in as
an earlier one left (refused 0, every peer closed as idle)."""


async def test_under_a_low_ulimit_idle_peers_go_and_a_new_peer_gets_in(tmp_path: Path) -> None:
    async with running_engine(tmp_path, {"idle_timeout": IDLE}, preexec_fn=low_files) as running:
        idle = [await Client().connect(running.port) for _ in range(60)]
        refused = 0
        for client in idle:  # each is either served (then closed when idle) or refused
            await asyncio.wait_for(client.closed.wait(), WAIT)
            errors = [frame["error"] for frame in client.frames]
            assert len(errors) == 1, errors
            if errors[0].startswith("too many connections"):
                refused += 1
            else:
                assert errors[0] == "idle for too long: closing"
        assert 0 < refused < 60
        late = await Client().connect(running.port)
        late.send(mo("late", "+33600000001"))
        assert (await late.answer("late"))["type"] == "ack"
        await late.wait_for(lambda: len(late.mts()) == 1)
        await late.aclose()
        for client in idle:
            await client.aclose()
        assert await running.stop() == 0
    log = running.log()
    assert "max_connections lowered from 256 to " in log
    assert "out of system resource" not in log
    assert_clean(log)


async def test_a_peer_that_only_pings_stays_connected(tmp_path: Path) -> None:
    async with running_engine(tmp_path, {"idle_timeout": 2}) as running:
        quiet = await Client().connect(running.port)
        pinging = await Client().connect(running.port)
        for _ in range(4):  # about 4 s in all: twice the idle time-out
            pinging.send({"type": "ping"})
            await pinging.wait_for(lambda: {"type": "pong"} in pinging.frames)
            pinging.frames.remove({"type": "pong"})
            await asyncio.sleep(1)  # the peer's own pace between pings, not a wait for an event
        await asyncio.wait_for(quiet.closed.wait(), WAIT)
        assert not pinging.closed.is_set()
        await quiet.aclose()
        await pinging.aclose()
        assert await running.stop() == 0
