"""Own what a report shows: the results, the campaigns and the replies over time, gathered once.

``Report`` is the bundle the page is rendered from; ``gather`` reads it from the store, in the
rule set's time zone. Campaign results are passed in by the caller (none until the store keeps
campaigns); the rest is computed here from the results read model and the store.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from engine.report.timeline import Timeline, timeline
from engine.results.model import CampaignResult, Result, compute_campaigns, compute_results
from engine.ruleset.ruleset import RuleSet
from engine.store import SqliteStore

__all__ = ["DEFAULT_TITLE", "Report", "gather"]

DEFAULT_TITLE = "twoway report"


@dataclass(frozen=True, slots=True)
class Report:
    """Everything one report shows. ``generated`` is in the zone named ``timezone``."""

    title: str
    generated: datetime
    timezone: str
    results: tuple[Result, ...]
    campaigns: tuple[CampaignResult, ...]
    replies: Timeline


async def gather(
    store: SqliteStore,
    ruleset: RuleSet,
    names: Sequence[str] | None = None,
    *,
    now: datetime,
    title: str = DEFAULT_TITLE,
    campaigns: Sequence[str] | None = None,
) -> Report:
    """The report of the polls, surveys and flows ``names`` (all of them when None; an unknown
    name raises KeyError), of the started ``campaigns`` (all of them when None), and every
    message received, made at ``now``."""
    results: list[Result] = []
    if names is None or names:
        results = await compute_results(store, ruleset, names or ())
    started = [] if campaigns == [] else await compute_campaigns(store, campaigns)
    zone = ZoneInfo(ruleset.settings.timezone)
    quarters = await store.inbound_quarters()
    return Report(
        title=title,
        generated=now.astimezone(zone),
        timezone=ruleset.settings.timezone,
        results=tuple(results),
        campaigns=tuple(started),
        replies=timeline(quarters, zone),
    )
