"""Own one SMPP bind: a TCP (or TLS) connection driven by one thread, reconnected forever.

The thread is the only code that touches the socket. It connects (``TCP_NODELAY``), binds,
answers ``enquire_link`` and the SMSC's ``unbind`` (smpplib answers neither from a handler),
sends its own ``enquire_link`` when the link is quiet and drops a link whose answer does not
come, and reconnects with exponential back-off and full jitter.

The event loop talks to the thread through a queue and a wake-up socket: ``submit`` returns a
future resolved with the ``submit_sm_resp`` (matched by sequence number, so any number can be in
flight: the transport bounds them with its window); ``respond`` sends the answer to a
``deliver_sm`` once the loop has committed it. Requests from the SMSC and responses reach the
loop in order, in batches (one ``loop.call_soon_threadsafe`` while the loop is busy, not one per
PDU); the commands the thread finds queued leave in one socket write. Answers carry the
connection's generation, and an answer for a connection that has since dropped is discarded:
the SMSC re-delivers what it did not get an answer for.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import logging
import queue
import random
import select
import socket
import ssl
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from smpplib import consts

from engine.errors import TransportError
from engine.osthreads import name_this_thread
from engine.transports.smpp import pdu as codec
from engine.transports.smpp.pdu import Pdu, PduError

__all__ = ["Link", "LinkSettings", "SubmitResult"]

log = logging.getLogger(__name__)

MAX_PDU = 65_536
_UNBIND_WAIT = 2.0
_CREDENTIALS = {consts.SMPP_ESME_RBINDFAIL, consts.SMPP_ESME_RINVPASWD, consts.SMPP_ESME_RINVSYSID}
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


class _Dropped(Exception):
    """The connection ended; reconnect."""


class _Closing(Exception):
    """close() was called; unbind and stop."""


OnRequest = Callable[["Link", int, Pdu], None]
OnState = Callable[["Link", bool], None]


class Link:
    """One bind to the SMSC, owned by one thread. Methods without ``_`` are for the loop."""

    def __init__(
        self,
        name: str,
        settings: LinkSettings,
        loop: asyncio.AbstractEventLoop,
        on_request: OnRequest,
        on_state: OnState,
    ) -> None:
        self.name = name
        self.settings = settings
        self.loop = loop
        self._on_request = on_request
        self._on_state = on_state
        self.bound = asyncio.Event()
        """Set (on the loop) while the link is bound."""
        self.generation = 0
        self.binds = 0
        """How many times this link has bound (tests watch reconnections through it)."""
        self.errors: collections.Counter[str] = collections.Counter()
        """Problems by kind (``link_lost``, ``bind_refused``, ``timeout``, ``undecodable``,
        ``generic_nack``), counted by the thread, read by ``/metrics``."""
        self.last_error: str | None = None
        """Why the link is not bound (None while bound, and before the first attempt ends)."""
        self._commands: queue.SimpleQueue[tuple[Any, ...]] = queue.SimpleQueue()
        self._woken = False
        """A wake-up byte is on its way to the thread (it clears this before reading commands)."""
        self._for_loop: deque[tuple[Callable[..., object], tuple[Any, ...]]] = deque()
        self._loop_called = False
        """A ``_run_for_loop`` is scheduled (the loop clears this before running the calls)."""
        self._wake_r, self._wake_w = socket.socketpair()
        self._wake_r.setblocking(False)
        self._wake_w.setblocking(False)
        self._closing = False
        self._thread = threading.Thread(target=self._run, name=f"smpp-{name}", daemon=True)
        # Owned by the thread:
        self._sock: socket.socket | None = None
        self._buffer = bytearray()
        self._sequence = random.randrange(1, 1 << 16)
        self._inflight: dict[int, tuple[asyncio.Future[SubmitResult], float]] = {}
        self._enquiry: tuple[int, float] | None = None
        self._last_rx = 0.0
        self._last_tx = 0.0
        self._bound_thread = False
        self._partial_since: float | None = None
        """When the incomplete PDU at the head of the buffer began to arrive."""
        self._broken: str | None = None
        """Why the connection must end once the PDUs read with it are handled."""

    # --- the loop's side ------------------------------------------------------------------

    def start(self) -> None:
        self._thread.start()

    @property
    def in_flight(self) -> int:
        """submit_sm sent and not answered yet."""
        return len(self._inflight)

    def submit(self, fields: dict[str, Any]) -> asyncio.Future[SubmitResult]:
        """Queue a submit_sm; the future resolves with its response (or a TransportError)."""
        future: asyncio.Future[SubmitResult] = self.loop.create_future()
        if self._closing or not self._thread.is_alive():
            future.set_exception(TransportError("the SMPP connector is closed"))
            return future
        self._command("submit", fields, future)
        return future

    def respond(self, generation: int, command: str, sequence: int, status: int) -> None:
        """Answer a request the SMSC sent on connection ``generation``."""
        self._command("respond", generation, command, sequence, status)

    async def close(self) -> None:
        """Unbind cleanly (waiting briefly for unbind_resp), close, and stop the thread."""
        self._closing = True
        self._command("close")
        if self._thread.is_alive():
            await asyncio.to_thread(self._thread.join, _UNBIND_WAIT + 3)
        self._wake_r.close()
        self._wake_w.close()

    def _command(self, *command: Any) -> None:
        self._commands.put(command)
        if not self._woken:  # one wake-up for all the commands queued until the thread reads
            self._woken = True
            with contextlib.suppress(BlockingIOError, OSError):
                self._wake_w.send(b"\x00")

    def _to_loop(self, callback: Callable[..., object], *args: Any) -> None:
        """Call ``callback(*args)`` on the loop, in order. The calls made while the loop is busy
        go over together: one ``call_soon_threadsafe`` (one wake-up of the loop) per batch."""
        self._for_loop.append((callback, args))
        if not self._loop_called:
            self._loop_called = True
            with contextlib.suppress(RuntimeError):  # the loop is closed: nobody is listening
                self.loop.call_soon_threadsafe(self._run_for_loop)

    def _run_for_loop(self) -> None:
        self._loop_called = False  # before taking the calls: a later one schedules another run
        calls = self._for_loop
        while calls:
            callback, args = calls.popleft()
            try:
                callback(*args)
            except Exception as exc:
                self.loop.call_exception_handler(
                    {"message": f"smpp {self.name}: a link callback failed", "exception": exc}
                )

    # --- the thread -----------------------------------------------------------------------

    def _run(self) -> None:
        name_this_thread(self._thread.name)
        attempt = 0
        while not self._closing:
            reason, bound = "the link ended", False
            try:
                self._connect()
                attempt, bound = 0, True
                self._serve()
            except _Closing:
                self._unbind()
            except (_Dropped, OSError, PduError, TransportError) as exc:
                reason = str(exc) or type(exc).__name__
            except Exception as exc:
                reason = f"link thread failed: {exc!r}"
                log.exception("smpp %s: link thread failed", self.name)
            finally:
                self._drop()
            if self._closing:
                break
            attempt += 1
            ceiling = min(self.settings.reconnect_max, self.settings.reconnect_min * 2**attempt)
            delay = random.uniform(self.settings.reconnect_min / 2, ceiling)
            self.last_error = reason
            # One line per attempt: a refused bind retries with the same back-off, not in a loop.
            what = "link lost" if bound else "cannot bind"
            self.errors["link_lost" if bound else "bind_refused"] += 1
            log.warning("smpp %s: %s: %s; reconnecting in %.2fs", self.name, what, reason, delay)
            self._pause(delay)
        self._fail_commands("the SMPP connector is closed")

    def _pause(self, delay: float) -> None:
        """Sleep ``delay`` seconds, answering commands (failing submits) and waking on close."""
        end = time.monotonic() + delay
        while not self._closing:
            left = end - time.monotonic()
            if left <= 0:
                return
            with contextlib.suppress(OSError, ValueError):
                select.select([self._wake_r], [], [], left)
            self._fail_commands("the SMPP link is down")

    def _fail_commands(self, reason: str) -> None:
        self._drain_wake()
        while True:
            try:
                command = self._commands.get_nowait()
            except queue.Empty:
                return
            if command[0] == "submit":
                self._settle(command[2], TransportError(reason, transient=True))

    def _drain_wake(self) -> None:
        with contextlib.suppress(BlockingIOError, OSError):
            while self._wake_r.recv(4096):
                pass
        # After the drain (a byte sent meanwhile would be eaten with the flag still set) and
        # before the commands are read: a command queued from now on sends a new wake-up.
        self._woken = False

    def _next_sequence(self) -> int:
        self._sequence = self._sequence + 1 if self._sequence < 0x7FFFFFFF else 1
        return self._sequence

    def _connect(self) -> None:
        s = self.settings
        self.generation += 1
        self._buffer.clear()
        raw = socket.create_connection((s.host, s.port), timeout=s.connect_timeout)
        raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock = s.tls.wrap_socket(raw, server_hostname=s.host) if s.tls is not None else raw
        sock.settimeout(s.response_timeout)  # bounds a blocked sendall; reads wait in select
        self._sock = sock
        self._last_rx = self._last_tx = time.monotonic()
        sequence = self._next_sequence()
        self._send(
            codec.encode(
                f"bind_{s.bind}",
                sequence,
                system_id=s.system_id,
                password=s.password,
                system_type=s.system_type,
            )
        )
        deadline = time.monotonic() + s.response_timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise _Dropped(f"no bind_{s.bind}_resp in {s.response_timeout:g}s")
            pdus = self._read(left)
            for index, pdu in enumerate(pdus):
                answer = pdu.command in (f"bind_{s.bind}_resp", "generic_nack")
                if answer and pdu.sequence == sequence:
                    if pdu.status != consts.SMPP_ESME_ROK:
                        hint = (
                            f" (check system_id {s.system_id!r} and the password)"
                            if pdu.status in _CREDENTIALS
                            else ""
                        )
                        raise _Dropped(
                            f"bind refused by {s.host}:{s.port}: "
                            f"{'generic_nack ' if pdu.command == 'generic_nack' else ''}"
                            f"{codec.describe(pdu.status)}{hint}"
                        )
                    self.binds += 1
                    self.last_error = None
                    self._bound_thread = True
                    log.info(
                        "smpp %s: bound as %s to %s:%s (%s)",
                        self.name,
                        s.bind,
                        s.host,
                        s.port,
                        pdu.text_field("system_id") or "?",
                    )
                    self._to_loop(self._on_state, self, True)
                    for after in pdus[index + 1 :]:  # read with the bind_resp: a deliver_sm…
                        self._handle(after)
                    self._check_broken()
                    return
                self._handle(pdu)
            self._check_broken()

    def _serve(self) -> None:
        s = self.settings
        while True:
            now = time.monotonic()
            if self._enquiry is not None:
                wake = self._enquiry[1] + s.response_timeout
            else:
                wake = max(self._last_rx, self._last_tx) + s.enquire_link
            if self._inflight:
                wake = min(wake, min(deadline for _, deadline in self._inflight.values()))
            if self._partial_since is not None:
                wake = min(wake, self._partial_since + s.response_timeout)
            for pdu in self._read(max(0.0, wake - now)):
                self._handle(pdu)
            self._check_broken()
            self._timers()

    def _check_broken(self) -> None:
        """End the connection once the PDUs read before the trouble are handled."""
        if self._broken is not None:
            reason, self._broken = self._broken, None
            raise _Dropped(reason)

    def _timers(self) -> None:
        s = self.settings
        now = time.monotonic()
        if self._partial_since is not None and now - self._partial_since > s.response_timeout:
            announced = int.from_bytes(self._buffer[:4], "big") if len(self._buffer) >= 4 else 0
            raise _Dropped(
                f"a PDU of {announced} octets announced, {len(self._buffer)} arrived in "
                f"{s.response_timeout:g}s: the stream is out of step"
            )
        if self._enquiry is not None:
            if now - self._enquiry[1] > s.response_timeout:
                raise _Dropped(f"no enquire_link_resp in {s.response_timeout:g}s")
        elif now - max(self._last_rx, self._last_tx) >= s.enquire_link:
            sequence = self._next_sequence()
            self._enquiry = (sequence, now)
            self._send(codec.encode("enquire_link", sequence))
        expired = [seq for seq, (_, deadline) in self._inflight.items() if deadline <= now]
        for sequence in expired:
            future, _ = self._inflight.pop(sequence)
            self.errors["timeout"] += 1
            self._settle(
                future,
                TransportError(f"no submit_sm_resp in {s.response_timeout:g}s", transient=True),
            )

    def _read(self, timeout: float) -> list[Pdu]:
        """Wait up to ``timeout`` for data or commands; return the whole PDUs received."""
        sock = self._sock
        assert sock is not None
        pending = isinstance(sock, ssl.SSLSocket) and sock.pending() > 0
        if not pending:
            readable, _, _ = select.select([sock, self._wake_r], [], [], timeout)
            if self._wake_r in readable:
                self._commands_now()
            if sock not in readable:
                return []
        try:
            data = sock.recv(MAX_PDU)
            while isinstance(sock, ssl.SSLSocket) and sock.pending() > 0:
                data += sock.recv(MAX_PDU)
        except (BlockingIOError, ssl.SSLWantReadError, TimeoutError):
            return []
        if not data:
            raise _Dropped("the SMSC closed the connection")
        if _QUICKACK is not None:
            # Acknowledge at once: an SMSC with Nagle on holds its next response until our
            # ACK, and a delayed ACK would cost every window round trip up to 40 ms.
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.IPPROTO_TCP, _QUICKACK, 1)
        self._last_rx = time.monotonic()
        self._buffer += data
        return self._frames()

    def _frames(self) -> list[Pdu]:
        """Cut the whole PDUs off the buffer. A command_length no PDU can have means the stream
        is out of step: the PDUs before it are returned, and the connection ends after them."""
        found: list[Pdu] = []
        buffer = self._buffer
        pos, size = 0, len(buffer)  # cut at the end, once: not one memmove per PDU
        while size - pos >= 4 and self._broken is None:
            length = int.from_bytes(buffer[pos : pos + 4], "big")
            if not 16 <= length <= MAX_PDU:
                self._broken = (
                    f"a PDU with command_length {length} ({bytes(buffer[pos : pos + 16]).hex()}…): "
                    "the stream is out of step"
                )
                log.error("smpp %s: %s", self.name, self._broken)
                pos = size
                break
            if size - pos < length:
                break
            raw = bytes(buffer[pos : pos + length])
            pos += length
            try:
                found.append(codec.decode(raw))
            except PduError as exc:
                self._undecodable(raw, exc)
        del buffer[:pos]
        if not buffer:
            self._partial_since = None
        elif found or self._partial_since is None:
            self._partial_since = time.monotonic()
        return found

    def _undecodable(self, raw: bytes, exc: PduError) -> None:
        _, command_id, _, sequence = codec.header(raw)
        log.error("smpp %s: undecodable PDU %s: %s", self.name, raw.hex(), exc)
        self.errors["undecodable"] += 1
        if command_id & 0x80000000:
            future, _ = self._inflight.pop(sequence, (None, 0.0))
            if future is not None:
                self._settle(future, TransportError(f"undecodable response: {exc}"))
            return
        # A request we can never read: refuse it for good, or the SMSC re-sends it forever.
        status = consts.SMPP_ESME_RX_P_APPN
        if command_id == codec.COMMAND_IDS["deliver_sm"]:
            self._send(codec.encode("deliver_sm_resp", sequence, status))
        elif command_id == codec.COMMAND_IDS["data_sm"]:
            self._send(codec.encode("data_sm_resp", sequence, status))
        else:
            self._send(codec.encode("generic_nack", sequence, consts.SMPP_ESME_RINVCMDLEN))

    def _handle(self, pdu: Pdu) -> None:
        command = pdu.command
        if pdu.is_response:
            if command in ("submit_sm_resp", "data_sm_resp", "generic_nack"):
                nack = command == "generic_nack"
                entry = self._inflight.pop(pdu.sequence, None)
                if nack:
                    self.errors["generic_nack"] += 1
                if entry is not None:
                    result = SubmitResult(pdu.status, pdu.text_field("message_id"), nack)
                    self._settle(entry[0], result)
                elif self._enquiry is not None and self._enquiry[0] == pdu.sequence:
                    self._enquiry = None  # an SMSC without enquire_link still answered: alive
                elif nack:
                    log.warning("smpp %s: generic_nack %s", self.name, codec.describe(pdu.status))
            elif (
                command == "enquire_link_resp"
                and self._enquiry is not None
                and self._enquiry[0] == pdu.sequence
            ):
                self._enquiry = None
            if pdu.status == consts.SMPP_ESME_RINVBNDSTS and self._broken is None:
                # The SMSC no longer counts us bound (it restarted, or lost our session).
                self._broken = f"the SMSC says we are not bound ({codec.describe(pdu.status)})"
            return
        if command == "enquire_link":
            self._send(codec.encode("enquire_link_resp", pdu.sequence))
        elif command in ("deliver_sm", "data_sm"):
            if self._bound_thread:
                self._to_loop(self._on_request, self, self.generation, pdu)
            else:  # not bound yet: the SMSC must try again
                self._send(
                    codec.encode(f"{command}_resp", pdu.sequence, consts.SMPP_ESME_RX_T_APPN)
                )
        elif command == "unbind":
            self._send(codec.encode("unbind_resp", pdu.sequence))
            self._broken = self._broken or "the SMSC unbound"  # after the PDUs read with it
        elif command == "alert_notification":
            log.info("smpp %s: alert_notification for %s", self.name, pdu.text_field("source_addr"))
        else:
            self._send(codec.encode("generic_nack", pdu.sequence, consts.SMPP_ESME_RINVCMDID))

    def _commands_now(self) -> None:
        """Carry out the loop's commands; what they send leaves in one write."""
        self._drain_wake()
        out: list[bytes] = []
        try:
            self._take_commands(out)
        finally:
            if out:
                self._send(b"".join(out))

    def _take_commands(self, out: list[bytes]) -> None:
        while True:
            try:
                command = self._commands.get_nowait()
            except queue.Empty:
                return
            kind = command[0]
            if kind == "close":
                raise _Closing()
            if kind == "submit":
                _, fields, future = command
                if future.cancelled():
                    continue
                if not self._bound_thread:
                    self._settle(future, TransportError("the SMPP link is not bound"))
                    continue
                sequence = self._next_sequence()
                try:
                    raw = codec.encode("submit_sm", sequence, **fields)
                except Exception as exc:  # a message smpplib cannot encode: never retry it
                    self._settle(future, TransportError(f"cannot encode: {exc}", transient=False))
                    continue
                deadline = time.monotonic() + self.settings.response_timeout
                self._inflight[sequence] = (future, deadline)
                out.append(raw)
            elif kind == "respond":
                _, generation, name, sequence, status = command
                if generation == self.generation and self._sock is not None:
                    out.append(codec.encode(name, sequence, status))

    def _send(self, raw: bytes) -> None:
        sock = self._sock
        if sock is None:
            raise _Dropped("not connected")
        sock.sendall(raw)
        self._last_tx = time.monotonic()

    def _unbind(self) -> None:
        """Send unbind and wait briefly for unbind_resp (answering what arrives meanwhile)."""
        if self._sock is None or not self._bound_thread:
            return
        try:
            sequence = self._next_sequence()
            self._send(codec.encode("unbind", sequence))
            deadline = time.monotonic() + _UNBIND_WAIT
            while (left := deadline - time.monotonic()) > 0:
                readable, _, _ = select.select([self._sock], [], [], left)
                if not readable:
                    break
                data = self._sock.recv(MAX_PDU)
                if not data:
                    break
                self._buffer += data
                for pdu in self._frames():
                    if pdu.command == "unbind_resp" and pdu.sequence == sequence:
                        log.info("smpp %s: unbound", self.name)
                        return
                    if pdu.command == "generic_nack" and pdu.sequence == sequence:
                        log.info("smpp %s: unbind answered with generic_nack", self.name)
                        return
                    if pdu.command in ("deliver_sm", "data_sm"):
                        answer = f"{pdu.command}_resp"
                        self._send(codec.encode(answer, pdu.sequence, consts.SMPP_ESME_RX_T_APPN))
                    elif pdu.command == "enquire_link":
                        self._send(codec.encode("enquire_link_resp", pdu.sequence))
        except (OSError, _Dropped, PduError) as exc:
            log.info("smpp %s: unbind not confirmed: %s", self.name, exc)

    def _drop(self) -> None:
        sock, self._sock = self._sock, None
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.close()
        was_bound, self._bound_thread = self._bound_thread, False
        self._enquiry = None
        self._broken = None
        self._partial_since = None
        inflight, self._inflight = self._inflight, {}
        for future, _ in inflight.values():
            # The SMSC may have accepted it before the link dropped: a retry can duplicate it.
            self._settle(future, TransportError("the SMPP link dropped", transient=True))
        if was_bound:
            self._to_loop(self._on_state, self, False)

    def _settle(
        self, future: asyncio.Future[SubmitResult], outcome: SubmitResult | BaseException
    ) -> None:
        self._to_loop(_resolve, future, outcome)


def _resolve(future: asyncio.Future[SubmitResult], outcome: SubmitResult | BaseException) -> None:
    if future.done():
        return
    if isinstance(outcome, BaseException):
        future.set_exception(outcome)
    else:
        future.set_result(outcome)
