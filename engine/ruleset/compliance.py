"""Own the compliance keywords that act before any rule: opt-out, opt-in and help.

The whole message must be the keyword (after normalisation), so "stop by the shop" is not an
opt-out. Each keyword carries the language its confirmation is written in, when it has one.
"""

from __future__ import annotations

from typing import Literal

__all__ = ["Compliance", "compliance"]

Compliance = Literal["stop", "start", "help"]

_KEYWORDS: dict[str, tuple[Compliance, str | None]] = {
    # opt-out
    "stop": ("stop", None),
    "stop sms": ("stop", None),
    "stopall": ("stop", "en"),
    "stop all": ("stop", "en"),
    "unsubscribe": ("stop", "en"),
    "end": ("stop", "en"),
    "quit": ("stop", "en"),
    "cancel": ("stop", "en"),
    "arret": ("stop", "fr"),
    "arret sms": ("stop", "fr"),
    "desabonner": ("stop", "fr"),
    "desinscription": ("stop", "fr"),
    "baja": ("stop", "es"),
    "stopp": ("stop", "de"),
    "abmelden": ("stop", "de"),
    # opt-in
    "start": ("start", None),
    "unstop": ("start", "en"),
    "subscribe": ("start", "en"),
    "yes start": ("start", "en"),
    # help
    "help": ("help", "en"),
    "aide": ("help", "fr"),
    "ayuda": ("help", "es"),
    "hilfe": ("help", "de"),
}


def compliance(normalized: str) -> tuple[Compliance, str | None] | None:
    """Return the compliance action and its language for a normalised message, or None.

    >>> compliance("arret")
    ('stop', 'fr')
    >>> compliance("stop by the shop") is None
    True
    """
    return _KEYWORDS.get(normalized)
