"""Own the cut of a text into SMS parts, and their count: one cut, whoever asks.

``split_parts(text)`` encodes ``text`` (GSM-7 when every character is in GSM 03.38, else UCS-2;
Latin-1 before UCS-2 when allowed) and, when it does not fit one SMS, cuts its octets into
concatenated parts, each with its UDH. A part never ends between an escape and its extension
character, nor between the two halves of a surrogate pair. ``count_parts(text)`` is
``len(split_parts(text))``, made by the same cut; with ``stop`` it tells from the length alone
that a text takes ``stop`` parts or more, so that a 6 MB text is never encoded just to say so.

Capacities (TP-UD is 140 octets): GSM-7 160 septets alone, 153 per part (152 with a 16-bit
reference: 134 or 133 octets packed); UCS-2 70 code units alone, 67 per part (66); Latin-1 140
octets alone, 134 per part (133). GSM-7 is counted and carried unpacked, one septet per octet.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from engine.sms.alphabet import ESC, gsm7_decode, gsm7_encode, is_basic_gsm7, is_gsm7
from engine.sms.udh import UDH_8, UDH_16, make_udh

__all__ = [
    "MAX_PARTS",
    "ONE_SMS",
    "Coding",
    "Part",
    "choose",
    "count_parts",
    "decode",
    "encode",
    "per_part",
    "split_parts",
]

Coding = Literal["gsm7", "latin1", "ucs2"]
"""A text's encoding: GSM 03.38 (unpacked septets), Latin-1, or UCS-2 (UTF-16 big-endian)."""

ONE_SMS: dict[Coding, int] = {"gsm7": 160, "latin1": 140, "ucs2": 140}
"""Octets of a text's encoding (GSM-7 unpacked) that one SMS holds, per coding."""
MAX_PARTS = 255
"""Parts a concatenated message can have (the total is one octet of the UDH)."""

_OCTETS = 140  # TP-UD of one SMS
_TOO_MANY = f"the text needs more than {MAX_PARTS} parts; an SMS can have at most {MAX_PARTS}"


@dataclass(frozen=True, slots=True)
class Part:
    """One SMS: its coding, UDH (empty for a message that fits one SMS) and payload octets."""

    coding: Coding
    udh: bytes
    payload: bytes

    @property
    def user_data(self) -> bytes:
        """The UDH and the payload: what the SMS carries."""
        return self.udh + self.payload


def per_part(coding: Coding, *, wide_reference: bool = False) -> int:
    """Octets of the encoding (GSM-7 unpacked) one part of a long message holds beside its UDH."""
    room = _OCTETS - (UDH_16 if wide_reference else UDH_8)
    if coding == "gsm7":
        return room * 8 // 7
    if coding == "ucs2":
        return room // 2 * 2
    return room


def _room(coding: Coding, wide: bool) -> tuple[int, int]:
    """The most characters of ``coding`` one SMS holds alone, and one part of a long message."""
    cheapest = 2 if coding == "ucs2" else 1  # octets of one character, at least
    return ONE_SMS[coding] // cheapest, per_part(coding, wide_reference=wide) // cheapest


_ROOM = {(coding, wide): _room(coding, wide) for coding in ONE_SMS for wide in (False, True)}


def choose(text: str, *, latin1: bool = False) -> Coding:
    """Return the coding: GSM-7 if ``text`` fits, else Latin-1 if allowed and fits, else UCS-2."""
    if is_gsm7(text):
        return "gsm7"
    if latin1:
        try:
            text.encode("latin-1")
        except UnicodeEncodeError:
            return "ucs2"
        return "latin1"
    return "ucs2"


def encode(text: str, coding: Coding) -> bytes:
    """The octets of ``text`` in ``coding``, whole; ValueError when ``coding`` cannot carry it."""
    if coding == "gsm7":
        return gsm7_encode(text)
    if coding == "latin1":
        return text.encode("latin-1")
    if coding == "ucs2":
        return text.encode("utf-16-be")
    raise ValueError(f"unsupported coding {coding!r}")


def decode(data: bytes, coding: Coding) -> str:
    """Decode a message's octets (a long one's payloads joined first); never raises: an odd last
    octet of UCS-2 is dropped and a lone surrogate reads as U+FFFD."""
    if coding == "gsm7":
        return gsm7_decode(data)
    if coding == "ucs2":
        if len(data) % 2:
            data = data[:-1]
        return data.decode("utf-16-be", errors="replace")
    return data.decode("latin-1")


def split_parts(
    text: str,
    *,
    coding: Coding | None = None,
    latin1: bool = False,
    reference: int = 0,
    wide_reference: bool = False,
) -> list[Part]:
    """Encode ``text`` as one SMS, or as concatenated parts sharing ``reference``.

    ``coding`` forces one (else ``choose``); an empty text is one empty SMS. ValueError when
    the coding cannot carry the text, or when it needs more than 255 parts.
    """
    if len(text) > _ROOM[coding or "gsm7", wide_reference][1] * MAX_PARTS:  # see _beyond
        raise ValueError(_TOO_MANY)
    chosen, payload, ends = _cut(text, coding, latin1, wide_reference, MAX_PARTS + 1)
    if len(ends) > MAX_PARTS:
        raise ValueError(_TOO_MANY)
    if len(ends) == 1:
        return [Part(chosen, b"", payload)]
    total = len(ends)
    ref = reference & (0xFFFF if wide_reference else 0xFF)
    starts = [0, *ends[:-1]]
    return [
        Part(chosen, make_udh(ref, total, number, wide=wide_reference), payload[start:end])
        for number, (start, end) in enumerate(zip(starts, ends, strict=True), start=1)
    ]


def count_parts(
    text: str,
    *,
    coding: Coding | None = None,
    latin1: bool = False,
    wide_reference: bool = False,
    stop: int | None = None,
) -> int:
    """Return ``len(split_parts(text, …))`` (1 for an empty text), with no limit of 255 parts.

    With ``stop`` (at least 1), counting ends as soon as the count reaches it and the result is
    then ``stop``: a text whose length alone says so is not even encoded.
    """
    if stop is not None and _beyond(len(text), coding, wide_reference, stop):
        return stop
    if coding in (None, "gsm7") and is_basic_gsm7(text):
        # One septet per character and no escape to keep whole: the length says it all
        # (a campaign's preview counts 100,000 texts).
        alone, most = _ROOM["gsm7", wide_reference]
        parts = 1 if len(text) <= alone else -(-len(text) // most)
        return parts if stop is None else min(parts, stop)
    return len(_cut(text, coding, latin1, wide_reference, stop)[2])


def _beyond(length: int, coding: Coding | None, wide: bool, stop: int) -> bool:
    """Whether ``length`` characters surely take ``stop`` parts or more, whatever they are."""
    alone, most = _ROOM[coding or "gsm7", wide]  # no coding holds more characters than GSM-7
    return length > alone and length > (stop - 1) * most


def _cut(
    text: str, coding: Coding | None, latin1: bool, wide: bool, stop: int | None
) -> tuple[Coding, bytes, list[int]]:
    """Encode ``text``; return its coding, octets and where each part ends (``stop`` at most)."""
    if coding is None:
        coding = choose(text, latin1=latin1)
    payload = encode(text, coding)
    length = len(payload)
    if length <= ONE_SMS[coding]:
        return coding, payload, [length]
    size = per_part(coding, wide_reference=wide)
    ends: list[int] = []
    end = 0
    while end < length and (stop is None or len(ends) < stop):
        end = min(end + size, length)
        if end < length:  # never between an escape and its code, nor inside a surrogate pair
            if coding == "gsm7" and payload[end - 1] == ESC:
                end -= 1
            elif coding == "ucs2" and 0xD8 <= payload[end - 2] <= 0xDB:
                end -= 2
        ends.append(end)
    return coding, payload, ends
