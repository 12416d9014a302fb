"""The console's tests: ``visitor`` (cookies against the module's ``desk``); the browser tests
drive Debian's chromium (``tests/support/browser.py``), and the
screenshots a test saves in its ``tmp_path`` are kept in ``tests/artifacts/console/TEST/``
(ignored by git) for people to look at after the run."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from tests.support.api_engine import Serving
from tests.support.browser import browser
from tests.support.console import Visitor

__all__ = ["browser", "keep_screenshots", "visitor"]

ARTIFACTS = Path(__file__).resolve().parents[2] / "tests" / "artifacts" / "console"


@pytest.fixture(autouse=True)
def keep_screenshots(request: pytest.FixtureRequest) -> Iterator[None]:
    """After a test that took screenshots, copy them where they outlive the run."""
    if "tmp_path" not in request.fixturenames:
        yield
        return
    folder: Path = request.getfixturevalue("tmp_path")
    yield
    shots = sorted(folder.rglob("*.png"))
    if shots:
        kept = ARTIFACTS / request.node.name
        shutil.rmtree(kept, ignore_errors=True)
        kept.mkdir(parents=True)
        for shot in shots:
            shutil.copy2(shot, kept / shot.name)


@pytest.fixture
async def visitor(desk: Serving) -> AsyncIterator[Visitor]:
    """A browser's cookies against the module's ``desk`` (a real ``twoway run``), logged out."""
    visitor = Visitor(desk.url)
    try:
        yield visitor
    finally:
        await visitor.close()
