"""Own how `twoway campaign` shows a preview and a status to people, in the language in use
(the JSON of scripts and of the REST API: ``engine.campaigns.views``, English keys)."""

from __future__ import annotations

import sys

import click

from engine.campaigns.preview import Preview
from engine.campaigns.views import local_time
from engine.i18n import current, say
from engine.ruleset.campaigns import Audience
from engine.ruleset.model import Settings
from engine.store.campaigns import CampaignStatus

__all__ = ["audience_words", "count", "print_preview", "print_status", "status_words"]

_STATUSES = ("running", "paused", "cancelled", "done", "not started")


def count(n: int) -> str:
    """``n`` with its thousands grouped: ``1,000`` in English, ``1 000`` in French."""
    grouped = f"{n:,}"
    return grouped.replace(",", "\u202f") if current() == "fr" else grouped


def status_words(status: str) -> str:
    """A campaign's status in words (one twoway does not know: as it is)."""
    if status in _STATUSES:
        return say(f"campaign.status.{status.replace(' ', '_')}")
    return status


def audience_words(audience: Audience) -> str:
    """Who a campaign is for, in words (``Audience.describe`` in the language in use)."""
    if audience.group is not None:
        return say("campaign.audience.group", group=audience.group)
    if audience.file is not None:
        return say("campaign.audience.file", file=audience.file.name)
    return say("campaign.audience.not_replied", campaign=audience.not_replied, after=audience.after)


def print_preview(settings: Settings, shown: Preview) -> None:
    plan = shown.plan
    campaign = plan.campaign
    window = campaign.window(settings)
    labels = {
        key: say(f"campaign.preview.{key}")
        for key in (
            "audience",
            "recipients",
            "excluded",
            "encoding",
            "segments",
            "silent",
            "throughput",
            "quiet_hours",
            "first",
            "last",
        )
    }
    width = max(12, *(len(label) for label in labels.values()))

    def line(key: str, value: str) -> None:
        click.echo(f"  {labels[key]:<{width}} {value}")

    click.echo(f"{campaign.id}: {campaign.title}")
    audience = audience_words(campaign.audience)
    line("audience", say("campaign.preview.from", audience=audience, number=campaign.number))
    line("recipients", count(len(plan.waiting)))
    line("excluded", count(sum(plan.excluded.values())))
    for reason, n in sorted(plan.excluded.items(), key=lambda kv: (-kv[1], kv[0])):
        if n:
            click.echo(f"    {count(n):>8}  {reason}")
    for phone, text in shown.samples:
        click.echo(say("campaign.preview.to", phone=phone))
        for text_line in text.splitlines() or [""]:
            click.echo(f"    | {text_line}")
    encodings = ", ".join(f"{k} {count(v)}" for k, v in sorted(shown.encodings.items())) or "-"
    line("encoding", encodings)
    parts = say(
        "campaign.preview.parts",
        low=shown.parts_min,
        high=shown.parts_max,
        total=count(shown.parts_total),
    )
    line("segments", parts)
    if shown.silent:
        line("silent", say("campaign.preview.silent_why", count=count(shown.silent)))
    line("throughput", say("campaign.preview.rate", rate=f"{shown.rate:g}"))
    line("quiet_hours", window.describe() if window else say("campaign.none"))
    line("first", local_time(settings, shown.first))
    line("last", local_time(settings, shown.last))


def print_status(settings: Settings, status: CampaignStatus) -> None:
    row = status.campaign
    click.echo(f"{row.name}: {row.title} — {status_words(row.status)}")
    done = status.started + sum(status.skipped.values()) + status.cancelled
    if sys.stdout.isatty() and row.recipients:
        width = 30
        filled = int(width * done / row.recipients)
        percent = 100 * done / row.recipients
        click.echo(f"  [{'#' * filled}{'.' * (width - filled)}] {percent:5.1f} %")
    held = count(status.held)
    if status.held_until is not None:
        held += say("campaign.status.until", at=local_time(settings, status.held_until))
    lines = [
        ("recipients", count(row.recipients)),
        ("queued", count(status.queued)),
        ("held", held),
        ("started", count(status.started)),
        ("sent", count(status.sent)),
        ("delivered", count(status.delivered)),
        ("failed", count(status.failed)),
        ("replied", count(status.replied)),
        ("opted_out", count(status.opted_out)),
    ]
    shown = [(say(f"campaign.count.{key}"), value) for key, value in lines]
    shown += [
        (say("campaign.count.skipped", reason=k), count(v))
        for k, v in sorted(status.skipped.items())
    ]
    shown += [
        (say("campaign.count.excluded", reason=k), count(v))
        for k, v in sorted(status.excluded.items())
    ]
    if status.cancelled:
        shown.append((say("campaign.count.cancelled"), count(status.cancelled)))
    for label, value in shown:
        click.echo(f"  {label:<28} {value}")
