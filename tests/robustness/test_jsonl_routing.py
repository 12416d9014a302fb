"""Where MTs go when one jsonl peer does not read, against the real ``twoway run``: replies reach
the peer that reads, and a write the other does not take is cut off by write_timeout and sent
again on another connection (it used to block for ever)."""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path

import pytest

from engine.core.messages import Inbound, Outgoing
from engine.core.records import Received
from engine.errors import TransportError
from engine.transports.jsonl import JsonLinesTransport, Limits
from tests.support.engine_process import HOST
from tests.support.jsonl_client import WAIT, Client, assert_clean, mo, running_engine


def silent(port: int) -> socket.socket:
    """A peer that connects first and never reads nor writes."""
    return socket.create_connection((HOST, port))


async def test_replies_reach_the_peer_that_reads_not_the_first_connection(
    tmp_path: Path,
) -> None:
    async with running_engine(tmp_path, {"ack_timeout": 2}) as running:
        with silent(running.port):
            client = await Client().connect(running.port)
            for number in range(100):
                client.send(mo(f"m{number}", f"+336000{number:05d}"))
            await client.wait_for(lambda: len({f["ref"] for f in client.mts()}) == 100, 60)
            await client.aclose()
        assert await running.stop() == 0
    assert running.rows("SELECT status, COUNT(*) FROM outbox GROUP BY status") == [("sent", 100)]
    assert_clean(running.log())


async def test_a_write_the_peer_does_not_take_is_cut_by_write_timeout() -> None:
    """In process, real sockets: replies are capped far below what fills a socket's buffers
    (MAX_TEXT), so a 6 MB MT is handed to the transport directly. It used to block for ever
    (ack_timeout only counted after the write); the silent connection is now cut after
    write_timeout and the MT goes to the peer that reads."""
    limits = Limits(write_timeout=2)
    transport = JsonLinesTransport("console", HOST, 0, ack_timeout=30, limits=limits)
    await transport.start(refuse)
    try:
        with silent(transport.port):
            await transport_has(transport, 1)
            reply = Outgoing("+33600000001", "36111", "e" * 6_000_000)
            with pytest.raises(TransportError, match="read nothing for 2 s") as cut:
                await transport.send(reply, 1)
            assert cut.value.transient
            client = await Client().connect(transport.port, limit=16_000_000)
            await transport_has(transport, 1)
            assert await transport.send(reply, 1) == "jsonl-1"
            assert client.mts()[0]["text"] == reply.text
            await client.aclose()
    finally:
        await transport.aclose()


async def refuse(message: Inbound) -> Received:
    raise AssertionError("no MO in this test")


async def transport_has(transport: JsonLinesTransport, count: int) -> None:
    """Wait until the transport serves ``count`` connections (accepting is a loop turn away)."""
    async with asyncio.timeout(WAIT):
        while len(transport._connections) != count:
            await asyncio.sleep(0)
