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
        ["+33698765432", '\'=HYPERLINK("x")', "", "", "newsletter", "", ""],
    ]  # the formula behind a ': a spreadsheet shows it, the import takes the ' off
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


CMD = "=cmd|' /C calc'!A0"


def _hostile(tmp_path: Path) -> Path:
    """A store whose contacts hold texts a spreadsheet would run as formulas."""
    db = tmp_path / "h.db"
    source = tmp_path / "hostile.csv"
    with source.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([
            ["phone", "name", "note", "sum", "delta", "score", "quoted"],
            ["+33612345678", CMD, "@SUM(1)", "+SUM(1,2)", "-2+3", "-3", "'=kept"],
            ["+33698765432", "Anne", "plain", "", "", "12", ""],
        ])  # fmt: skip
    result = run("contacts", "import", str(source), "--db", str(db))
    assert result.output == "imported 2, updated 0, refused 0\n"
    return db


def test_a_formula_in_a_contact_is_exported_guarded_and_imported_back_as_it_was(
    tmp_path: Path,
) -> None:
    db = _hostile(tmp_path)
    fields = stored(db)["+33612345678"][0]
    assert (fields["name"], fields["note"]) == (CMD, "@SUM(1)")
    assert fields["quoted"] == "=kept"  # a ' typed before = in a file is taken off too
    target = tmp_path / "out.csv"
    run("contacts", "export", str(target), "--db", str(db))
    with target.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows == [
        ["phone", "name", "language", "timezone", "groups", "delta", "note", "quoted", "score",
         "sum"],
        ["+33612345678", "'" + CMD, "", "", "", "'-2+3", "'@SUM(1)", "'=kept", "-3",
         "'+SUM(1,2)"],
        ["+33698765432", "Anne", "", "", "", "", "plain", "", "12", ""],
    ]  # fmt: skip
    again = tmp_path / "again.db"
    result = run("contacts", "import", str(target), "--db", str(again))
    assert result.output == "imported 2, updated 0, refused 0\n"
    assert stored(again) == stored(db)
    fields = stored(again)["+33612345678"][0]
    assert (fields["name"], fields["note"], fields["sum"]) == (CMD, "@SUM(1)", "+SUM(1,2)")


def test_a_formula_in_a_contact_is_a_text_cell_in_xlsx(tmp_path: Path) -> None:
    db = _hostile(tmp_path)
    target = tmp_path / "out.xlsx"
    run("contacts", "export", str(target), "--db", str(db))
    sheet = load_workbook(target).active
    assert sheet is not None
    assert [c.value for c in sheet[2]] == [
        "+33612345678",
        CMD,
        None,
        None,
        None,
        "-2+3",
        "@SUM(1)",
        "=kept",
        "-3",
        "+SUM(1,2)",
    ]
    assert {c.data_type for row in sheet.iter_rows() for c in row if c.value is not None} == {"s"}
    again = tmp_path / "again.db"
    run("contacts", "import", str(target), "--db", str(again))
    assert stored(again) == stored(db)


def test_a_refused_formula_is_written_guarded(tmp_path: Path) -> None:
    source = tmp_path / "a.csv"
    source.write_text("phone\n=1+2\n+33612345678\n", encoding="utf-8")
    refused = tmp_path / "refused.csv"
    args = ("--db", str(tmp_path / "t.db"), "--refused", str(refused))
    result = run("contacts", "import", str(source), *args)
    assert result.output.startswith("imported 1, updated 0, refused 1\n")
    with refused.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[1][:2] == ["2", "'=1+2"]
