"""The console's browser tests drive Debian's chromium (``tests/support/browser.py``)."""

from tests.support.browser import browser

__all__ = ["browser"]
