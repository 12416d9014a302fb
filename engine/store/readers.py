"""Own people's reads: the read-only connections, each on a thread of its own, that the
console, the API and the commands read through (``Connection.read``, ``Browse``).

WAL lets them read while the store's one writer writes: a result page over a million rows holds
up no message's commit, and each call is one snapshot, what was committed when it began. A call
goes to the reader with the fewest calls under way or queued, so that one person's long read
leaves another reader to the others.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Concatenate, ParamSpec, TypeVar

import aiosqlite

from engine.errors import StoreError
from engine.osthreads import name_this_thread
from engine.store import transactions
from engine.store.hop import on_thread

__all__ = ["READERS", "Readers"]

P = ParamSpec("P")
T = TypeVar("T")

READERS = 2
"""Read-only connections of one store (each a thread)."""


class Readers:
    """The read-only connections of the store at ``path``; ``open`` once it is migrated."""

    def __init__(self, path: str, busy_timeout_ms: int, count: int = READERS) -> None:
        self.path = path
        self.count = count
        self._busy_timeout_ms = busy_timeout_ms
        self._connections: list[aiosqlite.Connection] = []
        self._calls: list[int] = []
        """The calls under way or queued on each connection."""

    async def open(self) -> None:
        """Open the connections; a StoreError (the ones opened closed again) if one cannot."""
        try:
            for _ in range(self.count):
                try:
                    reader = await aiosqlite.connect(
                        self.path, isolation_level=None, timeout=self._busy_timeout_ms / 1000
                    )
                except sqlite3.Error as exc:
                    raise StoreError(f"{type(exc).__name__}: {exc}") from exc
                self._connections.append(reader)
                self._calls.append(0)
                await on_thread(reader, self._configure, reader._conn)
        except BaseException:
            await self.close()
            raise

    def _configure(self, conn: sqlite3.Connection) -> None:
        name_this_thread("twoway-reader")  # run in the reader's thread
        conn.execute("PRAGMA query_only = ON")  # people's reads never write
        conn.execute(f"PRAGMA busy_timeout = {self._busy_timeout_ms:d}")

    async def read(
        self,
        fn: Callable[Concatenate[sqlite3.Connection, P], T],
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> T:
        """``fn(conn, …)`` in one read snapshot, on the least busy connection."""
        connections, calls = self._connections, self._calls
        if not connections:
            raise StoreError("the store is not open")
        index = min(range(len(connections)), key=calls.__getitem__)
        reader = connections[index]
        calls[index] += 1
        try:
            return await on_thread(reader, transactions.snapshot, reader._conn, fn, *args, **kwargs)
        finally:
            if self._calls is calls:  # not closed meanwhile
                calls[index] -= 1

    async def close(self) -> None:
        connections, self._connections, self._calls = self._connections, [], []
        for reader in connections:
            await reader.close()
