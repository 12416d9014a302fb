"""A scriptable GSM modem on a pseudo-terminal, for the tests of the modem connector.

``ModemEmulator(tmp_path)`` opens a pty, puts it in raw mode and answers AT commands on it like a
common USB modem in PDU mode (Huawei E3372 / Sierra / SIMCom style): echo on by default, ``\\r\\n``
framed replies, ``> `` prompt with no line ending after ``AT+CMGS=<n>``, ``+CMTI``/``+CMT``/``+CDS``
indications, SIM storage with a capacity, PIN/PUK. The connector opens :attr:`ModemEmulator.path`,
a symlink to the current slave (like ``/dev/serial/by-id/...``) that :meth:`replug` re-points to a
new pty after :meth:`unplug`.

Scripting (any thread, also from asyncio tests): :meth:`deliver`, :meth:`status_report`,
:meth:`unsolicited`, :meth:`set_registration`; observing: :attr:`submitted`,
:meth:`wait_for_submit`, :attr:`commands`, :meth:`wait_for_command`, :meth:`wait_for_cnma`.
Fault switches: :attr:`reset_restores_echo`, :meth:`interleave_next`, :meth:`fill_storage`,
:meth:`hang` / :meth:`revive`, :meth:`unplug` / :meth:`replug`, :meth:`fail_next_send`,
``baudrate=`` (a slow line), ``send_delay=`` (network latency of a send). The network's side:
a ``+CMT`` left without ``AT+CNMA`` (its time ran out, or the modem was reset) is sent again once
the host turns routing back on (``AT+CNMI``), and a message refused for a full storage once a
delete frees a slot; :attr:`direct_delivery` makes a modem that hands every message over
(``+CMT``) instead of storing it.

One reader thread parses what the host writes; one writer thread puts replies on the line (paced
at ``baudrate`` when given), so scripting never blocks on the line. Waits are event-based; every
timeout only bounds a hung test.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import os
import queue
import re
import select
import threading
import time
import tty
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

import pytest

from tests.support.modem_pdu import tpdu_length

__all__ = ["CME_TEXT", "ModemEmulator", "Stored", "Submitted", "modem"]

CTRL_Z = 0x1A
ESC = 0x1B

CME_TEXT = {
    3: "operation not allowed",
    4: "operation not supported",
    10: "SIM not inserted",
    11: "SIM PIN required",
    12: "SIM PUK required",
    13: "SIM failure",
    16: "incorrect password",
    30: "no network service",
    100: "unknown",
}
"""Verbose texts of the ``+CME ERROR`` codes this modem uses (``AT+CMEE=2``)."""

# 27.005 stat values (PDU mode) and their text-mode names
STAT_NAMES = {0: "REC UNREAD", 1: "REC READ", 2: "STO UNSENT", 3: "STO SENT", 4: "ALL"}


@dataclass(frozen=True)
class Submitted:
    """One PDU the host sent with ``AT+CMGS``."""

    pdu: str
    """Hex as received (upper case), SMSC field included."""
    length: int
    """The ``<length>`` the host gave to ``AT+CMGS``."""
    mr: int
    """The message reference the modem answered (``+CMGS: <mr>``); -1 when the send failed."""
    at: float
    """``time.monotonic()`` when the Ctrl-Z arrived."""
    error: int | None = None
    """The ``+CMS ERROR`` code answered instead of ``+CMGS``, if any."""


@dataclass
class Stored:
    """A message in SIM storage."""

    pdu: str
    stat: int = 0
    status_report: bool = False


@dataclass
class _State:
    """What a reset (``ATZ``, a reboot, a replug) puts back to its defaults."""

    echo: bool = True
    cmee: int = 0
    cmgf: int = 0
    cnmi: tuple[int, int, int, int, int] = (0, 0, 0, 0, 0)
    creg_n: int = 0
    csms: int = 0


@dataclass
class _Pending:
    """A +CMT waiting for its +CNMA."""

    pdu: str
    timer: threading.Timer
    done: threading.Event = field(default_factory=threading.Event)
    acked: bool = False


class ModemEmulator:
    """A GSM modem answering AT commands on a pty; see the module docstring."""

    def __init__(
        self,
        directory: Path,
        *,
        name: str = "ttyGSM0",
        pin: str | None = None,
        puk: str = "12345678",
        capacity: int = 20,
        first_index: int = 1,
        empty_read_error: bool = True,
        baudrate: int | None = None,
        send_delay: float = 0.0,
        cnma_timeout: float = 5.0,
        first_mr: int = 0,
        smsc: str = "+33609001390",
        operator: str = "Orange F",
        rssi: int = 20,
        registration: int = 1,
    ) -> None:
        self.path = Path(directory) / name
        """The stable path the connector opens (a symlink to the current slave)."""
        self.pin = pin
        """The SIM PIN; None: the SIM asks for none (``+CPIN: READY``)."""
        self.puk = puk
        self.pin_tries = 3
        self.pin_tries_supported = True
        """Whether ``AT+CPINR`` is known (older modems answer ERROR)."""
        self.puk_tries = 10
        self.sim_state = "SIM PIN" if pin else "READY"
        """``READY``, ``SIM PIN``, ``SIM PUK`` or ``ABSENT`` (``+CME ERROR: 10``)."""
        self.capacity = capacity
        self.first_index = first_index
        """Index of the first storage slot: 1 on most modems, 0 on some Huawei."""
        self.empty_read_error = empty_read_error
        """Reading an empty slot: ``+CMS ERROR: 321`` (True) or a bare ``OK`` (False)."""
        self.baudrate = baudrate
        self.send_delay = send_delay
        self.cnma_timeout = cnma_timeout
        self.next_mr = first_mr & 0xFF
        """The message reference the next ``+CMGS`` answers (wraps after 255 to 0)."""
        self.smsc = smsc
        self.operator = operator
        self.rssi = rssi
        self.registration = registration
        self.lac, self.ci = "1A2B", "01C3D4E5"
        self.manufacturer, self.model, self.revision = "huawei", "E3372", "22.328.62.00.00"
        self.imei, self.imsi = "867530901234567", "208011234567890"

        self.direct_delivery = False
        """Mode: every message is handed over with ``+CMT`` (as with ``AT+CNMI`` <mt> 2, which
        some modems use whatever the host asks), never stored with ``+CMTI``."""
        self.phase2_only = False
        """Mode: ``AT+CSMS=1`` refused (``+CMS ERROR: 303``), so no ``+CNMA`` is expected and
        one is answered ``+CMS ERROR: 340``."""
        self.redelivered: list[str] = []
        """PDUs the network sent again (missed acknowledgement, storage full)."""

        self.reset_restores_echo = True
        """Fault switch (on by default, as real modems): ``ATZ``, a reboot or a replug bring echo
        back even after ``ATE0``. False makes a friendlier modem that keeps ``ATE0``."""

        self.storage: dict[int, Stored] = {}
        self.submitted: list[Submitted] = []
        self.commands: list[tuple[float, str]] = []
        """Every command line received, with its ``time.monotonic()``."""
        self.rejected: list[str] = []
        """PDUs :meth:`deliver` could not store (storage full)."""
        self.cnma_acked: list[str] = []
        self.cnma_missed: list[str] = []

        self._state = _State()
        self._cond = threading.Condition()
        self._lock = threading.RLock()
        self._interleave: list[tuple[str, str]] = []
        self._send_errors: list[int] = []
        self._pending: _Pending | None = None
        self._last_pending: _Pending | None = None
        self._unacked: list[str] = []  # +CMT missed: the network sends them again
        self._after: list[Callable[[], None]] = []  # run after the current command's answer
        self._hung = False
        self._hang_on: str | None = None
        self._plugged = False
        self._master = -1
        self._slave = -1
        self.slave_path = ""
        self._stop = threading.Event()
        self._out: queue.Queue[tuple[float, bytes] | None] = queue.Queue()
        self._threads: list[threading.Thread] = []
        self._wake_r = self._wake_w = -1
        self._buf = bytearray()
        self._pdu_mode: int | None = None  # the <length> of a CMGS awaiting its PDU

    # ----------------------------------------------------------------------- life cycle

    def start(self) -> ModemEmulator:
        self._plug()
        return self

    def close(self) -> None:
        self._unplug()
        with self._lock:
            if self._pending is not None:
                self._pending.timer.cancel()

    def __enter__(self) -> ModemEmulator:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _plug(self) -> None:
        master, slave = os.openpty()
        tty.setraw(slave)  # no echo, no CR/LF translation at the tty level: echo is the modem's
        flags = fcntl.fcntl(master, fcntl.F_GETFL)
        fcntl.fcntl(master, fcntl.F_SETFL, flags | os.O_NONBLOCK)
        self._master, self._slave = master, slave
        self.slave_path = os.ttyname(slave)
        tmp = self.path.with_name(self.path.name + ".new")
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        tmp.symlink_to(self.slave_path)
        os.replace(tmp, self.path)
        self._stop = threading.Event()
        self._out = queue.Queue()
        self._wake_r, self._wake_w = os.pipe()
        self._buf.clear()
        self._pdu_mode = None
        self._plugged = True
        self._threads = [
            threading.Thread(target=self._reader, name="modem-reader", daemon=True),
            threading.Thread(target=self._writer, name="modem-writer", daemon=True),
        ]
        for t in self._threads:
            t.start()

    def _unplug(self) -> None:
        if not self._plugged:
            return
        self._plugged = False
        self._stop.set()
        self._out.put(None)
        os.write(self._wake_w, b"x")
        for t in self._threads:
            if t is not threading.current_thread():
                t.join(timeout=5)
        for fd in (self._master, self._slave, self._wake_r, self._wake_w):
            with contextlib.suppress(OSError):
                os.close(fd)
        self._master = self._slave = -1
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()

    def unplug(self) -> None:
        """Fault: the port vanishes. The master is closed, so the host's reads get EIO / a
        hang-up; the symlink disappears (like ``/dev/serial/by-id/…``)."""
        self._unplug()

    def replug(self) -> None:
        """The port comes back on a NEW pty, :attr:`path` re-pointed to it. The modem has
        rebooted: echo on, CNMI/CMEE/CMGF back to defaults, PIN asked again; storage kept."""
        self._unplug()
        self._power_cycle()
        self._plug()

    def reboot(self) -> None:
        """The modem resets by itself on the same port (volatile settings lost, PIN again)."""
        self._power_cycle()

    def _power_cycle(self) -> None:
        with self._lock:
            if self._pending is not None:  # a reset loses a +CMT not acknowledged yet
                pending, self._pending = self._pending, None
                pending.timer.cancel()
                self._miss(pending)
            self._power_cycle_settings()
            if self.pin and self.sim_state == "READY":
                self.sim_state = "SIM PIN"
            self._hung = False

    # ----------------------------------------------------------------------- output

    def _emit(self, data: bytes | str, delay: float = 0.0) -> None:
        if isinstance(data, str):
            data = data.encode("latin-1")
        if self._plugged and not self._hung:
            self._out.put((delay, data))

    def _writer(self) -> None:
        stop, out, master = self._stop, self._out, self._master
        next_free = time.monotonic()
        while not stop.is_set():
            item = out.get()
            if item is None:
                return
            delay, data = item
            if delay and stop.wait(delay):
                return
            if not self.baudrate:
                chunks = [data]
            else:
                step = max(1, self.baudrate // 10_000)  # bytes per ms at 10 bits a byte
                chunks = [data[i : i + step] for i in range(0, len(data), step)]
            for chunk in chunks:
                if self.baudrate:
                    next_free = max(next_free, time.monotonic())
                    next_free += len(chunk) * 10 / self.baudrate
                    pause = next_free - time.monotonic()
                    if pause > 0 and stop.wait(pause):  # the line's own pace, not an event
                        return
                view = memoryview(chunk)
                while view:
                    try:
                        at = time.monotonic()
                        n = os.write(master, view)
                        self._wrote(n, at)
                    except BlockingIOError:
                        select.select([], [master], [], 0.1)
                        if stop.is_set():
                            return
                        continue
                    except OSError:
                        return
                    view = view[n:]

    def _wrote(self, n: int, at: float) -> None:
        """Hook: ``n`` bytes were put on the line at ``at`` (the writer thread; a bench's)."""

    def _arrived(self, n: int) -> None:
        """Hook: ``n`` bytes from the host arrived just now, before the line's pace is applied
        (the reader thread; a bench's)."""

    def unsolicited(self, line: str) -> None:
        """Put an unsolicited result code on the line now (``RING``, ``+CREG: 0``, ``^RSSI: 9``),
        framed ``\\r\\n<line>\\r\\n``; also between a command's echo and its result if it
        happens to come then. A two-line one can be given with ``\\r\\n`` inside."""
        self._emit(f"\r\n{line}\r\n")

    def interleave_next(self, *lines: str, where: str = "after_echo") -> None:
        """Fault: put these unsolicited lines inside the answer to the next command:
        ``after_echo`` (before anything else) or ``before_final`` (after its information
        lines, before ``OK``/``ERROR``)."""
        with self._lock:
            self._interleave += [(where, line) for line in lines]

    # ----------------------------------------------------------------------- scripting

    def _free_index(self) -> int | None:
        for i in range(self.first_index, self.first_index + self.capacity):
            if i not in self.storage:
                return i
        return None

    def store(self, pdu_hex: str, stat: int = 0, *, status_report: bool = False) -> int | None:
        """Put a PDU in storage without any indication; its index, or None when full."""
        with self._lock:
            index = self._free_index()
            if index is not None:
                self.storage[index] = Stored(pdu_hex.upper(), stat, status_report)
            return index

    def fill_storage(self, pdu_hex: str) -> None:
        """Fault: fill every free slot with copies of ``pdu_hex`` (stat REC READ), so that the
        next delivery fails with ``+CMS ERROR: 322`` and ``AT+CPMS?`` shows the storage full."""
        with self._lock:
            while self.store(pdu_hex, 1) is not None:
                pass

    def network_holds(self, pdu_hex: str) -> None:
        """A message the network could not deliver earlier (the storage was full) and sends
        again once a delete frees a slot; nothing is said on the line now."""
        with self._lock:
            self.rejected.append(pdu_hex.upper())

    def deliver(
        self, pdu_hex: str, *, indication: str | None = "cmti", interleave: bool = False
    ) -> int | None:
        """An SMS-DELIVER arrives (hex, SMSC field first, e.g. from ``modem_pdu.deliver``).

        ``indication``: ``"cmti"`` stores it at the next free index (indexes are reused after a
        delete) and says ``+CMTI: "SM",<index>``; ``"cmt"`` hands it over directly
        (``+CMT: ,<len>`` then the PDU), to be acknowledged by ``AT+CNMA`` within
        :attr:`cnma_timeout` when ``AT+CSMS=1`` (see :meth:`wait_for_cnma`; a miss sets CNMI's
        <mt> and <ds> to 0, as 27.005 says, so later ``"auto"`` ones are stored silently until
        the host sets ``AT+CNMI`` again); None stores it
        silently; ``"auto"`` follows the host's ``AT+CNMI`` (mt 0: silent, 1: +CMTI, 2/3: +CMT).
        ``interleave``: the indication is put inside the answer to the next command instead.
        Returns the storage index (None when handed over directly, or rejected: storage full, in
        which case ``+CMS ERROR: 322`` is said unsolicited and the PDU is in :attr:`rejected`).
        """
        pdu_hex = pdu_hex.upper()
        with self._lock:
            if indication == "auto":
                mt = self._state.cnmi[1]
                indication = {0: None, 1: "cmti"}.get(mt, "cmt")
            if self.direct_delivery and indication == "cmti":
                indication = "cmt"
            if indication == "cmt":
                self._direct(f"+CMT: ,{tpdu_length(pdu_hex)}\r\n{pdu_hex}", interleave)
                if self._state.csms == 1:
                    self._expect_cnma(pdu_hex)
                return None
            index = self.store(pdu_hex)
            if index is None:
                self.rejected.append(pdu_hex)
                self._direct("+CMS ERROR: 322", interleave)
                return None
            if indication == "cmti":
                self._direct(f'+CMTI: "SM",{index}', interleave)
            return index

    def status_report(
        self, pdu_hex: str, *, indication: str | None = "cds", interleave: bool = False
    ) -> int | None:
        """An SMS-STATUS-REPORT arrives: ``"cds"`` says ``+CDS: <len>`` then the PDU (to be
        acknowledged by ``AT+CNMA`` when ``AT+CSMS=1``); ``"cdsi"`` stores it and says
        ``+CDSI: "SM",<index>``; None stores it silently; ``"auto"`` follows CNMI's ds
        (0: silent, 1: +CDS, 2: +CDSI). Returns the storage index when stored."""
        pdu_hex = pdu_hex.upper()
        with self._lock:
            if indication == "auto":
                indication = {0: None, 1: "cds"}.get(self._state.cnmi[3], "cdsi")
            if indication == "cds":
                self._direct(f"+CDS: {tpdu_length(pdu_hex)}\r\n{pdu_hex}", interleave)
                if self._state.csms == 1:
                    self._expect_cnma(pdu_hex)
                return None
            index = self.store(pdu_hex, status_report=True)
            if index is None:
                self.rejected.append(pdu_hex)
                self._direct("+CMS ERROR: 322", interleave)
                return None
            if indication == "cdsi":
                self._direct(f'+CDSI: "SM",{index}', interleave)
            return index

    def _direct(self, line: str, interleave: bool) -> None:
        if interleave:
            self.interleave_next(line)
        else:
            self.unsolicited(line)

    def _expect_cnma(self, pdu_hex: str) -> None:
        if self._pending is not None:
            self._pending.timer.cancel()
            self._miss(self._pending)
        timer = threading.Timer(self.cnma_timeout, self._cnma_timeout)
        timer.daemon = True
        self._pending = self._last_pending = _Pending(pdu_hex, timer)
        timer.start()

    def _miss(self, pending: _Pending) -> None:
        self.cnma_missed.append(pending.pdu)
        if _is_deliver(pending.pdu):
            self._unacked.append(pending.pdu)
        pending.done.set()
        with self._cond:
            self._cond.notify_all()

    def _cnma_timeout(self) -> None:
        with self._lock:
            pending, self._pending = self._pending, None
            if pending is not None:
                # 27.005 +CNMI: without the acknowledgement in time, the ME disables routing
                # to the TE (<mt> and <ds> set to 0) until the host sets +CNMI again
                mode, _, bm, _, bfr = self._state.cnmi
                self._state.cnmi = (mode, 0, bm, 0, bfr)
                self._miss(pending)

    def wait_for_cnma(self, timeout: float = 10.0) -> bool:
        """Wait until the last ``+CMT``/``+CDS`` was acknowledged (True) or its
        :attr:`cnma_timeout` ran out (False)."""
        with self._lock:
            pending = self._last_pending
        if pending is None:
            return False
        pending.done.wait(timeout)
        return pending.acked

    def set_registration(self, stat: int) -> None:
        """The network registration changes (0 not registered, 1 home, 2 searching, 3 denied,
        5 roaming): said as ``+CREG: <stat>`` when the host asked with ``AT+CREG=1|2``."""
        with self._lock:
            self.registration = stat
            n = self._state.creg_n
            if n == 1:
                self.unsolicited(f"+CREG: {stat}")
            elif n == 2:
                self.unsolicited(f'+CREG: {stat},"{self.lac}","{self.ci}"')

    def hang(self) -> None:
        """Fault: the modem keeps reading but never answers (no echo, no result, no
        indication) until :meth:`revive`."""
        with self._lock:
            self._hung = True

    def hang_on(self, prefix: str) -> None:
        """Hang (see :meth:`hang`) as soon as a command starting with ``prefix`` arrives, before
        answering it: ``hang_on("AT+CMGD")`` stops the modem between a read and its delete."""
        with self._lock:
            self._hang_on = prefix.upper()

    def revive(self) -> None:
        with self._lock:
            self._hung = False

    def fail_next_send(self, code: int = 38, times: int = 1) -> None:
        """Fault: the next ``times`` ``AT+CMGS`` answer ``+CMS ERROR: <code>`` after taking the
        PDU (38 network out of order: temporary; 21 short message rejected: permanent)."""
        with self._lock:
            self._send_errors += [code] * times

    @property
    def echo(self) -> bool:
        return self._state.echo

    @property
    def cnmi(self) -> tuple[int, int, int, int, int]:
        return self._state.cnmi

    def wait_for_submit(self, n: int = 1, timeout: float = 10.0) -> list[Submitted]:
        """Wait until at least ``n`` successful sends arrived; returns them all (TimeoutError)."""
        self._wait(lambda: sum(1 for s in self.submitted if s.error is None) >= n, timeout,
                   f"{n} submits")  # fmt: skip
        return [s for s in self.submitted if s.error is None]

    async def wait_for_submit_async(self, n: int = 1, timeout: float = 10.0) -> list[Submitted]:
        """:meth:`wait_for_submit` for asyncio tests (waits in a thread)."""
        return await asyncio.to_thread(self.wait_for_submit, n, timeout)

    async def wait_for_command_async(
        self, match: str | Callable[[str], bool], timeout: float = 10.0, *, since: int = 0
    ) -> str:
        """:meth:`wait_for_command` for asyncio tests (waits in a thread)."""
        return await asyncio.to_thread(self.wait_for_command, match, timeout, since=since)

    def wait_for_command(
        self, match: str | Callable[[str], bool], timeout: float = 10.0, *, since: int = 0
    ) -> str:
        """Wait for a command line (exact text, case-insensitive, or a predicate) among
        :attr:`commands` from position ``since``; returns it (TimeoutError)."""

        def test(line: str) -> bool:
            return match(line) if callable(match) else line.upper() == match.upper()

        found: list[str] = []

        def done() -> bool:
            found[:] = [c for _, c in self.commands[since:] if test(c)]
            return bool(found)

        self._wait(done, timeout, f"command {match!r}")
        return found[0]

    def _wait(self, predicate: Callable[[], bool], timeout: float, what: str) -> None:
        with self._cond:
            if not self._cond.wait_for(predicate, timeout):
                raise TimeoutError(f"modem emulator: no {what} within {timeout} s")

    # ----------------------------------------------------------------------- input

    def _reader(self) -> None:
        stop, master, wake = self._stop, self._master, self._wake_r
        next_free = time.monotonic()
        while not stop.is_set():
            try:
                ready, _, _ = select.select([master, wake], [], [])
            except (OSError, ValueError):
                return
            if stop.is_set() or wake in ready:
                return
            try:
                data = os.read(master, 4096)
                self._arrived(len(data))
            except BlockingIOError:
                continue
            except OSError:  # no slave open any more: keep waiting for the next open
                if stop.wait(0.05):
                    return
                continue
            if self.baudrate:  # the bytes arrive at the line's pace
                next_free = max(next_free, time.monotonic()) + len(data) * 10 / self.baudrate
                pause = next_free - time.monotonic()
                if pause > 0 and stop.wait(pause):
                    return
            with self._lock:
                self._feed(data)

    def _feed(self, data: bytes) -> None:
        echo = bytearray()
        for b in data:
            if self._pdu_mode is not None:
                if b in (CTRL_Z, ESC):
                    self._flush_echo(echo)
                    self._end_pdu(cancel=b == ESC)
                elif b not in (0x0D, 0x0A):
                    self._buf.append(b)
                    echo.append(b)
                continue
            echo.append(b)
            if b == 0x0D:
                self._flush_echo(echo)
                line = self._buf.decode("latin-1").strip()
                self._buf.clear()
                if line:
                    self._line(line)
            elif b == 0x08:  # backspace
                if self._buf:
                    self._buf.pop()
            elif b != 0x0A:
                self._buf.append(b)
        self._flush_echo(echo)

    def _flush_echo(self, echo: bytearray) -> None:
        if echo and self._state.echo:
            self._emit(bytes(echo))
        echo.clear()

    def _take_interleave(self, where: str) -> None:
        keep = []
        for w, line in self._interleave:
            if w == where:
                self.unsolicited(line)
            else:
                keep.append((w, line))
        self._interleave = keep

    def _line(self, line: str) -> None:
        with self._cond:
            self.commands.append((time.monotonic(), line))
            self._cond.notify_all()
        if self._hang_on is not None and line.upper().startswith(self._hang_on):
            self._hang_on = None
            self._hung = True  # a fault mode: the modem dies on this command
        if self._hung:
            return
        if not line.upper().startswith("AT"):
            return  # not a command: real modems ignore it
        self._take_interleave("after_echo")
        body = line[2:]
        if body.upper().startswith("+CMGS="):
            self._start_cmgs(body[6:])
            return
        info: list[str] = []
        final = "OK"
        for cmd in _split_commands(body):
            final = self._command(cmd, info)
            if final != "OK":
                break
        self._answer(info, final)
        after, self._after = self._after, []
        for work in after:
            work()

    def _answer(self, info: list[str], final: str, delay: float = 0.0) -> None:
        if info:
            self._emit("".join(f"\r\n{line}" for line in info) + "\r\n", delay)
            delay = 0.0
        self._take_interleave("before_final")
        self._emit(f"\r\n{final}\r\n", delay)

    # ----------------------------------------------------------------------- errors

    def _cme(self, code: int) -> str:
        if self._state.cmee == 0:
            return "ERROR"
        if self._state.cmee == 2:
            return f"+CME ERROR: {CME_TEXT.get(code, code)}"
        return f"+CME ERROR: {code}"

    def _sim_error(self) -> str | None:
        """The +CMS error of an SMS command while the SIM is not ready."""
        return {"SIM PIN": "+CMS ERROR: 311", "SIM PUK": "+CMS ERROR: 316",
                "ABSENT": "+CMS ERROR: 310"}.get(self.sim_state)  # fmt: skip

    # ----------------------------------------------------------------------- commands

    def _command(self, cmd: str, info: list[str]) -> str:
        up = cmd.upper()
        if up == "":
            return "OK"
        if up in ("E0", "E1", "E"):
            self._state.echo = up == "E1"
            return "OK"
        if up in ("Z", "Z0", "&F", "&F0"):
            self._power_cycle_settings()
            return "OK"
        if up in ("H", "H0", "V1", "Q0", "&W", "&D2", "&C1"):
            return "OK"
        if re.fullmatch(r"S\d+=\d+", up):
            return "OK"
        if re.fullmatch(r"S\d+\?", up):
            info.append({"S3": "013", "S4": "010", "S0": "000"}.get(up[:-1], "000"))
            return "OK"
        if up in ("I", "+CGMI", "+GMI"):
            info += [self.manufacturer] if up != "I" else [
                f"Manufacturer: {self.manufacturer}", f"Model: {self.model}",
                f"Revision: {self.revision}", f"IMEI: {self.imei}"]  # fmt: skip
            return "OK"
        simple = {
            "+CGMM": self.model, "+CGMR": self.revision, "+CGSN": self.imei,
        }  # fmt: skip
        if up in simple:
            info.append(simple[up])
            return "OK"
        m = re.fullmatch(r"\+([A-Z]+)(=\?|\?|=(.*))?", cmd, re.IGNORECASE)
        if not m:
            return "ERROR"
        name, suffix, args = m.group(1).lower(), m.group(2) or "", m.group(3)
        kind = suffix if suffix in ("?", "=?") else "=" if suffix else ""
        handler = getattr(self, f"_at_{name}", None)
        if handler is None:
            return "ERROR"
        result: str = handler(kind, _args(args), info)
        return result

    def _power_cycle_settings(self) -> None:
        echo = self._state.echo
        self._state = _State()
        if not self.reset_restores_echo:
            self._state.echo = echo

    def _at_cmee(self, s: str, a: list[str], info: list[str]) -> str:
        if s == "?":
            info.append(f"+CMEE: {self._state.cmee}")
        elif s == "=?":
            info.append("+CMEE: (0-2)")
        elif s == "=" and a and a[0] in ("0", "1", "2"):
            self._state.cmee = int(a[0])
        else:
            return self._cme(4)
        return "OK"

    def _at_cimi(self, s: str, a: list[str], info: list[str]) -> str:
        if self.sim_state != "READY":
            return self._cme(10 if self.sim_state == "ABSENT" else 11)
        info.append(self.imsi)
        return "OK"

    def _at_cpin(self, s: str, a: list[str], info: list[str]) -> str:
        if self.sim_state == "ABSENT":
            return self._cme(10)
        if s == "?":
            info.append(f"+CPIN: {self.sim_state}")
            return "OK"
        if s == "=?":
            return "OK"
        if s != "=" or not a:
            return self._cme(4)
        if self.sim_state == "READY":
            return self._cme(3)
        if self.sim_state == "SIM PIN":
            if a[0] == self.pin:
                self.sim_state, self.pin_tries = "READY", 3
                return "OK"
            self.pin_tries -= 1
            if self.pin_tries <= 0:
                self.sim_state = "SIM PUK"
            return self._cme(16)
        # SIM PUK: AT+CPIN="<puk>","<new pin>"
        if len(a) < 2:
            return self._cme(12)
        if a[0] == self.puk:
            self.pin, self.sim_state, self.pin_tries, self.puk_tries = a[1], "READY", 3, 10
            return "OK"
        self.puk_tries -= 1
        if self.puk_tries <= 0:
            self.sim_state = "ABSENT"  # blocked for good
        return self._cme(16)

    def _at_cpinr(self, s: str, a: list[str], info: list[str]) -> str:
        """``AT+CPINR="SIM PIN"`` (27.007 §8.65): the tries left, as many modems answer it."""
        if s == "=?":
            return "OK"
        if self.pin_tries_supported:
            info.append(f"+CPINR: SIM PIN,{self.pin_tries},3")
            info.append(f"+CPINR: SIM PUK,{self.puk_tries},10")
            return "OK"
        return "ERROR"

    def _at_cmgf(self, s: str, a: list[str], info: list[str]) -> str:
        if s == "?":
            info.append(f"+CMGF: {self._state.cmgf}")
        elif s == "=?":
            info.append("+CMGF: (0-1)")
        elif s == "=" and a and a[0] in ("0", "1"):
            self._state.cmgf = int(a[0])
        else:
            return "+CMS ERROR: 302"
        return "OK"

    def _at_csms(self, s: str, a: list[str], info: list[str]) -> str:
        if s == "?":
            info.append(f"+CSMS: {self._state.csms},1,1,1")
        elif s == "=?":
            info.append("+CSMS: (0-1)")
        elif s == "=" and a and a[0] == "1" and self.phase2_only:
            return "+CMS ERROR: 303"
        elif s == "=" and a and a[0] in ("0", "1"):
            self._state.csms = int(a[0])
            info.append("+CSMS: 1,1,1")
        else:
            return "+CMS ERROR: 302"
        return "OK"

    def _at_cpms(self, s: str, a: list[str], info: list[str]) -> str:
        if (err := self._sim_error()) is not None:
            return err
        used, cap = len(self.storage), self.capacity
        if s == "?":
            info.append(f'+CPMS: "SM",{used},{cap},"SM",{used},{cap},"SM",{used},{cap}')
        elif s == "=?":
            info.append('+CPMS: ("SM"),("SM"),("SM")')
        elif s == "=" and a and all(x.upper() in ("SM", "MT", "ME") for x in a if x):
            info.append("+CPMS: " + ",".join([f"{used},{cap}"] * 3))
        else:
            return "+CMS ERROR: 302"
        return "OK"

    def _at_cnmi(self, s: str, a: list[str], info: list[str]) -> str:
        if s == "?":
            info.append("+CNMI: " + ",".join(map(str, self._state.cnmi)))
        elif s == "=?":
            info.append("+CNMI: (0-2),(0-3),(0,2),(0-2),(0,1)")
        elif s == "=" and a and all(x.isdigit() or x == "" for x in a) and len(a) <= 5:
            values = list(self._state.cnmi)
            for i, x in enumerate(a):
                if x:
                    values[i] = int(x)
            self._state.cnmi = (values[0], values[1], values[2], values[3], values[4])
            if values[1] != 0 and self._unacked:
                self._after.append(self._send_unacked_again)
        else:
            return "+CMS ERROR: 302"
        return "OK"

    def _at_creg(self, s: str, a: list[str], info: list[str]) -> str:
        if s == "?":
            extra = f',"{self.lac}","{self.ci}"' if self._state.creg_n == 2 else ""
            info.append(f"+CREG: {self._state.creg_n},{self.registration}{extra}")
        elif s == "=?":
            info.append("+CREG: (0-2)")
        elif s == "=" and a and a[0] in ("0", "1", "2"):
            self._state.creg_n = int(a[0])
        else:
            return self._cme(4)
        return "OK"

    def _at_csq(self, s: str, a: list[str], info: list[str]) -> str:
        info.append(f"+CSQ: {self.rssi},99" if s != "=?" else "+CSQ: (0-31,99),(0-7,99)")
        return "OK"

    def _at_cops(self, s: str, a: list[str], info: list[str]) -> str:
        if s == "?":
            if self.registration in (1, 5):
                info.append(f'+COPS: 0,0,"{self.operator}",7')
            else:
                info.append("+COPS: 0")
        elif s == "=" and a:
            pass
        else:
            return self._cme(4)
        return "OK"

    def _at_csca(self, s: str, a: list[str], info: list[str]) -> str:
        if (err := self._sim_error()) is not None:
            return err
        if s == "?":
            toa = 145 if self.smsc.startswith("+") else 129
            info.append(f'+CSCA: "{self.smsc}",{toa}')
        elif s == "=" and a and a[0]:
            self.smsc = a[0]
        else:
            return "+CMS ERROR: 302"
        return "OK"

    def _at_cnma(self, s: str, a: list[str], info: list[str]) -> str:
        if s == "=?":
            info.append("+CNMA: (0-2)")
            return "OK"
        pending, self._pending = self._pending, None
        if pending is None or self._state.csms != 1:
            return "+CMS ERROR: 340"  # no +CNMA acknowledgement expected
        pending.timer.cancel()
        pending.acked = True
        self.cnma_acked.append(pending.pdu)
        pending.done.set()
        with self._cond:
            self._cond.notify_all()
        return "OK"

    def _at_cmgr(self, s: str, a: list[str], info: list[str]) -> str:
        if (err := self._sim_error()) is not None:
            return err
        if self._state.cmgf != 0:
            return "+CMS ERROR: 302"  # this modem only speaks PDU mode
        if s != "=" or not a or not a[0].isdigit():
            return "+CMS ERROR: 302"
        index = int(a[0])
        if not self.first_index <= index < self.first_index + self.capacity:
            return "+CMS ERROR: 321"
        entry = self.storage.get(index)
        if entry is None:
            return "+CMS ERROR: 321" if self.empty_read_error else "OK"
        info += [f"+CMGR: {entry.stat},,{tpdu_length(entry.pdu)}", entry.pdu]
        if entry.stat == 0:
            entry.stat = 1
        return "OK"

    def _at_cmgl(self, s: str, a: list[str], info: list[str]) -> str:
        if (err := self._sim_error()) is not None:
            return err
        if self._state.cmgf != 0:
            return "+CMS ERROR: 302"
        if s == "=?":
            info.append("+CMGL: (0-4)")
            return "OK"
        want = int(a[0]) if s == "=" and a and a[0].isdigit() else 0 if s == "" else -1
        if want not in range(5):
            return "+CMS ERROR: 302"
        for index in sorted(self.storage):
            entry = self.storage[index]
            if want in (4, entry.stat):
                info += [f"+CMGL: {index},{entry.stat},,{tpdu_length(entry.pdu)}", entry.pdu]
                if entry.stat == 0:
                    entry.stat = 1
        return "OK"

    def _at_cmgd(self, s: str, a: list[str], info: list[str]) -> str:
        if (err := self._sim_error()) is not None:
            return err
        if s == "=?":
            info.append(f"+CMGD: ({','.join(map(str, sorted(self.storage)))}),(0-4)")
            return "OK"
        if s != "=" or not a or not a[0].isdigit():
            return "+CMS ERROR: 302"
        index, flag = int(a[0]), int(a[1]) if len(a) > 1 and a[1].isdigit() else 0
        if flag == 0:
            if not self.first_index <= index < self.first_index + self.capacity:
                return "+CMS ERROR: 321"
            self.storage.pop(index, None)
            self._memory_available()
            return "OK"
        doomed = {1: {1}, 2: {1, 3}, 3: {1, 2, 3}, 4: {0, 1, 2, 3}}.get(flag)
        if doomed is None:
            return "+CMS ERROR: 302"
        for i in [i for i, e in self.storage.items() if e.stat in doomed]:
            del self.storage[i]
        self._memory_available()
        return "OK"

    def _memory_available(self) -> None:
        """A delete freed a slot: the modem tells the network (RP-SMMA), which sends again what
        it could not deliver for a full storage."""
        if self.rejected and self._free_index() is not None:
            self._after.append(self._send_rejected_again)

    def _send_rejected_again(self) -> None:
        again, self.rejected = self.rejected, []
        for pdu in again:
            self.redelivered.append(pdu)
            self.deliver(pdu, indication="auto")

    def _send_unacked_again(self) -> None:
        again, self._unacked = self._unacked, []
        for pdu in again:
            self.redelivered.append(pdu)
            self.deliver(pdu, indication="auto")

    # ----------------------------------------------------------------------- sending

    def _start_cmgs(self, arg: str) -> None:
        if (err := self._sim_error()) is not None:
            self._answer([], err)
            return
        if self._state.cmgf != 0 or not arg.strip().isdigit():
            self._answer([], "+CMS ERROR: 302")
            return
        length = int(arg.strip())
        if not 7 <= length <= 164:
            self._answer([], "+CMS ERROR: 304")
            return
        self._pdu_mode = length
        self._buf.clear()
        self._emit("\r\n> ")  # no line ending: a line reader hangs on it

    def _end_pdu(self, cancel: bool) -> None:
        length, self._pdu_mode = self._pdu_mode, None
        text = self._buf.decode("latin-1").strip().upper()
        self._buf.clear()
        if cancel or length is None:
            self._answer([], "OK")
            return
        at = time.monotonic()
        try:
            if re.fullmatch(r"[0-9A-F]*", text) is None or len(text) % 2:
                raise ValueError
            if tpdu_length(text) != length or bytes.fromhex(text)[1 + int(text[:2], 16)] & 3 != 1:
                raise ValueError
        except (ValueError, IndexError):
            self._record(Submitted(text, length, -1, at, 304))
            self._answer([], "+CMS ERROR: 304", self.send_delay)
            return
        if self._send_errors:
            code = self._send_errors.pop(0)
            self._record(Submitted(text, length, -1, at, code))
            self._answer([], f"+CMS ERROR: {code}", self.send_delay)
            return
        mr = self.next_mr
        self.next_mr = (mr + 1) & 0xFF
        self._record(Submitted(text, length, mr, at))
        self._answer([f"+CMGS: {mr}"], "OK", self.send_delay)

    def _record(self, sub: Submitted) -> None:
        with self._cond:
            self.submitted.append(sub)
            self._cond.notify_all()

    # ----------------------------------------------------------------------- helpers

    def stored(self) -> list[tuple[int, Stored]]:
        """The storage, by index."""
        with self._lock:
            return sorted(self.storage.items())


def _is_deliver(pdu_hex: str) -> bool:
    """Whether a PDU (SMSC field first) is an SMS-DELIVER (not a status report)."""
    try:
        data = bytes.fromhex(pdu_hex)
        return data[1 + data[0]] & 3 == 0
    except (ValueError, IndexError):
        return False


def _split_commands(body: str) -> list[str]:
    """``+CMGF=0;+CNMI=2,1`` → the commands of one line (``;`` outside quotes); basic commands
    run together (``E0V1``) are split too."""
    parts, current, quoted = [], "", False
    for c in body:
        if c == '"':
            quoted = not quoted
        if c == ";" and not quoted:
            parts.append(current.strip())
            current = ""
        else:
            current += c
    parts.append(current.strip())
    out: list[str] = []
    for p in parts:
        if re.fullmatch(r"(&?[A-Za-z]\d*)+", p):
            out += re.findall(r"&?[A-Za-z]\d*", p)
        else:
            out.append(p)
    return out


def _args(raw: str | None) -> list[str]:
    """``"SM","SM",1`` → ``["SM", "SM", "1"]`` (quotes removed, commas inside quotes kept)."""
    if raw is None:
        return []
    out, current, quoted = [], "", False
    for c in raw:
        if c == '"':
            quoted = not quoted
        elif c == "," and not quoted:
            out.append(current.strip())
            current = ""
        else:
            current += c
    out.append(current.strip())
    return out


@pytest.fixture
def modem(tmp_path: Path) -> Iterator[ModemEmulator]:
    """A started :class:`ModemEmulator` whose port is ``tmp_path / "ttyGSM0"`` (import it into a
    conftest.py to use it)."""
    with ModemEmulator(tmp_path) as emulator:
        yield emulator
