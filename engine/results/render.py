"""Own the renderings of results: an aligned text table, CSV, JSON and XLSX, from one model.

Every result becomes blocks (a title, a header row, data rows) and every format writes those
blocks; JSON writes the records themselves, with stable keys. Campaigns, when given, are one
more block after the results: a "campaigns" table, CSV section, JSON list and XLSX sheet.

A text that a spreadsheet would run as a formula (an answer like ``=HYPERLINK(…)``) is put
behind a ``'`` in the CSV (``engine.core.cells.guard``: numbers and phones stay as they are) and
is a text cell in the XLSX.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import IO, Any

from engine.core.cells import guard_row, text_cell
from engine.i18n import CATALOGUE, say
from engine.results.model import CampaignResult, FlowResult, PollResult, Result, SurveyResult

__all__ = [
    "CAMPAIGN_HEADER",
    "FORMATS",
    "Block",
    "blocks",
    "campaign_block",
    "export",
    "render_csv",
    "render_json",
    "render_table",
    "sheet_title",
    "write_xlsx",
]

FORMATS = ("table", "csv", "json", "xlsx")

CAMPAIGN_HEADER = (
    "campaign",
    "title",
    "status",
    "recipients",
    "sent",
    "delivered",
    "failed",
    "replied",
    "opted_out",
    "held",
    "response_rate",
)


@dataclass(frozen=True, slots=True)
class Block:
    """One table of a result: its title, its column names, its rows (plain values)."""

    title: str
    header: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]
    ours: int | None = None
    """How many leading columns twoway names (the table writes them in the language in use);
    None: all of them. The others are the rules' (a survey's questions)."""


def blocks(result: Result) -> list[Block]:
    """The tables of ``result``, in the order every format shows them."""
    if isinstance(result, PollResult):
        return _poll_blocks(result)
    if isinstance(result, SurveyResult):
        return _survey_blocks(result)
    return _flow_blocks(result)


def _poll_blocks(poll: PollResult) -> list[Block]:
    return [
        Block("votes per choice", ("choice", "label", "votes"), poll.choices),
        Block(
            "totals",
            ("votes", "voters", "refused_second", "refused_closed", "refused_not_open"),
            (
                (
                    sum(n for _, _, n in poll.choices),
                    poll.voters,
                    poll.refused_second,
                    poll.refused_closed,
                    poll.refused_not_open,
                ),
            ),
        ),
        Block("votes per hour", ("hour", "votes"), poll.per_hour),
    ]


def _survey_blocks(survey: SurveyResult) -> list[Block]:
    rows = []
    for r in survey.respondents:
        answers = dict(r.answers)
        rows.append((r.phone, r.started, r.completed, *(answers.get(q) for q in survey.questions)))
    completed = sum(1 for r in survey.respondents if r.completed is not None)
    return [
        Block(
            "respondents",
            ("phone", "started", "completed", *survey.questions),
            tuple(rows),
            ours=3,
        ),
        Block(
            "totals",
            ("respondents", "completed", "completion_rate"),
            ((len(survey.respondents), completed, round(survey.completion_rate, 4)),),
        ),
        Block(
            "answers per question",
            ("question", "value", "count"),
            tuple((q, value, n) for q, counts in survey.distributions for value, n in counts),
        ),
    ]


def _flow_blocks(flow: FlowResult) -> list[Block]:
    return [
        Block(
            "sessions",
            ("started", "active", "handoffs"),
            ((flow.started, flow.active, flow.handoffs),),
        ),
        Block("sessions ended by", ("reason", "sessions"), flow.ended_by),
        *_answer_blocks(flow),
    ]


def _answer_blocks(flow: FlowResult) -> list[Block]:
    """The answers a flow's ``answer:`` recorded, when it has any."""
    if not flow.answers:
        return []
    rows = tuple((q, value, n) for q, counts in flow.answers for value, n in counts)
    return [Block("answers per question", ("question", "value", "count"), rows)]


def campaign_block(campaigns: Sequence[CampaignResult]) -> Block:
    """One row per campaign, in the order given: its counts and its response rate."""
    return Block(
        "campaigns",
        CAMPAIGN_HEADER,
        tuple(
            (
                c.name,
                c.title,
                c.status,
                c.recipients,
                c.sent,
                c.delivered,
                c.failed,
                c.replied,
                c.opted_out,
                c.held,
                round(c.response_rate, 4),
            )
            for c in campaigns
        ),
    )


def _text(value: Any) -> str:
    """A cell as text: nothing for None, ISO 8601 for times, the value itself otherwise."""
    if value is None:
        return ""
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _words(kind: str, english: str, *others: str) -> str:
    """A table's title or column name in the language in use (``kind.english_words`` of the
    catalogue, else ``other.english_words``), else as it is. CSV, JSON and XLSX keep the
    English names: scripts read them."""
    for prefix in (kind, *others):
        key = f"{prefix}.{english.replace(' ', '_')}"
        if key in CATALOGUE:
            return say(key)
    return english


def render_table(results: Sequence[Result], campaigns: Sequence[CampaignResult] = ()) -> str:
    """Readable text: each result's title, then its tables, columns aligned; then the
    campaigns' table, if there are campaigns. Titles and column names are in the language in
    use."""
    from rich import box
    from rich.console import Console
    from rich.table import Table

    buffer = io.StringIO()
    console = Console(file=buffer, width=200, color_system=None, highlight=False)
    shown: list[tuple[str | None, list[Block]]] = [
        (f"{result.name}: {result.title}", blocks(result)) for result in results
    ]
    if campaigns:
        shown.append((None, [campaign_block(campaigns)]))
    for heading, tables in shown:
        if heading is not None:
            console.print(heading, markup=False)
        for block in tables:
            title = _words("results.title", block.title)
            table = Table(title=title, title_justify="left", box=box.SIMPLE, min_width=20)
            ours = len(block.header) if block.ours is None else block.ours
            for i, column in enumerate(block.header):
                specific = f"results.column.{block.title.replace(' ', '_')}"
                shown_as = _words(specific, column, "results.column") if i < ours else column
                table.add_column(shown_as, overflow="fold")
            for row in block.rows:
                table.add_row(*(_text(cell) for cell in row))
            console.print(table)
    return "\n".join(line.rstrip() for line in buffer.getvalue().splitlines()) + "\n"


def render_csv(results: Sequence[Result], campaigns: Sequence[CampaignResult] = ()) -> str:
    """One CSV text: one section per table of each result, separated by a blank line; each
    section has its header row, whose first column is ``result`` (the result's name). The
    campaigns, if any, are the last section, whose first column is ``campaign``."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    first = True
    for result in results:
        for block in blocks(result):
            if not first:
                out.write("\n")
            first = False
            writer.writerow(guard_row(("result", *block.header)))
            writer.writerows(
                guard_row((result.name, *(_text(c) for c in row))) for row in block.rows
            )
    if campaigns:
        if not first:
            out.write("\n")
        block = campaign_block(campaigns)
        writer.writerow(guard_row(block.header))
        writer.writerows(guard_row(_text(c) for c in row) for row in block.rows)
    return out.getvalue()


def _json_of(result: Result) -> dict[str, Any]:
    if isinstance(result, PollResult):
        return {
            "kind": "poll",
            "name": result.name,
            "title": result.title,
            "choices": [{"key": k, "label": lb, "votes": n} for k, lb, n in result.choices],
            "voters": result.voters,
            "refused_second": result.refused_second,
            "refused_closed": result.refused_closed,
            "refused_not_open": result.refused_not_open,
            "per_hour": [{"hour": _text(h), "votes": n} for h, n in result.per_hour],
        }
    if isinstance(result, SurveyResult):
        return {
            "kind": "survey",
            "name": result.name,
            "title": result.title,
            "questions": list(result.questions),
            "respondents": [
                {
                    "phone": r.phone,
                    "started": _text(r.started),
                    "completed": r.completed.isoformat() if r.completed else None,
                    "answers": dict(r.answers),
                }
                for r in result.respondents
            ],
            "completion_rate": result.completion_rate,
            "distributions": {
                q: [{"value": v, "count": n} for v, n in counts]
                for q, counts in result.distributions
            },
        }
    return {
        "kind": "flow",
        "name": result.name,
        "title": result.title,
        "started": result.started,
        "ended_by": dict(result.ended_by),
        "active": result.active,
        "handoffs": result.handoffs,
        "answers": {
            q: [{"value": v, "count": n} for v, n in counts] for q, counts in result.answers
        },
    }


def _json_of_campaign(campaign: CampaignResult) -> dict[str, Any]:
    return {
        "name": campaign.name,
        "title": campaign.title,
        "status": campaign.status,
        "recipients": campaign.recipients,
        "sent": campaign.sent,
        "delivered": campaign.delivered,
        "failed": campaign.failed,
        "replied": campaign.replied,
        "opted_out": campaign.opted_out,
        "held": campaign.held,
        "response_rate": campaign.response_rate,
    }


def render_json(results: Sequence[Result], campaigns: Sequence[CampaignResult] = ()) -> str:
    """``{"results": [...], "campaigns": [...]}``: one object per result with a ``kind`` and
    stable keys, one per campaign (the list is empty when there are none)."""
    document = {
        "results": [_json_of(result) for result in results],
        "campaigns": [_json_of_campaign(campaign) for campaign in campaigns],
    }
    return json.dumps(document, ensure_ascii=False, indent=2, default=_text) + "\n"


def _cell(sheet: Any, value: Any) -> Any:
    """An XLSX cell: numbers stay numbers, times and the rest become text cells (never a
    formula)."""
    if value is None:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    return text_cell(sheet, _text(value))


def sheet_title(name: str, taken: set[str]) -> str:
    """A worksheet title for ``name``: at most 31 characters, none of ``[]:*?/\\``, unique."""
    base = "".join("_" if c in "[]:*?/\\" else c for c in name)[:31] or "result"
    title, n = base, 2
    while title.lower() in taken:
        suffix = f"~{n}"
        title, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(title.lower())
    return title


def write_xlsx(
    results: Sequence[Result], target: IO[bytes], campaigns: Sequence[CampaignResult] = ()
) -> None:
    """One sheet per result, named after it: its tables one under the other, each with a
    header row, a blank row between them; then a "campaigns" sheet, if there are campaigns."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    default = book.active
    taken: set[str] = set()
    bold = Font(bold=True)
    sheets = [(result.name, blocks(result)) for result in results]
    if campaigns:
        sheets.append(("campaigns", [campaign_block(campaigns)]))
    for name, tables in sheets:
        sheet = book.create_sheet(sheet_title(name, taken))
        for i, block in enumerate(tables):
            if i:
                sheet.append([])
            sheet.append([text_cell(sheet, column) for column in block.header])
            for cell in sheet[sheet.max_row]:
                cell.font = bold
            for row in block.rows:
                sheet.append([_cell(sheet, value) for value in row])
    if default is not None and len(book.sheetnames) > 1:
        book.remove(default)
    book.save(target)


def export(results: Sequence[Result], campaigns: Sequence[CampaignResult], format_: str) -> bytes:
    """The file ``twoway results --format FORMAT --output FILE`` writes (UTF-8 text, or an XLSX
    workbook), for the command and the console's download buttons alike."""
    if format_ == "xlsx":
        buffer = io.BytesIO()
        write_xlsx(results, buffer, campaigns)
        return buffer.getvalue()
    render = {"table": render_table, "csv": render_csv, "json": render_json}[format_]
    return render(results, campaigns).encode("utf-8")
