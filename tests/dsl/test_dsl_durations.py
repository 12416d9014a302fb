"""Durations: units, combinations, and the E206 error for anything else."""

from __future__ import annotations

import datetime as dt

import pytest

from engine.dsl import DslError, parse_duration


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("90s", dt.timedelta(seconds=90)),
        ("15m", dt.timedelta(minutes=15)),
        ("24h", dt.timedelta(hours=24)),
        ("2d", dt.timedelta(days=2)),
        ("1w", dt.timedelta(weeks=1)),
        ("1h30m", dt.timedelta(hours=1, minutes=30)),
        ("1d 12h", dt.timedelta(days=1, hours=12)),
        (" 2 h ", dt.timedelta(hours=2)),
        ("24H", dt.timedelta(hours=24)),
        ("0h5m", dt.timedelta(minutes=5)),
    ],
)
def test_valid(source: str, expected: dt.timedelta) -> None:
    assert parse_duration(source) == expected


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("", "invalid duration ''"),
        ("90", "invalid duration '90'"),
        ("h", "invalid duration 'h'"),
        ("1.5h", "invalid duration '1.5h'"),
        ("-1h", "invalid duration '-1h'"),
        ("2 months", "invalid duration '2 months'"),
        ("1y", "invalid duration '1y'"),
        ("0s", "a duration must be longer than zero"),
        ("0h 0m", "a duration must be longer than zero"),
        ("99999999999w", "duration '99999999999w' is too long"),
    ],
)
def test_invalid(source: str, message: str) -> None:
    with pytest.raises(DslError) as caught:
        parse_duration(source)
    error = caught.value
    assert error.code == "E206"
    assert error.message == message
    assert error.offset == 0
    assert error.length == max(1, len(source))
    assert error.hint == (
        "write a number and a unit: 90s, 15m, 24h, 2d, 1w (or 2 hours, 2 heures, 1h30)"
    )
