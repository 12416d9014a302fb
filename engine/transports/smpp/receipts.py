"""Own delivery receipts: recognise them, read them, and normalise the message ids they carry.

A deliver_sm is a receipt when ``(esm_class & 0x3C) == 0x04`` (SMSC delivery receipt) or
``0x20`` (intermediate notification); ``0x08``/``0x10`` are SME acknowledgements. None of them
is ever an inbound message: treating one as an MO and replying to it starts a storm.

The message id and state come from the ``receipted_message_id`` and ``message_state`` TLVs when
present, else from the conventional text ``id:… sub:… dlvrd:… submit date:… done date:…
stat:DELIVRD err:000 text:…``. SMSCs write the same id in hex in one place and in decimal in the
other, in either case, with leading zeros: ``normalize_id`` gives both the same form.

Reading is strict: a receipt whose id or state cannot be read (no id, an id that is not printable
ASCII, a ``stat`` that is not one of ``STATES``, garbled octets) is a ``BadReceipt`` and changes
no outbox row. A garbled ``stat:\xff\xff`` must not fail a message that was delivered, nor the
text ``id: stat:DELIVRD`` name a message ``stat:delivrd``. The fields are read before ``text:``
only (what follows is the message's own text).
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
    "BadReceipt",
    "Receipt",
    "is_receipt",
    "message_type",
    "normalize_id",
    "parse_receipt",
    "parse_receipt_text",
    "read_receipt",
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

_KEYS = r"id|sub|dlvrd|submit date|done date|stat|err"
# A key starts the text or follows a space; its value is never the next key (``id: stat:…``).
_FIELD = re.compile(
    rf"(?:(?<=\s)|^)(?P<key>{_KEYS})\s*:\s*(?!(?:{_KEYS}|text)\s*:)(?P<value>\S*)",
    re.IGNORECASE,
)
_TEXT = re.compile(r"(?:(?<=\s)|^)text\s*:", re.IGNORECASE)
_PRINTABLE_ID = re.compile(r"[\x21-\x39\x3b-\x7e]{1,65}")
"""An SMSC message id: up to 65 printable ASCII characters, no colon (SMPP 3.4 §5.2.23)."""
_PRINTABLE = re.compile(r"[\x21-\x7e]+")
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

    >>> parse_receipt_text("id:0A1 submit date:2406011200 stat:DELIVRD err:000 text:id:9")
    {'id': '0A1', 'submit date': '2406011200', 'stat': 'DELIVRD', 'err': '000'}
    """
    found: dict[str, str] = {}
    body = _TEXT.split(text, maxsplit=1)[0]
    for match in _FIELD.finditer(body):
        found.setdefault(match.group("key").lower(), match.group("value"))
    return found


class BadReceipt(ValueError):
    """A delivery receipt whose message id or state cannot be read: it changes nothing.

    ``kind`` says what is wrong in a few words (``no message id``, ``unknown stat``, …): the
    transport logs each kind once per interval, with a count.
    """

    def __init__(self, kind: str, detail: str) -> None:
        super().__init__(f"{kind}: {detail}")
        self.kind = kind


def parse_receipt(pdu: Pdu, text: str, id_base: str = "auto") -> Receipt | None:
    """Read a receipt deliver_sm (``read_receipt``); None when it cannot be read."""
    try:
        return read_receipt(pdu, text, id_base)
    except BadReceipt:
        return None


def read_receipt(pdu: Pdu, text: str, id_base: str = "auto") -> Receipt:
    """Read a receipt deliver_sm: TLVs first, then its text. Raises ``BadReceipt`` when the
    message id or the state is missing, garbled or unknown."""
    fields = parse_receipt_text(text)
    message_id = _message_id(pdu, fields, id_base)
    stat = _stat(pdu, fields)
    status = STATES[stat]
    error = fields.get("err")
    if error is not None and not _PRINTABLE.fullmatch(error):
        error = None  # a garbled error code says nothing; the state alone decides
    network = pdu.tlvs.get(TLV_NETWORK_ERROR_CODE)
    if (not error or not error.strip("0")) and network and len(network) == 3:
        code = int.from_bytes(network[1:], "big")
        if code:
            error = f"{network[0]}:{code}"
    if error is not None and not error.strip("0") and status == "delivered":
        error = None
    return Receipt(message_id, stat, status, error, status != "sent")


def _message_id(pdu: Pdu, fields: dict[str, str], id_base: str) -> str:
    tlv = tlv_text(pdu, TLV_RECEIPTED_MESSAGE_ID)
    raw = tlv if tlv and tlv.strip() else fields.get("id")
    if not raw or not raw.strip():
        raise BadReceipt("no message id", "neither receipted_message_id nor id: names one")
    if not _PRINTABLE_ID.fullmatch(raw.strip()):
        raise BadReceipt("garbled message id", f"{raw[:70]!r}")
    message_id = normalize_id(raw, id_base)
    assert message_id is not None  # not blank: checked above
    return message_id


def _stat(pdu: Pdu, fields: dict[str, str]) -> str:
    """The state word: from the message_state TLV when it holds a known one, else the text's."""
    state = tlv_int(pdu, TLV_MESSAGE_STATE)
    if state is not None and state in _MESSAGE_STATES:
        return _MESSAGE_STATES[state]
    word = fields.get("stat")
    if not word:
        detail = f"message_state {state}" if state is not None else "no stat: and no message_state"
        raise BadReceipt("no state", detail)
    if word.upper() not in STATES or not _PRINTABLE.fullmatch(word):
        raise BadReceipt("unknown stat", f"stat:{word[:20]!r}")
    return word.upper()
