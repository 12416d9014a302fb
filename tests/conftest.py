"""Every test speaks English unless it says otherwise: pinned outputs are English, as under
``LANG=C``, whatever the locale of the machine running them (``TWOWAY_LANG`` unset, ``LC_ALL``
C)."""

from __future__ import annotations

import os


def pytest_configure() -> None:
    os.environ.pop("TWOWAY_LANG", None)
    os.environ.pop("LC_MESSAGES", None)
    os.environ["LC_ALL"] = "C.UTF-8"
    os.environ["LANG"] = "C.UTF-8"
