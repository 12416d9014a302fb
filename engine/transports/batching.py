"""Own ``Batcher``: what a connector must commit before answering, written many at a time.

A connector answers its peer only once what it was handed is committed (a receipt, the part of a
long message). Such things come in bursts: ``put`` waits until its item is written, and the items
put while one write is under way go together in the next (one transaction each).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

__all__ = ["Batcher"]

T = TypeVar("T")


class Batcher(Generic[T]):
    """Write items with ``write(batch)`` (at most ``limit`` at a time) and tell each ``put``."""

    def __init__(self, write: Callable[[list[T]], Awaitable[object]], limit: int = 500) -> None:
        self._write = write
        self._limit = limit
        self._waiting: list[tuple[T, asyncio.Future[None]]] = []
        self._writer: asyncio.Task[None] | None = None

    async def put(self, item: T) -> None:
        """Return once ``item`` is written; raise what the write raised if it failed."""
        await self.add(item)

    def add(self, item: T) -> asyncio.Future[None]:
        """Queue ``item``; the future is done once it is written (or has what the write raised)."""
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiting.append((item, future))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._drain())
        return future

    async def _drain(self) -> None:
        await asyncio.sleep(0)  # let the items of the same burst queue up
        while self._waiting:
            batch, self._waiting = self._waiting[: self._limit], self._waiting[self._limit :]
            try:
                await self._write([item for item, _ in batch])
            except Exception as exc:  # each put raises it (the peer is told to retry)
                for _, future in batch:
                    if not future.done():
                        future.set_exception(exc)
            else:
                for _, future in batch:
                    if not future.done():
                        future.set_result(None)
