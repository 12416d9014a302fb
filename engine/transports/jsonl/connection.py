"""Own one jsonl connection: lines in (bounded, paced), frames out (with a deadline), its state.

Reading stops while the connection has ``max_in_flight`` MOs unanswered, so one peer that
pipelines without waiting costs a bounded amount of memory (TCP pushes back on it); a line
longer than ``max_line`` is skipped up to its newline. Every write waits for the peer to take
it at most ``write_timeout`` seconds; a peer that does not read is cut off (``abort``).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator
from dataclasses import dataclass
from typing import Any

from engine.errors import TransportError
from engine.transports.jsonl.frames import encode

__all__ = ["OVERLONG", "Connection", "Idle", "Limits"]

READ_CHUNK = 65_536
BUSY = 65_536
"""Bytes waiting in a connection's write buffer above which it is busy: MTs go elsewhere."""


@dataclass(frozen=True, slots=True)
class Limits:
    """The limits of a jsonl connector (``connectors.NAME.*`` in twoway.yaml)."""

    max_line: int = 65_536
    """Bytes of one line, newline excluded; a longer one is skipped with an error frame."""
    max_in_flight: int = 1_000
    """MOs of one connection handed to the engine and not answered yet; reading waits above."""
    max_connections: int = 256
    """Connections at once; one more gets an error frame and is closed."""
    idle_timeout: float = 300.0
    """Seconds without a complete line (or an answered MO) before a connection is closed."""
    write_timeout: float = 10.0
    """Seconds a peer has to take a frame written to it before the connection is cut."""


class Overlong:
    """What ``Connection.lines`` yields for a line over ``max_line`` (skipped)."""


OVERLONG = Overlong()


class Idle(Exception):
    """The connection said nothing for ``idle_timeout`` seconds."""


class Connection:
    """A peer's connection: its reader and writer, and what the transport tracks about it."""

    def __init__(
        self,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        limits: Limits,
        *,
        authenticated: bool,
    ) -> None:
        self.reader, self.writer, self.limits = reader, writer, limits
        address = writer.get_extra_info("peername")
        self.peer = f"{address[0]}:{address[1]}" if isinstance(address, tuple) else str(address)
        self.authenticated = authenticated
        self.awaiting: set[int] = set()
        """MT refs written here whose ``mt_ack`` has not come back yet."""
        self.proven = False
        """It acknowledged an MT: it reads."""
        self.missed = False
        """An MT written here was not acknowledged within ack_timeout (cleared by an ack)."""
        self.served = 0
        self.closed = False
        self.in_flight = 0
        self._room = asyncio.Event()
        self._room.set()
        self._loop = asyncio.get_running_loop()
        self.heard_at = self._loop.time()

    # --- state ---------------------------------------------------------------------------

    @property
    def busy(self) -> bool:
        """More than ``BUSY`` bytes wait to be read by the peer."""
        return self.writer.transport.get_write_buffer_size() > BUSY

    def rank(self) -> tuple[bool, bool, bool, int, int]:
        """Lower is better to carry the next MT: not busy, acks in time, reads, least waiting."""
        return (self.busy, self.missed, not self.proven, len(self.awaiting), self.served)

    def heard(self) -> None:
        self.heard_at = self._loop.time()

    def taken(self) -> None:
        """One more MO of this connection is with the engine."""
        self.in_flight += 1
        if self.in_flight >= self.limits.max_in_flight:
            self._room.clear()

    def answered(self) -> None:
        """An MO of this connection was answered (ack or nack): activity, and room to read."""
        self.in_flight -= 1
        self.heard()
        if self.in_flight < self.limits.max_in_flight:
            self._room.set()

    # --- reading -------------------------------------------------------------------------

    async def lines(self) -> AsyncGenerator[bytes | Overlong, None]:
        """Each complete line (without its newline), or OVERLONG for one over ``max_line``.

        Raises Idle after ``idle_timeout`` without a complete line or an answered MO (while an
        MO is with the engine the connection is not idle). A partial line at EOF is dropped.

        While it waits for the rest of a line, a connection holds that line's bytes once (in
        ``pending``): the chunk read is dropped before the next read, so 1,500 slow peers each
        holding a 60 KB half-line cost about 1,500 × 60 KB, not two or three times that.
        """
        pending = bytearray()
        skipping = False
        limit = self.limits.max_line
        while chunk := await self._read():
            start = 0
            while (end := chunk.find(b"\n", start)) >= 0:
                piece, start = chunk[start:end], end + 1
                if skipping:
                    skipping = False
                elif len(pending) + len(piece) > limit:
                    pending.clear()
                    yield OVERLONG
                elif pending:
                    pending += piece
                    piece = bytes(pending)
                    pending.clear()
                    yield piece
                else:
                    yield piece
                del piece  # a line up to max_line long: not kept while waiting for room
                await self._room.wait()  # the pipelined lines of one chunk wait their turn
            if skipping:
                pass
            elif len(pending) + len(chunk) - start > limit:
                pending.clear()
                skipping = True  # tell now: its newline may be megabytes away
                yield OVERLONG
            else:
                pending += memoryview(chunk)[start:]  # appended in place: no copy of the rest
            del chunk  # else it stays alive, a second copy, while the next read waits

    async def _read(self) -> bytes:
        while True:
            await self._room.wait()
            remaining = self.heard_at + self.limits.idle_timeout - self._loop.time()
            if remaining <= 0:
                if self.in_flight:
                    self.heard()  # the engine owes it an answer: not idle
                    continue
                raise Idle
            try:
                async with asyncio.timeout(remaining):
                    return await self.reader.read(READ_CHUNK)
            except TimeoutError:
                continue

    # --- writing -------------------------------------------------------------------------

    async def write(self, frame: dict[str, Any]) -> None:
        """Write ``frame``; TransportError (transient) if the connection is gone, or if the
        peer does not take it within ``write_timeout`` (the connection is then cut)."""
        if self.closed:
            raise TransportError("the peer's connection is closed")
        try:
            self.writer.write(encode(frame))
            async with asyncio.timeout(self.limits.write_timeout):
                await self.writer.drain()
        except TimeoutError:
            self.abort()
            raise TransportError(
                f"the peer read nothing for {self.limits.write_timeout:g} s: connection cut"
            ) from None
        except (ConnectionError, RuntimeError) as exc:
            self.abort()
            raise TransportError("the peer's connection was lost") from exc

    def abort(self) -> None:
        """Close at once, dropping what the peer did not read."""
        self.closed = True
        self.writer.transport.abort()

    def close(self) -> None:
        """Close once what is written is sent."""
        self.closed = True
        self.writer.close()
