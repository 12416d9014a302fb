"""Own the SMS PDU of GSM modems (TS 23.040 / 23.038): SMS-SUBMIT out, DELIVER and STATUS-REPORT in.

``encode_submit`` cuts a text with the one splitter (``split_parts``: the same cut as SMPP) and
makes one SMS-SUBMIT per part: GSM-7 packed after the UDH's fill bits, UCS-2, or 8-bit data;
TP-MR counts up per part and wraps at 255. ``decode`` reads whichever TPDU the TP-MTI says
(DELIVER, SUBMIT, STATUS-REPORT) into a dataclass; GSM-7 payloads stay unpacked septets, so that
a long message's parts are joined before decoding (``engine.sms.decode``). ``encode_deliver`` makes
what an SMSC sends, for the modem emulator and the tests. Anything malformed raises ``PduError``.
"""

from __future__ import annotations

import binascii
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from engine.sms.alphabet import pack_septets, unpack_septets
from engine.sms.pdu_fields import (
    PduCoding,
    PduError,
    Reader,
    coding_of,
    decode_validity,
    encode_address,
    encode_alphanumeric,
    encode_smsc,
    encode_timestamp,
    encode_validity,
    read_address,
    read_smsc,
    read_timestamp,
)
from engine.sms.split import Part, split_parts
from engine.sms.split import decode as decode_payload
from engine.sms.udh import Concat, parse_udh

__all__ = [
    "Deliver",
    "PduCoding",
    "PduError",
    "StatusReport",
    "Submit",
    "SubmitPdu",
    "decode",
    "encode_deliver",
    "encode_submit",
]

Outcome = Literal["delivered", "pending", "failed"]
_DCS: dict[PduCoding, int] = {"gsm7": 0x00, "8bit": 0x04, "ucs2": 0x08}


@dataclass(frozen=True, slots=True)
class SubmitPdu:
    """One SMS-SUBMIT as a modem takes it: ``AT+CMGS=<length>``, then ``hex`` and Ctrl-Z."""

    hex: str
    """The whole PDU, upper-case, SMSC part first (``00``: the modem's own SMSC)."""
    length: int
    """TPDU octets: the PDU without its SMSC part."""
    reference: int
    """TP-MR, 0–255: what the status report will carry."""


@dataclass(frozen=True, slots=True)
class _UserData:
    coding: PduCoding
    message_class: int | None
    udh: bytes
    """The whole header, its length octet first; empty without TP-UDHI."""
    concat: Concat | None
    payload: bytes
    """Unpacked septets (GSM-7) or octets: join a long message's payloads, then decode."""

    @property
    def text(self) -> str:
        """The payload decoded; 8-bit data reads as Latin-1 (its octets are ``payload``)."""
        return decode_payload(self.payload, "latin1" if self.coding == "8bit" else self.coding)


@dataclass(frozen=True, slots=True)
class Deliver(_UserData):
    """An SMS-DELIVER: a message from ``sender``."""

    smsc: str | None
    sender: str
    sender_ton: int
    """Type of number: 1 international (``+digits``), 5 alphanumeric, else digits."""
    pid: int
    dcs: int
    timestamp: datetime
    """TP-SCTS, in the zone the SMSC gave."""
    more_messages: bool

    @property
    def part_key(self) -> tuple[str, int, int] | None:
        """(sender, reference, total) for reassembly; None for a message of one part."""
        if self.concat is None:
            return None
        return self.sender, self.concat.reference, self.concat.total


@dataclass(frozen=True, slots=True)
class Submit(_UserData):
    """An SMS-SUBMIT: a message to ``recipient``."""

    smsc: str | None
    reference: int
    recipient: str
    pid: int
    dcs: int
    status_report: bool
    validity: timedelta | datetime | None
    """Relative (timedelta) or absolute (datetime); None when absent or enhanced."""


@dataclass(frozen=True, slots=True)
class StatusReport:
    """An SMS-STATUS-REPORT: what became of the SUBMIT with TP-MR ``reference``."""

    smsc: str | None
    reference: int
    recipient: str
    timestamp: datetime
    """TP-SCTS: when the SMSC took the message."""
    discharge: datetime
    """TP-DT: when it was delivered, or when the status last changed."""
    status: int

    @property
    def outcome(self) -> Outcome:
        """TS 23.040 §9.2.3.15: 0x00–0x1F completed, 0x20–0x3F still trying, the rest failed
        (0x40–0x7F errors the SMSC gave up on; 0x80–0xFF reserved, read as given up)."""
        if self.status <= 0x1F:
            return "delivered"
        if self.status <= 0x3F:
            return "pending"
        return "failed"


# --- encoding -----------------------------------------------------------------------------------


def encode_submit(
    recipient: str,
    text: str | bytes,
    *,
    smsc: str | None = None,
    reference: int = 0,
    concat_reference: int = 0,
    wide_reference: bool = False,
    status_report: bool = True,
    validity: timedelta | None = None,
    coding: PduCoding | None = None,
) -> list[SubmitPdu]:
    """One SMS-SUBMIT per part of ``text`` (``bytes`` with ``coding="8bit"``), TP-MR from
    ``reference`` up (mod 256). PduError for a bad number; ValueError from the splitter."""
    head = encode_smsc(smsc)
    address = encode_address(recipient)
    first = 0x01 | (0x20 if status_report else 0) | (0x10 if validity is not None else 0)
    vp = b"" if validity is None else bytes((encode_validity(validity),))
    pdus = []
    for index, part in enumerate(_parts(text, coding, concat_reference, wide_reference)):
        mr = (reference + index) & 0xFF
        udhi = 0x40 if part.udh else 0
        tpdu = bytes((first | udhi, mr)) + address + bytes((0, _DCS[_coding(part)])) + vp
        tpdu += _user_data(part)
        pdus.append(SubmitPdu((head + tpdu).hex().upper(), len(tpdu), mr))
    return pdus


def encode_deliver(
    sender: str,
    text: str | bytes,
    *,
    timestamp: datetime,
    smsc: str | None = None,
    concat_reference: int = 0,
    wide_reference: bool = False,
    coding: PduCoding | None = None,
    pid: int = 0,
) -> list[str]:
    """What an SMSC sends a modem (one hex PDU per part): ``sender`` is ``+digits``, digits, or
    text (alphanumeric, when it is not a number)."""
    number = sender.removeprefix("+")
    is_number = number.isdigit() and number.isascii()
    address = encode_address(sender) if is_number else encode_alphanumeric(sender)
    scts = encode_timestamp(timestamp)
    pdus = []
    for part in _parts(text, coding, concat_reference, wide_reference):
        first = 0x04 | (0x40 if part.udh else 0)  # TP-MMS set: no more messages waiting
        tpdu = bytes((first,)) + address + bytes((pid, _DCS[_coding(part)])) + scts
        pdus.append((encode_smsc(smsc) + tpdu + _user_data(part)).hex().upper())
    return pdus


def _parts(text: str | bytes, coding: PduCoding | None, ref: int, wide: bool) -> list[Part]:
    if isinstance(text, bytes) or coding == "8bit":
        if not isinstance(text, bytes):
            raise TypeError("8-bit data is bytes")
        if coding not in (None, "8bit"):
            raise ValueError(f"bytes are 8-bit data, not {coding}")
        # Latin-1 maps each octet to one character and back: the splitter's octet cut (140/134).
        octets = text.decode("latin-1")
        return split_parts(octets, coding="latin1", reference=ref, wide_reference=wide)
    return split_parts(text, coding=coding, reference=ref, wide_reference=wide)


def _coding(part: Part) -> PduCoding:
    return "8bit" if part.coding == "latin1" else part.coding


def _user_data(part: Part) -> bytes:
    """TP-UDL and TP-UD: for GSM-7 the length counts septets, the header's and fill bits' too."""
    if part.coding != "gsm7":
        return bytes((len(part.user_data),)) + part.user_data
    fill = -8 * len(part.udh) % 7
    header_septets = (8 * len(part.udh) + fill) // 7
    packed = pack_septets(part.payload, fill)
    return bytes((header_septets + len(part.payload),)) + part.udh + packed


# --- decoding -----------------------------------------------------------------------------------


def decode(hex: str, *, smsc: bool = True) -> Deliver | StatusReport | Submit:
    """Decode a PDU (``smsc=False`` when it has no SMSC part, as ``AT+CSDH`` may give it)."""
    try:
        data = binascii.unhexlify(hex.strip())
    except (binascii.Error, ValueError):
        raise PduError(f"not a hex PDU: {hex[:40]!r}") from None
    reader = Reader(data)
    center = read_smsc(reader) if smsc else None
    first = reader.octet("first octet")
    mti = first & 0x03
    if mti == 0x00:
        return _deliver(reader, first, center)
    if mti == 0x01:
        return _submit(reader, first, center)
    if mti == 0x02:
        return _status_report(reader, center)
    raise PduError(f"TP-MTI 3 is reserved (first octet {first:02X})")


def _deliver(reader: Reader, first: int, center: str | None) -> Deliver:
    sender, ton = read_address(reader, "sender (TP-OA)")
    pid = reader.octet("TP-PID")
    dcs = reader.octet("TP-DCS")
    timestamp = read_timestamp(reader, "TP-SCTS")
    user = _read_user_data(reader, dcs, udhi=bool(first & 0x40))
    return Deliver(
        user.coding, user.message_class, user.udh, user.concat, user.payload,
        center, sender, ton, pid, dcs, timestamp, more_messages=not first & 0x04,
    )  # fmt: skip


def _submit(reader: Reader, first: int, center: str | None) -> Submit:
    reference = reader.octet("TP-MR")
    recipient, _ = read_address(reader, "recipient (TP-DA)")
    pid = reader.octet("TP-PID")
    dcs = reader.octet("TP-DCS")
    vpf = (first >> 3) & 0x3
    validity: timedelta | datetime | None = None
    if vpf == 2:
        validity = decode_validity(reader.octet("TP-VP"))
    elif vpf == 3:
        validity = read_timestamp(reader, "TP-VP (absolute)")
    elif vpf == 1:
        reader.take(7, "TP-VP (enhanced)")
    user = _read_user_data(reader, dcs, udhi=bool(first & 0x40))
    return Submit(
        user.coding, user.message_class, user.udh, user.concat, user.payload,
        center, reference, recipient, pid, dcs, bool(first & 0x20), validity,
    )  # fmt: skip


def _status_report(reader: Reader, center: str | None) -> StatusReport:
    reference = reader.octet("TP-MR")
    recipient, _ = read_address(reader, "recipient (TP-RA)")
    timestamp = read_timestamp(reader, "TP-SCTS")
    discharge = read_timestamp(reader, "TP-DT")
    status = reader.octet("TP-ST")
    # TP-PI and what it announces may follow; nothing of it is needed here.
    return StatusReport(center, reference, recipient, timestamp, discharge, status)


def _read_user_data(reader: Reader, dcs: int, *, udhi: bool) -> _UserData:
    coding, message_class = coding_of(dcs)
    length = reader.octet("TP-UDL")
    septets = coding == "gsm7"
    if (length > 160) if septets else (length > 140):
        raise PduError(f"TP-UDL {length} is beyond what one SMS holds")
    data = reader.take((7 * length + 7) // 8 if septets else length, f"TP-UD (TP-UDL {length})")
    udh = b""
    concat = None
    if udhi:
        if not data or data[0] + 1 > len(data):
            udh_length = data[0] if data else 0
            raise PduError(f"UDH length {udh_length} is beyond the user data ({len(data)} octets)")
        udh = data[: data[0] + 1]
        concat, _ = parse_udh(data)
    if not septets:
        return _UserData(coding, message_class, udh, concat, data[len(udh) :])
    fill = -8 * len(udh) % 7
    header_septets = (8 * len(udh) + fill) // 7
    if header_septets > length:
        raise PduError(f"UDH of {len(udh)} octets is beyond TP-UDL {length} septets")
    payload = unpack_septets(data[len(udh) :], length - header_septets, fill)
    return _UserData(coding, message_class, udh, concat, payload)
