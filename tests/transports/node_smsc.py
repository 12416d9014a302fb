"""Drive tests/smsc/smsc.js (node-smpp, a peer we did not write) from a test.

The script prints JSON lines (every PDU it received, with node-smpp's decoding) and takes JSON
commands on stdin. A machine without node or the npm package FAILS the tests that need it,
with the command that installs it: nothing is skipped silently (.ci/run installs both).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

SMSC_DIR = Path(__file__).resolve().parents[1] / "smsc"
SCRIPT = SMSC_DIR / "smsc.js"
INSTALL = "npm ci --prefix tests/smsc"

Event = dict[str, Any]


def require_node() -> str:
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is not installed: the SMPP tests need node 18+ and `" + INSTALL + "`")
    if not (SMSC_DIR / "node_modules" / "smpp" / "package.json").exists():
        pytest.fail(f"the npm package smpp is missing: run `{INSTALL}` (.ci/run does)")
    return node


class NodeSmsc:
    """One running smsc.js: ``port``, ``events`` (everything it printed), commands."""

    def __init__(self) -> None:
        self.proc: asyncio.subprocess.Process | None = None
        self.port = 0
        self.events: list[Event] = []
        self._changed = asyncio.Event()
        self._reader: asyncio.Task[None] | None = None
        self._mo_ids = 0

    async def start(self, env: dict[str, str] | None = None) -> NodeSmsc:
        node = require_node()
        self.proc = await asyncio.create_subprocess_exec(
            node,
            str(SCRIPT),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            cwd=SMSC_DIR,
            env={**os.environ, **(env or {})},
        )
        assert self.proc.stdout is not None
        line = await asyncio.wait_for(self.proc.stdout.readline(), 15)
        if not line:
            pytest.fail("tests/smsc/smsc.js exited before listening")
        first = json.loads(line)
        assert first["event"] == "listening", first
        self.port = int(first["port"])
        self._reader = asyncio.create_task(self._read())
        return self

    async def _read(self) -> None:
        assert self.proc is not None and self.proc.stdout is not None
        while line := await self.proc.stdout.readline():
            self.events.append(json.loads(line))
            self._changed.set()

    async def command(self, **command: Any) -> None:
        assert self.proc is not None and self.proc.stdin is not None
        self.proc.stdin.write(json.dumps(command).encode() + b"\n")
        await self.proc.stdin.drain()

    async def mo(self, sender: str, to: str, text: str | None = None, **options: Any) -> str:
        """Send a deliver_sm; return the id its ``mo_resp`` event will carry."""
        self._mo_ids += 1
        ident = f"mo{self._mo_ids}"
        await self.command(cmd="mo", id=ident, to=to, text=text, **{"from": sender}, **options)
        return ident

    async def wait_for(
        self, predicate: Callable[[Event], bool], timeout: float = 10.0, count: int = 1
    ) -> list[Event]:
        """Wait until ``count`` events match; return them."""
        deadline = time.monotonic() + timeout
        while True:
            found = [event for event in self.events if predicate(event)]
            if len(found) >= count:
                return found
            left = deadline - time.monotonic()
            if left <= 0:
                tail = "\n".join(json.dumps(e) for e in self.events[-15:])
                raise AssertionError(f"{len(found)}/{count} events matched; last events:\n{tail}")
            self._changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), left)

    async def mo_resp(self, ident: str, timeout: float = 10.0) -> Event:
        [event] = await self.wait_for(
            lambda e: e["event"] == "mo_resp" and e.get("id") == ident, timeout
        )
        return event

    def named(self, name: str) -> list[Event]:
        return [event for event in self.events if event["event"] == name]

    def accepted(self) -> list[Event]:
        return [e for e in self.named("submit_sm") if e.get("status") == 0]

    async def stop(self) -> None:
        if self.proc is None:
            return
        if self.proc.returncode is None:
            with contextlib.suppress(ConnectionError):
                await self.command(cmd="quit")
            try:
                await asyncio.wait_for(self.proc.wait(), 5)
            except TimeoutError:
                self.proc.kill()
                await self.proc.wait()
        if self._reader is not None:
            await asyncio.gather(self._reader, return_exceptions=True)
