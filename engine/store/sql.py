"""Own the SQL plumbing every query module shares: ``IN (…)`` lists cut to SQLite's limits,
``executemany`` skipped for no row, the next free id of a table."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, TypeVar

__all__ = ["CHUNK", "Row", "chunks", "many", "next_id", "select_in"]

T = TypeVar("T")
Row = tuple[Any, ...]

CHUNK = 500
"""Values per ``IN (…)`` list: far under SQLite's variable limit (32,766 since 3.32)."""


def chunks(values: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def select_in(
    conn: sqlite3.Connection,
    sql: str,
    values: Iterable[Any],
    before: tuple[Any, ...] = (),
) -> Iterator[Row]:
    """Run ``sql`` (with ``{marks}`` where the ``IN`` list goes) for every chunk of ``values``."""
    distinct = sorted(set(values))
    for chunk in chunks(distinct):
        marks = ",".join("?" * len(chunk))
        yield from conn.execute(sql.format(marks=marks), (*before, *chunk))


def many(conn: sqlite3.Connection, sql: str, rows: Sequence[Any]) -> None:
    """``executemany``, skipped when there is no row (most statements of a commit have none)."""
    if rows:
        conn.executemany(sql, rows)


def next_id(conn: sqlite3.Connection, table: str) -> int:
    """The highest id of ``table`` (a constant name); ids above it are free inside our lock."""
    row = conn.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}").fetchone()
    return int(row[0])
