"""`twoway contacts import`: real CSV and XLSX files, E.164 numbers, merges, refused rows."""

from __future__ import annotations

import csv
import stat
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from tests.contacts.helpers import run, stored, twoway


def write_csv(path: Path, rows: list[list[str]], delimiter: str = ";") -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:  # with a BOM, like Excel
        csv.writer(handle, delimiter=delimiter).writerows(rows)
    return path


def test_a_semicolon_csv_with_a_bom_and_national_numbers(tmp_path: Path) -> None:
    source = write_csv(
        tmp_path / "clients.csv",
        [
            ["Téléphone", "Name", "Language", "Timezone", "Groups", "Date de naissance"],
            ["06 12 34 56 78", "Anne", "fr", "Europe/Paris", "vip, paris", "1990-04-01"],
            ["0033 6 98 76 54 32", "Bob", "en", "", "", ""],
            ["06 12", "Carl", "", "", "", ""],
            ["", "Dora", "", "", "", ""],
            ["+32 470 12 34 56", "Eve", "nl", "", "gent;vip", ""],
        ],
    )
    db = tmp_path / "t.db"
    result = run("contacts", "import", str(source), "--db", str(db), "--country", "FR")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "imported 3, updated 0, refused 2",
        "row 4: '06 12': not a valid phone number for FR",
        "row 5: no phone number",
    ]
    contacts = stored(db)
    assert contacts["+33612345678"] == (
        {
            "name": "Anne",
            "language": "fr",
            "timezone": "Europe/Paris",
            "date_de_naissance": "1990-04-01",
        },
        ["vip", "paris"],
    )
    assert contacts["+33698765432"] == ({"name": "Bob", "language": "en"}, [])
    assert contacts["+32470123456"] == ({"name": "Eve", "language": "nl"}, ["gent", "vip"])


def test_windows_1252_as_french_excel_writes_it(tmp_path: Path) -> None:
    source = tmp_path / "excel.csv"
    source.write_bytes("Numéro;Prénom;Ville\r\n06 12 34 56 78;Hélène;Orléans\r\n".encode("cp1252"))
    db = tmp_path / "t.db"
    result = run("contacts", "import", str(source), "--db", str(db), "--country", "FR")
    assert result.output == "imported 1, updated 0, refused 0\n"
    assert stored(db) == {"+33612345678": ({"prenom": "Hélène", "ville": "Orléans"}, [])}


def test_an_xlsx_workbook(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Mobile", "Name", "Points"])
    sheet.append([612345678, "Anne", 12])  # a number cell: Excel dropped the leading 0
    sheet.append(["06 98 76 54 32", "Bob", 3.5])
    sheet.append([None, None, None])  # blank: skipped, still counted
    sheet.append(["12", "Carl", None])
    book.save(tmp_path / "list.xlsx")
    db = tmp_path / "t.db"
    result = run(
        "contacts", "import", str(tmp_path / "list.xlsx"), "--db", str(db), "--country", "FR"
    )
    assert result.output.splitlines() == [
        "imported 2, updated 0, refused 1",
        "row 5: '12': not a valid phone number for FR",
    ]
    assert stored(db) == {
        "+33612345678": ({"name": "Anne", "points": "12"}, []),
        "+33698765432": ({"name": "Bob", "points": "3.5"}, []),
    }


def test_the_country_comes_from_the_configuration(tmp_path: Path) -> None:
    (tmp_path / "twoway.yaml").write_text("store: t.db\ncountry: be\n", encoding="utf-8")
    source = write_csv(tmp_path / "c.csv", [["phone"], ["0470 12 34 56"]], ",")
    config = str(tmp_path / "twoway.yaml")
    result = run("contacts", "import", str(source), "--config", config)
    assert result.output == "imported 1, updated 0, refused 0\n"
    assert list(stored(tmp_path / "t.db")) == ["+32470123456"]
    overridden = write_csv(tmp_path / "d.csv", [["phone"], ["06 12 34 56 78"]], ",")
    result = run("contacts", "import", str(overridden), "--config", config, "--country", "FR")
    assert result.output == "imported 1, updated 0, refused 0\n"


def test_without_a_country_numbers_must_be_international(tmp_path: Path) -> None:
    source = write_csv(tmp_path / "c.csv", [["msisdn"], ["33612345678"], ["0612345678"]])
    result = run("contacts", "import", str(source), "--db", str(tmp_path / "t.db"))
    assert result.output.splitlines() == [
        "imported 1, updated 0, refused 1",
        "row 3: '0612345678': not a valid phone number (give a country, or write it +CC…)",
    ]


def test_duplicates_merge_in_the_file_and_with_the_store(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    first = write_csv(
        tmp_path / "a.csv",
        [
            ["phone", "name", "city", "groups"],
            ["06 12 34 56 78", "Anne", "Paris", "vip"],
            ["+33612345678", "Anne-Marie", "", "paris"],  # later wins; an empty cell keeps
        ],
    )
    result = run("contacts", "import", str(first), "--db", str(db), "--country", "FR")
    assert result.output == "imported 1, updated 0, refused 0\n"
    assert stored(db)["+33612345678"] == ({"name": "Anne-Marie", "city": "Paris"}, ["vip", "paris"])
    again = run("contacts", "import", str(first), "--db", str(db), "--country", "FR")
    assert again.output == "imported 0, updated 0, refused 0\n"  # nothing changed
    second = write_csv(
        tmp_path / "b.csv",
        [["phone", "city", "groups"], ["0612345678", "Lyon", "newsletter"], ["0698765432", "", ""]],
    )
    result = run("contacts", "import", str(second), "--db", str(db), "--country", "FR")
    assert result.output == "imported 1, updated 1, refused 0\n"
    assert stored(db)["+33612345678"] == (
        {"name": "Anne-Marie", "city": "Lyon"},
        ["vip", "paris", "newsletter"],
    )


def test_group_options_add_every_contact(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    source = write_csv(
        tmp_path / "a.csv", [["phone", "groups"], ["0612345678", "vip"], ["0698765432", ""]]
    )
    args = ("--db", str(db), "--country", "FR", "--group", "salon-2026", "--group", "vip")
    result = run("contacts", "import", str(source), *args)
    assert result.output == "imported 2, updated 0, refused 0\n"
    assert {phone: groups for phone, (_, groups) in stored(db).items()} == {
        "+33612345678": ["salon-2026", "vip"],
        "+33698765432": ["salon-2026", "vip"],
    }


def test_row_shape_problems_are_refused_with_their_row(tmp_path: Path) -> None:
    source = tmp_path / "a.csv"
    source.write_text(
        "phone,name\n0612345678,Anne\n0698765432,Bob,extra\n\n0611111111\n0622222222,Dan,,\n",
        encoding="utf-8",
    )
    result = run(
        "contacts", "import", str(source), "--db", str(tmp_path / "t.db"), "--country", "FR"
    )
    assert result.output.splitlines() == [
        "imported 2, updated 0, refused 2",
        "row 3: 3 cells, but row 1 names 2 columns",
        "row 5: 1 cells, but row 1 names 2 columns",
    ]


def test_refused_rows_can_go_to_a_csv_file(tmp_path: Path) -> None:
    source = write_csv(tmp_path / "a.csv", [["phone"], ["0612"], ["0612345678"], ["abc"]])
    refused = tmp_path / "refused.csv"
    args = ("--db", str(tmp_path / "t.db"), "--country", "FR", "--refused", str(refused))
    result = run("contacts", "import", str(source), *args)
    assert result.output == f"imported 1, updated 0, refused 2\nrefused rows written to {refused}\n"
    assert stat.S_IMODE(refused.stat().st_mode) == 0o600
    with refused.open(encoding="utf-8-sig", newline="") as handle:
        assert list(csv.reader(handle)) == [
            ["row", "phone", "reason"],
            ["2", "0612", "not a valid phone number for FR"],
            ["4", "abc", "not a valid phone number for FR"],
        ]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("garbage.csv", bytes(range(256)) * 4, "is not a CSV or XLSX file (it holds binary data)"),
        ("fake.xlsx", b"phone\n0612345678\n", "as an XLSX workbook: File is not a zip file"),
        (
            "names.csv",
            b"name;city\nAnne;Paris\n",
            "has no phone column (row 1 names: name, city)",
        ),
        (
            "twice.csv",
            b"phone,Name,name\n0612345678,a,b\n",
            "row 1 names the column 'name' twice (B and C)",
        ),
        ("empty.csv", b"", "is empty: the first row must name the columns"),
        ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), "is an old .xls workbook"),
    ],
)
def test_a_file_that_cannot_be_read_is_one_error_line(
    tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    source = tmp_path / name
    source.write_bytes(content)
    result = twoway(
        "contacts", "import", str(source), "--db", str(tmp_path / "t.db"), "--country", "FR"
    )
    assert result.returncode == 1
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert result.stderr.startswith("error: ")
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_a_zip_that_is_no_workbook_is_one_error_line(tmp_path: Path) -> None:
    source = tmp_path / "archive.xlsx"
    with zipfile.ZipFile(source, "w") as archive:
        archive.writestr("xl/workbook.xml", "<not really")
    result = twoway("contacts", "import", str(source), "--db", str(tmp_path / "t.db"))
    assert result.returncode == 1
    assert result.stderr.startswith(f"error: cannot read {source} as an XLSX workbook: ")
    assert len(result.stderr.splitlines()) == 1


def test_utf16_text_as_excel_saves_unicode_text(tmp_path: Path) -> None:
    source = tmp_path / "unicode.txt"
    source.write_bytes("phone\tname\r\n06 12 34 56 78\tZoé\r\n".encode("utf-16"))
    db = tmp_path / "t.db"
    result = run("contacts", "import", str(source), "--db", str(db), "--country", "FR")
    assert result.output == "imported 1, updated 0, refused 0\n"
    assert stored(db) == {"+33612345678": ({"name": "Zoé"}, [])}


def test_a_missing_file_and_an_unknown_country(tmp_path: Path) -> None:
    result = twoway(
        "contacts", "import", str(tmp_path / "none.csv"), "--db", str(tmp_path / "t.db")
    )
    assert result.returncode == 1
    assert result.stderr.startswith(f"error: cannot read {tmp_path / 'none.csv'}: ")
    source = write_csv(tmp_path / "a.csv", [["phone"], ["0612345678"]])
    result = twoway(
        "contacts", "import", str(source), "--db", str(tmp_path / "t.db"), "--country", "XX"
    )
    assert result.returncode == 2
    assert "'XX' is not a known country code" in result.stderr
