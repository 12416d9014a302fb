"""Own one SMPP bind on the event loop: a TCP (or TLS) connection, reconnected forever.

No thread: an ``asyncio.Protocol`` hands what it reads to the connection's ``Session``
(session.py, the protocol without I/O) and writes what it answers. The link connects
(``TCP_NODELAY``), binds, answers ``enquire_link`` and the SMSC's ``unbind``, sends its own
``enquire_link`` when the link is quiet and drops a link whose answer does not come, and
reconnects with exponential back-off and full jitter.

``submit`` returns a future resolved with the ``submit_sm_resp`` (matched by sequence number, so
any number can be in flight: the transport bounds them with its window); ``respond`` sends the
answer to a ``deliver_sm`` once it is committed. The requests read in one ``data_received`` go to
the transport together, in order (one call per batch, not per PDU); what is sent during one
iteration of the loop leaves in one write. Answers carry the connection's generation, and an
answer for a connection that has since dropped is discarded: the SMSC re-delivers what it did
not get an answer for.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import logging
import random
import socket
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from engine.errors import TransportError
from engine.transports.smpp import session as protocol
from engine.transports.smpp.pdu import Pdu
from engine.transports.smpp.session import Session
from engine.transports.smpp.status import CREDENTIALS, describe

__all__ = ["Link", "LinkSettings", "SubmitResult"]

log = logging.getLogger(__name__)

_UNBIND_WAIT = 2.0
_QUICKACK: int | None = getattr(socket, "TCP_QUICKACK", None)  # Linux only


@dataclass(frozen=True, slots=True)
class LinkSettings:
    host: str
    port: int
    system_id: str
    password: str
    bind: str = "transceiver"
    """``transceiver``, ``transmitter`` or ``receiver``."""
    system_type: str = ""
    enquire_link: float = 30.0
    """Seconds of silence before we ask the SMSC whether the link is alive."""
    response_timeout: float = 30.0
    """Seconds to wait for any response (bind, submit_sm, enquire_link, unbind) before giving up."""
    connect_timeout: float = 10.0
    tls: ssl.SSLContext | None = None
    reconnect_min: float = 0.5
    reconnect_max: float = 30.0


@dataclass(frozen=True, slots=True)
class SubmitResult:
    status: int
    message_id: str
    nack: bool = False
    """The SMSC answered with generic_nack: it could not take the PDU (never a verdict on the
    message itself, so the transport retries it)."""


OnRequests = Callable[["Link", int, list[Pdu]], None]
"""Called with the requests (deliver_sm, data_sm) read together, and their generation."""
OnState = Callable[["Link", bool], None]


class _Wire(asyncio.Protocol):
    """The connection's asyncio protocol: every call goes to the link."""

    def __init__(self, link: Link, generation: int) -> None:
        self.link = link
        self.generation = generation
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        sock = transport.get_extra_info("socket")
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def data_received(self, data: bytes) -> None:
        if _QUICKACK is not None and self.transport is not None:
            # Acknowledge at once: an SMSC with Nagle on holds its next response until our
            # ACK, and a delayed ACK would cost every window round trip up to 40 ms.
            sock = self.transport.get_extra_info("socket")
            if sock is not None:
                with contextlib.suppress(OSError):
                    sock.setsockopt(socket.IPPROTO_TCP, _QUICKACK, 1)
        self.link._received(self, data)

    def connection_lost(self, exc: Exception | None) -> None:
        self.link._lost(self, str(exc) if exc else "the SMSC closed the connection")


class Link:
    """One bind to the SMSC, on the event loop."""

    def __init__(
        self,
        name: str,
        settings: LinkSettings,
        loop: asyncio.AbstractEventLoop,
        on_requests: OnRequests,
        on_state: OnState,
    ) -> None:
        self.name = name
        self.settings = settings
        self.loop = loop
        self._on_requests = on_requests
        self._on_state = on_state
        self.bound = asyncio.Event()
        """Set while the link is bound."""
        self.generation = 0
        self.binds = 0
        """How many times this link has bound (tests watch reconnections through it)."""
        self.errors: collections.Counter[str] = collections.Counter()
        """Problems by kind (``link_lost``, ``bind_refused``, ``timeout``, ``undecodable``,
        ``generic_nack``), read by ``/metrics``."""
        self.last_error: str | None = None
        """Why the link is not bound (None while bound, and before the first attempt ends)."""
        self._closing = False
        self._wake = asyncio.Event()
        """Set by close(): ends the back-off pause."""
        self._task: asyncio.Task[None] | None = None
        self._sequence = random.randrange(1, 1 << 16)
        # The current connection:
        self._wire: _Wire | None = None
        self._session: Session | None = None
        self._ended: asyncio.Future[str] | None = None
        """Resolved with the reason the connection ends."""
        self._unbound: asyncio.Future[None] | None = None
        self._inflight: dict[int, asyncio.Future[SubmitResult]] = {}
        self._out: list[bytes] = []
        self._flush_soon = False
        self._timer: asyncio.TimerHandle | None = None
        self._timer_at = 0.0
        self._session_bound = False
        """The current connection bound (``bound`` is its event for the transport)."""

    # --- the transport's side -------------------------------------------------------------

    def start(self) -> None:
        self._task = self.loop.create_task(self._run(), name=f"smpp-{self.name}")

    @property
    def in_flight(self) -> int:
        """submit_sm sent and not answered yet."""
        return len(self._inflight)

    def submit(self, fields: dict[str, Any]) -> asyncio.Future[SubmitResult]:
        """Send a submit_sm; the future resolves with its response (or a TransportError)."""
        future: asyncio.Future[SubmitResult] = self.loop.create_future()
        session = self._session
        if self._closing or self._task is None or self._task.done():
            future.set_exception(TransportError("the SMPP connector is closed"))
        elif session is None or not self.bound.is_set():
            future.set_exception(TransportError("the SMPP link is not bound"))
        else:
            try:
                sequence, raw = session.submit(fields, time.monotonic())
            except Exception as exc:  # a message the codec cannot encode: never retry it
                future.set_exception(TransportError(f"cannot encode: {exc}", transient=False))
                return future
            self._inflight[sequence] = future
            self._send(raw)
            self._arm(session)
        return future

    def respond(self, generation: int, command: str, sequence: int, status: int) -> None:
        """Answer a request the SMSC sent on connection ``generation``."""
        session = self._session
        if generation == self.generation and session is not None and self._wire is not None:
            self._send(session.respond(command, sequence, status, time.monotonic()))

    async def close(self) -> None:
        """Unbind cleanly (waiting briefly for unbind_resp), close, and stop."""
        self._closing = True
        self._wake.set()
        if self._ended is not None and not self._ended.done():
            self._ended.set_result("")
        task = self._task
        if task is not None and not task.done():
            done, _ = await asyncio.wait([task], timeout=_UNBIND_WAIT + 3)
            if not done:  # still connecting: give up the attempt
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task

    # --- writing -----------------------------------------------------------------------------

    def _send(self, raw: bytes) -> None:
        """Queue ``raw``: what is queued during one iteration of the loop leaves in one write."""
        self._out.append(raw)
        if not self._flush_soon:
            self._flush_soon = True
            self.loop.call_soon(self._flush)

    def _flush(self) -> None:
        self._flush_soon = False
        out, self._out = self._out, []
        wire = self._wire
        transport = wire.transport if wire is not None else None
        if out and transport is not None and not transport.is_closing():
            transport.write(b"".join(out) if len(out) > 1 else out[0])

    # --- the connection ----------------------------------------------------------------------

    async def _run(self) -> None:
        attempt = 0
        while not self._closing:
            reason, bound = "the link ended", False
            try:
                reason = await self._connection()
            except (OSError, TimeoutError, TransportError) as exc:
                reason = str(exc) or type(exc).__name__
            except Exception as exc:
                reason = f"link failed: {exc!r}"
                log.exception("smpp %s: link failed", self.name)
            finally:
                bound = self._session_bound
                self._drop()
            if self._closing:
                break
            attempt = 1 if bound else attempt + 1
            delay = self._backoff(attempt)
            self.last_error = reason
            # One line per attempt: a refused bind retries with the same back-off, not in a loop.
            what = "link lost" if bound else "cannot bind"
            self.errors["link_lost" if bound else "bind_refused"] += 1
            log.warning("smpp %s: %s: %s; reconnecting in %.2fs", self.name, what, reason, delay)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), delay)

    def _backoff(self, attempt: int) -> float:
        """Exponential back-off with full jitter."""
        s = self.settings
        ceiling = min(s.reconnect_max, s.reconnect_min * 2**attempt)
        return random.uniform(s.reconnect_min / 2, ceiling)

    async def _connection(self) -> str:
        """Connect, bind and serve until the connection must end; return why it ended."""
        s = self.settings
        self.generation += 1
        self._session_bound = False
        self._ended = self.loop.create_future()
        session = Session(
            s.bind,
            sequence=self._sequence,
            enquire_link=s.enquire_link,
            response_timeout=s.response_timeout,
            now=time.monotonic(),
        )
        # The link's before the connection is made: what it reads, or its loss, can come before
        # create_connection returns.
        wire = self._wire = _Wire(self, self.generation)
        self._session = session
        await asyncio.wait_for(
            self.loop.create_connection(
                lambda: wire,
                s.host,
                s.port,
                ssl=s.tls,
                server_hostname=s.host if s.tls is not None else None,
            ),
            s.connect_timeout,
        )
        now = time.monotonic()
        self._send(session.bind(now, s.system_id, s.password, s.system_type))
        self._arm(session)
        reason = await self._ended
        if self._closing and self._session_bound:
            await self._unbind(session)
        return reason

    async def _unbind(self, session: Session) -> None:
        """Send unbind and wait briefly for unbind_resp (the session answers what arrives
        meanwhile: a deliver_sm is told to come again later)."""
        self._unbound = self.loop.create_future()
        self._send(session.unbind(time.monotonic()))
        try:
            await asyncio.wait_for(asyncio.shield(self._unbound), _UNBIND_WAIT)
            log.info("smpp %s: unbound", self.name)
        except (TimeoutError, TransportError) as exc:
            log.info("smpp %s: unbind not confirmed: %s", self.name, exc or "no answer")

    def _end(self, reason: str) -> None:
        if self._ended is not None and not self._ended.done():
            self._ended.set_result(reason)

    def _lost(self, wire: _Wire, reason: str) -> None:
        if wire is not self._wire:
            return
        self._wire = None
        if self._unbound is not None and not self._unbound.done():
            self._unbound.set_exception(TransportError(reason))
            self._unbound.exception()
        self._end(reason)

    def _drop(self) -> None:
        wire, self._wire = self._wire, None
        if self._out:
            self._flush_wire(wire)
        if wire is not None and wire.transport is not None:
            wire.transport.close()
        if self._session is not None:
            self._sequence = self._session.sequence
        self._session = None
        self._unbound = None
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        inflight, self._inflight = self._inflight, {}
        for future in inflight.values():
            # The SMSC may have accepted it before the link dropped: a retry can duplicate it.
            if not future.done():
                future.set_exception(TransportError("the SMPP link dropped", transient=True))
        if self._session_bound:
            self._session_bound = False
            self.bound.clear()
            self._on_state(self, False)

    def _flush_wire(self, wire: _Wire | None) -> None:
        out, self._out = self._out, []
        if wire is not None and wire.transport is not None and not wire.transport.is_closing():
            wire.transport.write(b"".join(out))

    # --- what the session says ---------------------------------------------------------------

    def _received(self, wire: _Wire, data: bytes) -> None:
        session = self._session
        if wire is not self._wire or session is None:
            return
        events = session.feed(data, time.monotonic())
        self._events(wire, events)
        self._arm(session)

    def _tick(self) -> None:
        self._timer = None
        session, wire = self._session, self._wire
        if session is None or wire is None:
            return
        self._events(wire, session.tick(time.monotonic()))
        self._arm(session)

    def _arm(self, session: Session) -> None:
        """Have ``_tick`` run when the session next has something to decide."""
        at = session.next_tick()
        if at is None or session is not self._session:
            return
        if self._timer is not None:
            if self._timer_at <= at:
                return  # it fires first; ``_tick`` arms the next one
            self._timer.cancel()
        self._timer_at = at
        self._timer = self.loop.call_at(at - time.monotonic() + self.loop.time(), self._tick)

    def _events(self, wire: _Wire, events: list[protocol.Event]) -> None:
        requests: list[Pdu] = []
        for event in events:
            if isinstance(event, protocol.Request):
                requests.append(event.pdu)
            elif isinstance(event, protocol.Write):
                self._send(event.data)
            elif isinstance(event, protocol.Answered):
                self._answered(event)
            else:
                self._other(event)
        if requests:
            try:
                self._on_requests(self, wire.generation, requests)
            except Exception as exc:
                self.loop.call_exception_handler(
                    {
                        "message": f"smpp {self.name}: the requests' callback failed",
                        "exception": exc,
                    }
                )

    def _answered(self, event: protocol.Answered) -> None:
        if event.nack:
            self.errors["generic_nack"] += 1
        future = self._inflight.pop(event.sequence, None)
        if future is not None and not future.done():
            future.set_result(SubmitResult(event.status, event.message_id, event.nack))

    def _other(self, event: protocol.Event) -> None:
        if isinstance(event, protocol.Bound):
            self._bound(event)
        elif isinstance(event, protocol.TimedOut):
            self.errors["timeout"] += 1
            timeout = self.settings.response_timeout
            self._fail(event.sequence, TransportError(f"no submit_sm_resp in {timeout:g}s"))
        elif isinstance(event, protocol.Undecodable):
            log.error("smpp %s: undecodable PDU %s: %s", self.name, event.raw.hex(), event.reason)
            self.errors["undecodable"] += 1
            if event.sequence is not None:
                error = TransportError(f"undecodable response: {event.reason}")
                self._fail(event.sequence, error)
        elif isinstance(event, protocol.StrayNack):
            self.errors["generic_nack"] += 1
            log.warning("smpp %s: generic_nack %s", self.name, describe(event.status))
        elif isinstance(event, protocol.Alert):
            log.info("smpp %s: alert_notification for %s", self.name, event.source_addr)
        elif isinstance(event, protocol.Unbound):
            if self._unbound is not None and not self._unbound.done():
                self._unbound.set_result(None)
        elif isinstance(event, protocol.Refused):
            self._end(self._refused(event))
        elif isinstance(event, protocol.Broken):
            if event.reason.startswith("a PDU with command_length"):
                log.error("smpp %s: %s", self.name, event.reason)
            self._end(event.reason)

    def _fail(self, sequence: int, error: TransportError) -> None:
        future = self._inflight.pop(sequence, None)
        if future is not None and not future.done():
            future.set_exception(error)

    def _refused(self, event: protocol.Refused) -> str:
        s = self.settings
        hint = ""
        if event.status in CREDENTIALS:
            hint = f" (check system_id {s.system_id!r} and the password)"
        return f"bind refused by {s.host}:{s.port}: {event.reason}{hint}"

    def _bound(self, event: protocol.Bound) -> None:
        s = self.settings
        self.binds += 1
        self.last_error = None
        self._session_bound = True
        log.info(
            "smpp %s: bound as %s to %s:%s (%s)",
            self.name,
            s.bind,
            s.host,
            s.port,
            event.system_id or "?",
        )
        self.bound.set()
        self._on_state(self, True)
