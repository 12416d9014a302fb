"""A repeated problem is logged once per interval, with the count of the ones not logged."""

from __future__ import annotations

import logging

import pytest

from engine.logs import Repeated


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_repeated_problem_is_logged_once_per_interval_with_its_count(
    caplog: pytest.LogCaptureFixture,
) -> None:
    clock = Clock()
    repeated = Repeated(logging.getLogger("t"), interval=60, clock=clock)
    with caplog.at_level(logging.WARNING):
        assert repeated.warning("store", "store cannot write: %s", "disk full")
        for _ in range(1233):
            clock.now += 0.01
            assert not repeated.warning("store", "store cannot write: %s", "disk full")
        clock.now = 61
        assert repeated.warning("store", "store cannot write: %s", "disk full")
    assert [r.getMessage() for r in caplog.records] == [
        "store cannot write: disk full",
        "store cannot write: disk full (and 1,233 more like it in the last 60 s)",
    ]


def test_clear_forgets_a_problem_and_says_how_many_went_unlogged() -> None:
    clock = Clock()
    repeated = Repeated(logging.getLogger("t"), interval=60, clock=clock)
    repeated.error("accept", "accept failed")
    repeated.error("accept", "accept failed")
    repeated.error("other", "other")
    assert repeated.clear("accept") == 1
    assert repeated.error("accept", "accept failed")  # logged at once again
