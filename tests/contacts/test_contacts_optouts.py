"""`twoway contacts import-optouts`: a previous provider's suppression list silences its
numbers in the running engine."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from engine.core.clock import FixedClock
from engine.ruleset.compiler import compile_rules
from engine.testing import Harness
from tests.contacts.helpers import REPO, run, twoway

RULES = compile_rules(REPO / "rules").raise_for_errors()
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _list(tmp_path: Path) -> Path:
    source = tmp_path / "suppression.csv"
    source.write_text("MSISDN,date\n33611111111,2025-01-02\n0622222222,\n0612,\n", encoding="utf-8")
    return source


async def test_an_imported_opt_out_gets_no_reply(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    args = ("--db", str(db), "--number", "36111", "--country", "FR")
    result = twoway("contacts", "import-optouts", str(_list(tmp_path)), *args)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "opted out 2 numbers of 36111 (2 new, 0 already), refused 1",
        "row 4: '0612': not a valid phone number for FR",
    ]
    again = twoway("contacts", "import-optouts", str(_list(tmp_path)), *args)
    assert (
        again.stdout.splitlines()[0] == "opted out 2 numbers of 36111 (0 new, 2 already), refused 1"
    )
    async with Harness(RULES, db=str(db), clock=FixedClock(START)) as harness:
        assert await harness.send("+33611111111", "36111", "VOTE A") == []
        assert await harness.send("+33622222222", "36111", "HOURS") == []
        answered = await harness.send("+33633333333", "36111", "VOTE A")
        assert [m.text for m in answered] == ["Thanks! Your vote for Moonlight Drive is counted."]
        log = await harness.store.opt_out_log("+33611111111")
    assert [(row["number"], row["action"], row["text"]) for row in log] == [
        ("36111", "out", "imported from suppression.csv")
    ]
    with sqlite3.connect(db) as conn:
        sent = conn.execute("SELECT recipient FROM outbox").fetchall()
    assert sent == [("+33633333333",)]


async def test_an_opt_out_imported_while_the_engine_runs(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    async with Harness(RULES, db=str(db), clock=FixedClock(START)) as harness:
        assert len(await harness.send("+33611111111", "36111", "HOURS")) == 1
        args = ("--db", str(db), "--number", "36111", "--country", "FR")
        result = twoway("contacts", "import-optouts", str(_list(tmp_path)), *args)
        assert result.returncode == 0, result.stderr
        assert await harness.send("+33611111111", "36111", "HOURS") == []
        assert await harness.send("+33622222222", "36111", "VOTE A") == []


def test_without_a_number_every_configured_number(tmp_path: Path) -> None:
    (tmp_path / "twoway.yaml").write_text(
        'store: t.db\ncountry: FR\nnumbers:\n  "36111": {}\n  "+33 7 00 00 00 01": {}\n',
        encoding="utf-8",
    )
    config = str(tmp_path / "twoway.yaml")
    result = run("contacts", "import-optouts", str(_list(tmp_path)), "--config", config)
    assert result.output.splitlines()[0] == (
        "opted out 2 numbers of 36111, +33700000001 (4 new, 0 already), refused 1"
    )
    with sqlite3.connect(tmp_path / "t.db") as conn:
        rows = conn.execute("SELECT contact, number FROM opt_outs WHERE opted_out = 1").fetchall()
    assert sorted(rows) == [
        ("+33611111111", "+33700000001"),
        ("+33611111111", "36111"),
        ("+33622222222", "+33700000001"),
        ("+33622222222", "36111"),
    ]


def test_no_number_at_all_is_an_error(tmp_path: Path) -> None:
    result = run("contacts", "import-optouts", str(_list(tmp_path)), "--db", str(tmp_path / "t.db"))
    assert result.exit_code == 1
    assert "give --number N" in result.output
