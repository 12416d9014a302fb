"""`twoway contacts forget`: a contact's data erased, its messages' texts blanked, its opt-out
kept."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from engine.core.clock import FixedClock
from engine.ruleset.compiler import compile_rules
from engine.testing import Harness
from tests.contacts.helpers import REPO, twoway

RULES = compile_rules(REPO / "rules").raise_for_errors()
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
ANNE = "+33612345678"
BOB = "+33698765432"


def _count(conn: sqlite3.Connection, sql: str, *params: str) -> int:
    return int(conn.execute(sql, params).fetchone()[0])


async def test_forget_erases_everything_but_the_opt_out(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    async with Harness(RULES, db=str(db), clock=FixedClock(START)) as harness:
        await harness.store.save_contact(ANNE, {"name": "Anne", "city": "Paris"}, ["vip"])
        for text in ("VOTE A", "SURVEY", "7", "what?", "STOP"):
            await harness.send(ANNE, "36111", text)
        await harness.send(BOB, "36111", "VOTE B")
    with sqlite3.connect(db) as conn:  # a reply still waiting to leave
        conn.execute(
            "INSERT INTO outbox (created_at, contact, recipient, sender, text, kind, status,"
            " updated_at) VALUES ('2026-03-02', ?, ?, '36111', 'later', 'broadcast', 'queued',"
            " '2026-03-02')",
            (ANNE, ANNE),
        )
        assert _count(conn, "SELECT COUNT(*) FROM votes WHERE contact = ?", ANNE) == 1
        assert _count(conn, "SELECT COUNT(*) FROM sessions WHERE contact = ?", ANNE) >= 1
    result = twoway("contacts", "forget", "06 12 34 56 78", "--country", "FR", "--db", str(db))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"forgot {ANNE}: removed 1 contact (2 fields, 1 groups), ")
    assert "1 vote," in lines[0]
    assert lines[1] == "kept its opt-out of 1 number(s): it stays silenced"
    with sqlite3.connect(db) as conn:
        for table in ("contacts", "sessions", "votes", "answers", "events", "timers", "inbox"):
            column = "phone" if table == "contacts" else "contact"
            assert _count(conn, f"SELECT COUNT(*) FROM {table} WHERE {column} = ?", ANNE) == 0
        assert (
            _count(conn, "SELECT COUNT(*) FROM inbound WHERE sender = ? AND text != ''", ANNE) == 0
        )
        assert (
            _count(conn, "SELECT COUNT(*) FROM outbox WHERE contact = ? AND text != ''", ANNE) == 0
        )
        assert (
            _count(
                conn, "SELECT COUNT(*) FROM outbox WHERE contact = ? AND status = 'queued'", ANNE
            )
            == 0
        )
        assert (
            _count(conn, "SELECT COUNT(*) FROM opt_outs WHERE contact = ? AND opted_out = 1", ANNE)
            == 1
        )
        assert _count(conn, "SELECT COUNT(*) FROM votes WHERE contact = ?", BOB) == 1  # others stay
        assert (
            _count(conn, "SELECT COUNT(*) FROM inbound WHERE sender = ? AND text != ''", BOB) == 1
        )
    async with Harness(RULES, db=str(db), clock=FixedClock(START)) as harness:
        assert await harness.send(ANNE, "36111", "VOTE A") == []  # still opted out


def test_forgetting_an_unknown_number_removes_nothing(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    sqlite3.connect(db).close()
    twoway("contacts", "export", str(tmp_path / "x.csv"), "--db", str(db))  # migrates the store
    result = twoway("contacts", "forget", "+33611111111", "--db", str(db))
    assert result.returncode == 0, result.stderr
    assert (
        result.stdout
        == "forgot +33611111111: removed nothing; blanked 0 inbound and 0 outbox texts\n"
    )


def test_forget_needs_a_store(tmp_path: Path) -> None:
    result = twoway("contacts", "forget", "+33611111111", "--db", str(tmp_path / "no.db"))
    assert result.returncode == 1
    assert result.stderr == f"error: no store at {tmp_path / 'no.db'}\n"
