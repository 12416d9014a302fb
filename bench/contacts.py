"""Benchmark `twoway contacts import`: 100,000 rows of CSV, then of XLSX, into a SQLite file.

Run from the repository root::

    python bench/contacts.py               # 100,000 rows (~20 s in all)
    python bench/contacts.py --quick       # 1,000 rows; tests/contacts/test_bench_contacts_smoke.py
    python bench/contacts.py --rows 20000

Generates a CSV as French Excel writes it (``;``, a UTF-8 BOM, national numbers like
``06 12 34 56 78``, a name, a language, groups and two free columns, 1 % of the rows with a bad
number and 1 % repeating an earlier number), then the same rows as an XLSX workbook. Each file
is imported by a real ``python -m engine contacts import --country FR`` process into a fresh
store (the time includes the interpreter's start-up), and the CSV once more into the filled
store (every contact exists: nothing changes). Printed: the seconds and rows/s of each, the
summary lines, and the contacts read back; a count that is not the expected one exits non-zero.
Target: the 100,000-row CSV in under 10 s.
"""

from __future__ import annotations

import argparse
import csv
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

HEADER = ["Téléphone", "Name", "Language", "Groups", "Ville", "Date d'inscription"]
CITIES = ["Paris", "Lyon", "Marseille", "Lille", "Nantes", "Orléans"]


def rows(count: int, seed: int = 7) -> tuple[list[list[str]], int]:
    """The rows, and how many distinct valid numbers they hold."""
    rng = random.Random(seed)
    out: list[list[str]] = []
    numbers: list[str] = []
    bad = 0
    for index in range(count):
        if index % 100 == 99:
            phone, bad = "06 12", bad + 1
        elif index % 100 == 98 and numbers:
            phone = rng.choice(numbers)
        else:
            digits = f"{index:08d}"
            phone = f"06 {digits[0:2]} {digits[2:4]} {digits[4:6]} {digits[6:8]}"
            numbers.append(phone)
        out.append(
            [
                phone,
                f"Client {index}",
                rng.choice(["fr", "en"]),
                rng.choice(["vip", "newsletter", "vip;newsletter", ""]),
                rng.choice(CITIES),
                f"2026-{1 + index % 12:02d}-{1 + index % 28:02d}",
            ]
        )
    return out, len(set(numbers))


def write_csv(path: Path, data: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(HEADER)
        writer.writerows(data)


def write_xlsx(path: Path, data: list[list[str]]) -> None:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("contacts")
    sheet.append(HEADER)
    for row in data:
        sheet.append(row)
    book.save(path)


def timed_import(source: Path, db: Path) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run(
        [
            *(sys.executable, "-m", "engine", "contacts", "import", str(source)),
            *("--db", str(db), "--country", "FR"),
            *("--refused", str(source.with_suffix(".refused.csv"))),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"import failed: {done.stderr}")
    return elapsed, done.stdout.splitlines()[0]


def stored(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return int(conn.execute("SELECT COUNT(*) FROM contacts").fetchone()[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--quick", action="store_true", help="1,000 rows")
    args = parser.parse_args()
    count = 1_000 if args.quick else args.rows
    data, distinct = rows(count)
    refused = count // 100
    ok = True
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        started = time.perf_counter()
        write_csv(base / "contacts.csv", data)
        write_xlsx(base / "contacts.xlsx", data)
        print(f"generated {count:,} rows (csv and xlsx) in {time.perf_counter() - started:.1f} s")
        expected = f"imported {distinct}, updated 0, refused {refused}"
        runs = (
            ("csv, empty store", "contacts.csv", "a.db", expected),
            ("xlsx, empty store", "contacts.xlsx", "b.db", expected),
            (
                "csv again, same store",
                "contacts.csv",
                "a.db",
                f"imported 0, updated 0, refused {refused}",
            ),
        )
        for label, name, db, want in runs:
            seconds, summary = timed_import(base / name, base / db)
            good = summary == want and stored(base / db) == distinct
            ok = ok and good
            print(
                f"{label}: {seconds:.2f} s, {count / seconds:,.0f} rows/s; {summary}; "
                f"{stored(base / db):,} contacts stored{'' if good else f' (expected: {want})'}"
            )
    print("OK" if ok else "MISMATCH")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
