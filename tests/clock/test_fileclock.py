"""The test clock's file (``TWOWAY_TEST_CLOCK``), the clocks' common contract, and pacing by the
clock: all in-process and deterministic (the real seconds are a number the test moves)."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from engine.core.clock import Clock, FixedClock, OffsetClock, SystemClock
from engine.core.fileclock import POLL, ClockFileError, FileClock, parse_clock, read_clock_file
from engine.core.pacing import RateLimiter
from tests.support.engine_process import set_clock

T0 = datetime(2026, 12, 5, 18, 59, 50, tzinfo=UTC)  # 19:59:50+01:00


class Real:
    """Real seconds that only move when the test says."""

    def __init__(self) -> None:
        self.value = 1000.0

    def __call__(self) -> float:
        return self.value


async def settle() -> None:
    for _ in range(10):
        await asyncio.sleep(0)


# --- parsing ------------------------------------------------------------------------------------


def test_a_time_with_its_offset_is_read_in_utc_at_speed_one() -> None:
    assert parse_clock("2026-12-05T19:59:50+01:00\n") == (T0, 1.0)
    assert parse_clock("2026-12-05T18:59:50Z") == (T0, 1.0)


@pytest.mark.parametrize(
    ("text", "speed"),
    [("2026-12-05T19:59:50+01:00 x10", 10.0), (" 2026-12-05T19:59:50+01:00\tx0.5 ", 0.5)],
)
def test_a_speed_follows_the_time(text: str, speed: float) -> None:
    assert parse_clock(text) == (T0, speed)


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("", "expected a time"),
        ("tomorrow", "is not an ISO-8601 time"),
        ("2026-12-05T19:59:50", "has no offset"),
        ("2026-12-05T19:59:50+01:00 10", "is not a speed like x10"),
        ("2026-12-05T19:59:50+01:00 x0", "must be above x0"),
        ("2026-12-05T19:59:50+01:00 x2 x3", "expected a time"),
    ],
)
def test_a_wrong_content_is_one_line_that_says_why(text: str, says: str) -> None:
    with pytest.raises(ClockFileError, match=says) as error:
        parse_clock(text)
    assert "\n" not in str(error.value)


def test_a_missing_file_says_so(tmp_path: Path) -> None:
    with pytest.raises(ClockFileError, match=r"missing: cannot read it: No such file"):
        read_clock_file(tmp_path / "missing")


# --- time flows from the file's time, at its speed -----------------------------------------------


def test_time_flows_from_the_files_time_at_its_speed(tmp_path: Path) -> None:
    path = tmp_path / "clock"
    set_clock(path, "2026-12-05T19:59:50+01:00 x10")
    real = Real()
    clock = FileClock.open(path, real=real)
    assert clock.now() == T0
    real.value += 1.5
    assert clock.now() == T0 + timedelta(seconds=15)
    assert clock.monotonic() == 15.0


def test_a_new_time_starts_the_clock_again_and_tells_the_subscribers(tmp_path: Path) -> None:
    path = tmp_path / "clock"
    set_clock(path, T0)
    real = Real()
    clock = FileClock.open(path, real=real)
    told: list[str] = []
    clock.subscribe(lambda: told.append("moved"))
    real.value += 10
    set_clock(path, T0 + timedelta(hours=1), speed=2)
    assert clock.now() == T0 + timedelta(hours=1)  # looked at: the last look is POLL old
    assert told == ["moved"]
    # monotonic: the 10 s that flowed, then the jump forward (3590 s), never backwards
    assert clock.monotonic() == 3600.0
    real.value += 1
    assert clock.now() == T0 + timedelta(hours=1, seconds=2)
    set_clock(path, T0)  # back in time: now follows, monotonic does not go back
    real.value += 1
    assert clock.now() == T0
    assert clock.monotonic() == 3604.0
    assert told == ["moved", "moved"]


def test_the_file_is_not_looked_at_more_than_every_poll(tmp_path: Path) -> None:
    path = tmp_path / "clock"
    set_clock(path, T0)
    real = Real()
    clock = FileClock.open(path, real=real)
    set_clock(path, T0 + timedelta(hours=1))
    assert clock.now() == T0  # just read: no stat on this call
    real.value += POLL / 2
    assert clock.now() == T0 + timedelta(seconds=POLL / 2)
    real.value += POLL
    assert clock.now() == T0 + timedelta(hours=1)


def test_the_same_content_written_again_does_not_restart_the_clock(tmp_path: Path) -> None:
    path = tmp_path / "clock"
    set_clock(path, T0)
    real = Real()
    clock = FileClock.open(path, real=real)
    real.value += 5
    set_clock(path, T0)
    assert not clock.check()
    assert clock.now() == T0 + timedelta(seconds=5)


def test_a_bad_content_later_keeps_the_last_good_time_with_one_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "clock"
    set_clock(path, T0)
    real = Real()
    clock = FileClock.open(path, real=real)
    caplog.set_level(logging.WARNING, logger="twoway")
    set_clock(path, "half-a-time")
    for _ in range(3):
        real.value += 1
        clock.now()
    assert clock.now() == T0 + timedelta(seconds=3)
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1, warnings
    assert "is not an ISO-8601 time" in warnings[0]
    assert "keeps its time" in warnings[0]
    path.unlink()  # gone: another problem, one more warning, same time
    assert not clock.check()
    assert len([r for r in caplog.records if r.levelno == logging.WARNING]) == 2
    set_clock(path, T0 + timedelta(days=1))
    assert clock.check()
    assert clock.now() == T0 + timedelta(days=1)


async def test_a_sleep_is_real_seconds_over_speed_and_ends_when_the_file_changes(
    tmp_path: Path,
) -> None:
    path = tmp_path / "clock"
    set_clock(path, T0, speed=1000)
    clock = FileClock.open(path)
    clock.start()
    try:
        async with asyncio.timeout(5):
            await clock.sleep(50)  # 50 ms of real time at x1000
        set_clock(path, T0, speed=1)
        assert clock.check()  # read now, not at a poll that would end the sleep below
        await settle()
        async with asyncio.timeout(5):  # an hour at x1: the change ends it
            sleeping = asyncio.create_task(clock.sleep(3600))
            await settle()
            set_clock(path, T0 + timedelta(hours=2))
            await sleeping
        assert clock.now() >= T0 + timedelta(hours=2)
    finally:
        await clock.stop()


# --- every clock keeps the contract --------------------------------------------------------------


def test_every_clock_is_a_clock() -> None:
    clocks: list[Clock] = [SystemClock(), FixedClock(), OffsetClock()]
    for clock in clocks:
        first = clock.monotonic()
        assert clock.monotonic() >= first
        assert clock.now().tzinfo is not None


async def test_a_fixed_clock_sleeps_until_it_is_moved() -> None:
    clock = FixedClock(T0)
    told: list[int] = []
    unsubscribe = clock.subscribe(lambda: told.append(1))
    sleeping = asyncio.create_task(clock.sleep(10))
    await settle()
    assert not sleeping.done()
    clock.advance(timedelta(seconds=3))
    await settle()
    assert sleeping.done()  # moved: the sleeper reads the clock again
    assert clock.monotonic() == 3.0
    clock.set(T0)  # back: monotonic stays
    assert clock.monotonic() == 3.0
    assert told == [1, 1]
    unsubscribe()
    clock.advance(timedelta(seconds=1))
    assert told == [1, 1]


async def test_an_offset_clock_jump_counts_as_elapsed_and_wakes_sleepers() -> None:
    clock = OffsetClock()
    before = clock.monotonic()
    sleeping = asyncio.create_task(clock.sleep(3600))
    await settle()
    clock.advance(timedelta(hours=2))
    async with asyncio.timeout(5):
        await sleeping
    assert clock.monotonic() - before >= 7200


# --- pacing follows the clock --------------------------------------------------------------------


async def test_a_rate_limiter_paces_by_the_clock() -> None:
    clock = FixedClock(T0)
    limiter = RateLimiter(2.0, burst=1, clock=clock)  # one send every 0.5 s of the clock
    async with asyncio.timeout(5):
        await limiter.acquire()  # the burst
    second = asyncio.create_task(limiter.acquire())
    await settle()
    assert not second.done()
    clock.advance(timedelta(seconds=0.25))
    await settle()
    assert not second.done(), "half the wait is not the wait"
    clock.advance(timedelta(seconds=0.25))
    await settle()
    assert second.done()
    # a jump refills at most the burst: one send at once, the next waits again
    clock.advance(timedelta(hours=1))
    async with asyncio.timeout(5):
        await limiter.acquire()
    third = asyncio.create_task(limiter.acquire())
    await settle()
    assert not third.done()
    clock.advance(timedelta(seconds=0.5))
    await settle()
    assert third.done()


async def test_a_rate_limiter_under_a_fast_test_clock_paces_in_its_time(tmp_path: Path) -> None:
    path = tmp_path / "clock"
    set_clock(path, T0, speed=100)
    clock = FileClock.open(path)
    limiter = RateLimiter(1.0, burst=1, clock=clock)  # one a second of the clock: 10 ms real
    start = clock.monotonic()
    async with asyncio.timeout(5):
        for _ in range(6):
            await limiter.acquire()
    assert clock.monotonic() - start >= 5.0
