"""Lines the jsonl connector cannot take, against the real ``twoway run``: each gets an error
frame and the connection goes on, so every MO pipelined after it is answered; no traceback."""

from __future__ import annotations

import asyncio
import tracemalloc
from pathlib import Path

from engine.transports.jsonl.connection import Connection, Limits
from tests.support.jsonl_client import Client, assert_clean, mo, running_engine


async def test_bad_lines_get_an_error_frame_and_the_mos_after_them_are_answered(
    tmp_path: Path,
) -> None:
    async with running_engine(tmp_path) as running:
        client = await Client().connect(running.port)
        client.send(b"x" * 70_000 + b"\n")  # over the default max_line (65,536 bytes)
        client.send(mo("m1", "+33600000001"))
        client.send(b"[" * 30_000 + b"]" * 30_000 + b"\n")
        client.send(mo("m2", "+33600000002"))
        client.send({"type": "mt_ack", "ref": "abc"})
        client.send(mo("m3", "+33600000003"))
        client.send({"type": "query_resp", "seen": "all"})
        client.send(b"\xff\xfe not UTF-8\n")
        client.send(mo("m4", "+33600000004"))
        await client.drain()
        assert await client.error() == {
            "type": "error",
            "error": "line longer than max_line (65536 bytes): skipped",
        }
        assert (await client.error())["error"] == "JSON nested too deeply"
        assert (await client.error())["error"] == "mt_ack.ref must be an integer, not a string"
        assert (await client.error())["error"] == "query_resp.seen must be a list of integers"
        assert (await client.error())["error"] == "not a JSON line"
        for mo_id in ("m1", "m2", "m3", "m4"):
            assert (await client.answer(mo_id))["type"] == "ack"
        await client.wait_for(lambda: len(client.mts()) == 4)
        assert not client.closed.is_set()
        await client.aclose()
        assert await running.stop() == 0
    assert running.rows("SELECT COUNT(*) FROM outbox WHERE status = 'sent'") == [(4,)]
    log = running.log()
    assert " ERROR " not in log, log
    assert_clean(log)


async def test_max_line_is_configurable(tmp_path: Path) -> None:
    async with running_engine(tmp_path, {"max_line": 2048}) as running:
        client = await Client().connect(running.port)
        client.send(mo("long", "+33600000001", "HOURS " + "x" * 3000))
        client.send(mo("short", "+33600000002"))
        assert (await client.error())["error"] == (
            "line longer than max_line (2048 bytes): skipped"
        )
        assert (await client.answer("short"))["type"] == "ack"
        await client.wait_for(lambda: len(client.mts()) == 1)
        await client.aclose()
        assert await running.stop() == 0
    assert running.rows("SELECT external_id FROM inbound") == [("short",)]
    assert_clean(running.log())


class _Writer:
    """What ``Connection`` asks of a writer before anything is written."""

    def get_extra_info(self, name: str) -> object:
        return ("127.0.0.1", 1)


async def test_a_half_line_is_held_once_while_the_connection_waits_for_its_end() -> None:
    # A slow-loris peer costs the bytes it sent, not two or three copies of them.
    size = 60 * 1024
    reader = asyncio.StreamReader()
    conn = Connection(reader, _Writer(), Limits(), authenticated=True)  # type: ignore[arg-type]
    lines = conn.lines()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for _ in range(3):
            reader.feed_data(b"x" * (size // 3))
        line = asyncio.ensure_future(anext(lines))
        for _ in range(5):
            await asyncio.sleep(0)  # the chunk is read, kept, and the next read waits
        assert not line.done()
        held = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert size <= held < size * 1.3, held
    reader.feed_data(b"y\n")
    assert await line == b"x" * size + b"y"
    await lines.aclose()
