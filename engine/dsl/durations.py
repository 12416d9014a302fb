"""Own durations as rule files write them: ``90s``, ``15m``, ``24h``, ``2d``, ``1w``, ``1h30m``,
``2 hours``, ``2 heures``, ``1h30``."""

from __future__ import annotations

import datetime as dt
import re

from engine.dsl.errors import DslError
from engine.i18n import msg

__all__ = ["parse_duration"]

_HINT = msg("E206.hint")
_UNITS = {
    "s": ("s", "sec", "secs", "second", "seconds", "seconde", "secondes"),
    "m": ("m", "min", "mins", "minute", "minutes"),
    "h": ("h", "hr", "hrs", "hour", "hours", "heure", "heures"),
    "d": ("d", "day", "days", "j", "jour", "jours"),
    "w": ("w", "wk", "week", "weeks", "sem", "semaine", "semaines"),
}
_UNIT = {word: unit for unit, words in _UNITS.items() for word in words}
_WORDS = "|".join(sorted(_UNIT, key=len, reverse=True))
_PART = re.compile(rf"([0-9]+)\s*({_WORDS})(?![^\W\d_])", re.IGNORECASE)
_SEPARATOR = re.compile(r"\s*(?:,|\band\b|\bet\b)?\s*", re.IGNORECASE)
_HOUR_MINUTES = re.compile(r"\s*([0-9]+)\s*h\s*([0-9]{1,2})\s*", re.IGNORECASE)
_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def _seconds(text: str) -> int | None:
    """The seconds ``text`` adds up to, or None when it is not a duration."""
    if (short := _HOUR_MINUTES.fullmatch(text)) is not None:  # 1h30: French for 1h30m
        return int(short[1]) * 3600 + int(short[2]) * 60
    rest, total, parts = text.strip(), 0, 0
    while rest:
        if parts:  # between parts: spaces, a comma, "and" or "et"
            gap = _SEPARATOR.match(rest)
            rest = rest[gap.end() :] if gap is not None else rest
        part = _PART.match(rest)
        if part is None:
            return None
        total += int(part[1]) * _SECONDS[_UNIT[part[2].lower()]]
        rest, parts = rest[part.end() :].lstrip(), parts + 1
    return total if parts else None


def parse_duration(source: str) -> dt.timedelta:
    """Return the duration written in ``source``, or raise DslError E206.

    Parts add up (``1d 12h``, ``1 day and 12 hours``, ``1 jour et 12 heures`` are 36 hours);
    units are s, m, h, d and w, or their words in English or French (``2 heures``, ``30
    minutes``, ``3 jours``, ``1 semaine``); ``1h30`` is 90 minutes; zero is refused.

    >>> parse_duration("1h30m")
    datetime.timedelta(seconds=5400)
    """
    text = source if isinstance(source, str) else str(source)
    seconds = _seconds(text)
    if seconds is None:
        raise DslError("E206", msg("E206.invalid", text=text), length=max(1, len(text)), hint=_HINT)
    if seconds <= 0:
        raise DslError("E206", msg("E206.zero"), length=max(1, len(text)), hint=_HINT)
    try:
        return dt.timedelta(seconds=seconds)
    except OverflowError:
        raise DslError(
            "E206", msg("E206.too_long", text=text.strip()), length=len(text), hint=_HINT
        ) from None
