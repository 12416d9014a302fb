"""Own the console's campaigns pages: ``/campaigns`` (each campaign of the rules, its status and
progress), ``/campaigns/NAME`` (its preview before it starts: recipients, exclusions, SMS parts,
when the first and last would go and its quiet hours; its progress once started) and its acts:
start, pause, resume, cancel.

Every read and act is the REST API's and ``twoway campaign``'s own (``engine.campaigns``:
``control.preview_now``, ``control.start``, ``control.change_status``; ``views``), recorded with
the person's ``author``. Only a person who may run campaigns acts (``Person.campaigns``: a user
with ``admin: true``, or a token with the ``admin`` scope, the API's scope for these acts);
anyone else sees the pages and is refused the acts (403). The progress is fetched again by the
page when the engine starts recipients (``campaigns``) or settles messages (``delivery``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aiohttp import web

from engine.campaigns.control import change_status, preview_now, start
from engine.campaigns.views import list_rows, local_time, preview_dict, status_dict
from engine.contacts import TableError
from engine.core.records import CampaignState
from engine.ruleset.campaigns import Campaign
from engine.web.console.auth import Session
from engine.web.console.login import see_other

if TYPE_CHECKING:
    from engine.web.console import Console, Handler

__all__ = ["ROUTES"]

SAID = ("not started", "running", "paused", "cancelled", "done", "marketing", "transactional",
        "alert")  # fmt: skip
"""A campaign's statuses and kinds, which the pages say in the person's language."""


def _country_numbers(console: Console) -> tuple[str | None, Any]:
    config = console.api.config
    return (config.country, config.numbers.values()) if config is not None else (None, ())


async def _rows(console: Console) -> list[dict[str, Any]]:
    """Every campaign as ``twoway campaign list`` shows it, with the progress of started ones."""
    store = console.api.store()
    settings = console.api.ruleset().settings
    stored = {row.name: row for row in await store.all_campaigns()}
    rows = list_rows(console.api.ruleset().campaigns, stored)
    for row in rows:
        found = stored.get(row["campaign"])
        row["progress"] = (
            status_dict(settings, await store.campaign_status(found)) if found else None
        )
    return rows


async def list_page(console: Console, request: web.Request, session: Session) -> Any:
    rows = await _rows(console)
    return console.render(request, "campaigns.html", session, rows=rows)


async def list_rows_part(console: Console, request: web.Request, session: Session) -> Any:
    rows = await _rows(console)
    return console.render(request, "_campaign_rows.html", session, rows=rows)


async def _detail(console: Console, request: web.Request) -> dict[str, Any]:
    """A campaign's row of the list, its stored record (None: not started) and progress."""
    name = request.match_info["name"]
    store = console.api.store()
    row = await store.campaign(name)
    shown = [r for r in list_rows(console.api.ruleset().campaigns, {row.name: row} if row else {})
             if r["campaign"] == name]  # fmt: skip
    if not shown:
        raise web.HTTPNotFound(text="no such campaign\n")
    settings = console.api.ruleset().settings
    progress = status_dict(settings, await store.campaign_status(row)) if row else None
    return {
        "campaign": shown[0],
        "stored": row,
        "progress": progress,
        "started_at": local_time(settings, row.created_at) if row else None,
        "finished_at": local_time(settings, row.finished_at) if row else None,
    }


async def _preview(console: Console, campaign: Campaign) -> dict[str, Any] | str:
    """The preview of ``twoway campaign preview`` (its JSON), or why there is none."""
    ruleset, now = console.api.ruleset(), console.service.clock.now()
    country, numbers = _country_numbers(console)
    try:
        shown = await preview_now(console.api.store(), ruleset, campaign, country, now, numbers)
    except TableError as exc:
        return str(exc)
    data = preview_dict(ruleset.settings, shown)
    data["first"] = local_time(ruleset.settings, shown.first) if shown.first else None
    data["last"] = local_time(ruleset.settings, shown.last) if shown.last else None
    return data


async def detail_page(console: Console, request: web.Request, session: Session) -> Any:
    detail = await _detail(console, request)
    found = console.api.ruleset().campaigns.get(request.match_info["name"])
    preview: dict[str, Any] | str | None = None
    if detail["stored"] is None and found is not None:
        preview = await _preview(console, found)
    return console.render(request, "campaign.html", session, preview=preview, **detail)


async def progress_part(console: Console, request: web.Request, session: Session) -> Any:
    detail = await _detail(console, request)
    return console.render(request, "_progress.html", session, **detail)


def _may(session: Session, console: Console, request: web.Request) -> None:
    if not session.person.campaigns:
        said = console.words(request).say("Only an admin may start, pause or cancel a campaign.")
        raise web.HTTPForbidden(text=said + "\n")


async def start_act(console: Console, request: web.Request, session: Session) -> Any:
    _may(session, console, request)
    name = request.match_info["name"]
    campaign = console.api.ruleset().campaigns.get(name)
    if campaign is None:
        raise web.HTTPNotFound(text="no such campaign\n")
    ruleset, now = console.api.ruleset(), console.service.clock.now()
    country, numbers = _country_numbers(console)
    author = session.person.author
    try:
        done = await start(console.api.store(), ruleset, campaign, country, now, numbers, author)
    except TableError:
        return see_other(f"/campaigns/{name}?notice=unreadable-audience")
    if done.plan is None:
        return see_other(f"/campaigns/{name}?notice=started-once")
    console.service.changed("campaigns")
    return see_other(f"/campaigns/{name}?notice=campaign-started")


def _changer(want: CampaignState, notice: str) -> Handler:
    async def change(console: Console, request: web.Request, session: Session) -> Any:
        _may(session, console, request)
        name = request.match_info["name"]
        done = await change_status(console.api.store(), name, want, session.person.author)
        if done.before is None:
            if name not in console.api.ruleset().campaigns:
                raise web.HTTPNotFound(text="no such campaign\n")
            return see_other(f"/campaigns/{name}?notice=not-started")
        if not done.done:
            return see_other(f"/campaigns/{name}?notice=campaign-state")
        console.service.changed("campaigns")
        return see_other(f"/campaigns/{name}?notice={notice}")

    return change


ROUTES: tuple[tuple[str, str, Handler, str], ...] = (
    ("GET", "/campaigns", list_page, "page"),
    ("GET", "/campaigns/-/rows", list_rows_part, "json"),
    ("GET", "/campaigns/{name}", detail_page, "page"),
    ("GET", "/campaigns/{name}/progress", progress_part, "json"),
    ("POST", "/campaigns/{name}/start", start_act, "page"),
    ("POST", "/campaigns/{name}/pause", _changer("paused", "campaign-paused"), "page"),
    ("POST", "/campaigns/{name}/resume", _changer("running", "campaign-resumed"), "page"),
    ("POST", "/campaigns/{name}/cancel", _changer("cancelled", "campaign-cancelled"), "page"),
)
