"""Own the replies over time: messages received, counted per hour, day or month of a time zone.

The store counts per quarter hour in UTC (``store.reports``); here those counts become the
buckets of the rule set's time zone, empty buckets included, so a chart's axis is time itself.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

__all__ = ["DAYS", "HOURS", "Timeline", "Unit", "timeline"]

Unit = Literal["hour", "day", "month"]

HOURS = timedelta(days=7)
"""Up to this span, one bucket per hour (at most 169 of them)."""
DAYS = timedelta(days=400)
"""Up to this span, one bucket per day; beyond, one per month."""


@dataclass(frozen=True, slots=True)
class Timeline:
    """Messages received per ``unit``: the start of each bucket (aware, in the rule set's zone)
    and its count, oldest first, every bucket from the first message's to the last's."""

    unit: Unit
    buckets: tuple[tuple[datetime, int], ...]

    @property
    def total(self) -> int:
        return sum(n for _, n in self.buckets)


def timeline(quarters: Sequence[tuple[datetime, int]], zone: ZoneInfo) -> Timeline:
    """Add up ``(quarter hour start in UTC, count)`` pairs, oldest first, into the hours of
    ``zone`` (days or months when they span more than a week or more than 400 days)."""
    if not quarters:
        return Timeline("hour", ())
    span = quarters[-1][0] - quarters[0][0]
    unit: Unit = "hour" if span <= HOURS else "day" if span <= DAYS else "month"
    counts: Counter[datetime] = Counter()
    for start, n in quarters:
        counts[_floor(start, zone, unit)] += n
    first, last = min(counts), max(counts)
    return Timeline(
        unit,
        tuple((at.astimezone(zone), counts.get(at, 0)) for at in _every(first, last, zone, unit)),
    )


def _floor(instant: datetime, zone: ZoneInfo, unit: Unit) -> datetime:
    """The start of the bucket of ``instant``, as an instant in UTC (so that the two 01:00 of
    a night when clocks go back stay two hours)."""
    local = instant.astimezone(zone)
    if unit == "hour":
        start = local.replace(minute=0, second=0, microsecond=0)
    elif unit == "day":
        start = datetime.combine(local.date(), time(), tzinfo=zone)
    else:
        start = datetime(local.year, local.month, 1, tzinfo=zone)
    return start.astimezone(UTC)


def _every(first: datetime, last: datetime, zone: ZoneInfo, unit: Unit) -> Iterator[datetime]:
    """Every bucket start from ``first`` to ``last`` (both bucket starts, in UTC)."""
    if unit == "hour":
        at = first
        while at <= last:
            yield at
            at += timedelta(hours=1)
        return
    local = first.astimezone(zone)
    year, month, day = local.year, local.month, local.day
    while True:
        start = datetime(year, month, day, tzinfo=zone).astimezone(UTC)
        if start > last:
            return
        yield start
        if unit == "day":
            following = datetime(year, month, day) + timedelta(days=1)
            year, month, day = following.year, following.month, following.day
        else:
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
