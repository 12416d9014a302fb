"""Own reading a spreadsheet file: CSV (sniffed separator, UTF-8 or Windows-1252) or XLSX.

The result is a header and its rows, each with the row number a spreadsheet user sees (the
header is row 1). Blank rows are skipped. A file that cannot be read raises ``TableError`` with
one line that says why. A CSV cell that twoway's exports guarded against formulas (``'=…``,
``'+…``, ``engine.core.cells.guard``) is read without that ``'``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from engine.core.cells import unguard

__all__ = ["Table", "TableError", "parse_table", "read_table"]

_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0"
"""The first bytes of an old binary .xls workbook."""


class TableError(Exception):
    """The file cannot be read as a table; the message is one line for the user."""


@dataclass(frozen=True, slots=True)
class Table:
    header: list[str]
    rows: list[tuple[int, list[str]]]
    """(row number, cells as text, stripped) of every non-blank row below the header."""
    delimiter: str = ","
    """The CSV separator found (``,`` for an XLSX file)."""
    short_rows: bool = False
    """Whether a row may have fewer cells than the header (XLSX drops empty trailing cells;
    a CSV row is written whole, so a short one is a shape problem)."""


def read_table(path: Path) -> Table:
    """Read ``path`` as XLSX (by its name or its first bytes) or as CSV."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise TableError(f"cannot read {path}: {exc.strerror or exc}") from exc
    return parse_table(data, path)


def parse_table(data: bytes, path: Path) -> Table:
    """The table in ``data``, the content of a file named ``path`` (its suffix says XLSX, or
    the first bytes do; the name is in the errors): the same reading as ``read_table``."""
    suffix = path.suffix.lower()
    if data.startswith(_OLE) or suffix == ".xls":
        raise TableError(f"{path} is an old .xls workbook: save it as .xlsx or CSV first")
    if data.startswith(_ZIP) or suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path, data)
    return _read_csv(path, data)


def _decode(path: Path, data: bytes) -> str:
    """UTF-8 (with or without BOM) when the bytes are UTF-8, else Windows-1252."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode text"
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise TableError(f"{path} is not valid UTF-16 text") from exc
    if b"\x00" in data:
        raise TableError(f"{path} is not a CSV or XLSX file (it holds binary data)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise TableError(f"{path} is neither UTF-8 nor Windows-1252 text") from exc


def _sniff(first_line: str) -> str:
    """The separator of the header line: the most frequent of ``;``, ``,`` and tab (ties:
    in that order)."""
    counts = {sep: first_line.count(sep) for sep in (";", ",", "\t")}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] else ","


def _read_csv(path: Path, data: bytes) -> Table:
    text = _decode(path, data)
    first = text.split("\n", 1)[0]
    delimiter = _sniff(first)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader, None)
        if header is None:
            raise TableError(f"{path} is empty: the first row must name the columns")
        rows = [
            (number, cells)
            for number, cells in enumerate((_strip(row) for row in reader), start=2)
            if any(cells)
        ]
    except csv.Error as exc:
        raise TableError(f"{path}: line {reader.line_num}: {exc}") from exc
    return Table(_strip(header), rows, delimiter)


def _strip(cells: list[str]) -> list[str]:
    """The cells of a CSV row, stripped, then without the ``'`` of a guarded formula."""
    return [unguard(cell.strip()) for cell in cells]


def _read_xlsx(path: Path, data: bytes) -> Table:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            if not book.worksheets:
                raise TableError(f"{path} has no worksheet")
            rows = _sheet_rows(book.worksheets[0].iter_rows(values_only=True))
            header = next(rows, None)
            if header is None:
                raise TableError(f"{path} is empty: the first row must name the columns")
            body = [(number, cells) for number, cells in rows if any(cells)]
        finally:
            book.close()
    except TableError:
        raise
    except Exception as exc:  # zipfile, XML and openpyxl's own errors: a damaged workbook
        raise TableError(f"cannot read {path} as an XLSX workbook: {exc}") from exc
    return Table(header[1], body, ",", short_rows=True)


def _sheet_rows(rows: Iterator[tuple[Any, ...]]) -> Iterator[tuple[int, list[str]]]:
    for number, row in enumerate(rows, start=1):
        cells = [_cell(value) for value in row]
        while cells and not cells[-1]:
            cells.pop()
        yield number, cells


def _cell(value: Any) -> str:
    """A cell's value as text: whole numbers without ``.0``, dates in ISO 8601."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        if value.time() == time(0):
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value).strip()
