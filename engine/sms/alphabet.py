"""Own GSM 03.38, the default alphabet of SMS: its tables, and text to septets and back.

A character of the extension table (``€``, ``[``, ``{`` …) is an escape (0x1B) and its code: two
septets. Septets travel unpacked here, one per octet (SMPP's data_coding 0); packing seven bits
to the octet, as on the air interface, is ``pack_septets`` / ``unpack_septets`` (TS 23.038 §6.1.2.1:
the first septet in the low bits of the first octet), for the PDU codec.
"""

from __future__ import annotations

import codecs

__all__ = [
    "ESC",
    "GSM7_CHARS",
    "gsm7_decode",
    "gsm7_encode",
    "is_gsm7",
    "pack_septets",
    "septets",
    "unpack_septets",
]

ESC = 0x1B
"""The escape to the extension table. No character encodes to it alone."""

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
GSM7_CHARS = frozenset(_TO_BASIC) | frozenset(_TO_EXTENSION)
"""The characters GSM-7 can carry (basic table and extension table)."""
_COST = {**{char: 1 for char in _TO_BASIC}, **{char: 2 for char in _TO_EXTENSION}}
# str.translate table: each character to its septet, or ESC + septet (hot path: no loop here);
# an ASCII character that GSM 03.38 lacks (` or a tab) to a non-ASCII one, so that the result is
# ASCII exactly when the whole text is GSM 03.38 (str.isascii is free).
_SEPTETS = {
    **{code: "\x80" for code in range(128) if chr(code) not in GSM7_CHARS},
    **{ord(char): chr(code) for char, code in _TO_BASIC.items()},
    **{ord(char): chr(ESC) + chr(code) for char, code in _TO_EXTENSION.items()},
}


_BASIC_SET = frozenset(_BASIC)


def is_basic_gsm7(text: str) -> bool:
    """True when every character of ``text`` is in GSM 03.38's basic table (one septet each)."""
    return _BASIC_SET.issuperset(text)


def is_gsm7(text: str) -> bool:
    """Return True when every character of ``text`` is in GSM 03.38 (basic or extension)."""
    return GSM7_CHARS.issuperset(text)


def septets(text: str) -> int:
    """Return the septets ``text`` needs in GSM-7 (an extension character costs two)."""
    return sum(_COST[char] for char in text)


def gsm7_encode(text: str) -> bytes:
    """Encode GSM 03.38 text as unpacked septets; raise ValueError for other characters."""
    septets = text.translate(_SEPTETS)
    if not septets.isascii():
        char = next(char for char in text if char not in GSM7_CHARS)
        raise ValueError(f"{char!r} is not in the GSM 03.38 alphabet")
    return septets.encode("ascii")


# Each octet to its basic character (the eighth bit ignored), for ``codecs.charmap_decode``.
_FROM_OCTETS = "".join(_BASIC[octet & 0x7F] for octet in range(256))


def gsm7_decode(data: bytes) -> str:
    """Decode unpacked septets; an escape before an unknown code reads as the basic character."""
    if ESC not in data and ESC | 0x80 not in data:  # no extension: one table lookup in C
        return codecs.charmap_decode(data, "strict", _FROM_OCTETS)[0]
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


def pack_septets(data: bytes, fill: int = 0) -> bytes:
    """Pack unpacked septets seven bits to the octet, after ``fill`` zero bits (0–6, the fill
    bits that put the first septet on a septet boundary after a UDH)."""
    value = 0
    shift = fill
    for septet in data:
        value |= (septet & 0x7F) << shift
        shift += 7
    return value.to_bytes((shift + 7) // 8, "little")


def unpack_septets(data: bytes, count: int, fill: int = 0) -> bytes:
    """Read ``count`` septets packed in ``data`` after ``fill`` bits; ValueError when ``data`` is
    too short for them (the bits after the last septet are never read: no trailing ``@``)."""
    if fill + 7 * count > 8 * len(data):
        need = (fill + 7 * count + 7) // 8
        raise ValueError(f"{count} septets need {need} octets, not {len(data)}")
    value = int.from_bytes(data, "little") >> fill
    return bytes((value >> (7 * index)) & 0x7F for index in range(count))
