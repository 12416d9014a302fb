"""Own the REST API's campaigns: list them, read one's progress, preview, start, pause, resume
and cancel one, writing the same store records as ``twoway campaign`` (``engine.campaigns``).

The running engine's campaign loop reads those records: a campaign started here sends within a
second, at its pace and outside its quiet hours, like one started by the command.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aiohttp import web

from engine.campaigns.control import change_status, preview_now, start
from engine.campaigns.views import list_rows, local_time, preview_dict, started_dict, status_dict
from engine.contacts import TableError
from engine.core.records import CampaignState
from engine.ruleset.campaigns import Campaign
from engine.web.api.base import reply
from engine.web.api.inbox import author_of
from engine.web.api.problems import ProblemError
from engine.web.api.schema import Route, meta

if TYPE_CHECKING:
    from engine.web.api.base import Api

__all__ = ["ROUTES"]

TIME = "date-time"


# --- models -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CampaignItem:
    """A campaign of the rules (or a started one whose file is gone) and where it stands."""

    campaign: str = field(metadata=meta("Its name: the rule file's name without .yaml"))
    title: str = field(metadata=meta("Its title"))
    kind: str = field(metadata=meta("marketing, transactional or alert"))
    audience: str = field(metadata=meta("Who it goes to, for people"))
    status: str = field(
        metadata=meta("not started, running, paused, cancelled or done",
                      enum=["not started", "running", "paused", "cancelled", "done"])
    )  # fmt: skip
    recipients: int | None = field(metadata=meta("Recipients recorded at its start"))


@dataclass(frozen=True)
class CampaignList:
    """The campaigns, by name (as `twoway campaign list --json`)."""

    campaigns: list[CampaignItem] = field(metadata=meta("Every campaign"))


@dataclass(frozen=True)
class Progress:
    """Where a started campaign stands (as `twoway campaign status --json`)."""

    campaign: str = field(metadata=meta("Its name"))
    title: str = field(metadata=meta("Its title when it started"))
    status: str = field(metadata=meta("running, paused, cancelled or done"))
    recipients: int = field(metadata=meta("Recipients recorded at its start"))
    queued: int = field(metadata=meta("Waiting for their time"))
    held: int = field(metadata=meta("Held by quiet hours"))
    held_until: str | None = field(metadata=meta("When the first held one may go", format=TIME))
    started: int = field(metadata=meta("Recipients whose flow started"))
    sent: int = field(metadata=meta("Messages sent"))
    delivered: int = field(metadata=meta("Messages delivered"))
    failed: int = field(metadata=meta("Messages failed"))
    replied: int = field(metadata=meta("Recipients who replied"))
    opted_out: int = field(metadata=meta("Recipients who opted out since"))
    skipped: dict[str, int] = field(metadata=meta("Reason → recipients skipped at their turn"))
    excluded: dict[str, int] = field(metadata=meta("Reason → recipients left out at the start"))
    cancelled: int = field(metadata=meta("Recipients not started because it was cancelled"))
    started_at: str = field(metadata=meta("When it started", format=TIME))
    finished_at: str | None = field(metadata=meta("When it ended", format=TIME))


@dataclass(frozen=True)
class CampaignDetail:
    """A campaign and, once started, its progress."""

    campaign: str = field(metadata=meta("Its name"))
    title: str = field(metadata=meta("Its title"))
    kind: str = field(metadata=meta("marketing, transactional or alert"))
    audience: str = field(metadata=meta("Who it goes to, for people"))
    status: str = field(metadata=meta("not started, running, paused, cancelled or done"))
    recipients: int | None = field(metadata=meta("Recipients recorded at its start"))
    progress: Progress | None = field(metadata=meta("Its progress; null until it starts"))


@dataclass(frozen=True)
class Sample:
    """A recipient's first message."""

    phone: str = field(metadata=meta("The recipient"))
    text: str = field(metadata=meta("What they would read"))


@dataclass(frozen=True)
class Parts:
    """SMS parts of one message."""

    min: int = field(metadata=meta("The fewest"))
    max: int = field(metadata=meta("The most"))


@dataclass(frozen=True)
class PreviewBody:
    """Who would get the campaign, what three of them would read, what it costs, when it
    would go (as `twoway campaign preview --json`). Nothing is sent or written."""

    campaign: str = field(metadata=meta("Its name"))
    title: str = field(metadata=meta("Its title"))
    recipients: int = field(metadata=meta("Who would get it"))
    excluded: dict[str, int] = field(metadata=meta("Reason → recipients left out"))
    samples: list[Sample] = field(metadata=meta("The first recipients' messages"))
    encodings: dict[str, int] = field(metadata=meta("GSM-7 / UCS-2 → messages"))
    parts_per_message: Parts = field(metadata=meta("SMS parts per message"))
    parts_total: int = field(metadata=meta("SMS parts in all"))
    silent: int = field(metadata=meta("Recipients its flow sends nothing at its start"))
    throughput: float | None = field(metadata=meta("Messages per second"))
    first: str | None = field(metadata=meta("When the first message would go", format=TIME))
    last: str | None = field(metadata=meta("When the last would go, about", format=TIME))
    quiet_hours: str | None = field(metadata=meta("Its quiet hours, for people"))


@dataclass(frozen=True)
class StartedCampaign:
    """A campaign started: its recipients are recorded and the engine sends at its pace (as
    `twoway campaign start --yes --json`)."""

    campaign: str = field(metadata=meta("Its name"))
    recipients: int = field(metadata=meta("Who will get it"))
    excluded: dict[str, int] = field(metadata=meta("Reason → recipients left out"))
    first: str | None = field(metadata=meta("When the first message goes", format=TIME))
    last: str | None = field(metadata=meta("When the last goes, about", format=TIME))
    contacts_from: str | None = field(metadata=meta("The audience file imported, if any"))


@dataclass(frozen=True)
class CampaignChanged:
    """A campaign paused, resumed or cancelled."""

    campaign: str = field(metadata=meta("Its name"))
    status: str = field(metadata=meta("Its status now", enum=["paused", "running", "cancelled"]))


# --- handlers -----------------------------------------------------------------------------------


def _unknown(api: Api, name: str) -> ProblemError:
    known = ", ".join(sorted(api.ruleset().campaigns)) or "none"
    return ProblemError(404, f"no campaign named '{name}' (campaigns: {known})",
                        kind="urn:twoway:unknown-campaign")  # fmt: skip


def _campaign(api: Api, request: web.Request) -> Campaign:
    name = request.match_info["name"]
    found = api.ruleset().campaigns.get(name)
    if found is None:
        raise _unknown(api, name)
    return found


async def list_campaigns(api: Api, request: web.Request) -> web.Response:
    stored = {row.name: row for row in await api.store().all_campaigns()}
    rows = list_rows(api.ruleset().campaigns, stored)
    return reply(CampaignList([CampaignItem(**row) for row in rows]))


async def get_campaign(api: Api, request: web.Request) -> web.Response:
    name = request.match_info["name"]
    store = api.store()
    row = await store.campaign(name)
    shown = [r for r in list_rows(api.ruleset().campaigns, {row.name: row} if row else {})
             if r["campaign"] == name]  # fmt: skip
    if not shown:
        raise _unknown(api, name)
    progress = None
    if row is not None:
        status = status_dict(api.ruleset().settings, await store.campaign_status(row))
        progress = Progress(**status)
    return reply(CampaignDetail(**shown[0], progress=progress))


def _country_numbers(api: Api) -> tuple[str | None, Any]:
    config = api.config
    return (config.country, config.numbers.values()) if config is not None else (None, ())


def _unreadable(campaign: Campaign, exc: TableError) -> ProblemError:
    return ProblemError(409, f"campaign {campaign.id}: its audience file cannot be read: {exc}",
                        kind="urn:twoway:unreadable-audience")  # fmt: skip


async def preview_campaign(api: Api, request: web.Request) -> web.Response:
    campaign = _campaign(api, request)
    ruleset, now = api.ruleset(), api.service.clock.now()
    country, numbers = _country_numbers(api)
    try:
        shown = await preview_now(api.store(), ruleset, campaign, country, now, numbers)
    except TableError as exc:
        raise _unreadable(campaign, exc) from None
    return reply(_preview_body(preview_dict(ruleset.settings, shown)))


def _preview_body(data: dict[str, Any]) -> PreviewBody:
    samples = [Sample(**sample) for sample in data.pop("samples")]
    parts = Parts(**data.pop("parts_per_message"))
    return PreviewBody(samples=samples, parts_per_message=parts, **data)


async def start_campaign(api: Api, request: web.Request) -> web.Response:
    campaign = _campaign(api, request)
    ruleset, now = api.ruleset(), api.service.clock.now()
    country, numbers = _country_numbers(api)
    try:
        done = await start(
            api.store(), ruleset, campaign, country, now, numbers, author_of(request)
        )
    except TableError as exc:
        raise _unreadable(campaign, exc) from None
    if done.plan is not None:
        api.service.changed("campaigns")
        return reply(StartedCampaign(**started_dict(done.plan, done.rate)), 202)
    existing = done.before
    assert existing is not None
    raise ProblemError(
        409, f"campaign {campaign.id} was started on "
        f"{local_time(ruleset.settings, existing.created_at)} and is {existing.status}; a "
        f"campaign starts once (GET /api/v1/campaigns/{campaign.id})",
        kind="urn:twoway:campaign-started",
    )  # fmt: skip


def _changer(want: CampaignState, verb: str) -> Any:
    async def change(api: Api, request: web.Request) -> web.Response:
        name = request.match_info["name"]
        done = await change_status(api.store(), name, want, author_of(request))
        if done.before is None:
            if name not in api.ruleset().campaigns:
                raise _unknown(api, name)
            raise ProblemError(409, f"campaign {name} was never started",
                               kind="urn:twoway:campaign-state")  # fmt: skip
        if not done.done:
            raise ProblemError(409, f"campaign {name} is {done.before.status}; it cannot be {want}",
                               kind="urn:twoway:campaign-state")  # fmt: skip
        api.service.changed("campaigns")
        return reply(CampaignChanged(name, want))

    change.__name__ = f"{verb}_campaign"
    return change


pause_campaign = _changer("paused", "pause")
resume_campaign = _changer("running", "resume")
cancel_campaign = _changer("cancelled", "cancel")

_ACT = (401, 403, 404, 409)
ROUTES = (
    Route("GET", "/campaigns", list_campaigns, "The campaigns of the rules and where each "
          "stands", "read", None, CampaignList, 200, False, (401, 403)),
    Route("GET", "/campaigns/{name}", get_campaign, "A campaign and its progress",
          "read", None, CampaignDetail, 200, False, (401, 403, 404)),
    Route("POST", "/campaigns/{name}/preview", preview_campaign, "Who would get a campaign, "
          "what they would read, what it costs; sends nothing", "read", None, PreviewBody, 200,
          False, _ACT),
    Route("POST", "/campaigns/{name}/start", start_campaign, "Start a campaign (once): its "
          "recipients are recorded and the engine sends at its pace", "admin", None,
          StartedCampaign, 202, False, _ACT),
    Route("POST", "/campaigns/{name}/pause", pause_campaign, "Pause a running campaign",
          "admin", None, CampaignChanged, 200, False, _ACT),
    Route("POST", "/campaigns/{name}/resume", resume_campaign, "Resume a paused campaign",
          "admin", None, CampaignChanged, 200, False, _ACT),
    Route("POST", "/campaigns/{name}/cancel", cancel_campaign, "Cancel a campaign: who has not "
          "had it gets nothing; it cannot restart", "admin", None, CampaignChanged, 200, False,
          _ACT),
)  # fmt: skip
