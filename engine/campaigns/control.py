"""Own what starting, pausing, resuming and cancelling a campaign write to the store, and the
audience a plan is made from: one code for ``twoway campaign`` and the REST API.

The running engine's campaign loop reads the store: what these functions write shows there
within a second (or at the next start).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from engine.campaigns.plan import Candidate, Plan, make_plan
from engine.campaigns.preview import Preview, preview
from engine.campaigns.runner import campaign_rate
from engine.contacts import PhoneReader, plan_import, read_table
from engine.core.records import CampaignRow, CampaignState
from engine.ruleset.campaigns import Campaign
from engine.ruleset.ruleset import RuleSet
from engine.store.sqlite import SqliteStore

__all__ = [
    "ALLOWED",
    "Change",
    "NumberLimit",
    "Start",
    "change_status",
    "plan_campaign",
    "preview_now",
    "rate_of",
    "record_start",
    "start",
]

ALLOWED: dict[CampaignState, tuple[CampaignState, ...]] = {
    "paused": ("running",),
    "running": ("paused",),
    "cancelled": ("running", "paused"),
}
"""A status a campaign can be put in → the statuses it can be put in from."""


class NumberLimit(Protocol):
    """A configured number (``engine.config.NumberConfig``): its address and throughput."""

    @property
    def address(self) -> str: ...
    @property
    def throughput(self) -> float | None: ...


def rate_of(campaign: Campaign | CampaignRow, numbers: Iterable[NumberLimit]) -> float:
    """The campaign's messages per second, never above its number's ``throughput``."""
    limit = next((n.throughput for n in numbers if n.address == campaign.number), None)
    return campaign_rate(campaign.throughput, limit)


async def _candidates(
    store: SqliteStore, campaign: Campaign, country: str | None
) -> tuple[list[Candidate], list[tuple[str, str]], int]:
    """The audience as candidates, the refused rows of its file, and the file's duplicates.
    A file that cannot be read raises ``TableError``."""
    audience = campaign.audience
    if audience.group is not None:
        found = await store.all_contacts(audience.group)
        return [Candidate(p, f, tuple(g)) for p, f, g in found], [], 0
    if audience.file is not None:
        table = read_table(audience.file)
        imported = plan_import(table, PhoneReader(country), audience.file.name)
        refused = [(r.value, f"invalid number ({r.reason})") for r in imported.refused]
        duplicates = len(table.rows) - len(imported.refused) - len(imported.records)
        rows = [(r.phone, dict(r.fields), tuple(r.groups)) for r in imported.records.values()]
        return [Candidate(p, f, g, f) for p, f, g in rows], refused, duplicates
    assert audience.not_replied is not None
    earlier = await store.not_replied(audience.not_replied, audience.after)
    known = {p: (f, g) for p, f, g in await store.all_contacts(None)} if earlier else {}
    candidates: list[Candidate] = []
    for phone, params in earlier:
        fields, groups = known.get(phone, ({}, ()))
        candidates.append(Candidate(phone, fields, tuple(groups), params))
    return candidates, [], 0


async def plan_campaign(
    store: SqliteStore, ruleset: RuleSet, campaign: Campaign, country: str | None, now: datetime
) -> Plan:
    """Who ``campaign`` would go to now, and who it leaves out (``TableError``: its audience
    file cannot be read)."""
    candidates, refused, duplicates = await _candidates(store, campaign, country)
    return make_plan(
        campaign,
        ruleset.settings,
        candidates,
        opted_out=await store.opted_out_of(campaign.number),
        now=now,
        country=country,
        refused=refused,
        duplicates=duplicates,
    )


async def record_start(
    store: SqliteStore, ruleset: RuleSet, plan: Plan, rate: float, author: str | None = None
) -> int | None:
    """Record the campaign of ``plan`` as started by ``author`` (``user:NAME``, ``token:NAME``;
    None: the command), with its recipients (an audience file's contacts are imported first);
    None when one of that name was started already."""
    campaign = plan.campaign
    if campaign.audience.file:
        imported = [(p, dict(c.fields), list(c.groups)) for p, c in plan.candidates.items()]
        if imported:
            await store.import_contacts(imported)
    return await store.create_campaign(
        name=campaign.id,
        title=campaign.title,
        number=campaign.number,
        flow=campaign.flow,
        kind=campaign.kind,
        throughput=rate,
        window=campaign.window(ruleset.settings),
        recipients=plan.recipients,
        ruleset_version=ruleset.version,
        author=author,
    )


@dataclass(frozen=True)
class Change:
    """What a status change found: the campaign as it was (None: never started), and whether
    it was changed."""

    before: CampaignRow | None
    done: bool


async def change_status(
    store: SqliteStore, name: str, want: CampaignState, author: str | None = None
) -> Change:
    """Put campaign ``name`` in status ``want`` if its status allows it (``ALLOWED``), recorded
    as ``author``'s doing."""
    row = await store.campaign(name)
    if row is None or row.status not in ALLOWED[want]:
        return Change(row, False)
    await store.set_campaign_status(name, want, author)
    return Change(row, True)


async def preview_now(
    store: SqliteStore,
    ruleset: RuleSet,
    campaign: Campaign,
    country: str | None,
    now: datetime,
    numbers: Iterable[NumberLimit],
) -> Preview:
    """The preview of ``campaign`` in a running engine (the REST API's and the console's): off
    the event loop, in this process (the engine must not fork: preview's workers would).
    ``TableError``: its audience file cannot be read."""
    plan = await plan_campaign(store, ruleset, campaign, country, now)
    rate = rate_of(campaign, numbers)
    return await asyncio.to_thread(preview, ruleset, plan, now, rate, parallel=False)


@dataclass(frozen=True)
class Start:
    """What starting a campaign did: its plan and pace when it started now; else the campaign
    as it was started before (a campaign starts once)."""

    plan: Plan | None
    rate: float
    before: CampaignRow | None


async def start(
    store: SqliteStore,
    ruleset: RuleSet,
    campaign: Campaign,
    country: str | None,
    now: datetime,
    numbers: Iterable[NumberLimit],
    author: str | None = None,
) -> Start:
    """Start ``campaign`` once, as ``author`` (the REST API's and the console's start).
    ``TableError``: its audience file cannot be read."""
    rate = rate_of(campaign, numbers)
    existing = await store.campaign(campaign.id)
    if existing is None:
        plan = await plan_campaign(store, ruleset, campaign, country, now)
        if await record_start(store, ruleset, plan, rate, author) is not None:
            return Start(plan, rate, None)
        existing = await store.campaign(campaign.id)
    return Start(None, rate, existing)
