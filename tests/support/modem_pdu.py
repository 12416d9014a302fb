"""A minimal, independent builder of 3GPP 23.040 PDUs for the modem emulator's scripts.

It builds what a modem hands to its host (SMS-DELIVER, SMS-STATUS-REPORT) and what a host sends
(SMS-SUBMIT, for the emulator's own tests), as hex strings *with* the SMSC field in front, the way
``AT+CMGR``/``+CMT`` show them. It deliberately shares nothing with ``engine/``: the tests
cross-check the engine's codec against this one, so each must be written from the spec alone.

Covered: GSM 7-bit default alphabet and its extension table (packing with fill bits after a
UDH), UCS-2 (UTF-16BE, surrogate pairs kept whole), 8-bit data, concatenation UDH with 8- or 16-bit
references, international / national / alphanumeric addresses, service-centre time stamps with a
signed time zone in quarter hours (+05:45, -03:30).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

__all__ = [
    "GSM7_BASIC",
    "GSM7_EXTENSION",
    "Submit",
    "address",
    "deliver",
    "deliver_parts",
    "gsm7_septets",
    "is_gsm7",
    "pack_septets",
    "parse_submit",
    "status_report",
    "submit",
    "timestamp",
    "tpdu_length",
    "unpack_septets",
]

GSM7_BASIC = (
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
"""The 128 characters of the GSM 03.38 default alphabet, by septet value (0x1B is the escape)."""
assert len(GSM7_BASIC) == 128

GSM7_EXTENSION = {
    "\f": 0x0A, "^": 0x14, "{": 0x28, "}": 0x29, "\\": 0x2F,
    "[": 0x3C, "~": 0x3D, "]": 0x3E, "|": 0x40, "€": 0x65,
}  # fmt: skip
"""Characters of the extension table: sent as ESC (0x1B) then this septet."""

_BASIC_INDEX = {c: i for i, c in enumerate(GSM7_BASIC) if c != "\x1b"}
_EXT_REVERSE = {v: k for k, v in GSM7_EXTENSION.items()}

DCS_GSM7 = 0x00
DCS_8BIT = 0x04
DCS_UCS2 = 0x08


def is_gsm7(text: str) -> bool:
    return all(c in _BASIC_INDEX or c in GSM7_EXTENSION for c in text)


def gsm7_septets(text: str) -> list[int]:
    """The septets of ``text`` (an extension character is two septets); ValueError if it can't."""
    out: list[int] = []
    for c in text:
        if c in _BASIC_INDEX:
            out.append(_BASIC_INDEX[c])
        elif c in GSM7_EXTENSION:
            out += [0x1B, GSM7_EXTENSION[c]]
        else:
            raise ValueError(f"{c!r} is not in the GSM 7-bit default alphabet")
    return out


def pack_septets(septets: list[int], fill_bits: int = 0) -> bytes:
    """Pack septets LSB first, after ``fill_bits`` zero bits (the padding after a UDH)."""
    acc, nbits, out = 0, fill_bits, bytearray()
    for s in septets:
        acc |= (s & 0x7F) << nbits
        nbits += 7
        while nbits >= 8:
            out.append(acc & 0xFF)
            acc >>= 8
            nbits -= 8
    if nbits:
        out.append(acc & 0xFF)
    return bytes(out)


def unpack_septets(data: bytes, count: int, fill_bits: int = 0) -> list[int]:
    """The ``count`` septets packed in ``data`` after ``fill_bits`` bits (stops at ``count``)."""
    value = int.from_bytes(data, "little")
    return [(value >> (fill_bits + 7 * i)) & 0x7F for i in range(count)]


def _decode_septets(septets: list[int]) -> str:
    out, escape = [], False
    for s in septets:
        if escape:
            out.append(_EXT_REVERSE.get(s, " "))
            escape = False
        elif s == 0x1B:
            escape = True
        else:
            out.append(GSM7_BASIC[s])
    return "".join(out)


def _semi_octets(digits: str) -> bytes:
    if len(digits) % 2:
        digits += "F"
    return bytes.fromhex("".join(digits[i + 1] + digits[i] for i in range(0, len(digits), 2)))


def _digits(data: bytes, count: int) -> str:
    swapped = "".join(f"{b:02X}"[::-1] for b in data)
    return swapped[:count]


def address(number: str) -> bytes:
    """A TP address field: ``+33612345678`` international (0x91), ``0612345678`` or a short
    code national/unknown (0x81), anything with a letter alphanumeric (0xD0, GSM-7 packed)."""
    if number.startswith("+") and number[1:].isdigit():
        digits = number[1:]
        return bytes([len(digits), 0x91]) + _semi_octets(digits)
    if number.isdigit():
        return bytes([len(number), 0x81]) + _semi_octets(number)
    septets = gsm7_septets(number)
    packed = pack_septets(septets)
    return bytes([(len(septets) * 7 + 3) // 4, 0xD0]) + packed


def _smsc_field(smsc: str | None) -> bytes:
    if not smsc:
        return b"\x00"
    number = smsc.lstrip("+")
    toa = 0x91 if smsc.startswith("+") else 0x81
    body = bytes([toa]) + _semi_octets(number)
    return bytes([len(body)]) + body


def _bcd(value: int) -> int:
    return ((value % 10) << 4) | (value // 10)


def timestamp(when: datetime | None = None) -> bytes:
    """A 7-octet TP-SCTS: semi-octet date and time, then the zone in quarter hours whose sign is
    bit 3 of the octet. Naive datetimes are taken as UTC."""
    when = when or datetime.now(UTC)
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    offset = when.utcoffset() or timedelta(0)
    quarters = int(abs(offset).total_seconds()) // 900
    tz = _bcd(quarters) | (0x08 if offset < timedelta(0) else 0)
    fields = (when.year % 100, when.month, when.day, when.hour, when.minute, when.second)
    return bytes(_bcd(v) for v in fields) + bytes([tz])


def _user_data(text: str | bytes, encoding: str | None, udh: bytes) -> tuple[int, int, bytes]:
    """(DCS, UDL, UD) for ``text`` with the user data header ``udh`` (without its UDHL)."""
    header = bytes([len(udh)]) + udh if udh else b""
    if isinstance(text, bytes):
        return DCS_8BIT, len(header) + len(text), header + text
    if encoding is None:
        encoding = "gsm7" if is_gsm7(text) else "ucs2"
    if encoding == "ucs2":
        body = text.encode("utf-16-be")
        return DCS_UCS2, len(header) + len(body), header + body
    septets = gsm7_septets(text)
    fill = (7 - (len(header) * 8) % 7) % 7
    udh_septets = (len(header) * 8 + fill) // 7
    return DCS_GSM7, udh_septets + len(septets), header + pack_septets(septets, fill)


def _concat_udh(reference: int, total: int, seq: int, ref16: bool) -> bytes:
    if ref16:
        return bytes([0x08, 0x04, reference >> 8 & 0xFF, reference & 0xFF, total, seq])
    return bytes([0x00, 0x03, reference & 0xFF, total, seq])


def deliver(
    sender: str,
    text: str | bytes,
    *,
    when: datetime | None = None,
    encoding: str | None = None,
    smsc: str | None = "+33609001390",
    udh: bytes = b"",
    pid: int = 0,
    status_report_indication: bool = False,
    more_messages: bool = False,
) -> str:
    """An SMS-DELIVER, hex, SMSC field first. ``encoding`` is ``"gsm7"`` or ``"ucs2"`` (chosen
    from the text when None); bytes are sent as 8-bit data. ``udh`` is the raw header content."""
    dcs, udl, ud = _user_data(text, encoding, udh)
    first = 0x00 | (0x00 if more_messages else 0x04)
    if udh:
        first |= 0x40
    if status_report_indication:
        first |= 0x20
    tpdu = (
        bytes([first]) + address(sender) + bytes([pid, dcs]) + timestamp(when)
        + bytes([udl]) + ud
    )  # fmt: skip
    return (_smsc_field(smsc) + tpdu).hex().upper()


def _split(text: str, encoding: str, per_part: int) -> list[str]:
    """Cut ``text`` in parts of at most ``per_part`` septets (GSM-7) or code units (UCS-2),
    never inside an escape pair or a surrogate pair."""
    parts, current, size = [], "", 0
    for c in text:
        if encoding == "ucs2":
            cost = len(c.encode("utf-16-be")) // 2
        else:
            cost = 2 if c in GSM7_EXTENSION else 1
        if size + cost > per_part:
            parts.append(current)
            current, size = "", 0
        current += c
        size += cost
    parts.append(current)
    return parts


def deliver_parts(
    sender: str,
    text: str,
    *,
    reference: int = 1,
    ref16: bool = False,
    encoding: str | None = None,
    when: datetime | None = None,
    smsc: str | None = "+33609001390",
) -> list[str]:
    """The SMS-DELIVER PDUs of a concatenated message (one PDU, no UDH, if it fits in one)."""
    encoding = encoding or ("gsm7" if is_gsm7(text) else "ucs2")
    single, per_part = (160, 153) if encoding == "gsm7" else (70, 67)
    if ref16:
        per_part -= 1 if encoding == "gsm7" else 0
    if len(_split(text, encoding, single)) == 1:
        return [deliver(sender, text, encoding=encoding, when=when, smsc=smsc)]
    chunks = _split(text, encoding, per_part)
    return [
        deliver(
            sender,
            chunk,
            encoding=encoding,
            when=when,
            smsc=smsc,
            udh=_concat_udh(reference, len(chunks), i, ref16),
        )
        for i, chunk in enumerate(chunks, 1)
    ]


def status_report(
    reference: int,
    recipient: str,
    *,
    status: int = 0x00,
    submitted: datetime | None = None,
    discharged: datetime | None = None,
    smsc: str | None = "+33609001390",
) -> str:
    """An SMS-STATUS-REPORT for message reference ``reference`` (TP-MR, 0–255). ``status`` is
    TP-ST: 0x00 delivered, 0x20–0x3F still trying, 0x40–0x7F permanent failure."""
    submitted = submitted or datetime.now(UTC)
    discharged = discharged or submitted
    tpdu = (
        bytes([0x06, reference & 0xFF]) + address(recipient)
        + timestamp(submitted) + timestamp(discharged) + bytes([status])
    )  # fmt: skip
    return (_smsc_field(smsc) + tpdu).hex().upper()


def submit(
    recipient: str,
    text: str | bytes,
    *,
    reference: int = 0,
    encoding: str | None = None,
    udh: bytes = b"",
    status_report_request: bool = False,
    smsc: str | None = None,
) -> str:
    """An SMS-SUBMIT (what a host writes after ``AT+CMGS``), hex, with the SMSC field (``00``:
    the modem's default) first. No validity period."""
    dcs, udl, ud = _user_data(text, encoding, udh)
    first = 0x01 | (0x40 if udh else 0) | (0x20 if status_report_request else 0)
    tpdu = bytes([first, reference & 0xFF]) + address(recipient) + bytes([0, dcs, udl]) + ud
    return (_smsc_field(smsc) + tpdu).hex().upper()


def tpdu_length(pdu_hex: str) -> int:
    """The octets of the TPDU, without the SMSC field: the ``<length>`` of ``AT+CMGS``,
    ``+CMGR``, ``+CMGL``, ``+CMT``, ``+CDS``."""
    data = bytes.fromhex(pdu_hex)
    return len(data) - 1 - data[0]


@dataclass(frozen=True)
class Submit:
    """What an SMS-SUBMIT carries (decoded by :func:`parse_submit`)."""

    recipient: str
    text: str | bytes
    dcs: int
    reference: int
    udh: bytes
    status_report_request: bool
    concat: tuple[int, int, int] | None
    """(reference, total, sequence) from a concatenation UDH, if any."""


def parse_submit(pdu_hex: str, *, with_smsc: bool = True) -> Submit:
    """Decode an SMS-SUBMIT (relative or absent validity period) enough to check a test."""
    data = bytes.fromhex(pdu_hex)
    pos = 1 + data[0] if with_smsc else 0
    first = data[pos]
    if first & 0x03 != 0x01:
        raise ValueError("not an SMS-SUBMIT")
    reference = data[pos + 1]
    ndigits, toa = data[pos + 2], data[pos + 3]
    nbytes = (ndigits + 1) // 2
    raw = data[pos + 4 : pos + 4 + nbytes]
    if toa & 0x70 == 0x50:
        recipient = _decode_septets(unpack_septets(raw, ndigits * 4 // 7))
    else:
        recipient = ("+" if toa & 0x70 == 0x10 else "") + _digits(raw, ndigits)
    pos += 4 + nbytes
    dcs = data[pos + 1]
    pos += 2
    vpf = (first >> 3) & 0x03
    pos += {0: 0, 2: 1}.get(vpf, 7)
    udl = data[pos]
    ud = data[pos + 1 :]
    udh = b""
    header_octets = 0
    if first & 0x40:
        header_octets = ud[0] + 1
        udh = ud[1:header_octets]
    concat = None
    i = 0
    while i + 1 < len(udh):
        iei, iel = udh[i], udh[i + 1]
        body = udh[i + 2 : i + 2 + iel]
        if iei == 0x00 and iel == 3:
            concat = (body[0], body[1], body[2])
        elif iei == 0x08 and iel == 4:
            concat = (body[0] << 8 | body[1], body[2], body[3])
        i += 2 + iel
    text: str | bytes
    alphabet = (dcs >> 2) & 0x03 if dcs & 0xC0 == 0 else 0
    if alphabet == 2:
        text = ud[header_octets:udl].decode("utf-16-be")
    elif alphabet == 1:
        text = ud[header_octets:udl]
    else:
        fill = (7 - (header_octets * 8) % 7) % 7
        skip = (header_octets * 8 + fill) // 7
        text = _decode_septets(unpack_septets(ud[header_octets:], udl - skip, fill))
    return Submit(
        recipient=recipient,
        text=text,
        dcs=dcs,
        reference=reference,
        udh=udh,
        status_report_request=bool(first & 0x20),
        concat=concat,
    )
