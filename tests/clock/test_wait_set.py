"""``wait_set``: an event within a time limit, and a cancel that is never lost (the loops that
wait for a wake-up, the modem's sweep, the scheduler, stop when their connector stops)."""

from __future__ import annotations

import asyncio

import pytest

from engine.core.clock import wait_set


async def test_the_event_set_or_the_time_out() -> None:
    event = asyncio.Event()
    assert await wait_set(event, 0.01) is False
    event.set()
    assert await wait_set(event, 0.01) is True


async def test_a_cancel_as_the_event_is_set_stops_the_loop() -> None:
    # asyncio.wait_for on Python 3.11 returns normally here: a loop around it never stops.
    event = asyncio.Event()
    rounds = 0

    async def loop() -> None:
        nonlocal rounds
        while True:
            rounds += 1
            await wait_set(event, 60)
            event.clear()

    task = asyncio.create_task(loop())
    for _ in range(3):
        await asyncio.sleep(0)  # the task waits for the event
    event.set()
    for _ in range(2):
        await asyncio.sleep(0)  # the wait has what it waited for, not yet the task
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await asyncio.wait_for(task, 10)
    assert rounds <= 2
