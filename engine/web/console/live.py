"""Own the console's live updates: one Server-Sent Events stream per open page.

Nothing polls: the service calls ``publish`` with what changed once it is committed
(``Service.changed``: ``inbox`` after a hand-off or a person's act, ``messages`` after a batch,
``delivery`` after outbox statuses changed);
each open stream then sends ``event: inbox`` (or ``messages``…), and a page that shows what
changed fetches it again. A comment line is sent every
``keepalive`` seconds (half the HTTP idle time-out) so that neither the engine nor a proxy
closes a quiet stream. Stopping the endpoint ends every stream, and a log-out its page's.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable

from aiohttp import web

__all__ = ["Live"]

QUEUE = 64
"""Events waiting for one slow stream at most; beyond, the rest are dropped (each says only
"look again", so one is as good as many)."""


class Live:
    """The open event streams, and what to tell them."""

    def __init__(self, keepalive: float) -> None:
        self.keepalive = keepalive
        self._queues: set[asyncio.Queue[str | None]] = set()
        self.closing = False

    @property
    def streams(self) -> int:
        return len(self._queues)

    def publish(self, event: str) -> None:
        for queue in self._queues:
            with contextlib.suppress(asyncio.QueueFull):
                queue.put_nowait(event)

    def close(self) -> None:
        """End every stream (the endpoint stops)."""
        self.closing = True
        for queue in self._queues:
            with contextlib.suppress(asyncio.QueueFull):
                queue.put_nowait(None)

    async def stream(
        self, request: web.Request, alive: Callable[[], bool] = lambda: True
    ) -> web.StreamResponse:
        """The stream of one page, until the page goes, the endpoint stops, or ``alive`` says
        its session ended (looked at with each event and keep-alive)."""
        response = web.StreamResponse(
            headers={
                "Content-Type": "text/event-stream; charset=utf-8",
                "Cache-Control": "no-store",
                "X-Accel-Buffering": "no",
            }
        )
        await response.prepare(request)
        queue: asyncio.Queue[str | None] = asyncio.Queue(QUEUE)
        self._queues.add(queue)
        try:
            await response.write(b"retry: 2000\n: connected\n\n")
            while not self.closing and alive():
                try:
                    async with asyncio.timeout(self.keepalive):
                        event = await queue.get()
                except TimeoutError:
                    await response.write(b": keep-alive\n\n")
                    continue
                if event is None:
                    break
                await response.write(f"event: {event}\ndata: {{}}\n\n".encode())
        except (ConnectionError, RuntimeError):  # the page went away mid-write
            pass
        finally:
            self._queues.discard(queue)
        return response
