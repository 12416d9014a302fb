"""Own the settings of an ``smpp`` connector (twoway.yaml) and the addressing they imply."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from engine.core.messages import Outgoing
from engine.errors import ConfigError, TransportError
from engine.i18n import msg

__all__ = [
    "DEFAULT_NPI",
    "DEFAULT_TON",
    "TEXT_LIMITS",
    "SmppSettings",
    "number_kind",
    "option_problems",
    "settings_from_options",
    "submit_addressing",
]

DEFAULT_TON = {"short_code": 3, "long_code": 1, "alphanumeric": 5, "national": 0}
DEFAULT_NPI = {"short_code": 0, "long_code": 1, "alphanumeric": 0, "national": 1}
_SHORT_CODE = re.compile(r"\d{3,8}")
TEXT_LIMITS = {"system_id": 15, "password": 8, "system_type": 12, "service_type": 5}
"""Characters SMPP 3.4 carries in these C-octet strings (16, 9, 13 and 6 octets with the NUL):
a longer one would be cut, and the SMSC refuse the bind."""


def number_kind(address: str) -> str:
    """Guess the kind of one of our numbers: ``+33…`` long code, ``36111`` short code, …"""
    if address.startswith("+") and address[1:].isdigit():
        return "long_code"
    if _SHORT_CODE.fullmatch(address):
        return "short_code"
    if address.isdigit():
        return "national"
    return "alphanumeric"


@dataclass(frozen=True)
class SmppSettings:
    """Everything an ``smpp`` connector of twoway.yaml can set (see docs/operations.md)."""

    host: str = "127.0.0.1"
    port: int = 2775
    system_id: str = ""
    password: str = ""
    system_type: str = ""
    bind: str = "transceiver"
    """``transceiver``, or ``transmitter+receiver`` for two binds."""
    window: int = 10
    enquire_link: float = 30.0
    response_timeout: float = 30.0
    tls: bool = False
    tls_verify: bool = True
    registered_delivery: int = 1
    data_coding: str = "gsm7"
    """``gsm7`` (GSM-7 when it fits, else UCS-2), ``latin1`` (Latin-1 before UCS-2) or ``ucs2``."""
    concat_reference: int = 8
    """Bits of the concatenation reference: 8 or 16."""
    service_type: str = ""
    source_ton: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_TON))
    source_npi: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_NPI))
    numbers: dict[str, str] = field(default_factory=dict)
    """Our numbers on this connector → their kind (short_code, long_code, alphanumeric)."""
    long_messages: str = "udh"
    """How a text longer than one SMS goes: ``udh`` (concatenated parts) or
    ``message_payload`` (one submit_sm, the whole text in the message_payload TLV)."""
    reassembly_timeout: float = 60.0
    mo_dedup_window: float = 60.0
    """Seconds: an MO identical to one received within this time is a re-delivery (a deliver_sm
    has no id to tell); 0 turns it off."""
    submit_id_base: str = "auto"
    receipt_id_base: str = "auto"
    bind_wait: float = 10.0
    """How long a send waits for the link to be bound before failing (transient)."""
    reconnect_min: float = 0.5
    reconnect_max: float = 30.0


def option_problems(options: Mapping[str, Any]) -> list[tuple[str, str, str]]:
    """What SMPP cannot carry among the options of an ``smpp`` connector (secrets read):
    ``(key, message, hint)`` for each. The one validation of both ``twoway check --config``
    (at the key, file:line:col) and ``twoway run`` (``settings_from_options``)."""
    problems: list[tuple[str, str, str]] = []
    for key, limit in TEXT_LIMITS.items():
        value = options.get(key)
        if not isinstance(value, str):
            continue
        what = msg("smpp.password") if key == "password" else msg("smpp.key", key=key, value=value)
        if not (value.isascii() and value.isprintable()):
            hint = msg("smpp.ascii.hint")
            problems.append((key, msg("smpp.ascii", what=what), hint))
        elif len(value) > limit:
            hint = msg("smpp.long.hint", what=key.replace("_", " "), limit=limit)
            problems.append((key, msg("smpp.long", what=what, limit=limit), hint))
    return problems


def settings_from_options(options: dict[str, Any], numbers: dict[str, str]) -> SmppSettings:
    """Build the settings of a twoway.yaml ``smpp`` connector (already schema-checked);
    ConfigError for what ``option_problems`` finds (``twoway check`` finds it first)."""
    problems = option_problems(options)
    if problems:
        raise ConfigError("; ".join(message for _, message, _ in problems))
    known = set(SmppSettings.__dataclass_fields__) - {"numbers", "source_ton", "source_npi"}
    values: dict[str, Any] = {key: value for key, value in options.items() if key in known}
    for key in ("source_ton", "source_npi"):
        defaults = DEFAULT_TON if key == "source_ton" else DEFAULT_NPI
        values[key] = {**defaults, **(options.get(key) or {})}
    return SmppSettings(**values, numbers=dict(numbers))


def submit_addressing(s: SmppSettings, message: Outgoing) -> dict[str, Any]:
    """Return the submit_sm fields that say who sends to whom (TON/NPI per number kind)."""
    sender = message.sender
    kind = s.numbers.get(sender) or number_kind(sender)
    source = sender[1:] if kind == "long_code" and sender.startswith("+") else sender
    recipient = message.recipient
    if recipient.startswith("+"):
        destination, dest_ton, dest_npi = recipient[1:], 1, 1
    elif recipient.isdigit():
        destination, dest_ton, dest_npi = recipient, 0, 1
    else:
        raise TransportError(f"cannot send to {recipient!r}: not a number", transient=False)
    try:
        source.encode("ascii")
    except UnicodeEncodeError as exc:
        raise TransportError(f"sender {sender!r} is not ASCII", transient=False) from exc
    return {
        "service_type": s.service_type,
        "source_addr_ton": s.source_ton.get(kind, DEFAULT_TON.get(kind, 0)),
        "source_addr_npi": s.source_npi.get(kind, DEFAULT_NPI.get(kind, 0)),
        "source_addr": source,
        "dest_addr_ton": dest_ton,
        "dest_addr_npi": dest_npi,
        "destination_addr": destination,
        "registered_delivery": s.registered_delivery,
    }
