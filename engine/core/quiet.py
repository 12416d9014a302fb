"""Own quiet hours: when a message may not leave, in the recipient's time zone, and when it may.

A window is a time of day (``from``–``to``, across midnight when ``from`` is later), days off
and public holidays from the ``holidays`` calendars. Nothing here drops a message: callers ask
``next_allowed`` and hold it until then.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays
import phonenumbers
from phonenumbers import timezone as number_zones

from engine.i18n import msg

UTC_ZONE = ZoneInfo("UTC")

__all__ = [
    "PRESETS",
    "UTC_ZONE",
    "QuietHours",
    "parse_quiet_hours",
    "recipient_zone",
    "zone_named",
]

DAYS = {
    "monday": 0,
    "tuesday": 1,
    "wednesday": 2,
    "thursday": 3,
    "friday": 4,
    "saturday": 5,
    "sunday": 6,
    "lundi": 0,
    "mardi": 1,
    "mercredi": 2,
    "jeudi": 3,
    "vendredi": 4,
    "samedi": 5,
    "dimanche": 6,
}


@dataclass(frozen=True, slots=True)
class QuietHours:
    """When nothing may leave: ``start``–``end`` every day, all of ``days_off`` and the public
    holidays of ``holidays`` (a country code, ``FR``, or country and subdivision, ``FR-57``)."""

    start: time | None = None
    end: time | None = None
    days_off: frozenset[int] = frozenset()
    """Weekdays, Monday 0 … Sunday 6."""
    holidays: str | None = None
    name: str = ""
    """The preset's name, or empty for a window written out."""

    def quiet(self, local: datetime) -> bool:
        """True when ``local`` (a time in the recipient's zone) falls inside the window."""
        if local.weekday() in self.days_off or self._holiday(local.date()):
            return True
        if self.start is None or self.end is None or self.start == self.end:
            return False
        moment = local.time().replace(tzinfo=None)
        if self.start < self.end:
            return self.start <= moment < self.end
        return moment >= self.start or moment < self.end

    def next_allowed(self, when: datetime, zone: ZoneInfo) -> datetime:
        """``when`` if a message may leave then, else the first moment it may (UTC)."""
        local = when.astimezone(zone)
        for _ in range(800):  # a year of days off and holidays at most, then give up holding
            if not self.quiet(local):
                return local.astimezone(UTC)
            local = self._skip(local, zone)
        return when.astimezone(UTC)

    def _skip(self, local: datetime, zone: ZoneInfo) -> datetime:
        """The next moment after ``local`` that may be allowed."""
        day = local.date()
        if local.weekday() in self.days_off or self._holiday(day):
            # The next day at midnight; the daily window is checked from there.
            return _at(day + timedelta(days=1), time(0), zone)
        assert self.start is not None and self.end is not None
        moment = local.time().replace(tzinfo=None)
        if self.start > self.end and moment >= self.start:
            day += timedelta(days=1)  # inside the evening part: it ends tomorrow morning
        return _at(day, self.end, zone)

    def _holiday(self, day: date) -> bool:
        return self.holidays is not None and day in _calendar(self.holidays)

    def describe(self) -> str:
        if self.name:
            return self.name
        parts = []
        if self.start is not None and self.end is not None:
            parts.append(f"{self.start:%H:%M}–{self.end:%H:%M}")
        names = [name for name, number in DAYS.items() if number in self.days_off][:7]
        if names:
            parts.append(", ".join(n for n in names if n.isascii() and n.endswith("day")))
        if self.holidays:
            parts.append(f"public holidays ({self.holidays})")
        return "; ".join(parts) or "none"


PRESETS: Mapping[str, QuietHours] = {
    "fr-marketing": QuietHours(
        start=time(20, 0),
        end=time(8, 0),
        days_off=frozenset({6}),
        holidays="FR",
        name="fr-marketing (20:00–08:00, Sundays, French public holidays)",
    ),
}


def _at(day: date, moment: time, zone: ZoneInfo) -> datetime:
    """``day`` at ``moment`` in ``zone``; a moment a clock change skips moves on past the gap."""
    local = datetime.combine(day, moment, tzinfo=zone)
    # A non-existent local time (spring forward) round-trips to a later wall time.
    return local.astimezone(UTC).astimezone(zone)


@lru_cache(maxsize=64)
def _calendar(code: str) -> holidays.HolidayBase:
    country, _, subdivision = code.partition("-")
    return holidays.country_holidays(country, subdiv=subdivision or None)


def _time(value: Any, key: str) -> time:
    text = str(value).strip()
    try:
        hours, minutes = text.split(":")
        return time(int(hours), int(minutes))
    except ValueError:
        raise ValueError(msg("E422.time", key=key, text=text)) from None


def parse_quiet_hours(value: Any) -> QuietHours:
    """The quiet hours a rule file writes: a preset's name or ``{from, to, days_off, holidays}``.

    Raises ``ValueError`` with a message fit for the author."""
    if isinstance(value, str):
        preset = PRESETS.get(value.strip().lower())
        if preset is None:
            raise ValueError(msg("E422.preset", name=value, presets=", ".join(PRESETS)))
        return preset
    if not isinstance(value, Mapping):
        raise ValueError(msg("E422.shape"))
    start = _time(value["from"], "from") if "from" in value else None
    end = _time(value["to"], "to") if "to" in value else None
    if (start is None) != (end is None):
        raise ValueError(msg("E422.both"))
    days: set[int] = set()
    for name in value.get("days_off") or ():
        number = DAYS.get(str(name).strip().lower())
        if number is None:
            raise ValueError(msg("E422.day", name=name))
        days.add(number)
    code = value.get("holidays")
    if code is not None:
        code = str(code).strip().upper()
        country, _, subdivision = code.partition("-")
        supported = holidays.list_supported_countries()
        if country not in supported:
            raise ValueError(msg("E422.calendar", code=code))
        if subdivision and subdivision not in supported[country]:
            raise ValueError(msg("E422.subdivision", country=country, subdivision=subdivision))
    return QuietHours(start, end, frozenset(days), code)


@lru_cache(maxsize=512)
def zone_named(name: str) -> ZoneInfo | None:
    """The time zone ``name`` (``Europe/Paris``), or None when there is no such zone."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


_ZONES_BY_PREFIX: dict[str, ZoneInfo | None] = {}
"""``+`` and the first six digits → zone: numbers that share them share a country and an area,
so a zone (time-zone data is by country and area); a list of 100,000 numbers is parsed a few
hundred times, not 100,000."""


def _number_zone(phone: str) -> ZoneInfo | None:
    prefix = phone[:7]
    if prefix in _ZONES_BY_PREFIX:
        return _ZONES_BY_PREFIX[prefix]
    try:
        number = phonenumbers.parse(phone, None)
    except phonenumbers.NumberParseException:
        return None
    zones = [z for z in number_zones.time_zones_for_number(number) if z != "Etc/Unknown"]
    zone = zone_named(zones[0]) if len(set(zones)) == 1 else None
    if len(phone) > 7 and len(_ZONES_BY_PREFIX) < 100_000:
        _ZONES_BY_PREFIX[prefix] = zone
    return zone


def recipient_zone(phone: str, fields: Mapping[str, Any], default: ZoneInfo) -> ZoneInfo:
    """Where the recipient is: the contact's ``timezone`` field, else their number's country
    when it has one zone, else the deployment's (``default``)."""
    named = fields.get("timezone")
    if isinstance(named, str) and named:
        zone = zone_named(named.strip())
        if zone is not None:
            return zone
    if phone.startswith("+"):
        zone = _number_zone(phone)
        if zone is not None:
            return zone
    return default
