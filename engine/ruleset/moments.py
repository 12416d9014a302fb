"""Own reading a date and time written in a rule file (a poll's ``opens``/``closes``, a campaign's
``at``, a test's ``now``): ISO 8601 with its offset, or without one in ``settings.timezone`` when
that reads it unambiguously (not in the hour a change to summer time skips, nor in the hour the
change back repeats)."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

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
            f"'{raw}' is not a date and time",
            "write it in ISO 8601, like 2026-12-24T20:00:00+01:00 (the offset may be left out "
            "when settings.timezone is set)",
        ) from None
    if value.tzinfo is not None:
        return value
    zone = _zone(zone_name)
    if zone is None:
        return _no_offset(raw, value)
    early, late = value.replace(tzinfo=zone, fold=0), value.replace(tzinfo=zone, fold=1)
    if early.utcoffset() != late.utcoffset():
        back = early.astimezone(UTC).astimezone(zone).replace(tzinfo=None)
        what = "does not exist" if back != value else "happens twice"
        raise MomentError(
            f"'{raw}' {what} in {zone_name} (the clocks change that night)",
            f"add the offset you mean, like {early.isoformat()} or {late.isoformat()}",
        )
    return early


def _no_offset(raw: str, value: datetime) -> datetime:
    written = value.isoformat()
    raise MomentError(
        f"'{raw}' has no time zone",
        f"add its offset ({written}+01:00 in Paris in winter, {written}+02:00 in summer), Z for "
        "UTC, or set settings.timezone to read it there",
    )
