"""Own writing contacts to a CSV or XLSX file that ``twoway contacts import`` reads back.

Columns: phone, name, language, timezone, groups (joined by ``;``), then one column per other
field, sorted. The file is written aside and moved into place, mode 0600: it lists people.

A text that a spreadsheet would run as a formula (a name like ``=HYPERLINK(…)``) is put behind a
``'`` in the CSV (``engine.core.cells.guard``; numbers stay as they are), which the import takes
off again; in the XLSX every cell is text.
"""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from engine.contacts.records import GROUP_NAMES, KNOWN
from engine.core.cells import guard_row, text_cell
from engine.store.files import replaced_privately

__all__ = ["export_rows", "write_table"]

StoredContact = tuple[str, Mapping[str, Any], Sequence[str]]
"""(phone, fields, groups) as the store keeps a contact."""


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, int | float):
        return str(value)
    return json.dumps(value, ensure_ascii=False, default=str)


def export_rows(contacts: Iterable[StoredContact]) -> tuple[list[str], list[list[str]]]:
    """The header and the rows of ``contacts``."""
    contacts = list(contacts)
    # A field named like a column of its own (set by a rule) would make the file unreadable.
    reserved = {*KNOWN, "phone", *GROUP_NAMES}
    extra = sorted({name for _, fields, _ in contacts for name in fields} - reserved)
    header = ["phone", *KNOWN, "groups", *extra]
    rows = [
        [
            phone,
            *(_text(fields.get(name)) for name in KNOWN),
            ";".join(groups),
            *(_text(fields.get(name)) for name in extra),
        ]
        for phone, fields, groups in contacts
    ]
    return header, rows


def write_table(path: Path, header: list[str], rows: list[list[str]]) -> None:
    """Write a CSV (UTF-8 with BOM, ``,``) or, for a ``.xlsx`` name, an XLSX workbook."""
    with replaced_privately(path) as partial:
        if path.suffix.lower() == ".xlsx":
            _write_xlsx(partial, header, rows)
        else:
            with partial.open("w", encoding="utf-8-sig", newline="") as handle:
                writer = csv.writer(handle)
                writer.writerow(guard_row(header))
                writer.writerows(guard_row(row) for row in rows)


def _write_xlsx(path: Path, header: list[str], rows: list[list[str]]) -> None:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("contacts")
    for row in (header, *rows):  # text cells: a number keeps its + and its leading 0
        sheet.append([text_cell(sheet, value) for value in row])
    book.save(path)
    os.chmod(path, 0o600)
