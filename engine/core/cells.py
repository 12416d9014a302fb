"""Own the cells twoway writes into spreadsheet files: no text a person sent runs as a formula.

CSV (OWASP's CSV injection guidance): ``guard`` puts a ``'`` before a text that starts with
``=``, ``+``, ``-``, ``@``, TAB or CR, so a spreadsheet shows it rather than runs it; a plain or
E.164 number (``+33612345678``, ``-3``, ``0.25``) stays as it is: it cannot call anything, and
numbers and phones must survive. Every CSV writer passes every text cell through it, and
``unguard``, on reading a CSV, takes that ``'`` off again: ``unguard(guard(s)) == s``.

XLSX: ``text_cell`` makes a text cell, never a formula, whatever it starts with.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

__all__ = ["FORMULA_STARTS", "guard", "guard_row", "text_cell", "unguard"]

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""What a spreadsheet may read as the start of a formula."""

_NUMBER = re.compile(r"[+-]?\d[\d ]*(\.\d+)?")
"""A plain number or an E.164 number (digits, spaces allowed): spared by ``guard``."""


_GUARDED = re.compile("'+[" + re.escape("".join(FORMULA_STARTS)) + "]")
"""The start of ``guard``'s result: ``'`` (one, or more for a text that started so) then a
formula's start."""


def _guarded(text: str) -> bool:
    return _GUARDED.match(text) is not None


def guard(text: str) -> str:
    """``text`` as a CSV cell: ``'`` in front when it starts with ``=``, ``+``, ``-``, ``@``,
    TAB or CR and is not a plain or E.164 number; in front too when it already starts with
    ``'`` (or several) and one of those, so that ``unguard`` gives it back whole; else
    ``text`` itself."""
    if (text.startswith(FORMULA_STARTS) and not _NUMBER.fullmatch(text)) or _guarded(text):
        return "'" + text
    return text


def unguard(text: str) -> str:
    """A cell read from a CSV file: ``guard``'s ``'`` taken off (one, and only when
    ``'``s then a formula's start begin the cell)."""
    return text[1:] if _guarded(text) else text


def guard_row(cells: Iterable[Any]) -> list[Any]:
    """A CSV row: every text through ``guard``, other values (numbers) as they are."""
    return [guard(cell) if isinstance(cell, str) else cell for cell in cells]


def text_cell(sheet: Any, text: str) -> Any:
    """An openpyxl cell of ``sheet`` holding ``text`` as text (``data_type`` ``s``), never a
    formula, without the control characters XLSX cannot hold."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", text))
    cell.data_type = "s"
    return cell
