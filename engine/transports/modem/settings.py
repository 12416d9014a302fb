"""Own the modem connector's keys of twoway.yaml: the port, its speed, the SIM's PIN and SMSC."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["ModemSettings", "modem_settings"]


@dataclass(frozen=True, slots=True)
class ModemSettings:
    port: str
    """Any pyserial URL: ``/dev/serial/by-id/…``, ``/dev/ttyUSB0``, ``socket://host:port``."""
    number: str
    """The SIM's own number (the ``numbers`` entry whose connector is this modem): MOs read
    from the modem are addressed to it."""
    baudrate: int = 115_200
    pin: str | None = None
    smsc: str | None = None
    """The SMSC address, when the SIM has none (``AT+CSCA``)."""
    command_timeout: float = 10.0
    send_timeout: float = 60.0
    """``AT+CMGS`` waits for the network: a minute, as modems allow."""
    sweep: float = 30.0
    """Seconds between two ``AT+CMGL`` sweeps of the SIM, for a missed indication."""
    reassembly_timeout: float = 60.0


def modem_settings(options: Mapping[str, Any], number: str) -> ModemSettings:
    """The settings of a ``type: modem`` connector's ``options`` (checked by the schema)."""
    return ModemSettings(
        port=str(options["port"]),
        number=number,
        baudrate=int(options.get("baudrate", 115_200)),
        pin=str(options["pin"]) if options.get("pin") not in (None, "") else None,
        smsc=str(options["smsc"]) if options.get("smsc") else None,
    )
