"""Debian's chromium, driven by playwright, for the browser tests: never skipped.

No `playwright install`: the tests launch the system's chromium (``/usr/bin/chromium`` or
``chromium`` on PATH), headless, with nothing that reaches the network on its own. When it is
missing the tests fail, naming the script that installs it: ``tests/setup-browser``.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

__all__ = ["ARGS", "SETUP", "browser", "chromium_path", "require_chromium"]

SETUP = "tests/setup-browser"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str | None:
    """Where chromium is: /usr/bin/chromium, else ``chromium`` on PATH, else None."""
    if Path("/usr/bin/chromium").is_file():
        return "/usr/bin/chromium"
    return shutil.which("chromium")


def require_chromium() -> str:
    """Where chromium is; fail the test (never skip it) naming the set-up script if nowhere."""
    executable = chromium_path()
    if executable is None:
        pytest.fail(
            f"chromium is missing: run {SETUP} (it installs Debian's chromium, or says what to "
            "install), then run the tests again",
            pytrace=False,
        )
    return executable


@pytest.fixture
def browser() -> Iterator[object]:
    """A headless chromium (a playwright ``Browser``), for one test: playwright's sync API
    holds an event loop on this thread while it runs, which ``asyncio.run`` (the engine's
    commands, other tests) cannot share, so it must not outlive the test."""
    executable = require_chromium()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("the playwright package is missing: pip install -e '.[test]'", pytrace=False)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, headless=True, args=ARGS)
        try:
            yield launched
        finally:
            launched.close()
