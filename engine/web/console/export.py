"""Own the archive's export: ``/archive/export.csv`` and ``/archive/export.xlsx``, one row per
message of the ended threads (closed or released) of the teams the person sees: thread,
contact, number, team, direction, time, text, status, author (``engine.store.history``).

The CSV is UTF-8 with a BOM (a spreadsheet opens it right), a text that starts like a formula
behind a ``'`` (``engine.core.cells.guard``); in the XLSX every cell but the numbers is text,
and a text that starts like a formula stays text.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from aiohttp import web

from engine.core.cells import guard_row, text_cell
from engine.store.history import ARCHIVE_COLUMNS, archive_rows
from engine.web.console.auth import Session

if TYPE_CHECKING:
    from engine.web.console import Console

__all__ = ["csv_bytes", "export", "xlsx_bytes"]

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def csv_bytes(rows: Sequence[Sequence[Any]]) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(ARCHIVE_COLUMNS)
    writer.writerows(guard_row(row) for row in rows)
    return out.getvalue().encode("utf-8-sig")


def xlsx_bytes(rows: Sequence[Sequence[Any]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("archive")
    sheet.append(list(ARCHIVE_COLUMNS))
    for row in rows:
        sheet.append([v if isinstance(v, int) else text_cell(sheet, str(v)) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


async def export(console: Console, request: web.Request, session: Session) -> Any:
    """The archive as ``csv`` or ``xlsx`` (the address's ``{format}``), as a download."""
    kind = request.match_info["format"]
    if kind not in ("csv", "xlsx"):
        raise web.HTTPNotFound(text="no such export\n")
    person = session.person
    teams = None if person.admin else sorted(person.teams)
    rows = await console.api.store().read(archive_rows, teams)
    body = csv_bytes(rows) if kind == "csv" else xlsx_bytes(rows)
    kind_of = "text/csv; charset=utf-8" if kind == "csv" else XLSX
    return web.Response(
        body=body,
        headers={
            "Content-Type": kind_of,
            "Content-Disposition": f'attachment; filename="twoway-archive.{kind}"',
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )
