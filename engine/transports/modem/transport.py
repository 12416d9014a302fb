"""Own the modem connector: a SIM's messages in and out through AT commands in PDU mode.

Inbound: ``+CMTI`` (or a sweep with ``AT+CMGL``, for an indication that was missed) → ``AT+CMGR``
→ the service commits the message → ``AT+CMGD``. The SIM keeps a message until it is committed,
so it is the store of the parts of a long message too, and a crash between the commit and the
delete finds it again at the next sweep: its id (sender, SC timestamp, reference, text) makes it a
duplicate, answered once. Outbound: ``AT+CMGS`` per part (the one splitter cuts the text), status
reports requested and matched by their message reference.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import hashlib
import logging
from collections.abc import Coroutine
from dataclasses import dataclass, field
from typing import Any

from engine.core.clock import Clock, SystemClock
from engine.core.messages import Inbound, Outgoing
from engine.errors import TransportError
from engine.logs import Repeated
from engine.sms import decode as decode_payload
from engine.sms.pdu import Deliver, PduError, StatusReport, decode, encode_submit
from engine.transports.base import TransportBase
from engine.transports.modem.at import AtError, AtPort, AtReply
from engine.transports.modem.settings import ModemSettings
from engine.types import InboundHandler, LinkStats, PartStore, ReceiptHandler

__all__ = ["ModemTransport"]

log = logging.getLogger(__name__)

PERMANENT_CMS = frozenset({1, 8, 10, 21, 27, 28, 29, 30, 50, 96, 97, 98, 99, 111, 127, 304, 305})
"""``+CMS ERROR`` codes that sending again will not cure (TS 27.005 §3.2.5, 24.011 E-2)."""

OUTCOMES = {"delivered": "delivered", "failed": "undeliverable", "pending": "sent"}
"""A status report's outcome → the outbox status it means."""


@dataclass(slots=True)
class _Parts:
    started: float
    pieces: dict[int, tuple[int, Deliver]] = field(default_factory=dict)
    """Part number → (SIM index, the part)."""


@dataclass
class ModemStatus:
    """What ``/health`` and ``twoway status`` show of the modem."""

    pin: str = "unknown"
    registration: str = "unknown"
    signal: int | None = None
    operator: str | None = None
    last_error: str | None = None
    notes: list[str] = field(default_factory=list)
    """Commands the modem refused at start, and what was done instead."""


class ModemTransport(TransportBase):
    def __init__(
        self,
        name: str,
        settings: ModemSettings,
        *,
        clock: Clock | None = None,
        port: AtPort | None = None,
    ) -> None:
        super().__init__(name)
        self.settings = settings
        self.clock: Clock = clock or SystemClock()
        self.status = ModemStatus()
        self._port = port or AtPort(
            settings.port, settings.baudrate, self._unsolicited, self._port_state
        )
        self._loop: asyncio.AbstractEventLoop | None = None
        self._ready = asyncio.Event()
        self._opened = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._reading: set[int] = set()
        self._groups: dict[tuple[str, int, int], _Parts] = {}
        self._connects = 0
        self._errors: dict[str, int] = {}
        """Problems by kind: ``link_lost`` (the port failed), ``timeout`` (no answer),
        ``send_failed`` (a ``+CMS ERROR`` on a send)."""
        self._pin_refused = False
        self._repeated = Repeated(log)

    # --- life cycle ----------------------------------------------------------------------------

    @property
    def state(self) -> str:
        if self._ready.is_set():
            return "up"
        return "connecting" if self.on_inbound is not None and not self._pin_refused else "down"

    @property
    def link_error(self) -> str | None:
        return self.status.last_error

    async def start(
        self,
        on_inbound: InboundHandler,
        on_receipt: ReceiptHandler | None = None,
        *,
        parts: PartStore | None = None,
    ) -> None:
        await super().start(on_inbound, on_receipt, parts=parts)
        self._loop = asyncio.get_running_loop()
        self._port.start()
        self._task = asyncio.create_task(self._supervise())

    async def aclose(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await asyncio.to_thread(self._port.stop)
        await super().aclose()

    def _count(self, kind: str) -> None:
        self._errors[kind] = self._errors.get(kind, 0) + 1

    def details(self) -> dict[str, Any]:
        """The modem as ``/health`` and ``twoway status`` show it (no secret: never the PIN)."""
        return {
            "port": self.settings.port,
            "number": self.settings.number,
            "pin": self.status.pin,
            "registration": self.status.registration,
            "signal": self.status.signal,
            "operator": self.status.operator,
            "notes": list(self.status.notes),
        }

    def link_stats(self) -> list[LinkStats]:
        return [
            LinkStats(
                self.settings.port,
                self._ready.is_set(),
                connects=self._connects,
                errors=dict(self._errors),
                signal=self.status.signal,
            )
        ]

    # --- the port's thread, handed over to the loop ---------------------------------------------

    def _port_state(self, up: bool, why: str | None) -> None:
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._on_port, up, why)

    def _unsolicited(self, line: str, pdu: str | None) -> None:
        if self._loop is None:
            return
        index = _index(line) if line.startswith("+CMTI:") else None
        if index is not None:
            # On the port's thread: the read is queued before the loop even hears of it (it
            # saves two hand-overs between threads per message).
            reading = self._port.command(f"AT+CMGR={index}", timeout=self.settings.command_timeout)
            self._loop.call_soon_threadsafe(self._read_started, index, reading)
            return
        self._loop.call_soon_threadsafe(self._on_unsolicited, line, pdu)

    def _read_started(self, index: int, reading: concurrent.futures.Future[AtReply]) -> None:
        self._spawn(self._read(index, reading))

    def _on_port(self, up: bool, why: str | None) -> None:
        if up:
            self._connects += 1
            self._opened.set()
            return
        if self._opened.is_set():
            self._count("link_lost")
        self._opened.clear()
        self._ready.clear()
        self.status.last_error = why
        self._repeated.warning("port", "modem %s: %s", self.name, why)

    def _on_unsolicited(self, line: str, pdu: str | None) -> None:
        if line.startswith("+CMTI:"):
            index = _index(line)
            if index is not None:
                self._spawn(self._read(index))
        elif line.startswith("+CDS:") and pdu:
            self._spawn(self._take_pdu(pdu, None))
        elif line.startswith("+CDSI:"):
            index = _index(line)
            if index is not None:
                self._spawn(self._read(index))
        elif line.startswith("+CMT:") and pdu:
            self._spawn(self._take_pdu(pdu, None, acknowledge=True))
        elif line.startswith("RING"):
            self._spawn(self._at("ATH"))
        elif line.startswith("+CREG:"):
            self.status.registration = _registration(line.split(":", 1)[1].split(",")[-1])

    def _spawn(self, work: Coroutine[Any, Any, object]) -> None:
        task = asyncio.ensure_future(work)
        task.add_done_callback(_log_failure)

    async def _at(
        self, command: str, *, timeout: float | None = None, pdu: str | None = None
    ) -> AtReply:
        future = self._port.command(
            command, timeout=timeout or self.settings.command_timeout, pdu=pdu
        )
        return await asyncio.wrap_future(future)

    # --- start-up --------------------------------------------------------------------------------

    async def _supervise(self) -> None:
        while True:
            await self._opened.wait()
            try:
                await self._initialise()
            except AtError as exc:
                self.status.last_error = str(exc)
                self._repeated.warning("init", "modem %s: cannot start: %s", self.name, exc)
                if self._pin_refused:
                    return  # a refused PIN is never sent again: three would lock the SIM
                await asyncio.sleep(2.0)
                continue
            self._ready.set()
            self.status.last_error = None
            self._repeated.clear("init")
            while self._ready.is_set():
                try:
                    await self._sweep()
                    await self._signal()
                except AtError as exc:
                    if exc.kind == "timeout":
                        self._count("timeout")
                    if exc.kind in ("closed", "timeout"):
                        self._ready.clear()
                        self.status.last_error = str(exc)
                        break
                await self._sleep_or_lost(self.settings.sweep)

    async def _sleep_or_lost(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._lost(), seconds)

    async def _lost(self) -> None:
        while self._opened.is_set():
            await asyncio.sleep(0.2)

    async def _optional(self, command: str, note: str) -> AtReply | None:
        """A command some modems refuse: noted, and the start goes on."""
        try:
            return await self._at(command)
        except AtError as exc:
            if exc.kind in ("closed", "timeout"):
                raise
            self.status.notes.append(f"{command} refused ({exc}); {note}")
            log.warning("modem %s: %s refused (%s); %s", self.name, command, exc, note)
            return None

    async def _initialise(self) -> None:
        self.status.notes.clear()
        await self._at("AT")
        await self._at("ATE0")
        await self._optional("AT+CMEE=1", "errors are plain ERROR")
        await self._pin()
        await self._at("AT+CMGF=0")
        if await self._optional('AT+CPMS="SM","SM","SM"', "the modem's own storage") is None:
            await self._optional('AT+CPMS="ME","ME","ME"', "its default storage")
        if await self._optional("AT+CNMI=2,1,0,1,0", "new messages found by the sweep") is None:
            await self._optional("AT+CNMI=1,1,0,1,0", "new messages found by the sweep")
        if self.settings.smsc:
            await self._optional(f'AT+CSCA="{self.settings.smsc}",145', "the SIM's SMSC")
        reply = await self._optional("AT+CREG?", "registration unknown")
        if reply is not None and reply.lines:
            self.status.registration = _registration(reply.lines[0].split(",")[-1])
        await self._signal()
        reply = await self._optional("AT+COPS?", "operator unknown")
        if reply is not None and reply.lines and '"' in reply.lines[0]:
            self.status.operator = reply.lines[0].split('"')[1]

    async def _pin(self) -> None:
        reply = await self._optional("AT+CPIN?", "the SIM is taken as ready")
        state = reply.lines[0].split(":", 1)[1].strip() if reply and reply.lines else "READY"
        self.status.pin = state
        if state == "READY":
            return
        if state != "SIM PIN" or not self.settings.pin or self._pin_refused:
            self._pin_refused = True
            raise AtError("cme", "AT+CPIN?", text=f"the SIM asks for {state}: set it up by hand")
        left = await self._pin_tries()
        if left is not None and left < 3:
            # A try was spent already (by an earlier run, or by hand): the PIN we have may be
            # the wrong one, and the SIM locks at the third failure. A person decides.
            self._pin_refused = True
            self.status.pin = f"SIM PIN ({left} tries left: not sent)"
            raise AtError("cme", "AT+CPIN", text=f"the SIM has {left} PIN tries left: not sent")
        try:
            await self._at(f'AT+CPIN="{self.settings.pin}"')
        except AtError as exc:
            if exc.kind in ("cme", "error"):
                self._pin_refused = True
                self.status.pin = "PIN refused"
                raise AtError("cme", "AT+CPIN", exc.code, "the SIM refused the PIN") from None
            raise
        self.status.pin = "READY"

    async def _pin_tries(self) -> int | None:
        """PIN tries left (``AT+CPINR``, 3GPP 27.007), or None when the modem cannot say."""
        try:
            reply = await self._at('AT+CPINR="SIM PIN"')
        except AtError as exc:
            if exc.kind in ("closed", "timeout"):
                raise
            return None
        for line in reply.lines:
            fields = line.split(":", 1)[-1].split(",")
            if len(fields) >= 2 and fields[1].strip().isdigit():
                return int(fields[1].strip())
        return None

    async def _signal(self) -> None:
        reply = await self._optional("AT+CSQ", "signal unknown")
        if reply is not None and reply.lines:
            rssi = reply.lines[0].split(":", 1)[1].split(",")[0].strip()
            self.status.signal = int(rssi) if rssi.isdigit() and rssi != "99" else None

    # --- inbound ---------------------------------------------------------------------------------

    async def _sweep(self) -> None:
        reply = await self._at("AT+CMGL=4")
        lines = list(reply.lines)
        for header, pdu in zip(lines[::2], lines[1::2], strict=False):
            index = _index(header)
            if index is not None and index not in self._reading:
                await self._take_pdu(pdu, index)
        await self._expire_parts()

    async def _read(
        self, index: int, reading: concurrent.futures.Future[AtReply] | None = None
    ) -> None:
        if index in self._reading:
            return
        self._reading.add(index)
        try:
            if reading is not None:
                reply = await asyncio.wrap_future(reading)
            else:
                reply = await self._at(f"AT+CMGR={index}")
            if len(reply.lines) >= 2:
                await self._take_pdu(reply.lines[1], index)
        finally:
            self._reading.discard(index)

    async def _take_pdu(self, pdu: str, index: int | None, *, acknowledge: bool = False) -> None:
        try:
            found = decode(pdu)
        except PduError as exc:
            log.warning(
                "modem %s: an unreadable PDU at index %s is deleted: %s", self.name, index, exc
            )
            if index is not None:
                await self._delete([index])
            return
        if isinstance(found, StatusReport):
            await self._report(found)
            if index is not None:
                await self._delete([index])
            return
        if not isinstance(found, Deliver):
            if index is not None:
                await self._delete([index])
            return
        key = found.part_key
        if key is None or found.concat is None:
            await self._commit([found], [index] if index is not None else [])
        else:
            group = self._groups.setdefault(key, _Parts(self.clock.monotonic()))
            group.pieces[found.concat.number] = (index if index is not None else -1, found)
            if len(group.pieces) == found.concat.total:
                del self._groups[key]
                ordered = [group.pieces[n] for n in sorted(group.pieces)]
                await self._commit([p for _, p in ordered], [i for i, _ in ordered if i >= 0])
        if acknowledge:
            with contextlib.suppress(AtError):
                await self._at("AT+CNMA")

    async def _expire_parts(self) -> None:
        now = self.clock.monotonic()
        for key, group in list(self._groups.items()):
            if now - group.started >= self.settings.reassembly_timeout:
                del self._groups[key]
                ordered = [group.pieces[n] for n in sorted(group.pieces)]
                await self._commit([p for _, p in ordered], [i for i, _ in ordered if i >= 0])

    async def _commit(self, parts: list[Deliver], indexes: list[int]) -> None:
        first = parts[0]
        if len(parts) == 1:
            text = first.text
        else:  # join septets or octets first: a character may straddle two parts
            coding = "latin1" if first.coding == "8bit" else first.coding
            text = decode_payload(b"".join(p.payload for p in parts), coding)
        stamp = first.timestamp.isoformat()
        ref = f"{first.concat.reference}/{first.concat.total}" if first.concat else "-"
        digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]
        message = Inbound(
            sender=first.sender,
            recipient=self.settings.number,
            text=text,
            received_at=self.clock.now(),
            transport=self.name,
            external_id=f"{first.sender}|{stamp}|{ref}|{digest}",
        )
        assert self.on_inbound is not None
        await self.on_inbound(message)  # committed (or recognised as a re-delivery) when it returns
        await self._delete(indexes)

    async def _delete(self, indexes: list[int]) -> None:
        for index in indexes:
            try:
                await self._at(f"AT+CMGD={index}")
            except AtError as exc:
                if exc.kind in ("closed", "timeout"):
                    raise
                log.warning("modem %s: AT+CMGD=%d refused: %s", self.name, index, exc)

    async def _report(self, report: StatusReport) -> None:
        if self.on_receipt is None:
            return
        # The store applies it to the latest message sent to that recipient with that reference
        # (references wrap at 255): it survives a restart between the send and the report.
        external = _external(report.recipient, report.reference)
        error = None if report.outcome == "delivered" else f"{report.status:02X}"
        await self.on_receipt([(external, OUTCOMES[report.outcome], error)])

    # --- outbound --------------------------------------------------------------------------------

    async def send(self, message: Outgoing, reference: int) -> str | None:
        if not self._ready.is_set():
            raise TransportError(
                f"modem {self.name} is not ready: {self.status.last_error or 'starting'}",
                transient=True,
            )
        try:
            pdus = encode_submit(
                message.recipient,
                message.text,
                concat_reference=reference & 0xFF,
                status_report=True,
            )
        except ValueError as exc:
            raise TransportError(f"cannot encode the message: {exc}", transient=False) from exc
        references: list[int] = []
        for pdu in pdus:
            try:
                reply = await self._at(
                    f"AT+CMGS={pdu.length}", pdu=pdu.hex, timeout=self.settings.send_timeout
                )
            except AtError as exc:
                self._count("timeout" if exc.kind == "timeout" else "send_failed")
                permanent = exc.kind == "cms" and exc.code in PERMANENT_CMS
                raise TransportError(f"modem {self.name}: {exc}", transient=not permanent) from exc
            line = next((x for x in reply.lines if x.startswith("+CMGS:")), "")
            mr = line.split(":", 1)[1].strip() if line else ""
            if mr.isdigit():
                references.append(int(mr))
        # A long message is matched by its last part's reference.
        return _external(message.recipient, references[-1]) if references else None


def _external(recipient: str, reference: int) -> str:
    """The provider id of a sent message: its recipient and TP-MR (what a status report says)."""
    return f"{recipient}#{reference}"


def _index(line: str) -> int | None:
    """The storage index of ``+CMTI: "SM",3`` or ``+CMGL: 3,0,,24``."""
    body = line.split(":", 1)[1] if ":" in line else ""
    fields = [f.strip().strip('"') for f in body.split(",")]
    for value in (fields[-1], fields[0]) if line.startswith(("+CMTI", "+CDSI")) else (fields[0],):
        if value.isdigit():
            return int(value)
    return None


def _registration(value: str) -> str:
    return {
        "0": "not registered",
        "1": "home",
        "2": "searching",
        "3": "denied",
        "4": "unknown",
        "5": "roaming",
    }.get(value.strip(), "unknown")


def _log_failure(task: asyncio.Future[object]) -> None:
    if task.cancelled():
        return
    exc = task.exception()
    if exc is not None and not isinstance(exc, AtError):
        log.error("modem work failed", exc_info=exc)
