"""Own the file descriptors a listening socket may take at once, within RLIMIT_NOFILE.

asyncio accepts up to its ``backlog`` connections in one turn of the loop, each a descriptor
before any protocol has seen it, and a connection refused at once (the HTTP endpoint's 503,
the jsonl connector's refusal frame) still holds its descriptor for a few turns until it is
closed. A flood of connections can then take every descriptor the process may open: ``accept``
fails (EMFILE) for a second and the store may not open a file. The backlog is therefore cut to
a quarter of the descriptors the process may still open, less a reserve for the rest of the
engine.
"""

from __future__ import annotations

import os
import resource

__all__ = ["FD_RESERVE", "accept_backlog", "backlog_within", "headroom"]

FD_RESERVE = 24
"""Descriptors kept, beyond those open at start, for the rest of the engine (HTTP clients, the
store's files, the rules' watcher) under RLIMIT_NOFILE."""

BACKLOG = 100
"""asyncio's own backlog, when the descriptors are not counted."""


def headroom() -> int | None:
    """The descriptors this process may still open, less ``FD_RESERVE``; None: no limit."""
    soft = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    if soft == resource.RLIM_INFINITY:
        return None
    try:
        open_now = len(os.listdir("/proc/self/fd"))
    except OSError:  # not Linux: assume a small engine
        open_now = 32
    return soft - open_now - FD_RESERVE


def accept_backlog() -> int:
    """The backlog of a listening socket: ``BACKLOG``, or a quarter of the ``headroom``."""
    return backlog_within(headroom())


def backlog_within(room: int | None) -> int:
    """The backlog for ``room`` descriptors (a ``headroom`` the caller read already)."""
    if room is None:
        return BACKLOG
    return max(1, min(BACKLOG, room // 4))
