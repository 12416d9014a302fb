"""Own the modem connector: a SIM's messages in and out through AT commands in PDU mode.

Inbound: ``+CMTI`` (or a sweep with ``AT+CMGL``, for an indication that was missed) → ``AT+CMGR``
→ the service commits the message → ``AT+CMGD``. The SIM keeps a message until it is committed,
so it is the store of the parts of a long message too, and a crash between the commit and the
delete finds it again at the next sweep: its id (sender, SC timestamp, reference, text) makes it a
duplicate, answered once. A message handed over directly (``+CMT``) is committed (a part: held in
the store) and then acknowledged with ``AT+CNMA``; without it the network sends it again, which
the same id recognises. A full storage (``AT+CPMS``, ``+CMS ERROR: 322``, ``^SMMEMFULL``) is swept
at once. A command left unanswered resets the modem (``ATZ``) and starts it again. Outbound:
``AT+CMGS`` per part (the one splitter cuts the text), status reports requested and matched by
their message reference; a message in parts is delivered once every part's report says so.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import hashlib
import logging
from collections.abc import Coroutine
from typing import Any

from engine.core.clock import Clock, SystemClock, wait_set
from engine.core.messages import Inbound, Outgoing, ProviderId, SentParts
from engine.errors import TransportError
from engine.logs import Repeated
from engine.sms import decode as decode_payload
from engine.sms.pdu import Deliver, PduError, StatusReport, decode, encode_submit
from engine.transports.base import TransportBase
from engine.transports.modem.at import MEMORY_FULL, AtError, AtPort, AtReply
from engine.transports.modem.parts import Group, Piece, Reassembly
from engine.transports.modem.settings import ModemSettings
from engine.transports.modem.startup import (
    NOT_ANSWERING,
    STORAGE_FULL,
    ModemStatus,
    Startup,
    registration,
)
from engine.types import InboundHandler, LinkStats, PartStore, ReceiptHandler

__all__ = ["ModemTransport"]

log = logging.getLogger(__name__)

PERMANENT_CMS = frozenset({1, 8, 10, 21, 27, 28, 29, 30, 50, 96, 97, 98, 99, 111, 127, 304, 305})
"""``+CMS ERROR`` codes that sending again will not cure (TS 27.005 §3.2.5, 24.011 E-2)."""


OUTCOMES = {"delivered": "delivered", "failed": "undeliverable", "pending": "sent"}
"""A status report's outcome → the outbox status it means."""


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
        self._startup = Startup(name, settings, self.status, self._at)
        self._parts = Reassembly(name, self.clock, settings.reassembly_timeout)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._ready = asyncio.Event()
        self._opened = asyncio.Event()
        self._wake = asyncio.Event()
        """Sweep now: the port was lost, the modem stopped answering, or its storage is full."""
        self._task: asyncio.Task[None] | None = None
        self._reading: set[int] = set()
        self._connects = 0
        self._errors: dict[str, int] = {}
        """Problems by kind: ``link_lost`` (the port failed), ``timeout`` (no answer),
        ``send_failed`` (a ``+CMS ERROR`` on a send)."""
        self._reset = False
        """The modem stopped answering: ``ATZ`` before it is started again."""
        self._storage_full = False
        self._cnma_refused = False
        self._repeated = Repeated(log)

    # --- life cycle ----------------------------------------------------------------------------

    @property
    def state(self) -> str:
        if self._ready.is_set():
            return "up"
        refused = self._startup.pin_refused
        return "connecting" if self.on_inbound is not None and not refused else "down"

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
        storage = self.status.storage
        return {
            "port": self.settings.port,
            "number": self.settings.number,
            "pin": self.status.pin,
            "registration": self.status.registration,
            "signal": self.status.signal,
            "operator": self.status.operator,
            "storage": str(storage) if storage else None,
            "last_error": self.status.last_error,
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
        self._wake.set()
        self.status.last_error = why
        self._repeated.warning("port", "modem %s: %s", self.name, why)

    def _on_unsolicited(self, line: str, pdu: str | None) -> None:
        if line.startswith(("+CMTI:", "+CDSI:")):
            index = _index(line)
            if index is not None:
                self._spawn(self._read(index))
        elif line.startswith(("+CMT:", "+CDS:")) and pdu:
            self._spawn(self._handed_over(pdu))
        elif line.startswith("RING"):
            self._spawn(self._at("ATH"))
        elif line.startswith("+CREG:"):
            self.status.registration = registration(line.split(":", 1)[1].split(",")[-1])
        elif _storage_full(line):
            self._full(line)

    def _spawn(self, work: Coroutine[Any, Any, object]) -> None:
        task = asyncio.ensure_future(work)
        task.add_done_callback(_log_failure)

    async def _at(
        self, command: str, *, timeout: float | None = None, pdu: str | None = None
    ) -> AtReply:
        future = self._port.command(
            command, timeout=timeout or self.settings.command_timeout, pdu=pdu
        )
        try:
            return await asyncio.wrap_future(future)
        except AtError as exc:
            if exc.kind == "timeout":
                self._not_answering(exc)
            elif exc.kind == "cms" and exc.code == MEMORY_FULL:
                self._full(str(exc))
            raise

    # --- supervision -----------------------------------------------------------------------------

    async def _restore(self) -> None:
        """Take back the parts handed over directly and held when the connector stopped."""
        if self.parts is None:
            return
        try:
            for group in await self._parts.restore(self.parts):
                await self._commit(group)  # its last part was held, not the message
        except Exception:  # the parts stay held; the next start tries again
            log.exception("modem %s: the parts held before the restart", self.name)

    async def _supervise(self) -> None:
        await self._restore()
        while True:
            await self._opened.wait()
            try:
                await self._startup.run(reset=self._reset)
            except AtError as exc:
                if exc.kind != "timeout":  # a time-out says "modem not answering" already
                    self.status.last_error = str(exc)
                self._repeated.warning("init", "modem %s: cannot start: %s", self.name, exc)
                if self._startup.pin_refused:
                    return  # a refused PIN is never sent again: three would lock the SIM
                await asyncio.sleep(2.0)
                continue
            self._reset = False
            self._ready.set()
            self.status.last_error = None
            if self._repeated.clear("init") or "answer" in self._repeated:
                log.info("modem %s: started again", self.name)
            self._repeated.clear("answer")
            if self.status.storage is not None and self.status.storage.full:
                self._full(f"AT+CPMS: {self.status.storage} used")
            await self._watch()

    async def _watch(self) -> None:
        """Sweep the storage every ``sweep`` seconds, or at once when woken, while ready."""
        while self._ready.is_set():
            self._wake.clear()
            try:
                await self._sweep()
                await self._check_storage()
                await self._startup.signal()
            except AtError as exc:
                if exc.kind == "closed":
                    self._ready.clear()
                    self.status.last_error = str(exc)
                    return
            if self._ready.is_set():
                await wait_set(self._wake, self.settings.sweep)

    def _not_answering(self, exc: AtError) -> None:
        """A command went unanswered: the modem is reset and started again."""
        self._count("timeout")
        self._reset = True
        self._ready.clear()
        self._wake.set()
        self.status.last_error = f"{NOT_ANSWERING} ({exc})"
        self._repeated.warning("answer", "modem %s: %s; resetting it (ATZ)", self.name, exc)

    def _full(self, why: str) -> None:
        """The storage is full: swept at once; the link's last error says so until it is not."""
        if not self._storage_full:
            log.warning("modem %s: %s (%s): sweeping it", self.name, STORAGE_FULL, why)
        self._storage_full = True
        if self.status.last_error is None:
            self.status.last_error = STORAGE_FULL
        self._wake.set()

    async def _check_storage(self) -> None:
        use = await self._startup.storage()
        if use is not None and use.full:
            self._full(f"AT+CPMS: {use} used")
        elif self._storage_full and use is not None:
            self._storage_full = False
            if self.status.last_error == STORAGE_FULL:
                self.status.last_error = None
            log.info("modem %s: storage freed (%s used)", self.name, use)

    # --- inbound ---------------------------------------------------------------------------------

    async def _sweep(self) -> None:
        reply = await self._at("AT+CMGL=4")
        lines = list(reply.lines)
        for header, pdu in zip(lines[::2], lines[1::2], strict=False):
            index = _index(header)
            if index is not None and index not in self._reading:
                await self._take_pdu(pdu, index)
        for group in self._parts.expired():
            await self._commit(group)

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

    async def _handed_over(self, pdu: str) -> None:
        """A ``+CMT`` or ``+CDS``: committed, then acknowledged (``AT+CNMA``)."""
        await self._take_pdu(pdu, None)
        try:
            await self._at("AT+CNMA")
        except AtError as exc:
            if exc.kind in ("closed", "timeout"):
                raise
            if not self._cnma_refused:  # the modem wants none (+CSMS: 0): said once
                self._cnma_refused = True
                self._startup.note(f"AT+CNMA refused ({exc}); messages are not acknowledged")

    async def _take_pdu(self, pdu: str, index: int | None) -> None:
        """A PDU read at ``index`` (None: handed over directly): committed, then deleted."""
        try:
            found = decode(pdu)
        except PduError as exc:
            log.warning(
                "modem %s: an unreadable PDU at index %s is deleted: %s", self.name, index, exc
            )
            found = None
        if isinstance(found, Deliver):
            await self._take_deliver(Piece(index, pdu.upper(), found))
            return
        if isinstance(found, StatusReport):
            await self._report(found)
        if index is not None:
            await self._delete([index])

    async def _take_deliver(self, piece: Piece) -> None:
        key = piece.deliver.part_key
        if key is None or piece.deliver.concat is None:
            await self._commit(Group(("", 0, 1), 0.0, {1: piece}))
            return
        if piece.index is None:
            if self._parts.again(piece):
                return  # its message is committed: the acknowledgement was lost
            if self.parts is not None:
                await self._parts.hold(self.parts, piece)  # then it may be acknowledged
        group = self._parts.add(piece)
        if group is not None:
            await self._commit(group)

    async def _commit(self, group: Group) -> None:
        pieces = group.ordered()
        parts = [p.deliver for p in pieces]
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
            parts=group.name if first.concat and group.held and self.parts else None,
        )
        assert self.on_inbound is not None
        await self.on_inbound(message)  # committed (or recognised as a re-delivery) when it returns
        if first.concat is not None:
            self._parts.committed(group)
        await self._delete([p.index for p in pieces if p.index is not None])

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

    async def send(self, message: Outgoing, reference: int) -> ProviderId | None:
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
                if exc.kind != "timeout":
                    self._count("send_failed")
                permanent = exc.kind == "cms" and exc.code in PERMANENT_CMS
                raise TransportError(f"modem {self.name}: {exc}", transient=not permanent) from exc
            line = next((x for x in reply.lines if x.startswith("+CMGS:")), "")
            mr = line.split(":", 1)[1].strip() if line else ""
            if mr.isdigit():
                references.append(int(mr))
        ids = tuple(_external(message.recipient, mr) for mr in references)
        if len(ids) > 1:  # a report per part: delivered once every part is
            return SentParts(ids)
        return ids[0] if ids else None


def _external(recipient: str, reference: int) -> str:
    """The provider id of a sent message: its recipient and TP-MR (what a status report says)."""
    return f"{recipient}#{reference}"


def _storage_full(line: str) -> bool:
    """``+CMS ERROR: 322`` said by itself, Huawei's ``^SMMEMFULL``, ``+CIEV: "MESSAGE",1`` or
    ``+CIEV: "SMSFULL",1`` (the indicators some modems report)."""
    upper = line.upper()
    if upper.startswith("+CMS ERROR:"):
        return upper.split(":", 1)[1].strip() == str(MEMORY_FULL)
    if upper.startswith("^SMMEMFULL"):
        return True
    if upper.startswith("+CIEV:"):
        fields = [f.strip().strip('"') for f in upper.split(":", 1)[1].split(",")]
        return len(fields) >= 2 and fields[0] in ("MESSAGE", "SMSFULL") and fields[1] == "1"
    return False


def _index(line: str) -> int | None:
    """The storage index of ``+CMTI: "SM",3`` or ``+CMGL: 3,0,,24``."""
    body = line.split(":", 1)[1] if ":" in line else ""
    fields = [f.strip().strip('"') for f in body.split(",")]
    for value in (fields[-1], fields[0]) if line.startswith(("+CMTI", "+CDSI")) else (fields[0],):
        if value.isdigit():
            return int(value)
    return None


def _log_failure(task: asyncio.Future[object]) -> None:
    if task.cancelled():
        return
    exc = task.exception()
    if exc is not None and not isinstance(exc, AtError):
        log.error("modem work failed", exc_info=exc)
