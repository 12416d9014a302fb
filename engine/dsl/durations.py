"""Own durations as rule files write them: ``90s``, ``15m``, ``24h``, ``2d``, ``1w``, ``1h30m``."""

from __future__ import annotations

import datetime as dt
import re

from engine.dsl.errors import DslError

__all__ = ["parse_duration"]

_HINT = "write a number and a unit: 90s, 15m, 24h, 2d, 1w"
_WHOLE = re.compile(r"\s*(?:[0-9]+\s*[smhdw]\s*)+", re.IGNORECASE)
_PART = re.compile(r"([0-9]+)\s*([smhdw])", re.IGNORECASE)
_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def parse_duration(source: str) -> dt.timedelta:
    """Return the duration written in ``source``, or raise DslError E206.

    Parts add up (``1d 12h`` is 36 hours); units are s, m, h, d and w; zero is refused.

    >>> parse_duration("1h30m")
    datetime.timedelta(seconds=5400)
    """
    text = source if isinstance(source, str) else str(source)
    if _WHOLE.fullmatch(text) is None:
        raise DslError("E206", f"invalid duration '{text}'", length=max(1, len(text)), hint=_HINT)
    seconds = sum(int(count) * _SECONDS[unit.lower()] for count, unit in _PART.findall(text))
    if seconds <= 0:
        raise DslError(
            "E206", "a duration must be longer than zero", length=max(1, len(text)), hint=_HINT
        )
    try:
        return dt.timedelta(seconds=seconds)
    except OverflowError:
        raise DslError(
            "E206", f"duration '{text.strip()}' is too long", length=len(text), hint=_HINT
        ) from None
