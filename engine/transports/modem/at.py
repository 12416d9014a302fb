"""Own a modem's serial line: one thread that writes AT commands and reads their answers.

The thread is the only code that touches the port. A command goes in through ``command`` (from any
thread: it returns a ``concurrent.futures.Future``), one at a time; its answer is the lines up to a
final result (``OK``, ``ERROR``, ``+CME ERROR: n``, ``+CMS ERROR: n``). Unsolicited lines
(``+CMTI``, ``+CMT`` and ``+CDS`` with the PDU line after them, ``RING``, ``+CREG: n``, vendor ``^``
lines) may come at any time, even between a command's echo and its result: they go to
``on_unsolicited``. So may ``+CMS ERROR: 322`` (storage full), which looks like a final result: a
command whose own final result follows it within ``NOTICE_GRACE`` takes that one. ``AT+CMGS`` waits
for the ``> `` prompt, which has no line ending, then writes the PDU and Ctrl-Z. A port that fails
is closed and opened again every ``reopen`` seconds; a command in flight then fails with
``AtError("closed")``.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import logging
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from engine.osthreads import name_this_thread

try:
    from termios import error as _TermiosError
except ImportError:  # not POSIX: pyserial raises its own (OSError) errors only

    class _TermiosError(Exception):  # type: ignore[no-redef]
        pass


_PORT_ERRORS: tuple[type[Exception], ...] = (OSError, ValueError, _TermiosError)
"""What a port that went away raises: pyserial's errors are OSError subclasses, but its
``flush`` (``tcdrain``) raises ``termios.error``, no OSError, when the device vanishes mid-write
(a USB modem unplugged while a message went out; the port's thread died of it once)."""

__all__ = ["MEMORY_FULL", "AtError", "AtPort", "AtReply", "is_unsolicited"]

log = logging.getLogger(__name__)

CTRL_Z = b"\x1a"
ESC = b"\x1b"
FINAL_OK = "OK"
TWO_LINE = ("+CMT:", "+CDS:")
"""Unsolicited results followed by a PDU line."""
UNSOLICITED = (
    "+CMTI:", "+CDSI:", "RING", "+CREG:", "+CGREG:", "+CUSD:", "+CLIP:", "+CIEV:", "NO CARRIER"
)  # fmt: skip


MEMORY_FULL = 322
"""``+CMS ERROR: 322``: the storage is full (TS 27.005 §3.2.5), an answer or said by itself."""
NOTICE_GRACE = 1.0
"""How long a command's own final result may follow a ``+CMS ERROR: 322`` inside its answer."""


class AtError(Exception):
    """A command that did not end in ``OK``: ``kind`` is ``error``, ``cme``, ``cms``, ``timeout``
    or ``closed``; ``code`` the number of a ``+CME``/``+CMS ERROR``."""

    def __init__(self, kind: str, command: str, code: int | None = None, text: str = "") -> None:
        self.kind = kind
        self.command = command
        self.code = code
        super().__init__(text or f"{command}: {kind}" + (f" {code}" if code is not None else ""))


@dataclass(frozen=True, slots=True)
class AtReply:
    """A command's information lines (without echo and final result)."""

    command: str
    lines: tuple[str, ...]


def is_unsolicited(line: str, command: str | None) -> bool:
    """Whether ``line`` is an unsolicited result rather than part of ``command``'s answer."""
    if command is not None:
        name = command[2:].split("=")[0].split("?")[0].upper()  # AT+CREG? -> +CREG
        if name and line.upper().startswith(name + ":"):
            return False
    return line.startswith(TWO_LINE) or line.startswith(UNSOLICITED) or line.startswith("^")


@dataclass
class _Request:
    command: str
    timeout: float
    pdu: str | None = None
    future: concurrent.futures.Future[AtReply] = field(default_factory=concurrent.futures.Future)


class AtPort:
    """The serial line of one modem, in a thread of its own."""

    def __init__(
        self,
        url: str,
        baudrate: int,
        on_unsolicited: Callable[[str, str | None], None],
        on_state: Callable[[bool, str | None], None] = lambda up, why: None,
        *,
        opener: Callable[..., Any] | None = None,
        reopen: float = 1.0,
    ) -> None:
        self.url = url
        self.baudrate = baudrate
        self.on_unsolicited = on_unsolicited
        """Called on the port's thread with (line, the PDU line of a two-line result)."""
        self.on_state = on_state
        """Called on the port's thread when the port opens (True) or fails (False, why)."""
        self.reopen = reopen
        self._opener = opener
        self._requests: queue.Queue[_Request | None] = queue.Queue()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._port: Any = None
        self._buffer = bytearray()

    # --- the caller's side ------------------------------------------------------------------

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name=f"modem-{self.url}", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        self._requests.put(None)
        if self._thread is not None:
            self._thread.join(timeout)

    def command(
        self, command: str, *, timeout: float = 10.0, pdu: str | None = None
    ) -> concurrent.futures.Future[AtReply]:
        """Queue ``command`` (``AT…`` without line ending); for ``AT+CMGS=n`` give the ``pdu``."""
        request = _Request(command, timeout, pdu)
        self._requests.put(request)
        self._wake()
        return request.future

    def _wake(self) -> None:
        """End the thread's idle read at once, so a command waits for no read timeout (pyserial's
        ``cancel_read``, made for this, where the port has it; else within 0.05 s)."""
        cancel = getattr(self._port, "cancel_read", None)
        if cancel is not None:
            with contextlib.suppress(Exception):
                cancel()

    # --- the port's thread -------------------------------------------------------------------

    def _run(self) -> None:
        name_this_thread("modem")
        while not self._stop.is_set():
            if self._port is None and not self._open():
                self._fail_waiting("closed", "the port is not open")
                self._stop.wait(self.reopen)
                continue
            try:
                request = self._requests.get_nowait()
            except queue.Empty:
                try:  # nothing to send: read what the modem says by itself (0.05 s at most)
                    self._drain_unsolicited()
                except _PORT_ERRORS as exc:
                    self._lost(exc)
                continue
            if request is None or not request.future.set_running_or_notify_cancel():
                continue  # the caller gave up waiting before it was sent: it is not sent
            try:
                reply = self._exchange(request)
            except AtError as exc:
                request.future.set_exception(exc)
                if exc.kind == "closed":
                    self._close()
            except _PORT_ERRORS as exc:  # the port went away: it is opened again
                request.future.set_exception(AtError("closed", request.command, text=str(exc)))
                self._lost(exc)
            else:
                request.future.set_result(reply)
        self._close()
        self._fail_waiting("closed", "the connector stopped")

    def _open(self) -> bool:
        try:
            if self._opener is not None:
                self._port = self._opener(self.url, baudrate=self.baudrate, timeout=0.05)
            else:
                import serial

                self._port = serial.serial_for_url(self.url, baudrate=self.baudrate, timeout=0.05)
        except (OSError, ValueError) as exc:
            self._port = None
            self.on_state(False, f"cannot open {self.url}: {exc}")
            return False
        self._buffer.clear()
        self.on_state(True, None)
        return True

    def _lost(self, exc: BaseException) -> None:
        self._close()
        self.on_state(False, f"{self.url}: {exc}")

    def _close(self) -> None:
        port, self._port = self._port, None
        if port is not None:
            with contextlib.suppress(*_PORT_ERRORS):
                port.close()

    def _fail_waiting(self, kind: str, why: str) -> None:
        while True:
            try:
                request = self._requests.get_nowait()
            except queue.Empty:
                return
            if request is not None and not request.future.done():
                request.future.set_exception(AtError(kind, request.command, text=why))

    def _read_line(self, deadline: float, command: str | None) -> str | None:
        """The next line (None at the deadline). A ``> `` prompt is a line of its own."""
        while True:
            if self._buffer.startswith(b"> ") or self._buffer == b">":
                del self._buffer[:2]
                return ">"
            end = self._buffer.find(b"\n")
            if end >= 0:
                raw = bytes(self._buffer[:end])
                del self._buffer[: end + 1]
                line = raw.decode("ascii", errors="replace").strip()
                if line:
                    return line
                continue
            # blocks for the port's timeout (0.05 s) at most when nothing comes
            chunk = self._port.read(max(1, self._port.in_waiting))
            if chunk:
                # CR, LF or both end a line (an echo ends in CR alone); empty lines are skipped
                self._buffer += chunk.replace(b"\r", b"\n")
                continue
            if time.monotonic() >= deadline:
                return None

    def _drain_unsolicited(self) -> None:
        while True:
            line = self._read_line(time.monotonic(), None)
            if line is None:
                return
            self._unsolicited(line, time.monotonic() + 1.0)

    def _unsolicited(self, line: str, deadline: float) -> None:
        pdu = None
        if line.startswith(TWO_LINE):
            pdu = self._read_line(deadline, None)
        try:
            self.on_unsolicited(line, pdu)
        except Exception:
            log.exception("unsolicited %r could not be handled", line)

    def _write(self, data: bytes) -> None:
        self._port.write(data)
        self._port.flush()

    def _exchange(self, request: _Request) -> AtReply:
        command = request.command
        deadline = time.monotonic() + request.timeout
        self._write(command.encode("ascii") + b"\r")
        lines: list[str] = []
        notice: AtError | None = None  # a +CMS ERROR: 322 that may have been said by itself
        until = deadline  # with a notice: until its grace ends
        while True:
            line = self._read_line(until, command)
            if line is None:
                if notice is not None:
                    raise notice  # nothing else ended the command: the 322 was its answer
                if request.pdu is not None and not lines:
                    self._write(ESC)  # leave the prompt, if it came late
                why = f"{command}: no answer in {request.timeout:g} s"
                raise AtError("timeout", command, text=why)
            if line == command or line.upper() == command.upper():
                continue  # the echo
            if line == ">":
                if request.pdu is None:
                    self._write(ESC)
                    continue
                self._write(request.pdu.encode("ascii") + CTRL_Z)
                continue
            if line == FINAL_OK:
                return AtReply(command, tuple(lines))
            if line == "ERROR":
                raise AtError("error", command)
            if line.startswith(("+CME ERROR:", "+CMS ERROR:")):
                kind = "cme" if line.startswith("+CME") else "cms"
                code = _code(line.split(":", 1)[1])
                error = AtError(kind, command, code, f"{command}: {line}")
                if kind == "cms" and code == MEMORY_FULL:
                    # A modem says it by itself when an SMS finds the storage full, and it may
                    # come inside another command's answer: the command's own final result,
                    # if one follows soon, is its answer (the 322 is the storage-full notice).
                    self._unsolicited(line, deadline)
                    notice = error
                    until = min(deadline, time.monotonic() + NOTICE_GRACE)
                    continue
                raise error
            if is_unsolicited(line, command):
                self._unsolicited(line, deadline)
                continue
            lines.append(line)


def _code(text: str) -> int | None:
    text = text.strip()
    return int(text) if text.isdigit() else None
