"""The store as a kill left it, for the crash tests: a copy of its main file and WAL, opened.

A copy, because opening the real file would recover it before the engine's restart does."""

from __future__ import annotations

import contextlib
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

__all__ = ["as_left", "snapshot"]


def snapshot(db: Path, into: Path) -> sqlite3.Connection:
    """Copy the database as the crash left it (main file and WAL) into ``into`` and open it."""
    into.mkdir()
    for suffix in ("", "-wal"):
        source = db.with_name(db.name + suffix)
        if source.exists():
            shutil.copy2(source, into / source.name)
    return sqlite3.connect(into / db.name)


@contextlib.contextmanager
def as_left(db: Path, into: Path) -> Iterator[sqlite3.Connection]:
    """:func:`snapshot`, closed and its copy removed after the ``with``."""
    try:
        with contextlib.closing(snapshot(db, into)) as conn:
            yield conn
    finally:
        shutil.rmtree(into)
