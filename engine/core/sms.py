"""Own the counting of SMS parts a text needs, as an SMSC will cut it (no encoding here).

GSM-7 when every character is in GSM 03.38 (an extension character such as ``€`` or ``{`` costs
two septets and is never split from its escape): 160 septets fit one SMS, 153 each part of a
longer one. Otherwise UCS-2: 70 UTF-16 code units alone, 67 per part (a surrogate pair is never
split). These are the counts of ``engine.transports.smpp.gsm7.encode_parts`` with 8-bit
references; the runtime uses this module, since it may not import transports.
"""

from __future__ import annotations

__all__ = ["GSM7_CHARS", "sms_parts"]

_BASIC = (
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_EXTENSION = "\f^{}\\[~]|€"
GSM7_CHARS = frozenset(_BASIC + _EXTENSION)
"""The characters GSM-7 can carry (basic table and extension table)."""
_WIDE = frozenset(_EXTENSION)

_GSM7_ALONE, _GSM7_PART = 160, 153
_UCS2_ALONE, _UCS2_PART = 70, 67


def sms_parts(text: str, stop: int | None = None) -> int:
    """Return how many SMS ``text`` takes (1 for an empty text).

    With ``stop``, counting ends as soon as the count reaches it (a 6 MB text costs no more
    than ``stop`` parts of work): the result is then ``stop``.
    """
    gsm7 = GSM7_CHARS.issuperset(text)
    alone, capacity = (_GSM7_ALONE, _GSM7_PART) if gsm7 else (_UCS2_ALONE, _UCS2_PART)
    if stop is not None and len(text) > (stop - 1) * capacity:
        return stop  # every character costs at least one unit: at least ``stop`` parts
    wide = _WIDE if gsm7 else None
    costs = [_cost(char, wide) for char in text]
    if sum(costs) <= alone:
        return 1
    parts, used = 1, 0
    for size in costs:
        if used + size > capacity:
            parts += 1
            used = 0
        used += size
    return parts if stop is None else min(parts, stop)


def _cost(char: str, wide: frozenset[str] | None) -> int:
    """Units of ``char``: septets in GSM-7 (``wide`` = the extension table), else UTF-16 units."""
    if wide is not None:
        return 2 if char in wide else 1
    return 2 if ord(char) > 0xFFFF else 1
