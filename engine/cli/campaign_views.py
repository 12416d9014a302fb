"""Own how `twoway campaign` shows a preview and a status to people (the JSON of scripts and of
the REST API: ``engine.campaigns.views``)."""

from __future__ import annotations

import sys

import click

from engine.campaigns.preview import Preview
from engine.campaigns.views import local_time
from engine.ruleset.model import Settings
from engine.store.campaigns import CampaignStatus

__all__ = ["print_preview", "print_status"]


def print_preview(settings: Settings, shown: Preview) -> None:
    plan = shown.plan
    campaign = plan.campaign
    window = campaign.window(settings)
    click.echo(f"{campaign.id}: {campaign.title}")
    click.echo(f"  audience     {campaign.audience.describe()}, from {campaign.number}")
    click.echo(f"  recipients   {len(plan.waiting):,}")
    total_excluded = sum(plan.excluded.values())
    click.echo(f"  excluded     {total_excluded:,}")
    for reason, count in sorted(plan.excluded.items(), key=lambda kv: (-kv[1], kv[0])):
        if count:
            click.echo(f"    {count:>8,}  {reason}")
    for phone, text in shown.samples:
        click.echo(f"  to {phone}:")
        for line in text.splitlines() or [""]:
            click.echo(f"    | {line}")
    encodings = ", ".join(f"{k} {v:,}" for k, v in sorted(shown.encodings.items())) or "-"
    click.echo(f"  encoding     {encodings}")
    click.echo(
        f"  segments     {shown.parts_min}–{shown.parts_max} per message, "
        f"{shown.parts_total:,} in all"
    )
    if shown.silent:
        click.echo(f"  silent       {shown.silent:,} (the flow sends them nothing at its start)")
    click.echo(f"  throughput   {shown.rate:g}/s")
    click.echo(f"  quiet hours  {window.describe() if window else 'none'}")
    click.echo(f"  first        {local_time(settings, shown.first)}")
    click.echo(f"  last         {local_time(settings, shown.last)}")


def print_status(settings: Settings, status: CampaignStatus) -> None:
    row = status.campaign
    click.echo(f"{row.name}: {row.title} — {row.status}")
    done = status.started + sum(status.skipped.values()) + status.cancelled
    if sys.stdout.isatty() and row.recipients:
        width = 30
        filled = int(width * done / row.recipients)
        percent = 100 * done / row.recipients
        click.echo(f"  [{'#' * filled}{'.' * (width - filled)}] {percent:5.1f} %")
    held = f"{status.held:,}"
    if status.held_until is not None:
        held += f" (until {local_time(settings, status.held_until)})"
    lines = [
        ("recipients", f"{row.recipients:,}"),
        ("queued", f"{status.queued:,}"),
        ("held", held),
        ("started", f"{status.started:,}"),
        ("sent", f"{status.sent:,}"),
        ("delivered", f"{status.delivered:,}"),
        ("failed", f"{status.failed:,}"),
        ("replied", f"{status.replied:,}"),
        ("opted out", f"{status.opted_out:,}"),
    ]
    lines += [(f"skipped: {k}", f"{v:,}") for k, v in sorted(status.skipped.items())]
    lines += [(f"excluded: {k}", f"{v:,}") for k, v in sorted(status.excluded.items())]
    if status.cancelled:
        lines.append(("cancelled", f"{status.cancelled:,}"))
    for label, value in lines:
        click.echo(f"  {label:<28} {value}")
