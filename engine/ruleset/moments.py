"""Own reading a date and time written in a rule file (a poll's ``opens``/``closes``, a campaign's
``at``, a test's ``now``): ISO 8601 with its offset, or without one in ``settings.timezone`` when
that reads it unambiguously (not in the hour a change to summer time skips, nor in the hour the
change back repeats)."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from engine.i18n import msg

__all__ = ["MomentError", "read_moment"]


class MomentError(ValueError):
    """What is wrong with a date and time as written, and how to write it."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.message, self.hint = message, hint


def _zone(name: str | None) -> ZoneInfo | None:
    try:
        return ZoneInfo(name) if name else None
    except (ZoneInfoNotFoundError, ValueError):
        return None


def read_moment(raw: str, zone_name: str | None) -> datetime:
    """The date and time ``raw`` says, read in ``zone_name`` when it has no offset; raise
    MomentError when it is not one, or has no offset and none can be read for it."""
    try:
        value = datetime.fromisoformat(raw)
    except ValueError:
        raise MomentError(
            msg("E207.not_a_date", raw=raw),
            msg("E207.not_a_date.hint"),
        ) from None
    if value.tzinfo is not None:
        return value
    zone = _zone(zone_name)
    if zone is None:
        return _no_offset(raw, value)
    early, late = value.replace(tzinfo=zone, fold=0), value.replace(tzinfo=zone, fold=1)
    if early.utcoffset() != late.utcoffset():
        back = early.astimezone(UTC).astimezone(zone).replace(tzinfo=None)
        what = "E207.missing" if back != value else "E207.twice"
        raise MomentError(
            msg(what, raw=raw, zone=zone_name),
            msg("E207.offset.hint", early=early.isoformat(), late=late.isoformat()),
        )
    return early


def _no_offset(raw: str, value: datetime) -> datetime:
    written = value.isoformat()
    raise MomentError(
        msg("E207.no_zone", raw=raw),
        msg("E207.no_zone.hint", written=written),
    )
