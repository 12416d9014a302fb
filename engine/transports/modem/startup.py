"""Own what the modem connector says to a modem before it is ready, and what it learns then.

``AT`` (after ``ATZ`` when the modem stopped answering: a reset is what brings most back),
``ATE0``, ``AT+CMEE=1``, the PIN (sent once, never with fewer than 3 tries left), PDU mode, the
storage, ``AT+CSMS=1`` (``+CMT``/``+CDS`` acknowledged with ``AT+CNMA``), ``AT+CNMI``, the
SMSC, the registration, the signal, the operator. A command a modem refuses is noted and the
start goes on where it can.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from engine.transports.modem.at import AtError, AtReply
from engine.transports.modem.settings import ModemSettings

__all__ = ["STORAGE_FULL", "ModemStatus", "Startup", "Storage", "registration", "storage_use"]

log = logging.getLogger(__name__)

STORAGE_FULL = "SIM storage full"
NOT_ANSWERING = "modem not answering"

Command = Callable[[str], Awaitable[AtReply]]


@dataclass(frozen=True, slots=True)
class Storage:
    """The message storage the connector reads (``AT+CPMS``): messages in it, and room for."""

    used: int
    total: int

    @property
    def full(self) -> bool:
        return self.total > 0 and self.used >= self.total

    def __str__(self) -> str:
        return f"{self.used}/{self.total}"


@dataclass
class ModemStatus:
    """What ``/health`` and ``twoway status`` show of the modem."""

    pin: str = "unknown"
    registration: str = "unknown"
    signal: int | None = None
    operator: str | None = None
    last_error: str | None = None
    storage: Storage | None = None
    """Messages in the storage the connector reads, and its capacity (``AT+CPMS``)."""
    notes: list[str] = field(default_factory=list)
    """Commands the modem refused at start, and what was done instead."""


class Startup:
    """The start-up sequence of one modem; ``pin_refused`` once the SIM must be left alone."""

    def __init__(self, name: str, settings: ModemSettings, status: ModemStatus, at: Command):
        self.name = name
        self.settings = settings
        self.status = status
        self._at = at
        self.pin_refused = False

    async def optional(self, command: str, note: str) -> AtReply | None:
        """A command some modems refuse: noted, and the start goes on."""
        try:
            return await self._at(command)
        except AtError as exc:
            if exc.kind in ("closed", "timeout"):
                raise
            self.note(f"{command} refused ({exc}); {note}")
            return None

    def note(self, text: str) -> None:
        """A refusal ``/health`` shows among the notes, logged once."""
        if text not in self.status.notes:
            self.status.notes.append(text)
            log.warning("modem %s: %s", self.name, text)

    async def run(self, *, reset: bool = False) -> None:
        self.status.notes.clear()
        if reset:
            await self.optional("ATZ", "not reset")
        await self._at("AT")
        await self._at("ATE0")
        await self.optional("AT+CMEE=1", "errors are plain ERROR")
        await self._pin()
        await self._at("AT+CMGF=0")
        await self._storage()
        await self.optional("AT+CSMS=1", "+CMT and +CDS are not acknowledged")
        if await self.optional("AT+CNMI=2,1,0,1,0", "new messages found by the sweep") is None:
            await self.optional("AT+CNMI=1,1,0,1,0", "new messages found by the sweep")
        if self.settings.smsc:
            await self.optional(f'AT+CSCA="{self.settings.smsc}",145', "the SIM's SMSC")
        reply = await self.optional("AT+CREG?", "registration unknown")
        if reply is not None and reply.lines:
            self.status.registration = registration(reply.lines[0].split(",")[-1])
        await self.signal()
        reply = await self.optional("AT+COPS?", "operator unknown")
        if reply is not None and reply.lines and '"' in reply.lines[0]:
            self.status.operator = reply.lines[0].split('"')[1]

    async def _storage(self) -> None:
        reply = await self.optional('AT+CPMS="SM","SM","SM"', "the modem's own storage")
        if reply is None:
            reply = await self.optional('AT+CPMS="ME","ME","ME"', "its default storage")
        if reply is not None:
            self.status.storage = storage_use(reply.lines)

    async def storage(self) -> Storage | None:
        """Messages stored and the capacity (``AT+CPMS?``), None when the modem cannot say."""
        reply = await self.optional("AT+CPMS?", "storage use unknown")
        self.status.storage = storage_use(reply.lines) if reply is not None else None
        return self.status.storage

    async def _pin(self) -> None:
        reply = await self.optional("AT+CPIN?", "the SIM is taken as ready")
        state = reply.lines[0].split(":", 1)[1].strip() if reply and reply.lines else "READY"
        self.status.pin = state
        if state == "READY":
            return
        if state != "SIM PIN" or not self.settings.pin or self.pin_refused:
            self.pin_refused = True
            raise AtError("cme", "AT+CPIN?", text=f"the SIM asks for {state}: set it up by hand")
        left = await self._pin_tries()
        if left is not None and left < 3:
            # A try was spent already (by an earlier run, or by hand): the PIN we have may be
            # the wrong one, and the SIM locks at the third failure. A person decides.
            self.pin_refused = True
            self.status.pin = f"SIM PIN ({left} tries left: not sent)"
            raise AtError("cme", "AT+CPIN", text=f"the SIM has {left} PIN tries left: not sent")
        try:
            await self._at(f'AT+CPIN="{self.settings.pin}"')
        except AtError as exc:
            if exc.kind in ("cme", "error"):
                self.pin_refused = True
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

    async def signal(self) -> None:
        reply = await self.optional("AT+CSQ", "signal unknown")
        if reply is not None and reply.lines:
            rssi = reply.lines[0].split(":", 1)[1].split(",")[0].strip()
            self.status.signal = int(rssi) if rssi.isdigit() and rssi != "99" else None


def storage_use(lines: tuple[str, ...]) -> Storage | None:
    """Use of the first storage of ``+CPMS: "SM",3,20,…`` or ``+CPMS: 3,20,…``."""
    for line in lines:
        if not line.startswith("+CPMS:"):
            continue
        numbers = [f.strip() for f in line.split(":", 1)[1].split(",") if f.strip().isdigit()]
        if len(numbers) >= 2:
            return Storage(int(numbers[0]), int(numbers[1]))
    return None


def registration(value: str) -> str:
    return {
        "0": "not registered",
        "1": "home",
        "2": "searching",
        "3": "denied",
        "4": "unknown",
        "5": "roaming",
    }.get(value.strip(), "unknown")
