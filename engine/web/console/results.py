"""Own the console's results pages: ``/results`` (the rule set's polls, surveys and flows, then
its campaigns) and ``/results/NAME`` (a poll's tally as bars, a survey's answers and their
distributions, a flow's sessions, a campaign's numbers), its live part ``/results/NAME/tally``
(fetched again by the page when a batch is committed: ``messages``) and its downloads
``/results/NAME/export?format=csv|xlsx``.

Every number is the read model of ``twoway results`` and ``GET /api/v1/results/NAME``
(``engine.results``: ``select``, ``compute_selected``); a download is the very file
``twoway results NAME --format FORMAT --output FILE`` writes (``engine.results.export``). The
bars are SVG drawn here, on the server (``bars``): no charting script, nothing inline.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from aiohttp import web

from engine.results import compute_selected, export, result_names, select
from engine.web.console.auth import Session

if TYPE_CHECKING:
    from engine.web.console import Console, Handler

__all__ = ["ROUTES", "Bar", "bars"]

KINDS = ("poll", "survey", "flow", "campaign")
"""The kinds of results, which the pages say in the person's language."""
SHOWN = 200
"""A survey's respondents shown at most on its page (the downloads have them all)."""
DOWNLOADS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
LABEL = 28
"""Characters of a bar's label drawn at most (the table beside it has them whole)."""


@dataclass(frozen=True)
class Bar:
    """One bar of a chart, in the SVG's units: its label, its count, where it is drawn."""

    key: str
    label: str
    count: int
    y: int
    width: int


@dataclass(frozen=True)
class Chart:
    bars: tuple[Bar, ...]
    height: int
    total: int


WIDTH, LEFT, ROW = 480, 170, 30
"""The SVG's width, the labels' column, one bar's row (viewBox units)."""


def bars(counts: Sequence[tuple[Any, ...]]) -> Chart:
    """(key, label, count) or (value, count) as horizontal bars, the longest as wide as the
    room allows."""
    rows = [(r[0], r[1], r[2]) if len(r) == 3 else (r[0], r[0], r[1]) for r in counts]
    most = max((n for _, _, n in rows), default=0) or 1
    room = WIDTH - LEFT - 50
    drawn = tuple(
        Bar(str(key), _short(str(label)), n, i * ROW, round(room * n / most))
        for i, (key, label, n) in enumerate(rows)
    )
    return Chart(drawn, max(1, len(drawn)) * ROW, sum(n for _, _, n in rows))


def _short(label: str) -> str:
    return label if len(label) <= LABEL else label[: LABEL - 1] + "…"


def _named(console: Console, request: web.Request) -> tuple[list[str] | None, list[str] | None]:
    name = request.match_info["name"]
    try:
        return select(console.api.ruleset(), [name])
    except KeyError:
        raise web.HTTPNotFound(text="no such result\n") from None


async def list_page(console: Console, request: web.Request, session: Session) -> Any:
    ruleset = console.api.ruleset()
    named: list[tuple[str, str, str]] = [
        (n, ruleset.flows[n].kind, ruleset.flows[n].title or n) for n in result_names(ruleset)
    ]
    named += [(c.id, "campaign", c.title) for c in ruleset.campaigns.values()]
    return console.render(request, "results.html", session, named=named)


async def _shown(console: Console, request: web.Request) -> dict[str, Any]:
    """What a result's page shows: its results and its campaign's, and the charts."""
    flows, campaigns = _named(console, request)
    store, ruleset = console.api.store(), console.api.ruleset()
    results, started = await compute_selected(store, ruleset, flows, campaigns)
    return {
        "result_name": request.match_info["name"],
        "results": results,
        "campaigns": started,
        "bars": bars,
        "shown": SHOWN,
        "zone": ruleset.settings.timezone,
    }


async def result_page(console: Console, request: web.Request, session: Session) -> Any:
    shown = await _shown(console, request)
    title = shown["result_name"]
    if shown["results"]:
        title = shown["results"][0].title or title
    elif shown["campaigns"]:
        title = shown["campaigns"][0].title or title
    return console.render(request, "result.html", session, title=title, **shown)


async def tally(console: Console, request: web.Request, session: Session) -> Any:
    """The live part of a result's page (its charts and tables), fetched again on ``messages``."""
    return console.render(request, "_result.html", session, **await _shown(console, request))


async def download(console: Console, request: web.Request, session: Session) -> Any:
    """``NAME.csv`` or ``NAME.xlsx``: what ``twoway results NAME --format … -o …`` writes."""
    format_ = request.query.get("format", "csv")
    if format_ not in DOWNLOADS:
        raise web.HTTPNotFound(text="csv or xlsx\n")
    flows, campaigns = _named(console, request)
    store, ruleset = console.api.store(), console.api.ruleset()
    results, started = await compute_selected(store, ruleset, flows, campaigns)
    name = request.match_info["name"]
    safe = "".join(c if c.isascii() and (c.isalnum() or c in "-_") else "_" for c in name)
    return web.Response(
        body=export(results, started, format_),
        headers={
            "Content-Type": DOWNLOADS[format_],
            "Content-Disposition": f'attachment; filename="{safe}.{format_}"',
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )


ROUTES: tuple[tuple[str, str, Handler, str], ...] = (
    ("GET", "/results", list_page, "page"),
    ("GET", "/results/{name}", result_page, "page"),
    ("GET", "/results/{name}/tally", tally, "json"),
    ("GET", "/results/{name}/export", download, "page"),
)
