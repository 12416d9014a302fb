"""Own a campaign's views as JSON-ready dicts: the list, a preview, a start and a status, the
same for ``twoway campaign … --json`` and the REST API.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from engine.campaigns.plan import Plan, pace
from engine.campaigns.preview import Preview
from engine.core.quiet import UTC_ZONE, zone_named
from engine.core.records import CampaignRow
from engine.ruleset.campaigns import Campaign
from engine.ruleset.model import Settings
from engine.store.campaigns import CampaignStatus

__all__ = ["list_rows", "local_time", "preview_dict", "started_dict", "status_dict"]


def local_time(settings: Settings, moment: datetime | None) -> str:
    if moment is None:
        return "-"
    zone = zone_named(settings.timezone) or UTC_ZONE
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S %Z")


def list_rows(
    campaigns: Mapping[str, Campaign], stored: Mapping[str, CampaignRow]
) -> list[dict[str, Any]]:
    """Every campaign of the rules, by name, then those stored whose file is gone."""
    rows = []
    for name, campaign in sorted(campaigns.items()):
        row = stored.get(name)
        rows.append(
            {
                "campaign": name,
                "title": campaign.title,
                "kind": campaign.kind,
                "audience": campaign.audience.describe(),
                "status": row.status if row else "not started",
                "recipients": row.recipients if row else None,
            }
        )
    for name, row in sorted(stored.items()):
        if name not in campaigns:
            rows.append(
                {
                    "campaign": name,
                    "title": row.title,
                    "kind": row.kind,
                    "audience": "(file removed)",
                    "status": row.status,
                    "recipients": row.recipients,
                }
            )
    return rows


def preview_dict(settings: Settings, shown: Preview) -> dict[str, Any]:
    plan = shown.plan
    return {
        "campaign": plan.campaign.id,
        "title": plan.campaign.title,
        "recipients": len(plan.waiting),
        "excluded": dict(plan.excluded),
        "samples": [{"phone": p, "text": t} for p, t in shown.samples],
        "encodings": dict(shown.encodings),
        "parts_per_message": {"min": shown.parts_min, "max": shown.parts_max},
        "parts_total": shown.parts_total,
        "silent": shown.silent,
        "throughput": shown.rate,
        "first": shown.first.isoformat() if shown.first else None,
        "last": shown.last.isoformat() if shown.last else None,
        "quiet_hours": (w.describe() if (w := plan.campaign.window(settings)) else None),
    }


def started_dict(plan: Plan, rate: float) -> dict[str, Any]:
    """A campaign just started: its recipients, those left out, its first and last message."""
    campaign = plan.campaign
    first, last = pace((r.due for r in plan.waiting if r.due is not None), rate)
    audience = campaign.audience.file
    return {
        "campaign": campaign.id,
        "recipients": len(plan.waiting),
        "excluded": dict(plan.excluded),
        "first": first.isoformat() if first else None,
        "last": last.isoformat() if last else None,
        "contacts_from": str(audience) if audience else None,
    }


def status_dict(settings: Settings, status: CampaignStatus) -> dict[str, Any]:
    row = status.campaign
    return {
        "campaign": row.name,
        "title": row.title,
        "status": row.status,
        "recipients": row.recipients,
        "queued": status.queued,
        "held": status.held,
        "held_until": status.held_until.isoformat() if status.held_until else None,
        "started": status.started,
        "sent": status.sent,
        "delivered": status.delivered,
        "failed": status.failed,
        "replied": status.replied,
        "opted_out": status.opted_out,
        "skipped": dict(status.skipped),
        "excluded": dict(status.excluded),
        "cancelled": status.cancelled,
        "started_at": row.created_at.isoformat(),
        "finished_at": row.finished_at.isoformat() if row.finished_at else None,
    }
