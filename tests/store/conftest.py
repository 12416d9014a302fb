"""Fixtures for the store tests: a store on a real file (WAL) and one in memory."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from store_helpers import T0

from engine.core.clock import FixedClock
from engine.store import SqliteStore


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(T0)


@pytest.fixture(params=["file", "memory"])
async def store(
    request: pytest.FixtureRequest, tmp_path: Path, clock: FixedClock
) -> AsyncIterator[SqliteStore]:
    path = tmp_path / "twoway.db" if request.param == "file" else ":memory:"
    async with SqliteStore(path, clock=clock) as opened:
        yield opened
