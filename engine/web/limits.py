"""Own the limits of the HTTP endpoint: connections open at once, and time to send a request.

aiohttp has neither, so they sit at the edge, in front of its protocol factory:

- ``max_connections``: a connection beyond them is answered ``503`` and closed at once, before
  anything of it is read; the open ones are not disturbed, and a new one is taken as soon as one
  of them closes. Refused connections cost a descriptor for an instant only, so an engine
  flooded with idle connections keeps its descriptors for its connectors and its store.
- ``request_timeout``: a connection that has not sent a whole request (headers) within it is
  closed. After a response, aiohttp's ``keepalive_timeout`` (set to the same value) closes a
  connection that stays idle, or sends only part of its next request, that long.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from aiohttp import web

from engine.logs import Repeated

__all__ = ["Limits"]

log = logging.getLogger(__name__)

BUSY = (
    b"HTTP/1.1 503 Service Unavailable\r\n"
    b"Content-Type: text/plain; charset=utf-8\r\n"
    b"Content-Length: 21\r\n"
    b"Connection: close\r\n\r\n"
    b"too many connections\n"
)

Factory = Callable[[], asyncio.Protocol]


class Limits:
    """The protocol factory in front of aiohttp's (``wrap``), and the middleware that sees
    whole requests arrive (``middleware``, in the application before it starts)."""

    def __init__(self, max_connections: int, request_timeout: float) -> None:
        self.max_connections = max_connections
        self.request_timeout = request_timeout
        self.open: dict[asyncio.BaseTransport, _Counted] = {}
        self.starting = 0
        """Connections accepted whose ``connection_made`` has not run yet."""
        self.refused = 0
        self.timed_out = 0
        self._repeated = Repeated(log)

    def wrap(self, factory: Factory) -> Factory:
        """The protocol factory to serve with: ``factory``'s protocols, within the limits."""

        def protocol() -> asyncio.Protocol:
            if len(self.open) + self.starting >= self.max_connections:
                self.refused += 1
                self._repeated.warning(
                    "refused",
                    "http: %d connections are open (http.max_connections): new ones are "
                    "answered 503 and closed",
                    self.max_connections,
                )
                return _Refused()
            self.starting += 1
            return _Counted(factory(), self)

        return protocol

    @web.middleware
    async def middleware(
        self, request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        counted = self.open.get(request.transport) if request.transport else None
        if counted is not None:
            counted.requested()
        return await handler(request)

    def expired(self, counted: _Counted) -> None:
        self.timed_out += 1
        self._repeated.warning(
            "timeout",
            "http: closed a connection that sent no whole request within %g s "
            "(http.request_timeout)",
            self.request_timeout,
        )
        counted.close()


class _Refused(asyncio.Protocol):
    """A connection over the limit: 503, closed at once."""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        transport.write(BUSY)
        transport.close()


class _Counted(asyncio.Protocol):
    """aiohttp's protocol for one connection, counted while open, closed if no request comes."""

    def __init__(self, inner: asyncio.Protocol, limits: Limits) -> None:
        self.inner = inner
        self.limits = limits
        self.transport: asyncio.BaseTransport | None = None
        self.timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        limits = self.limits
        limits.starting -= 1
        limits.open[transport] = self
        self.transport = transport
        loop = asyncio.get_running_loop()
        self.timer = loop.call_later(limits.request_timeout, limits.expired, self)
        self.inner.connection_made(transport)

    def requested(self) -> None:
        """A whole request arrived: from now on aiohttp's keep-alive time-out applies."""
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None

    def close(self) -> None:
        if self.transport is not None:
            self.transport.close()

    def connection_lost(self, exc: Exception | None) -> None:
        self.requested()
        if self.transport is not None:
            self.limits.open.pop(self.transport, None)
        self.inner.connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        self.inner.data_received(data)

    def eof_received(self) -> bool | None:
        return self.inner.eof_received()

    def pause_writing(self) -> None:
        self.inner.pause_writing()

    def resume_writing(self) -> None:
        self.inner.resume_writing()
