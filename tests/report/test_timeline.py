"""Replies over time: the store counts per quarter hour in UTC, the report per hour of a zone."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from engine.report.timeline import timeline
from engine.store import SqliteStore
from tests.report.helpers import START, ReportMade

PARIS = ZoneInfo("Europe/Paris")


def utc(year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def test_hours_of_the_zone_with_the_empty_ones() -> None:
    line = timeline(
        [(utc(2026, 3, 2, 8, 0), 2), (utc(2026, 3, 2, 8, 45), 1), (utc(2026, 3, 2, 11, 15), 4)],
        PARIS,
    )
    assert line.unit == "hour"
    assert [(at.hour, n) for at, n in line.buckets] == [(9, 3), (10, 0), (11, 0), (12, 4)]
    assert all(at.tzinfo == PARIS for at, _ in line.buckets)
    assert line.total == 7


def test_half_and_three_quarter_hour_zones() -> None:
    quarters = [(utc(2026, 3, 2, 8, m), 1) for m in (0, 15, 30, 45)]
    kolkata = timeline(quarters, ZoneInfo("Asia/Kolkata"))  # +05:30: 13:30 13:45 14:00 14:15
    assert [(at.hour, at.minute, n) for at, n in kolkata.buckets] == [(13, 0, 2), (14, 0, 2)]
    kathmandu = timeline(quarters, ZoneInfo("Asia/Kathmandu"))  # +05:45: 13:45 14:00 …
    assert [(at.hour, n) for at, n in kathmandu.buckets] == [(13, 1), (14, 3)]


def test_the_hour_that_repeats_when_clocks_go_back_is_two_hours() -> None:
    # 2026-10-25 in Paris: 02:00-03:00 happens twice (CEST, then CET)
    line = timeline([(utc(2026, 10, 25, 0, 30), 1), (utc(2026, 10, 25, 1, 30), 5)], PARIS)
    assert [(at.strftime("%H:%M%z"), n) for at, n in line.buckets] == [
        ("02:00+0200", 1),
        ("02:00+0100", 5),
    ]


def test_days_beyond_a_week_and_months_beyond_400_days() -> None:
    days = timeline([(utc(2026, 3, 1, 23, 15), 1), (utc(2026, 3, 20, 12, 0), 2)], PARIS)
    assert days.unit == "day"
    assert len(days.buckets) == 19  # 2 March (00:15 in Paris) to 20 March
    assert days.buckets[0] == (datetime(2026, 3, 2, tzinfo=PARIS), 1)
    assert [n for _, n in days.buckets[1:-1]] == [0] * 17
    # the day clocks go forward (29 March) is one day of 23 hours, still one bucket
    across = timeline([(utc(2026, 3, 28, 12, 0), 1), (utc(2026, 4, 6, 12, 0), 1)], PARIS)
    assert [at.day for at, _ in across.buckets] == [28, 29, 30, 31, 1, 2, 3, 4, 5, 6]
    months = timeline([(utc(2026, 1, 5, 9, 0), 3), (utc(2027, 12, 24, 19, 0), 1)], PARIS)
    assert months.unit == "month"
    assert len(months.buckets) == 24
    assert months.buckets[0] == (datetime(2026, 1, 1, tzinfo=PARIS), 3)
    assert months.buckets[-1] == (datetime(2027, 12, 1, tzinfo=PARIS), 1)


def test_nothing_received_is_no_bucket() -> None:
    assert timeline([], PARIS).buckets == ()


def test_the_store_counts_every_message_per_quarter_hour(made: ReportMade) -> None:
    async def read() -> tuple[list[tuple[datetime, int]], list[tuple[datetime, int]]]:
        async with SqliteStore(str(made.db)) as store:
            every = await store.inbound_quarters()
            first_hour = await store.inbound_quarters(START, START + timedelta(hours=1))
            return every, first_hour

    every, first_hour = asyncio.run(read())
    assert sum(n for _, n in every) == made.messages
    assert all(at.minute in (0, 15, 30, 45) and at.tzinfo == UTC for at, _ in every)
    assert [at for at, _ in every] == sorted(at for at, _ in every)
    # one vote every 7 minutes from START: 0, 7, 14 | 21, 28 | 35, 42 | 49, 56
    assert first_hour == [
        (START, 3),
        (START.replace(minute=15), 2),
        (START.replace(minute=30), 2),
        (START.replace(minute=45), 2),
    ]
