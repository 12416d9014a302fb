"""`twoway results`: an answer a spreadsheet would run as a formula is text in CSV and XLSX."""

from __future__ import annotations

import asyncio
import csv
import io
from datetime import timedelta
from pathlib import Path

import openpyxl
import pytest

from engine.core.clock import FixedClock
from engine.testing import Harness
from tests.results.helpers import POLL_NUMBER, RULES, START, demo_rules, run

HOSTILE = ['=HYPERLINK("http://evil","x")', "+SUM(1,2)", "-2+3", "@cmd"]
PHONES = [f"+3361234567{n}" for n in range(len(HOSTILE))]


async def _fill(db: Path) -> None:
    clock = FixedClock(START)
    async with Harness(demo_rules(), db=str(db), clock=clock) as h:
        for phone, text in zip(PHONES, HOSTILE, strict=True):
            for said in ("SURVEY", "7", "yes", text):
                await h.send(phone, POLL_NUMBER, said)
                clock.advance(timedelta(seconds=30))


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("hostile") / "twoway.db"
    asyncio.run(_fill(db))
    return db


def _results(db: Path, *args: str) -> str:
    outcome = run("results", "survey", "--db", str(db), "--rules", str(RULES), *args)
    assert outcome.exit_code == 0, outcome.output
    return outcome.output


def test_a_formula_answer_is_guarded_in_csv_phones_and_numbers_are_not(hostile: Path) -> None:
    text = _results(hostile, "--format", "csv")
    people = list(csv.reader(io.StringIO(text.split("\n\n")[0])))
    assert people[0] == ["result", "phone", "started", "completed", "score", "first_visit",
                         "improve"]  # fmt: skip
    assert [(row[1], row[4], row[5], row[6]) for row in people[1:]] == [
        ("+33612345670", "7", "yes", '\'=HYPERLINK("http://evil","x")'),
        ("+33612345671", "7", "yes", "'+SUM(1,2)"),
        ("+33612345672", "7", "yes", "'-2+3"),
        ("+33612345673", "7", "yes", "'@cmd"),
    ]
    totals = list(csv.reader(io.StringIO(text.split("\n\n")[1])))
    assert totals == [["result", "respondents", "completed", "completion_rate"],
                      ["survey", "4", "4", "1"]]  # fmt: skip
    answers = list(csv.reader(io.StringIO(text.split("\n\n")[2])))
    assert ["survey", "improve", "'+SUM(1,2)", "1"] in answers


def test_a_formula_answer_is_a_text_cell_in_xlsx(hostile: Path, tmp_path: Path) -> None:
    target = tmp_path / "survey.xlsx"
    _results(hostile, "--format", "xlsx", "--output", str(target))
    sheet = openpyxl.load_workbook(target)["survey"]
    rows = [list(row) for row in sheet.iter_rows(min_row=2, max_row=5)]
    assert [row[5].value for row in rows] == HOSTILE  # the text itself, no '
    assert [row[5].data_type for row in rows] == ["s"] * 4  # text, never a formula
    assert [(row[0].value, row[0].data_type) for row in rows] == [(p, "s") for p in PHONES]
    assert [(row[3].value, row[3].data_type) for row in rows] == [(7, "n")] * 4
    formulas = [c.coordinate for row in sheet.iter_rows() for c in row if c.data_type == "f"]
    assert formulas == []
