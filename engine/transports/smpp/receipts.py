"""Own delivery receipts: recognise them, read them, and normalise the message ids they carry.

A deliver_sm is a receipt when ``(esm_class & 0x3C) == 0x04`` (SMSC delivery receipt) or
``0x20`` (intermediate notification); ``0x08``/``0x10`` are SME acknowledgements. None of them
is ever an inbound message: treating one as an MO and replying to it starts a storm.

The message id and state come from the ``receipted_message_id`` and ``message_state`` TLVs when
present, else from the conventional text ``id:… sub:… dlvrd:… submit date:… done date:…
stat:DELIVRD err:000 text:…``. SMSCs write the same id in hex in one place and in decimal in the
other, in either case, with leading zeros: ``normalize_id`` gives both the same form.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from engine.transports.smpp.pdu import (
    TLV_MESSAGE_STATE,
    TLV_NETWORK_ERROR_CODE,
    TLV_RECEIPTED_MESSAGE_ID,
    Pdu,
    tlv_int,
    tlv_text,
)

__all__ = [
    "FINAL",
    "STATES",
    "Receipt",
    "is_receipt",
    "message_type",
    "normalize_id",
    "parse_receipt",
    "parse_receipt_text",
]

# stat word (receipt text) → outbox status. ``sent`` means "not final yet": nothing changes.
STATES: dict[str, str] = {
    "DELIVRD": "delivered",
    "DELIVERED": "delivered",
    "EXPIRED": "expired",
    "DELETED": "failed",
    "UNDELIV": "undeliverable",
    "UNDELIVERABLE": "undeliverable",
    "ACCEPTD": "sent",
    "ACCEPTED": "sent",
    "ENROUTE": "sent",
    "UNKNOWN": "failed",
    "REJECTD": "rejected",
    "REJECTED": "rejected",
    "SKIPPED": "failed",
}
FINAL = frozenset(status for status in STATES.values() if status != "sent")

# message_state TLV values (SMPP 3.4 §5.2.28) → stat word.
_MESSAGE_STATES = {
    1: "ENROUTE",
    2: "DELIVRD",
    3: "EXPIRED",
    4: "DELETED",
    5: "UNDELIV",
    6: "ACCEPTD",
    7: "UNKNOWN",
    8: "REJECTD",
    9: "SKIPPED",
}

_FIELD = re.compile(
    r"(?P<key>id|sub|dlvrd|submit date|done date|stat|err)\s*:\s*(?P<value>\S*)",
    re.IGNORECASE,
)
_HEX = re.compile(r"[0-9a-f]+")
_DEC = re.compile(r"[0-9]+")


def message_type(esm_class: int) -> int:
    """Return the message-type bits of ``esm_class`` (0 for an ordinary MO)."""
    return esm_class & 0x3C


def is_receipt(esm_class: int) -> bool:
    """Return True for a delivery receipt or an intermediate delivery notification."""
    return message_type(esm_class) in (0x04, 0x20)


def normalize_id(raw: str | bytes | None, base: str = "auto") -> str | None:
    """Return the canonical form of an SMSC message id, for correlating receipts.

    ``base`` says how the id is written: ``hex``, ``decimal``, or ``auto`` (hex when it has a
    letter a–f and only hex digits, decimal when only digits). Numeric ids become decimal
    without leading zeros, so ``00FF``, ``ff`` (hex) and ``255`` meet; other ids are trimmed
    and lower-cased.

    >>> normalize_id("00A1B2", "auto"), normalize_id("41394", "auto")
    ('41394', '41394')
    >>> normalize_id("0042", "hex"), normalize_id(" Msg-7 ")
    ('66', 'msg-7')
    """
    if raw is None:
        return None
    text = raw.decode("latin-1") if isinstance(raw, bytes) else raw
    text = text.strip().strip("\x00").strip().lower()
    if not text:
        return None
    if base == "hex" and _HEX.fullmatch(text):
        return str(int(text, 16))
    if base == "decimal" and _DEC.fullmatch(text):
        return str(int(text))
    if base == "auto":
        if _DEC.fullmatch(text):
            return str(int(text))
        if _HEX.fullmatch(text):
            return str(int(text, 16))
    return text


@dataclass(frozen=True, slots=True)
class Receipt:
    """What a delivery receipt says about one submitted message."""

    message_id: str
    """Normalised (see ``normalize_id``)."""
    stat: str
    """The SMSC's word: DELIVRD, UNDELIV, …"""
    status: str
    """The outbox status it means: delivered, undeliverable, …; ``sent`` when not final."""
    error: str | None = None
    final: bool = True


def parse_receipt_text(text: str) -> dict[str, str]:
    """Return the ``key: value`` fields of a receipt text, keys lower-cased.

    >>> parse_receipt_text("id:0A1 submit date:2406011200 stat:DELIVRD err:000")
    {'id': '0A1', 'submit date': '2406011200', 'stat': 'DELIVRD', 'err': '000'}
    """
    found: dict[str, str] = {}
    for match in _FIELD.finditer(text):
        found.setdefault(match.group("key").lower(), match.group("value"))
    return found


def parse_receipt(pdu: Pdu, text: str, id_base: str = "auto") -> Receipt | None:
    """Read a receipt deliver_sm (TLVs first, then its text); None if it names no message."""
    fields = parse_receipt_text(text)
    raw_id = tlv_text(pdu, TLV_RECEIPTED_MESSAGE_ID) or fields.get("id")
    message_id = normalize_id(raw_id, id_base)
    if message_id is None:
        return None
    state = tlv_int(pdu, TLV_MESSAGE_STATE)
    stat = _MESSAGE_STATES.get(state, "") if state is not None else ""
    stat = stat or fields.get("stat", "").upper() or "UNKNOWN"
    status = STATES.get(stat, "failed")
    error = fields.get("err")
    network = pdu.tlvs.get(TLV_NETWORK_ERROR_CODE)
    if (not error or not error.strip("0")) and network and len(network) == 3:
        code = int.from_bytes(network[1:], "big")
        if code:
            error = f"{network[0]}:{code}"
    if error is not None and not error.strip("0") and status == "delivered":
        error = None
    return Receipt(message_id, stat, status, error, status != "sent")
