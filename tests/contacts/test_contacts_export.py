"""`twoway contacts export`: CSV and XLSX files that `import` reads back the same."""

from __future__ import annotations

import csv
import stat
from pathlib import Path

from openpyxl import load_workbook

from tests.contacts.helpers import run, stored

HEADER = ["phone", "name", "language", "timezone", "groups", "city", "points"]


def _fill(tmp_path: Path) -> Path:
    db = tmp_path / "t.db"
    source = tmp_path / "in.csv"
    source.write_text(
        "phone;name;language;groups;points;city\n"
        "06 12 34 56 78;Anne;fr;vip,paris;12;Paris\n"
        '06 98 76 54 32;=HYPERLINK("x");;newsletter;;\n'
        "+32470123456;Eve;nl;;;Gent\n",
        encoding="utf-8",
    )
    result = run("contacts", "import", str(source), "--db", str(db), "--country", "FR")
    assert result.output == "imported 3, updated 0, refused 0\n"
    return db


def test_export_csv_then_import_it_into_a_new_store(tmp_path: Path) -> None:
    db = _fill(tmp_path)
    target = tmp_path / "out.csv"
    result = run("contacts", "export", str(target), "--db", str(db))
    assert result.output == f"exported 3 contacts to {target}\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    with target.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows == [
        HEADER,
        ["+32470123456", "Eve", "nl", "", "", "Gent", ""],
        ["+33612345678", "Anne", "fr", "", "vip;paris", "Paris", "12"],
        ["+33698765432", '=HYPERLINK("x")', "", "", "newsletter", "", ""],
    ]
    again = tmp_path / "again.db"
    result = run("contacts", "import", str(target), "--db", str(again))
    assert result.output == "imported 3, updated 0, refused 0\n"
    assert stored(again) == stored(db)


def test_export_xlsx_reads_back_with_openpyxl_and_imports(tmp_path: Path) -> None:
    db = _fill(tmp_path)
    target = tmp_path / "out.xlsx"
    result = run("contacts", "export", str(target), "--db", str(db), "--group", "vip")
    assert result.output == f"exported 1 contact to {target}\n"
    sheet = load_workbook(target).active
    assert sheet is not None
    assert [list(row) for row in sheet.iter_rows(values_only=True)] == [
        HEADER,
        ["+33612345678", "Anne", "fr", None, "vip;paris", "Paris", "12"],
    ]
    every = tmp_path / "every.xlsx"
    run("contacts", "export", str(every), "--db", str(db))
    formula = load_workbook(every).active
    assert formula is not None
    assert formula["B4"].value == '=HYPERLINK("x")'
    assert formula["B4"].data_type == "s"  # text, never a formula
    again = tmp_path / "again.db"
    result = run("contacts", "import", str(every), "--db", str(again))
    assert result.output == "imported 3, updated 0, refused 0\n"
    assert stored(again) == stored(db)


def test_export_needs_a_store(tmp_path: Path) -> None:
    result = run("contacts", "export", str(tmp_path / "o.csv"), "--db", str(tmp_path / "no.db"))
    assert result.exit_code == 1
    assert not (tmp_path / "o.csv").exists()
