"""Migrations: recorded, idempotent, an old database upgraded, failures rolled back."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from store_helpers import ALICE, inbound

from engine.errors import StoreError
from engine.store import SqliteStore
from engine.store.migrations import MIGRATIONS, Migration, applied, apply_migrations

EXTRA = Migration("0002_contact_notes", ("ALTER TABLE contacts ADD COLUMN notes TEXT",))


def _columns(path: Path, table: str) -> list[str]:
    with sqlite3.connect(path) as conn:
        return [row[1] for row in conn.execute(f"PRAGMA table_info({table})")]


async def test_migrations_are_recorded(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite"
    async with SqliteStore(path):
        pass
    conn = sqlite3.connect(path)
    rows = conn.execute("SELECT name, applied_at FROM migrations").fetchall()
    conn.close()
    assert [name for name, _ in rows] == [m.name for m in MIGRATIONS]
    assert all(at.endswith("+00:00") for _, at in rows)


def test_applying_twice_applies_nothing(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "db.sqlite", isolation_level=None)
    assert apply_migrations(conn) == [m.name for m in MIGRATIONS]
    assert apply_migrations(conn) == []
    assert applied(conn) == [m.name for m in MIGRATIONS]
    conn.close()


async def test_reopening_applies_only_new_migrations_and_keeps_data(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite"
    async with SqliteStore(path) as old:
        await old.receive([inbound(text="kept")])
        await old.save_contact(ALICE, {"name": "Alice"})
    assert "notes" not in _columns(path, "contacts")

    async with SqliteStore(path, migrations=(*MIGRATIONS, EXTRA)) as new:
        assert [m.text for m in await new.inbound_rows()] == ["kept"]
        contact = await new.contact(ALICE)
        assert contact is not None and contact.fields == {"name": "Alice"}
        assert (await new.counts())["migrations"] == len(MIGRATIONS) + 1
    assert "notes" in _columns(path, "contacts")

    conn = sqlite3.connect(path, isolation_level=None)
    assert apply_migrations(conn, (*MIGRATIONS, EXTRA)) == []
    conn.close()


async def test_a_failing_migration_is_rolled_back(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite"
    bad = Migration("0002_bad", ("CREATE TABLE half (a)", "THIS IS NOT SQL"))
    with pytest.raises(StoreError, match="0002_bad"):
        async with SqliteStore(path, migrations=(*MIGRATIONS, bad)):
            pass
    conn = sqlite3.connect(path)
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    names = [row[0] for row in conn.execute("SELECT name FROM migrations")]
    conn.close()
    assert "half" not in tables
    assert names == [m.name for m in MIGRATIONS]
    async with SqliteStore(path):  # the good ones still open fine
        pass


async def test_a_database_from_a_newer_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite"
    async with SqliteStore(path, migrations=(*MIGRATIONS, EXTRA)):
        pass
    store = SqliteStore(path)
    with pytest.raises(StoreError, match="newer"):
        await store.open()
    with pytest.raises(StoreError, match="not open"):
        await store.counts()


async def test_file_store_uses_wal_full_sync_and_foreign_keys(tmp_path: Path) -> None:
    async with SqliteStore(tmp_path / "db.sqlite") as store:
        pragmas = await store._read(
            lambda conn: [
                conn.execute(f"PRAGMA {name}").fetchone()[0]
                for name in ("journal_mode", "synchronous", "foreign_keys", "busy_timeout")
            ]
        )
    assert pragmas == ["wal", 2, 1, 5000]


async def test_memory_store_has_the_same_schema(tmp_path: Path) -> None:
    async with SqliteStore(":memory:") as memory, SqliteStore(tmp_path / "db.sqlite") as file:
        assert await memory.counts() == await file.counts()


async def test_a_groups_field_written_before_groups_worked_joins_the_groups(
    tmp_path: Path,
) -> None:
    path = tmp_path / "db.sqlite"
    before = tuple(m for m in MIGRATIONS if m.name != "0006_groups_out_of_fields")
    async with SqliteStore(path, migrations=before) as old:
        await old.save_contact(ALICE, {"name": "Alice", "groups": ["vip", "gold"]}, ["vip", "b"])
        await old.save_contact("+33600000002", {"groups": "paris"})
        await old.save_contact("+33600000003", {"groups": "a, b"})
    async with SqliteStore(path) as new:
        alice = await new.contact(ALICE)
        assert alice is not None
        assert (alice.fields, alice.groups) == ({"name": "Alice"}, ("b", "gold", "vip"))
        paris = await new.contact("+33600000002")
        assert paris is not None and (paris.fields, paris.groups) == ({}, ("paris",))
        kept = await new.contact("+33600000003")
        assert kept is not None and (kept.fields, kept.groups) == ({"groups": "a, b"}, ())
