"""Own the fields of an SMS PDU (TS 23.040 §9.1.2, §9.2.3): addresses, time stamps, validity, DCS.

Each field has its encoder and its decoder, and a decoder reads from a ``Reader`` that refuses to
run past the end of the PDU: whatever is malformed raises ``PduError`` (a ``ValueError``) with what
was expected where, never an ``IndexError``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Literal

from engine.sms.alphabet import gsm7_decode, gsm7_encode, pack_septets, unpack_septets

__all__ = [
    "PduCoding",
    "PduError",
    "Reader",
    "coding_of",
    "decode_validity",
    "encode_address",
    "encode_alphanumeric",
    "encode_smsc",
    "encode_timestamp",
    "encode_validity",
    "read_address",
    "read_smsc",
    "read_timestamp",
]

PduCoding = Literal["gsm7", "8bit", "ucs2"]
"""The alphabet of a PDU's user data (TS 23.038 §4): GSM 7-bit default, 8-bit data, UCS-2."""

_DIGITS = "0123456789*#abc"  # semi-octet values 0–14 in an address (TS 23.040 §9.1.2.5); 15 fills
_TON_INTERNATIONAL = 1
_TON_ALPHANUMERIC = 5


class PduError(ValueError):
    """A PDU that is not one: bad hex, truncated, a length beyond the data, a bad field."""


@dataclass(slots=True)
class Reader:
    """The octets of a PDU and where reading is; ``take`` refuses to run past the end."""

    data: bytes
    pos: int = 0

    def take(self, count: int, what: str) -> bytes:
        """The next ``count`` octets; PduError naming ``what`` when fewer are left."""
        end = self.pos + count
        if count < 0 or end > len(self.data):
            raise PduError(
                f"truncated PDU: {what} needs {count} octet(s) at offset {self.pos}, "
                f"{len(self.data) - self.pos} left"
            )
        chunk = self.data[self.pos : end]
        self.pos = end
        return chunk

    def octet(self, what: str) -> int:
        """The next octet."""
        return self.take(1, what)[0]

    def rest(self) -> bytes:
        """Every octet left."""
        chunk = self.data[self.pos :]
        self.pos = len(self.data)
        return chunk


# --- addresses ----------------------------------------------------------------------------------


def _semi_octets(digits: str) -> bytes:
    """BCD digits, two to the octet, low nibble first, odd count padded with F."""
    nibbles = [_DIGITS.index(char) for char in digits.lower()]
    if len(nibbles) % 2:
        nibbles.append(0xF)
    return bytes(low | (high << 4) for low, high in zip(nibbles[::2], nibbles[1::2], strict=True))


def _digits(data: bytes, count: int | None, what: str) -> str:
    """Read ``count`` semi-octets (all, up to an F filler, when None)."""
    nibbles = [nibble for octet in data for nibble in (octet & 0xF, octet >> 4)]
    if count is None:
        count = len(nibbles) - 1 if nibbles and nibbles[-1] == 0xF else len(nibbles)
    if 0xF in nibbles[:count]:
        raise PduError(f"{what}: a filler F inside the digits ({data.hex().upper()})")
    return "".join(_DIGITS[nibble] for nibble in nibbles[:count])


def _type_and_digits(number: str, what: str) -> tuple[int, str]:
    """The type-of-address octet and the digits of ``+…`` (international) or plain digits."""
    digits = number[1:] if number.startswith("+") else number
    if not digits or any(char not in "0123456789*#" for char in digits):
        raise PduError(f"{what} {number!r} is not a phone number (+ then digits, or digits)")
    # TON international / unknown, NPI ISDN (E.164): what handsets send for a national number.
    return (0x91 if number.startswith("+") else 0x81), digits


def encode_address(number: str) -> bytes:
    """TP-DA / TP-OA: length in digits, type of address, digits (``+`` means international)."""
    toa, digits = _type_and_digits(number, "address")
    if len(digits) > 20:
        raise PduError(f"address {number!r} has more than 20 digits")
    return bytes((len(digits), toa)) + _semi_octets(digits)


def encode_alphanumeric(text: str) -> bytes:
    """An alphanumeric TP-OA (TON 5): its GSM-7 septets packed; the length counts semi-octets."""
    septets = gsm7_encode(text)
    if len(septets) > 11:
        raise PduError(f"alphanumeric address {text!r} is longer than 11 septets")
    return bytes(((7 * len(septets) + 3) // 4, 0xD0)) + pack_septets(septets)


def encode_smsc(number: str | None) -> bytes:
    """The SMSC part before the TPDU: ``00`` (the modem's own), or length in octets, type, BCD."""
    if number is None:
        return b"\x00"
    toa, digits = _type_and_digits(number, "SMSC")
    body = bytes((toa,)) + _semi_octets(digits)
    return bytes((len(body),)) + body


def read_address(reader: Reader, what: str) -> tuple[str, int]:
    """An address and its type of number: ``+digits`` (international), digits, or text (TON 5)."""
    length = reader.octet(f"{what} length")
    toa = reader.octet(f"{what} type")
    ton = (toa >> 4) & 0x7
    if length > 20 and ton != _TON_ALPHANUMERIC:
        raise PduError(f"{what} length {length} is beyond the 20 digits of TS 23.040")
    data = reader.take((length + 1) // 2, f"{what} ({length} semi-octets)")
    if ton == _TON_ALPHANUMERIC:
        return gsm7_decode(unpack_septets(data, length * 4 // 7)), ton
    digits = _digits(data, length, what)
    return ("+" + digits if ton == _TON_INTERNATIONAL else digits), ton


def read_smsc(reader: Reader) -> str | None:
    """The SMSC part: None when its length is 0, else ``+digits`` or digits."""
    length = reader.octet("SMSC length")
    if length == 0:
        return None
    if length > 11:
        raise PduError(f"SMSC length {length} is beyond the 11 octets of TS 24.011")
    toa = reader.octet("SMSC type")
    digits = _digits(reader.take(length - 1, f"SMSC ({length - 1} octets)"), None, "SMSC")
    return "+" + digits if (toa >> 4) & 0x7 == _TON_INTERNATIONAL else digits


# --- time stamps and validity -------------------------------------------------------------------


def encode_timestamp(when: datetime) -> bytes:
    """TP-SCTS (7 octets, swapped BCD): local time and its zone in quarter hours (sign bit 3)."""
    offset = when.utcoffset()
    if offset is None:
        raise PduError("a PDU time stamp needs an aware datetime (with its zone)")
    quarters, rest = divmod(abs(int(offset.total_seconds())), 900)
    if rest or quarters > 79:
        raise PduError(f"zone {offset} is not a whole number of quarter hours within ±19:45")
    fields = (when.year % 100, when.month, when.day, when.hour, when.minute, when.second, quarters)
    octets = bytearray(_swap_bcd(value) for value in fields)
    if offset < timedelta(0):
        octets[6] |= 0x08
    return bytes(octets)


def _swap_bcd(value: int) -> int:
    return (value % 10) << 4 | value // 10


def read_timestamp(reader: Reader, what: str) -> datetime:
    """A 7-octet time stamp as an aware datetime in its own zone (years 2000–2099)."""
    data = reader.take(7, what)
    values = []
    for octet in data[:6]:
        low, high = octet & 0xF, octet >> 4
        if low > 9 or high > 9:
            raise PduError(f"{what}: {data.hex().upper()} is not BCD")
        values.append(low * 10 + high)
    zone = data[6]
    tens, units = zone & 0x7, zone >> 4
    if units > 9:
        raise PduError(f"{what}: zone octet {zone:02X} is not BCD")
    minutes = 15 * (tens * 10 + units) * (-1 if zone & 0x08 else 1)
    year, month, day, hour, minute, second = values
    try:
        return datetime(
            2000 + year, month, day, hour, minute, second,
            tzinfo=timezone(timedelta(minutes=minutes)),
        )  # fmt: skip
    except ValueError as error:
        raise PduError(f"{what}: {data.hex().upper()} is no date ({error})") from None


def encode_validity(period: timedelta) -> int:
    """TP-VP, relative format (§9.2.3.12.1): the shortest period not shorter than ``period``
    (5 minutes at least, 63 weeks at most)."""
    minutes = -(-int(period.total_seconds()) // 60)
    if minutes <= 12 * 60:
        return max(0, -(-minutes // 5) - 1)
    if minutes <= 24 * 60:
        return 143 + -(-(minutes - 12 * 60) // 30)
    days = -(-minutes // (24 * 60))
    if days <= 30:
        return 166 + days
    return min(255, 192 + -(-days // 7))


def decode_validity(value: int) -> timedelta:
    """The period a relative TP-VP stands for."""
    if value <= 143:
        return timedelta(minutes=(value + 1) * 5)
    if value <= 167:
        return timedelta(hours=12, minutes=(value - 143) * 30)
    if value <= 196:
        return timedelta(days=value - 166)
    return timedelta(weeks=value - 192)


# --- data coding scheme -------------------------------------------------------------------------


def coding_of(dcs: int) -> tuple[PduCoding, int | None]:
    """The alphabet and message class (0–3, or None) of a TP-DCS (TS 23.038 §4).

    Compressed text (TS 23.042) is refused; reserved alphabets and coding groups read as GSM-7,
    as §4 tells a receiving entity to.
    """
    group = dcs >> 4
    if group <= 0x7:  # general data coding, or marked for automatic deletion
        if dcs & 0x20:
            raise PduError(f"DCS {dcs:02X}: compressed user data (TS 23.042) is not supported")
        alphabet = (dcs >> 2) & 0x3
        klass = dcs & 0x3 if dcs & 0x10 else None
        return ("8bit" if alphabet == 1 else "ucs2" if alphabet == 2 else "gsm7"), klass
    if group == 0xE:  # message waiting indication, store, UCS-2
        return "ucs2", None
    if group == 0xF:  # data coding / message class
        return ("8bit" if dcs & 0x04 else "gsm7"), dcs & 0x3
    return "gsm7", None  # 1000–1011 reserved, 1100/1101 message waiting (GSM-7)
