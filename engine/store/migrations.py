"""Own the store's upgrades: the migrations a database lacks (``schema``), applied in order,
each in its own transaction.

Applied migrations are recorded in ``migrations(name, applied_at)``; opening a database applies
only those it lacks, so an older database is upgraded in place. A database that records a
migration this code does not know was written by a newer twoway and is refused.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import UTC, datetime

from engine.errors import StoreError
from engine.store.codec import time_in
from engine.store.schema import MIGRATIONS, Migration

__all__ = ["MIGRATIONS", "Migration", "applied", "apply_migrations"]


_CREATE_TABLE = (
    "CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)"
)


def applied(conn: sqlite3.Connection) -> list[str]:
    """Return the names of the migrations recorded in the database, in the order applied."""
    conn.execute(_CREATE_TABLE)
    return [row[0] for row in conn.execute("SELECT name FROM migrations ORDER BY rowid")]


def apply_migrations(
    conn: sqlite3.Connection, migrations: Sequence[Migration] = MIGRATIONS
) -> list[str]:
    """Apply the migrations the database lacks, each in one transaction; return their names.

    ``conn`` must be in autocommit mode (``isolation_level=None``): transactions are explicit.
    """
    known = {migration.name for migration in migrations}
    if len(known) != len(migrations):
        raise StoreError("two migrations share a name")
    done = applied(conn)
    unknown = [name for name in done if name not in known]
    if unknown:
        raise StoreError(
            f"the database has migrations this version does not know ({', '.join(unknown)}): "
            "it was written by a newer twoway"
        )
    new: list[str] = []
    for migration in migrations:
        if migration.name not in done and _apply(conn, migration):
            new.append(migration.name)
    return new


def _apply(conn: sqlite3.Connection, migration: Migration) -> bool:
    """Apply ``migration`` in one transaction; False if another process applied it first."""
    keys = conn.execute("PRAGMA foreign_keys").fetchone()[0]
    if migration.rebuilds:
        conn.execute("PRAGMA foreign_keys = OFF")  # a no-op inside a transaction: before it
    try:
        conn.execute("BEGIN IMMEDIATE")
        if conn.execute("SELECT 1 FROM migrations WHERE name = ?", (migration.name,)).fetchone():
            conn.execute("COMMIT")  # another process applied it meanwhile
            return False
        for statement in migration.statements:
            conn.execute(statement)
        if migration.rebuilds and conn.execute("PRAGMA foreign_key_check").fetchone():
            raise sqlite3.IntegrityError("a reference no longer finds its row")
        conn.execute(
            "INSERT INTO migrations (name, applied_at) VALUES (?, ?)",
            (migration.name, time_in(datetime.now(UTC))),
        )
        conn.execute("COMMIT")
    except sqlite3.Error as exc:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise StoreError(f"migration {migration.name} failed: {exc}") from exc
    finally:
        if migration.rebuilds:
            conn.execute(f"PRAGMA foreign_keys = {'ON' if keys else 'OFF'}")
    return True
