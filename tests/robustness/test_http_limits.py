"""The HTTP endpoint of a real ``twoway run`` under too many connections and slow requests.

``http.max_connections``: a connection beyond them is answered 503 and closed at once, the open
ones keep working, and /health answers again as soon as one closes. ``http.request_timeout``: a
connection that sends no whole request (nothing, or half a request) is closed after it, and so is
a keep-alive connection left idle that long. With the descriptors of the engine limited below the
connections a client opens, the engine keeps taking messages and /health comes back by itself.
"""

from __future__ import annotations

import asyncio
import contextlib
import resource
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import aiohttp

from tests.support.engine_process import HOST, REPO, Engine, http_address, write_config
from tests.support.jsonl_peer import MO, Peer, PeerLog, free_port

WAIT = 30.0
"""Seconds before a test gives up waiting: a bound on a hung test, not a timing."""

GET = b"GET /health HTTP/1.1\r\nHost: twoway\r\n"
"""A request cut before the blank line that ends its headers."""


@dataclass
class Http:
    engine: Engine
    jsonl_port: int
    host: str
    port: int

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}/health"

    async def health(self) -> int:
        """The status of GET /health on a new connection."""
        async with aiohttp.ClientSession() as session, session.get(self.url) as response:
            return response.status

    async def connect(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        return await asyncio.open_connection(self.host, self.port)


@contextlib.asynccontextmanager
async def engine_with(
    tmp_path: Path, nofile: int | None = None, **http: object
) -> AsyncIterator[Http]:
    """``twoway run`` with ``http`` keys; ``nofile``: its soft limit of open descriptors."""
    port = free_port()
    config = write_config(tmp_path, REPO / "rules", "console", port, http=http)
    engine = Engine(tmp_path, config)

    def limit() -> None:
        assert nofile is not None
        hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
        resource.setrlimit(resource.RLIMIT_NOFILE, (nofile, hard))

    try:
        await engine.start(port, **({"preexec_fn": limit} if nofile else {}))
        host, http_port = http_address(config)
        running = Http(engine, port, host, http_port)
        async with asyncio.timeout(WAIT):
            while True:  # the jsonl port is up; /health comes a moment later
                with contextlib.suppress(aiohttp.ClientConnectionError):
                    await running.health()
                    break
                await asyncio.sleep(0.05)  # polling a connect: there is no event to wait on
        yield running
    finally:
        await engine.cleanup()


async def until_eof(reader: asyncio.StreamReader) -> bytes:
    """Everything the server sends until it closes the connection."""
    try:
        return await asyncio.wait_for(reader.read(), WAIT)
    except ConnectionResetError:
        return b""


def clean(log: str) -> None:
    assert "Traceback" not in log, log
    assert "out of system resource" not in log, log


async def test_connections_beyond_the_cap_get_503_and_the_open_ones_keep_working(
    tmp_path: Path,
) -> None:
    async with engine_with(tmp_path, max_connections=5, request_timeout=30) as http:
        idle = [await http.connect() for _ in range(5)]
        # the sixth is answered at once, before it sends anything, and closed
        reader, writer = await http.connect()
        refused = await until_eof(reader)
        writer.close()
        assert refused.startswith(b"HTTP/1.1 503 Service Unavailable\r\n")
        assert refused.endswith(b"too many connections\n")

        # an open connection is not disturbed: its request is answered
        reader, writer = idle.pop()
        writer.write(GET + b"Connection: close\r\n\r\n")
        answered = await until_eof(reader)
        assert answered.startswith(b"HTTP/1.1 200 OK\r\n")
        assert b'"status": "ok"' in answered
        writer.close()
        # it closed: its place is free, and /health answers on a new connection at once
        assert await http.health() == 200

        # the places are taken again; a client closing one frees it
        idle.append(await http.connect())
        async with aiohttp.ClientSession() as session:
            try:
                async with session.get(http.url) as response:
                    assert response.status == 503
            except aiohttp.ClientConnectionError:
                pass  # closed before the client read the 503: refused all the same
        for _, writer in idle:
            writer.close()
        async with asyncio.timeout(WAIT):
            while True:  # the engine sees the close a moment later: no event to wait on
                with contextlib.suppress(aiohttp.ClientConnectionError):
                    if await http.health() == 200:
                        break
                await asyncio.sleep(0.05)
        log = http.engine.log()
        assert "http: 5 connections are open (http.max_connections)" in log
        clean(log)


async def test_a_request_not_sent_whole_within_the_timeout_is_closed(tmp_path: Path) -> None:
    async with engine_with(tmp_path, max_connections=100, request_timeout=2) as http:
        started = time.monotonic()
        silent = [await http.connect() for _ in range(10)]
        halves = [await http.connect() for _ in range(40)]
        for _, writer in halves:
            writer.write(GET)  # the headers never end
        kept = await http.connect()  # a whole request, then idle on keep-alive
        kept[1].write(GET + b"\r\n")
        status = await asyncio.wait_for(kept[0].readline(), WAIT)
        assert status.startswith(b"HTTP/1.1 200")

        closed = await asyncio.gather(*(until_eof(r) for r, _ in [*silent, *halves, kept]))
        elapsed = time.monotonic() - started
        assert closed[:50] == [b""] * 50  # closed without an answer
        assert b'"status": "ok"' in closed[50]  # the rest of the answer, then closed
        assert elapsed >= 1.5  # by the time-out (2 s), not at once
        for _, writer in [*silent, *halves, kept]:
            writer.close()
        assert await http.health() == 200
        log = http.engine.log()
        assert "http: closed a connection that sent no whole request within 2 s" in log
        clean(log)


async def test_more_connections_than_descriptors_leave_the_engine_working(
    tmp_path: Path,
) -> None:
    """The engine may open 128 descriptors; a client opens 200 connections and keeps them."""
    async with engine_with(tmp_path, nofile=128, max_connections=20, request_timeout=2) as http:
        flood = [await http.connect() for _ in range(200)]
        # the engine still takes a message meanwhile (its descriptors are not used up)
        log = PeerLog()
        peer = Peer(log)
        await peer.connect(HOST, http.jsonl_port)
        await peer.stream([MO("flood-1", "+33600000001", "36111", "HOURS")], window=1)
        await peer.wait_for(lambda: log.acks["flood-1"] == 1, timeout=WAIT)
        await peer.aclose()

        answers = await asyncio.gather(*(until_eof(reader) for reader, _ in flood))
        refused = [a for a in answers if a.startswith(b"HTTP/1.1 503")]
        held = [a for a in answers if a == b""]
        assert len(refused) + len(held) == 200
        assert len(held) >= 20 and refused  # 20 at a time (more if some timed out meanwhile)
        # every one of them is closed by the engine while the client still holds its end:
        # /health answers again without the client doing anything
        assert await http.health() == 200
        for _, writer in flood:
            writer.close()
        clean(http.engine.log())
