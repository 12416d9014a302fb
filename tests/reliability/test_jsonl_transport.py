"""The jsonl transport around (re)connections: what the crash test relies on, in-process.

After a restart the outbox re-sends at once, before the peer has reconnected; a probe or a peer
may connect and leave with MTs unacknowledged. Neither may cost a row an attempt or ack_timeout.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

import pytest

from engine.core.messages import Inbound, Outgoing
from engine.core.records import Received
from engine.errors import TransportError
from engine.transports.jsonl import JsonLinesTransport

REPLY = Outgoing("+33600000001", "36111", "We are open")


async def refuse(message: Inbound) -> Received:
    raise AssertionError("no MO in these tests")


@pytest.fixture
async def transport() -> AsyncIterator[JsonLinesTransport]:
    opened = JsonLinesTransport("smsc", "127.0.0.1", 0, ack_timeout=30.0)
    await opened.start(refuse)
    yield opened
    await opened.aclose()


async def settle() -> None:
    for _ in range(10):
        await asyncio.sleep(0)


async def test_a_send_waits_for_the_peer_to_connect(transport: JsonLinesTransport) -> None:
    sending = asyncio.create_task(transport.send(REPLY, 7))
    await settle()
    assert not sending.done(), "failed at once: the row would have lost an attempt"
    reader, writer = await asyncio.open_connection("127.0.0.1", transport.port)
    frame = json.loads(await reader.readline())
    assert frame == {
        "type": "mt",
        "ref": 7,
        "from": "36111",
        "to": "+33600000001",
        "text": "We are open",
    }
    writer.write(b'{"type": "mt_ack", "ref": 7}\n')
    async with asyncio.timeout(5):
        assert await sending == "jsonl-7"
    writer.close()


async def test_without_a_peer_a_send_fails_transiently_after_ack_timeout() -> None:
    transport = JsonLinesTransport("smsc", "127.0.0.1", 0, ack_timeout=0.05)
    await transport.start(refuse)
    try:
        with pytest.raises(TransportError, match="no peer connected") as raised:
            await transport.send(REPLY, 1)
        assert raised.value.transient
    finally:
        await transport.aclose()


async def test_a_peer_leaving_without_ack_fails_its_sends_at_once(
    transport: JsonLinesTransport,
) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", transport.port)
    sending = asyncio.create_task(transport.send(REPLY, 8))
    assert json.loads(await reader.readline())["ref"] == 8
    writer.close()  # a probe, or a peer that died: the ack will never come
    async with asyncio.timeout(5):  # not ack_timeout (30 s)
        with pytest.raises(TransportError, match="disconnected") as raised:
            await sending
    assert raised.value.transient


async def test_closing_wakes_the_sends_waiting_for_a_peer() -> None:
    transport = JsonLinesTransport("smsc", "127.0.0.1", 0, ack_timeout=30.0)
    await transport.start(refuse)
    sending = asyncio.create_task(transport.send(REPLY, 9))
    await settle()
    await transport.aclose()
    async with asyncio.timeout(5):
        with pytest.raises(TransportError, match="no peer connected"):
            await sending
