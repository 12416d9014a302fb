"""Own the concatenation header (UDH) of a part of a long SMS: making it and reading it."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["UDH_8", "UDH_16", "Concat", "make_udh", "parse_udh"]

UDH_8 = 6
"""Octets of a header with an 8-bit reference: UDHL, IEI 00, IEDL 3, reference, total, number."""
UDH_16 = 7
"""Octets of a header with a 16-bit reference: UDHL, IEI 08, IEDL 4, reference (2), total, …"""


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


def parse_udh(user_data: bytes) -> tuple[Concat | None, bytes]:
    """Split UDH-prefixed user data into its concatenation info (if any) and payload.

    Other information elements (ports, national language shifts …) are skipped. A header
    that runs past the message is treated as absent: the octets are all payload.
    """
    if not user_data:
        return None, b""
    length = user_data[0]
    if length + 1 > len(user_data):
        return None, user_data
    header, payload = user_data[1 : length + 1], user_data[length + 1 :]
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
