"""Own ``Batcher``: what must be committed before its caller is answered, written many at a time.

The one primitive behind the engine's group commits: the service's intake (inbound messages,
each caller waiting for its ``Received``), a connector's receipts and the parts of long
messages. ``put`` waits until its item is written and returns its result; the items put while
one write is under way go together in the next (one transaction each, at most ``limit``). When a
write of several items fails and ``split`` says the failure may be one item's (not the store's),
they are written again one by one, so that only the item that fails is refused; ``refused`` is
told of each item refused, whether or not its caller still waits; ``ready`` is awaited before
each batch is taken (the store's turn to write, when processes share it).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, TypeVar

__all__ = ["Batcher"]

T = TypeVar("T")
R = TypeVar("R")


def _never(exc: Exception) -> bool:
    return False


class Batcher(Generic[T, R]):
    """Write items with ``write(batch)`` and answer each ``put`` with its item's result.

    ``write`` returns one result per item, in order, or None when there is nothing to say (each
    ``put`` then returns None)."""

    def __init__(
        self,
        write: Callable[[list[T]], Awaitable[Sequence[R] | None]],
        limit: int = 500,
        *,
        split: Callable[[Exception], bool] = _never,
        refused: Callable[[T, Exception], object] | None = None,
        ready: Callable[[], Awaitable[object]] | None = None,
    ) -> None:
        self._write = write
        self.limit = limit
        self._split = split
        self._refused = refused
        self._ready = ready
        self._waiting: list[tuple[T, asyncio.Future[R | None]]] = []
        self._writer: asyncio.Task[None] | None = None

    def __len__(self) -> int:
        """The items waiting for a write to start."""
        return len(self._waiting)

    async def put(self, item: T) -> R | None:
        """Return ``item``'s result once it is written; raise what its write raised."""
        return await self.add(item)

    def add(self, item: T) -> asyncio.Future[R | None]:
        """Queue ``item``; the future is done once it is written, with its result (or what
        the write raised): a caller with many items queues them all without a task each."""
        future: asyncio.Future[R | None] = asyncio.get_running_loop().create_future()
        self._waiting.append((item, future))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._drain())
        return future

    async def _drain(self) -> None:
        await asyncio.sleep(0)  # let the items of the same burst queue up
        while self._waiting:
            if self._ready is not None:
                await self._ready()  # e.g. the store's turn: what comes meanwhile joins in
            batch, self._waiting = self._waiting[: self.limit], self._waiting[self.limit :]
            await self._commit(batch)

    async def _commit(self, batch: list[tuple[T, asyncio.Future[R | None]]]) -> None:
        try:
            results = await self._write([item for item, _ in batch])
        except Exception as exc:
            if len(batch) > 1 and self._split(exc):
                for one in batch:
                    await self._commit([one])
                return
            for item, future in batch:  # each put raises it (the peer is told to retry)
                if self._refused is not None:
                    self._refused(item, exc)
                if not future.done():
                    future.set_exception(exc)
                    future.exception()  # retrieved, even if its caller is gone
            return
        answers: Sequence[R | None] = [None] * len(batch) if results is None else results
        for (_, future), result in zip(batch, answers, strict=True):
            if not future.done():
                future.set_result(result)
