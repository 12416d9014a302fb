"""Own the names the operating system shows for the engine's threads.

``top -H``, ``ps -L`` and ``/proc/PID/task/TID/comm`` show a thread's OS name; Python (before
3.14) leaves every thread named after the process. The threads that carry the hot path name
themselves (the event loop ``twoway-loop``, which also runs every SMPP bind, the store's
``twoway-store``, a modem's ``modem``), so an operator or ``bench/smpp.py`` can tell how the CPU
splits between them. Linux only (``prctl(PR_SET_NAME)``); elsewhere nothing happens.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import functools
import sys
from typing import Any

__all__ = ["name_this_thread"]

PR_SET_NAME = 15
NAME_BYTES = 15
"""The kernel keeps 16 bytes with the NUL."""


@functools.cache
def _prctl() -> Any:
    if not sys.platform.startswith("linux"):
        return None
    library = ctypes.util.find_library("c")
    try:
        return ctypes.CDLL(library, use_errno=True).prctl if library else None
    except (OSError, AttributeError):
        return None


def name_this_thread(name: str) -> None:
    """Give the calling thread ``name`` (its first 15 bytes) in the OS; never raises."""
    prctl = _prctl()
    if prctl is None:
        return
    with contextlib.suppress(Exception):
        prctl(PR_SET_NAME, ctypes.c_char_p(name.encode("utf-8")[:NAME_BYTES]), 0, 0, 0)
