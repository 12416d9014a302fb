"""Own SMS text encodings: GSM 03.38 (with its extension table), Latin-1, UCS-2, and the UDH.

Outbound: ``encode_parts(text)`` picks the data coding (GSM-7 when every character is in GSM
03.38, else UCS-2; Latin-1 when allowed) and splits a long text into concatenated parts, each
with a concatenation UDH (8-bit reference by default, 16-bit on request). A part never ends
between an escape and its extension character, nor between the two halves of a surrogate pair.

Inbound: ``parse_udh`` reads the concatenation header of a part; ``decode`` joins the parts'
octets *before* decoding, so an escape pair or a surrogate pair split by a sender across two
parts still decodes to the right character.

GSM-7 travels over SMPP unpacked, one septet per octet (data_coding 0), as SMSCs expect.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "DC_GSM7",
    "DC_LATIN1",
    "DC_UCS2",
    "ONE_SMS",
    "Concat",
    "Part",
    "choose_coding",
    "decode",
    "encode_parts",
    "encode_text",
    "gsm7_decode",
    "gsm7_encode",
    "is_gsm7",
    "make_udh",
    "parse_udh",
    "septets",
]

DC_GSM7 = 0x00
DC_LATIN1 = 0x03
DC_UCS2 = 0x08

ONE_SMS = {DC_GSM7: 160, DC_LATIN1: 140, DC_UCS2: 140}
"""Octets of a text's encoding (GSM-7 unpacked) that one SMS holds, per data coding."""

ESC = 0x1B

# GSM 03.38 default alphabet, index = septet. 0x1B is the escape to the extension table.
_BASIC = (
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_EXTENSION = {
    0x0A: "\f",
    0x14: "^",
    0x28: "{",
    0x29: "}",
    0x2F: "\\",
    0x3C: "[",
    0x3D: "~",
    0x3E: "]",
    0x40: "|",
    0x65: "€",
}
assert len(_BASIC) == 128

_TO_BASIC = {char: code for code, char in enumerate(_BASIC) if code != ESC}
_TO_EXTENSION = {char: code for code, char in _EXTENSION.items()}
_COST = {**{char: 1 for char in _TO_BASIC}, **{char: 2 for char in _TO_EXTENSION}}
_CHARS = frozenset(_COST)
# str.translate table: each character to its septet, or ESC + septet (hot path: no loop here).
_SEPTETS = {
    **{ord(char): chr(code) for char, code in _TO_BASIC.items()},
    **{ord(char): chr(ESC) + chr(code) for char, code in _TO_EXTENSION.items()},
}

# Octets available to the user data of one SMS (TP-UD is 140 octets).
_OCTETS = 140
_UDH_8 = 6  # UDHL + IEI 00 + IEDL 3 + ref + total + seq
_UDH_16 = 7  # UDHL + IEI 08 + IEDL 4 + ref(2) + total + seq
MAX_PARTS = 255


def is_gsm7(text: str) -> bool:
    """Return True when every character of ``text`` is in GSM 03.38 (basic or extension)."""
    return _CHARS.issuperset(text)


def septets(text: str) -> int:
    """Return the septets ``text`` needs in GSM-7 (an extension character costs two)."""
    return sum(_COST[char] for char in text)


def gsm7_encode(text: str) -> bytes:
    """Encode GSM 03.38 text as unpacked septets; raise ValueError for other characters."""
    if not _CHARS.issuperset(text):
        char = next(char for char in text if char not in _COST)
        raise ValueError(f"{char!r} is not in the GSM 03.38 alphabet")
    return text.translate(_SEPTETS).encode("latin-1")


def gsm7_decode(data: bytes) -> str:
    """Decode unpacked septets; an escape before an unknown code reads as the basic character."""
    out: list[str] = []
    escaped = False
    for octet in data:
        code = octet & 0x7F
        if escaped:
            escaped = False
            out.append(_EXTENSION.get(code) or _BASIC[code])
        elif code == ESC:
            escaped = True
        else:
            out.append(_BASIC[code])
    return "".join(out)


def choose_coding(text: str, *, latin1: bool = False) -> int:
    """Return the data coding: GSM-7 if ``text`` fits, else Latin-1 if allowed, else UCS-2."""
    if is_gsm7(text):
        return DC_GSM7
    if latin1:
        try:
            text.encode("latin-1")
        except UnicodeEncodeError:
            return DC_UCS2
        return DC_LATIN1
    return DC_UCS2


@dataclass(frozen=True, slots=True)
class Part:
    """One SMS to submit: its data coding, UDH (empty for a single SMS) and payload octets."""

    data_coding: int
    udh: bytes
    payload: bytes

    @property
    def short_message(self) -> bytes:
        return self.udh + self.payload

    @property
    def esm_class(self) -> int:
        return 0x40 if self.udh else 0x00


@dataclass(frozen=True, slots=True)
class Concat:
    """A part's place in a concatenated message."""

    reference: int
    total: int
    number: int
    """1-based."""
    wide: bool = False
    """True for a 16-bit reference."""


def make_udh(reference: int, total: int, number: int, *, wide: bool = False) -> bytes:
    """Return the UDH of part ``number`` of ``total`` (8- or 16-bit reference)."""
    if wide:
        return bytes((6, 0x08, 4, (reference >> 8) & 0xFF, reference & 0xFF, total, number))
    return bytes((5, 0x00, 3, reference & 0xFF, total, number))


def parse_udh(short_message: bytes) -> tuple[Concat | None, bytes]:
    """Split a UDH-prefixed short message into its concatenation info (if any) and payload.

    Other information elements (ports, national language shifts …) are skipped. A header
    that runs past the message is treated as absent: the octets are all payload.
    """
    if not short_message:
        return None, b""
    length = short_message[0]
    if length + 1 > len(short_message):
        return None, short_message
    header, payload = short_message[1 : length + 1], short_message[length + 1 :]
    concat = None
    pos = 0
    while pos + 2 <= len(header):
        iei, iedl = header[pos], header[pos + 1]
        data = header[pos + 2 : pos + 2 + iedl]
        pos += 2 + iedl
        if len(data) != iedl:
            break
        if iei == 0x00 and iedl == 3:
            concat = Concat(data[0], data[1], data[2])
        elif iei == 0x08 and iedl == 4:
            concat = Concat((data[0] << 8) | data[1], data[2], data[3], wide=True)
    if concat is not None and not (1 <= concat.number <= concat.total):
        concat = None
    return concat, payload


def _chunks(text: str, capacity: int, cost: dict[str, int] | None, unit: int) -> list[str]:
    """Cut ``text`` into pieces of at most ``capacity`` units, never inside a character."""
    pieces: list[str] = []
    current: list[str] = []
    used = 0
    for char in text:
        # Without a cost table, count UTF-16 code units: a surrogate pair is 2.
        size = cost[char] if cost is not None else 2 if ord(char) > 0xFFFF else 1
        size *= unit
        if used + size > capacity and current:
            pieces.append("".join(current))
            current, used = [], 0
        current.append(char)
        used += size
    pieces.append("".join(current))
    return pieces


def encode_text(text: str, coding: int) -> bytes:
    """The octets of ``text`` in ``coding`` (GSM-7 unpacked, one septet per octet), whole."""
    return _encode(text, coding)


def _encode(text: str, coding: int) -> bytes:
    if coding == DC_GSM7:
        return gsm7_encode(text)
    if coding == DC_LATIN1:
        return text.encode("latin-1")
    return text.encode("utf-16-be")


def encode_parts(
    text: str,
    *,
    coding: int | None = None,
    latin1: bool = False,
    reference: int = 0,
    wide_reference: bool = False,
) -> list[Part]:
    """Encode ``text`` as one SMS, or as concatenated parts sharing ``reference``.

    Capacities: GSM-7 160 septets alone, 153 per part (152 with a 16-bit reference); UCS-2 70
    code units alone, 67 per part (66); Latin-1 140 octets alone, 134 per part (133). An empty
    text is one empty SMS.
    """
    if coding is None:
        coding = choose_coding(text, latin1=latin1)
    # Per coding: size of a unit in octets-of-capacity, and the cost table (None = UTF-16).
    if coding == DC_GSM7:
        cost: dict[str, int] | None = _COST
        single, unit = ONE_SMS[DC_GSM7], 1
        per_part = ((_OCTETS - (_UDH_16 if wide_reference else _UDH_8)) * 8) // 7
    elif coding == DC_LATIN1:
        cost = {char: 1 for char in text}
        single, unit = _OCTETS, 1
        per_part = _OCTETS - (_UDH_16 if wide_reference else _UDH_8)
    elif coding == DC_UCS2:
        cost = None
        single, unit = _OCTETS, 2
        per_part = (_OCTETS - (_UDH_16 if wide_reference else _UDH_8)) // 2 * 2
    else:
        raise ValueError(f"unsupported data coding {coding:#x}")
    # ``single`` counts octets of the encoding (unpacked septets, Latin-1 or UTF-16 octets):
    # a text whose encoding fits is one SMS, without the counting loop of _chunks.
    payload = _encode(text, coding)
    if len(payload) <= single:
        return [Part(coding, b"", payload)]
    pieces = _chunks(text, per_part, cost, unit)
    if len(pieces) > MAX_PARTS:
        raise ValueError(f"the text needs {len(pieces)} parts; an SMS can have at most 255")
    total = len(pieces)
    limit = 0xFFFF if wide_reference else 0xFF
    ref = reference & limit
    return [
        Part(coding, make_udh(ref, total, number, wide=wide_reference), _encode(piece, coding))
        for number, piece in enumerate(pieces, start=1)
    ]


def decode(data: bytes, data_coding: int) -> str:
    """Decode a short message (already joined when concatenated) by its SMPP data coding."""
    group = data_coding & 0xF0
    if group == 0xF0:  # message class group: bit 2 chooses 8-bit data over GSM-7
        kind = "8bit" if data_coding & 0x04 else "gsm7"
    elif group in (0x00, 0x10, 0x20, 0x30) and data_coding & 0x20 == 0:
        if group in (0x10, 0x30):  # general data coding with class/compression bits
            alphabet = (data_coding >> 2) & 0x03
            kind = {0: "gsm7", 1: "8bit", 2: "ucs2"}.get(alphabet, "8bit")
        else:
            kind = {
                0x00: "gsm7",
                0x01: "ascii",
                0x03: "latin1",
                0x08: "ucs2",
            }.get(data_coding, "8bit")
    else:
        kind = "8bit"
    if kind == "gsm7":
        return gsm7_decode(data)
    if kind == "ucs2":
        if len(data) % 2:
            data = data[:-1]
        return data.decode("utf-16-be", errors="replace")
    if kind == "ascii":
        return bytes(octet & 0x7F for octet in data).decode("ascii")
    return data.decode("latin-1")
