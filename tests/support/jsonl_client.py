"""A real ``twoway run`` with one jsonl connector, and a raw jsonl client, for the robustness
tests of the jsonl connector.

``async with running_engine(tmp_path, options) as running`` starts ``python -m engine run`` on a
free port with the connector's ``options`` (and stops it however the test ends); ``Client``
speaks raw lines to it and waits for frames by event (a line arriving), with generous timeouts
that only bound a hung test.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import signal
import sqlite3
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.support.engine_process import HOST, REPO, Engine, write_config
from tests.support.jsonl_peer import free_port

WAIT = 30.0
"""Seconds before a test gives up waiting for a frame: a bound on a hung test, not a timing."""


@dataclass
class Running:
    engine: Engine
    port: int
    workdir: Path

    @property
    def db(self) -> Path:
        return self.workdir / "twoway.db"

    async def stop(self) -> int:
        """SIGTERM (graceful drain: sent marks written), then the exit code."""
        assert self.engine.proc is not None
        self.engine.proc.send_signal(signal.SIGTERM)
        return await self.engine.wait(WAIT)

    def rows(self, sql: str, *args: Any) -> list[tuple[Any, ...]]:
        with contextlib.closing(sqlite3.connect(self.db)) as conn:
            return list(conn.execute(sql, args))

    def log(self) -> str:
        return self.engine.log()


@contextlib.asynccontextmanager
async def running_engine(
    workdir: Path,
    options: dict[str, Any] | None = None,
    *,
    rules: Path = REPO / "rules",
    **launch: Any,
) -> AsyncIterator[Running]:
    """The engine on a free port, its jsonl connector ``console`` with ``options``; ``launch``
    goes to ``Engine.start`` (``preexec_fn`` for rlimits)."""
    port = free_port()
    engine = Engine(workdir, write_config(workdir, rules, "console", port, options))
    try:
        await engine.start(port, **launch)
        yield Running(engine, port, workdir)
    finally:
        await engine.cleanup()


class Client:
    """A raw jsonl connection: write anything, read frames; MTs are acknowledged if asked."""

    def __init__(self, *, ack_mts: bool = True) -> None:
        self.ack_mts = ack_mts
        self.frames: list[dict[str, Any]] = []
        self.closed = asyncio.Event()
        self._arrived = asyncio.Event()
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None
        self._task: asyncio.Task[None] | None = None

    async def connect(self, port: int, *, limit: int = 2**16) -> Client:
        self._reader, self._writer = await asyncio.open_connection(HOST, port, limit=limit)
        self._task = asyncio.create_task(self._read())
        return self

    async def _read(self) -> None:
        assert self._reader is not None
        try:
            while line := await self._reader.readline():
                frame = json.loads(line)
                self.frames.append(frame)
                if self.ack_mts and frame.get("type") == "mt":
                    self.send({"type": "mt_ack", "ref": frame["ref"]})
                self._arrived.set()
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            self.closed.set()
            self._arrived.set()

    def send(self, frame: dict[str, Any] | bytes) -> None:
        assert self._writer is not None
        data = frame if isinstance(frame, bytes) else json.dumps(frame).encode() + b"\n"
        self._writer.write(data)

    async def drain(self) -> None:
        assert self._writer is not None
        await self._writer.drain()

    async def wait_for(self, predicate: Callable[[], bool], timeout: float = WAIT) -> None:
        async with asyncio.timeout(timeout):
            while not predicate():
                if self.closed.is_set():
                    raise ConnectionError(f"closed; frames so far: {self.frames}")
                self._arrived.clear()
                await self._arrived.wait()

    async def answer(self, mo_id: Any) -> dict[str, Any]:
        """The ack or nack of the MO ``mo_id`` (the first one not taken yet)."""
        found: list[dict[str, Any]] = []

        def answered() -> bool:
            for frame in self.frames:
                if frame.get("type") in ("ack", "nack") and frame.get("id") == mo_id:
                    self.frames.remove(frame)
                    found.append(frame)
                    return True
            return False

        await self.wait_for(answered)
        return found[0]

    async def error(self) -> dict[str, Any]:
        """The next error frame."""
        found: list[dict[str, Any]] = []

        def arrived() -> bool:
            for frame in self.frames:
                if frame.get("type") == "error":
                    self.frames.remove(frame)
                    found.append(frame)
                    return True
            return False

        await self.wait_for(arrived)
        return found[0]

    def mts(self) -> list[dict[str, Any]]:
        return [frame for frame in self.frames if frame.get("type") == "mt"]

    async def aclose(self) -> None:
        if self._writer is not None:
            self._writer.close()
            with contextlib.suppress(OSError):
                await self._writer.wait_closed()
        if self._task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self._task


def mo(
    mo_id: Any, sender: Any = "+33600000001", text: Any = "HOURS", **more: Any
) -> dict[str, Any]:
    return {"type": "mo", "id": mo_id, "from": sender, "to": "36111", "text": text, **more}


def assert_clean(log: str) -> None:
    """No traceback, no task whose exception nobody retrieved."""
    assert "Traceback" not in log, log
    assert "never retrieved" not in log, log
