"""Own SMPP's data_coding: its value for each coding of the splitter, and decoding by it.

The text itself is encoded, cut into parts and decoded by ``engine.sms``; SMPP adds the number
that names the coding in a submit_sm or deliver_sm, and the esm_class bit of a part with a UDH.
GSM-7 travels unpacked, one septet per octet (data_coding 0), as SMSCs expect.
"""

from __future__ import annotations

from engine.sms import Coding, Part
from engine.sms import decode as decode_text

__all__ = ["DATA_CODING", "DC_GSM7", "DC_LATIN1", "DC_UCS2", "decode", "esm_class"]

DC_GSM7 = 0x00
DC_LATIN1 = 0x03
DC_UCS2 = 0x08

DATA_CODING: dict[Coding, int] = {"gsm7": DC_GSM7, "latin1": DC_LATIN1, "ucs2": DC_UCS2}
"""The data_coding of a submit_sm, per coding of the splitter."""

_UDHI = 0x40
_GENERAL: dict[int, Coding] = {0: "gsm7", 2: "ucs2"}  # bits 3-2 of the general data coding group
_PLAIN: dict[int, Coding] = {DC_GSM7: "gsm7", DC_UCS2: "ucs2"}  # else 8-bit: Latin-1 octets


def esm_class(part: Part) -> int:
    """The esm_class of a submit_sm carrying ``part``: the UDH indicator when it has a UDH."""
    return _UDHI if part.udh else 0x00


def decode(data: bytes, data_coding: int) -> str:
    """Decode a short message (already joined when concatenated) by its SMPP data coding."""
    group = data_coding & 0xF0
    coding: Coding | None
    if group == 0xF0:  # message class group: bit 2 chooses 8-bit data over GSM-7
        coding = "latin1" if data_coding & 0x04 else "gsm7"
    elif group in (0x00, 0x10, 0x20, 0x30) and data_coding & 0x20 == 0:
        if group in (0x10, 0x30):  # general data coding with class/compression bits
            alphabet = (data_coding >> 2) & 0x03
            coding = _GENERAL.get(alphabet, "latin1")
        elif data_coding == 0x01:  # IA5 (ASCII)
            coding = None
        else:
            coding = _PLAIN.get(data_coding, "latin1")
    else:
        coding = "latin1"  # 8-bit data, or a coding group SMPP 3.4 leaves to the SMSC: octets
    if coding is None:
        return bytes(octet & 0x7F for octet in data).decode("ascii")
    return decode_text(data, coding)
