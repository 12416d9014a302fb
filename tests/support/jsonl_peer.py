"""A JSON-lines peer that behaves like an SMSC, for the reliability tests.

It sends MOs with a bounded number awaiting their ack (an SMSC's window), records every ack,
acknowledges every MT it receives at once and records it: which refs arrived, how often, and the
texts each phone received. Waiting is event-driven: ``wait_for(predicate)`` wakes on every frame
and on the loss of the connection, never on a fixed sleep.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class MO:
    id: str
    sender: str
    recipient: str
    text: str

    def frame(self) -> dict[str, Any]:
        return {
            "type": "mo",
            "id": self.id,
            "from": self.sender,
            "to": self.recipient,
            "text": self.text,
        }


@dataclass
class PeerLog:
    """What the peer saw, over every connection it made (it outlives the engine's restarts)."""

    acks: Counter[str] = field(default_factory=Counter)
    """MO id → how many acks arrived for it."""
    nacks: list[dict[str, Any]] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)
    mt_counts: Counter[int] = field(default_factory=Counter)
    """MT ref → how many times it arrived."""
    queries: list[list[int]] = field(default_factory=list)
    """The refs of every ``query`` the engine asked after a restart."""
    mt_frames: dict[int, dict[str, Any]] = field(default_factory=dict)
    """MT ref → the first frame that carried it."""
    mt_mismatches: list[tuple[dict[str, Any], dict[str, Any]]] = field(default_factory=list)
    """(first, later) frames of one ref whose content differs: a ref must always mean one text."""
    texts: defaultdict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    """Phone → every MT text it received, duplicates included, in arrival order."""
    first_mt_at: float | None = None
    truncated: int = 0
    """Frames cut short by the engine's death (no end of line): not frames, so not recorded."""

    @property
    def mts(self) -> int:
        return sum(self.mt_counts.values())

    def duplicated_refs(self) -> list[int]:
        return sorted(ref for ref, count in self.mt_counts.items() if count > 1)


def free_port() -> int:
    """A port nobody listens on now (the engine binds it a moment later, SO_REUSEADDR)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def wait_for_port(host: str, port: int, timeout: float, alive: Callable[[], bool]) -> None:
    """Return once ``host:port`` accepts a connection; fail early if ``alive()`` turns False."""
    deadline = time.monotonic() + timeout
    delay = 0.005
    while True:
        try:
            _, writer = await asyncio.open_connection(host, port)
        except OSError:
            pass
        else:
            local = writer.get_extra_info("sockname")[1]
            writer.close()
            with contextlib.suppress(OSError):
                await writer.wait_closed()
            if local != port:  # else a TCP self-connect on loopback: nobody listens yet
                return
        if not alive():
            raise RuntimeError(f"the engine exited before listening on {host}:{port}")
        if time.monotonic() > deadline:
            raise TimeoutError(f"nothing listens on {host}:{port} after {timeout}s")
        await asyncio.sleep(delay)  # polling a connect: there is no event to wait on
        delay = min(0.05, delay * 2)


class Peer:
    """One connection to the engine's jsonl connector, recording into a shared ``PeerLog``."""

    def __init__(
        self,
        log: PeerLog,
        on_frame: Callable[[dict[str, Any]], None] | None = None,
        *,
        answers_queries: bool = True,
    ) -> None:
        self.log = log
        self.answers_queries = answers_queries
        """Answer the engine's ``query`` after a restart (which refs it already has)."""
        self.on_frame = on_frame
        """Called for every frame once it is recorded, before an MT is acknowledged."""
        self.outstanding: set[str] = set()
        """MO ids sent on this connection and not acked yet."""
        self.refs: Counter[int] = Counter()
        """MT ref → how many times it arrived on this connection."""
        self.closed = asyncio.Event()
        self.refused = False
        """True once the engine refused an MO (nack): ``stream`` stops, as an SMSC backs off."""
        self._progress = asyncio.Event()
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None
        self._task: asyncio.Task[None] | None = None

    async def connect(self, host: str, port: int, *, limit: int = 2**16) -> None:
        """Connect; ``limit`` is the longest line it can read (longer MTs need more)."""
        self._reader, self._writer = await asyncio.open_connection(host, port, limit=limit)
        self._task = asyncio.create_task(self._read())

    async def _read(self) -> None:
        assert self._reader is not None
        try:
            while line := await self._reader.readline():
                if not line.endswith(b"\n"):  # the engine died while writing it
                    self.log.truncated += 1
                    break
                self._on_frame(json.loads(line))
                self._progress.set()
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            self.closed.set()
            self._progress.set()

    def _on_frame(self, frame: dict[str, Any]) -> None:
        log = self.log
        kind = frame.get("type")
        if kind == "ack":
            mo_id = str(frame["id"])
            log.acks[mo_id] += 1
            self.outstanding.discard(mo_id)
        elif kind == "mt":
            ref = int(frame["ref"])
            if log.first_mt_at is None:
                log.first_mt_at = time.monotonic()
            log.mt_counts[ref] += 1
            self.refs[ref] += 1
            first = log.mt_frames.setdefault(ref, frame)
            if first != frame:
                log.mt_mismatches.append((first, frame))
            log.texts[str(frame["to"])].append(str(frame["text"]))
        elif kind == "query":
            log.queries.append([int(ref) for ref in frame.get("refs") or ()])
            if self.answers_queries:
                seen = [ref for ref in log.queries[-1] if ref in log.mt_counts]
                self._write({"type": "query_resp", "seen": seen})
        elif kind == "nack":
            log.nacks.append(frame)
            self.outstanding.discard(str(frame.get("id")))
            self.refused = True
        else:
            log.errors.append(frame)
        if self.on_frame is not None:
            self.on_frame(frame)
        if kind == "mt":
            self._write({"type": "mt_ack", "ref": frame["ref"]})

    def _write(self, frame: dict[str, Any]) -> None:
        if self._writer is None or self.closed.is_set() or self._writer.is_closing():
            return
        with contextlib.suppress(ConnectionError, RuntimeError):
            self._writer.write(json.dumps(frame).encode() + b"\n")

    async def wait_for(self, predicate: Callable[[], bool], timeout: float | None = None) -> None:
        """Return once ``predicate()`` holds, re-checked after every frame and on disconnect."""
        async with asyncio.timeout(timeout):
            while not predicate():
                self._progress.clear()
                await self._progress.wait()

    async def stream(self, mos: Iterable[MO], window: int) -> int:
        """Send ``mos`` with at most ``window`` awaiting an ack; stop on a nack or a lost
        connection.

        Returns how many were written.
        """
        written = 0
        for mo in mos:
            await self.wait_for(
                lambda: self.closed.is_set() or self.refused or len(self.outstanding) < window
            )
            if self.closed.is_set() or self.refused or self._writer is None:
                break
            self.outstanding.add(mo.id)
            self._write(mo.frame())
            written += 1
            with contextlib.suppress(ConnectionError):
                await self._writer.drain()
        return written

    async def aclose(self) -> None:
        if self._writer is not None:
            self._writer.close()
            with contextlib.suppress(OSError):
                await self._writer.wait_closed()
        if self._task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
