"""`twoway results`: table, CSV, JSON and XLSX say the same thing, and the store's."""

from __future__ import annotations

import csv
import io
import json
import re
import sqlite3
import stat
from pathlib import Path

import openpyxl
import pytest

from engine.results.render import sheet_title
from tests.results.helpers import LATE, RULES, TWICE, Made, run

Sections = list[list[list[str]]]


def results(made: Made, *args: str) -> str:
    outcome = run("results", "--db", str(made.db), "--rules", str(RULES), *args)
    assert outcome.exit_code == 0, outcome.output
    return outcome.output


def csv_sections(text: str) -> Sections:
    """Sections separated by a blank line, each a header row and data rows."""
    return [list(csv.reader(io.StringIO(part))) for part in text.strip("\n").split("\n\n")]


def xlsx_sections(path: Path) -> Sections:
    """The sheets' tables as CSV writes them: the result's name in front, cells as text."""
    book = openpyxl.load_workbook(path)
    found: Sections = []
    for sheet in book.worksheets:
        current: list[list[str]] | None = None
        width = 0
        for full in sheet.iter_rows(values_only=True):
            if all(cell is None for cell in full):
                current = None
                continue
            if current is None:
                header = [str(c) for c in full if c is not None]
                width = len(header)
                current = [["result", *header]]
                found.append(current)
                continue
            current.append([sheet.title, *(_text(c) for c in full[:width])])
    return found


def _text(cell: object) -> str:
    if cell is None:
        return ""
    return f"{cell:g}" if isinstance(cell, float) else str(cell)


def test_csv_and_xlsx_hold_the_same_tables(made: Made, tmp_path: Path) -> None:
    target = tmp_path / "results.xlsx"
    results(made, "--format", "xlsx", "--output", str(target))
    assert xlsx_sections(target) == csv_sections(results(made, "--format", "csv"))


def test_xlsx_has_one_sheet_per_result_and_numbers_as_numbers(made: Made, tmp_path: Path) -> None:
    target = tmp_path / "results.xlsx"
    results(made, "--format", "xlsx", "--output", str(target))
    book = openpyxl.load_workbook(target)
    assert book.sheetnames == ["appointment", "contest", "survey"]
    contest = book["contest"]
    assert [c.value for c in contest[1]][:4] == ["choice", "label", "votes", None]
    assert all(isinstance(contest.cell(row, 3).value, int) for row in (2, 3, 4))
    assert contest["B2"].font.bold is False and contest["A1"].font.bold is True


def test_the_csv_tally_is_the_store_s(made: Made) -> None:
    sections = csv_sections(results(made, "contest", "--format", "csv"))
    assert sections[0][0] == ["result", "choice", "label", "votes"]
    with sqlite3.connect(made.db) as conn:
        stored = dict(conn.execute("SELECT choice, COUNT(*) FROM votes GROUP BY choice"))
    assert {row[1]: int(row[3]) for row in sections[0][1:]} == stored
    assert sections[1][0][3:5] == ["refused_second", "refused_closed"]
    assert sections[1][1][3:5] == [str(TWICE), str(LATE)]


def test_json_agrees_with_csv(made: Made) -> None:
    document = json.loads(results(made, "--format", "json"))
    sections = csv_sections(results(made, "--format", "csv"))
    by_name = {item["name"]: item for item in document["results"]}
    assert [item["kind"] for item in document["results"]] == ["flow", "poll", "survey"]
    contest = by_name["contest"]
    tally = next(s for s in sections if s[0][1] == "choice")
    assert [[c["key"], c["label"], str(c["votes"])] for c in contest["choices"]] == [
        row[1:] for row in tally[1:]
    ]
    people = next(s for s in sections if s[0][1] == "phone")
    survey = by_name["survey"]
    assert [r["phone"] for r in survey["respondents"]] == [row[1] for row in people[1:]]
    assert [r["answers"].get("first_visit", "") for r in survey["respondents"]] == [
        row[5] for row in people[1:]
    ]
    assert survey["completion_rate"] == pytest.approx(0.6)
    assert by_name["appointment"]["ended_by"] == {"completed": 2}


def test_values_are_plain(made: Made, tmp_path: Path) -> None:
    text = results(made, "survey", "--format", "csv")
    assert '"yes"' not in text and '\\"' not in text
    people = csv_sections(text)[0]
    assert people[1][4:] == ["7", "yes", "More jazz records please"]
    document = json.loads(results(made, "survey", "--format", "json"))
    assert document["results"][0]["respondents"][0]["answers"] == {
        "score": 7,
        "first_visit": "yes",
        "improve": "More jazz records please",
    }
    target = tmp_path / "survey.xlsx"
    results(made, "survey", "--format", "xlsx", "-o", str(target))
    sheet = openpyxl.load_workbook(target)["survey"]
    assert [c.value for c in sheet[2]][3:] == [7, "yes", "More jazz records please"]


def test_the_table_shows_every_csv_row(made: Made) -> None:
    table = results(made)
    lines = [re.split(r"\s{2,}", line.strip()) for line in table.splitlines()]
    for section in csv_sections(results(made, "--format", "csv")):
        header = [cell for cell in section[0][1:]]
        assert header in lines, header
        for row in section[1:]:
            assert [cell for cell in row[1:] if cell] in lines, row
    assert "contest: Song of the year" in table


@pytest.mark.parametrize("format_", ["table", "csv", "json", "xlsx"])
def test_output_is_private(made: Made, tmp_path: Path, format_: str) -> None:
    target = tmp_path / f"out.{format_}"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o644)
    outcome = run(
        "results",
        "--db",
        str(made.db),
        "--rules",
        str(RULES),
        "--format",
        format_,
        "-o",
        str(target),
    )
    assert outcome.exit_code == 0
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert target.read_bytes() != b"old"
    if format_ != "xlsx":
        assert target.read_text(encoding="utf-8") == results(made, "--format", format_)


def test_an_unknown_name_is_one_error_line_naming_the_known_ones(made: Made) -> None:
    outcome = run("results", "--db", str(made.db), "--rules", str(RULES), "contest", "nope")
    assert outcome.exit_code == 1
    assert outcome.output == (
        "error: no poll, survey, flow or campaign named 'nope' "
        "(known: appointment, contest, survey)\n"
    )


def test_xlsx_needs_an_output_file(made: Made) -> None:
    outcome = run("results", "--db", str(made.db), "--format", "xlsx")
    assert outcome.exit_code == 1
    assert outcome.output == "error: --format xlsx writes a file: give --output FILE.xlsx\n"


def test_a_missing_store_is_an_error(tmp_path: Path) -> None:
    outcome = run("results", "--db", str(tmp_path / "none.db"), "--rules", str(RULES))
    assert outcome.exit_code == 1
    assert outcome.output == f"error: no store at {tmp_path / 'none.db'}\n"


def test_the_configuration_gives_the_store_and_the_rules(made: Made, tmp_path: Path) -> None:
    config = tmp_path / "twoway.yaml"
    config.write_text(f"store: {made.db}\nrules: {RULES}\n", encoding="utf-8")
    outcome = run("results", "--config", str(config), "contest", "--format", "csv")
    assert outcome.exit_code == 0, outcome.output
    assert outcome.output == results(made, "contest", "--format", "csv")


def test_sheet_titles_are_valid_and_unique() -> None:
    taken: set[str] = set()
    long = "a" * 40
    assert sheet_title(long, taken) == "a" * 31
    assert sheet_title(long, taken) == "a" * 29 + "~2"
    assert sheet_title("x/y:z", taken) == "x_y_z"
