"""Own the hop onto a connection's thread: a whole store call run there at once, its SQLite
errors raised as the store's (``StoreUnavailable`` when the store cannot write *now*)."""

from __future__ import annotations

import sqlite3
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar, cast

import aiosqlite

from engine.errors import StoreError, StoreUnavailable

__all__ = ["UNAVAILABLE", "on_thread"]

T = TypeVar("T")

UNAVAILABLE = frozenset({3, 5, 6, 7, 8, 10, 13, 14})
"""SQLite's primary result codes that say the store cannot write *now* (PERM, BUSY, LOCKED,
NOMEM, READONLY, IOERR, FULL, CANTOPEN): the work is kept and tried again (``StoreUnavailable``)."""


async def on_thread(db: aiosqlite.Connection, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run ``fn(*args, **kwargs)`` on ``db``'s thread: one hop for the whole call; an SQLite
    error raised as ``StoreUnavailable`` (the store cannot write *now*) or ``StoreError``."""
    # aiosqlite has no public "run this callable on your thread"; ``_execute`` is what all of
    # its own methods use (stable from 0.17 to 0.22). One hop per call, not one per statement.
    run = cast(Callable[..., Awaitable[Any]], db._execute)
    try:
        return cast(T, await run(fn, *args, **kwargs))
    except sqlite3.Error as exc:
        code = getattr(exc, "sqlite_errorcode", 0) & 0xFF
        kind = StoreUnavailable if code in UNAVAILABLE else StoreError
        raise kind(f"{type(exc).__name__}: {exc}") from exc
    except ValueError as exc:
        if not db._running:
            raise StoreError("the store is closed") from exc
        raise
