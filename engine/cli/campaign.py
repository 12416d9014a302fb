"""Own `twoway campaign`: list, preview, test, start, pause, resume, cancel and follow campaigns.

Every subcommand reads the rules and the store; those that change something write one short
transaction to the store, whether the engine runs or not. The running engine picks the change
up within a second (its campaign loop), or at its next start.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

import click

from engine.campaigns.plan import Candidate, Plan, make_plan
from engine.campaigns.preview import Preview, preview
from engine.campaigns.runner import DEFAULT_RATE
from engine.cli.ops import config_or_exit, fail, run_on_store, store_or_exit
from engine.config import Config
from engine.contacts import PhoneReader, TableError, plan_import, read_table
from engine.core.clock import Clock, SystemClock
from engine.core.fileclock import ENV, ClockFileError, from_environment
from engine.core.records import CampaignRow
from engine.errors import render_all
from engine.ruleset.campaigns import Campaign
from engine.ruleset.compiler import compile_rules
from engine.ruleset.ruleset import RuleSet
from engine.store.campaigns import CampaignStatus
from engine.store.sqlite import SqliteStore

__all__ = ["campaign_group"]

T = TypeVar("T")

CONFIRM_ABOVE = 1_000
"""``start`` asks before sending to more recipients than this, unless ``--yes``."""

_CONFIG_HELP = "The deployment file (twoway.yaml): its rules, its store, its numbers."
_DB_HELP = "The store (SQLite file) to use, instead of the configuration's."


@dataclass
class _Context:
    config: Config
    store: str
    ruleset: RuleSet
    clock: Clock

    def run(self, work: Callable[[SqliteStore], Awaitable[T]]) -> T:
        return run_on_store(self.store, work, clock=self.clock)

    def campaign(self, name: str) -> Campaign:
        found = self.ruleset.campaigns.get(name)
        if found is None:
            known = ", ".join(sorted(self.ruleset.campaigns)) or "none"
            fail(f"no campaign named '{name}' in {self.config.rules_path()} (campaigns: {known})")
        return found

    def rate(self, campaign: Campaign | CampaignRow) -> float:
        number = next(
            (n for n in self.config.numbers.values() if n.address == campaign.number), None
        )
        limit = number.throughput if number is not None else None
        rate = campaign.throughput or limit or DEFAULT_RATE
        return min(rate, limit) if limit else rate


def _context(config_path: Path | None, db: Path | None, *, exists: bool = False) -> _Context:
    config = config_or_exit(config_path)
    memory = "the store is :memory:, a campaign would not be kept; give --db FILE"
    store = store_or_exit(config, db, memory=memory, exists=exists)
    compiled = compile_rules(config.rules_path(), timezone=config.timezone)
    if compiled.ruleset is None:
        click.echo(render_all(compiled.errors, compiled.sources), err=True, nl=False)
        sys.exit(1)
    return _Context(config, store, compiled.ruleset, command_clock())


def command_clock() -> Clock:
    """The clock of the commands: the engine's test clock when ``TWOWAY_TEST_CLOCK`` names
    one (so a test's campaign starts at the test's time), else the wall's."""
    try:
        return from_environment() or SystemClock()
    except ClockFileError as exc:
        fail(f"{ENV}: {exc}")


def _options(command: Callable[..., Any]) -> Callable[..., Any]:
    command = click.option("--json", "as_json", is_flag=True, help="Print JSON.")(command)
    command = click.option("--db", type=click.Path(path_type=Path, dir_okay=False), help=_DB_HELP)(
        command
    )
    return click.option(
        "--config",
        "config_path",
        type=click.Path(path_type=Path, dir_okay=False),
        help=_CONFIG_HELP,
    )(command)


# --- the audience ---------------------------------------------------------------------------


async def _plan(ctx: _Context, campaign: Campaign, store: SqliteStore) -> Plan:
    audience = campaign.audience
    refused: list[tuple[str, str]] = []
    duplicates = 0
    candidates: list[Candidate] = []
    if audience.group is not None:
        for phone, fields, groups in await store.all_contacts(audience.group):
            candidates.append(Candidate(phone, fields, tuple(groups)))
    elif audience.file is not None:
        try:
            table = read_table(audience.file)
        except TableError as exc:
            fail(str(exc))
        imported = plan_import(table, PhoneReader(ctx.config.country), audience.file.name)
        refused = [(r.value, f"invalid number ({r.reason})") for r in imported.refused]
        duplicates = len(table.rows) - len(imported.refused) - len(imported.records)
        for record in imported.records.values():
            fields = dict(record.fields)
            candidates.append(Candidate(record.phone, fields, tuple(record.groups), fields))
    else:
        assert audience.not_replied is not None
        earlier = await store.not_replied(audience.not_replied, audience.after)
        known = {p: (f, g) for p, f, g in await store.all_contacts(None)} if earlier else {}
        for phone, params in earlier:
            fields, groups = known.get(phone, ({}, ()))
            candidates.append(Candidate(phone, fields, tuple(groups), params))
    return make_plan(
        campaign,
        ctx.ruleset.settings,
        candidates,
        opted_out=await store.opted_out_of(campaign.number),
        now=ctx.clock.now(),
        country=ctx.config.country,
        refused=refused,
        duplicates=duplicates,
    )


# --- output ----------------------------------------------------------------------------------


def _local(ctx: _Context, moment: datetime | None) -> str:
    if moment is None:
        return "-"
    from engine.core.quiet import UTC_ZONE, zone_named

    zone = zone_named(ctx.ruleset.settings.timezone) or UTC_ZONE
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S %Z")


def _preview_dict(ctx: _Context, shown: Preview) -> dict[str, Any]:
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
        "quiet_hours": (
            w.describe() if (w := plan.campaign.window(ctx.ruleset.settings)) else None
        ),
    }


def _print_preview(ctx: _Context, shown: Preview) -> None:
    plan = shown.plan
    campaign = plan.campaign
    window = campaign.window(ctx.ruleset.settings)
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
    click.echo(f"  first        {_local(ctx, shown.first)}")
    click.echo(f"  last         {_local(ctx, shown.last)}")


def _status_dict(ctx: _Context, status: CampaignStatus) -> dict[str, Any]:
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


def _print_status(ctx: _Context, status: CampaignStatus) -> None:
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
        held += f" (until {_local(ctx, status.held_until)})"
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


# --- commands --------------------------------------------------------------------------------


@click.group("campaign")
def campaign_group() -> None:
    """Start and follow the campaigns of the rule files (`campaign:` files).

    A campaign file sends nothing by being saved: `twoway campaign start NAME` starts it, once.
    NAME is the file's name without .yaml.
    """


@campaign_group.command("list")
@_options
def list_command(config_path: Path | None, db: Path | None, as_json: bool) -> None:
    """The campaigns of the rules, and where each stands."""
    ctx = _context(config_path, db)
    stored = {row.name: row for row in ctx.run(lambda s: s.all_campaigns())}
    rows = []
    for name, campaign in sorted(ctx.ruleset.campaigns.items()):
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
        if name not in ctx.ruleset.campaigns:
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
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not rows:
        click.echo("no campaigns: write a rule file with 'campaign:'")
        return
    for item in rows:
        count = "" if item["recipients"] is None else f"  {item['recipients']:,} recipients"
        click.echo(
            f"{item['campaign']:<24} {item['status']:<12} {item['kind']:<13} {item['title']}{count}"
        )


@campaign_group.command("preview")
@click.argument("name")
@_options
def preview_command(name: str, config_path: Path | None, db: Path | None, as_json: bool) -> None:
    """Who would get campaign NAME, what three of them would read, what it costs in SMS
    parts, and when the first and the last message would go. Sends nothing."""
    ctx = _context(config_path, db)
    campaign = ctx.campaign(name)

    async def work(store: SqliteStore) -> Plan:
        return await _plan(ctx, campaign, store)

    # Rendered once the store is closed: a large preview forks workers, and a fork should not
    # copy a live database connection and its thread.
    shown = preview(ctx.ruleset, ctx.run(work), ctx.clock.now(), ctx.rate(campaign))
    if as_json:
        click.echo(json.dumps(_preview_dict(ctx, shown), ensure_ascii=False, indent=2))
    else:
        _print_preview(ctx, shown)


@campaign_group.command("test")
@click.argument("name")
@click.option("--to", "phone", required=True, metavar="PHONE", help="The phone to send it to.")
@_options
def test_command(
    name: str, phone: str, config_path: Path | None, db: Path | None, as_json: bool
) -> None:
    """Send campaign NAME's flow to one PHONE now, as a recipient would get it. The campaign
    itself does not start and the test does not count in its results."""
    ctx = _context(config_path, db)
    campaign = ctx.campaign(name)
    e164 = PhoneReader(ctx.config.country).e164(phone)
    if e164 is None:
        fail(f"'{phone}' is not a valid phone number")

    async def work(store: SqliteStore) -> int:
        known = await store.contact(e164)
        params = dict(known.fields) if known is not None else {}
        return await store.schedule_start(
            e164, campaign.number, campaign.flow, params, ctx.clock.now()
        )

    timer = ctx.run(work)
    if as_json:
        click.echo(json.dumps({"campaign": name, "to": e164, "timer": timer}))
    else:
        click.echo(f"test of {name} to {e164} queued: the running engine sends it within a second")


@campaign_group.command("start")
@click.argument("name")
@click.option("--yes", is_flag=True, help=f"Do not ask above {CONFIRM_ABOVE:,} recipients.")
@_options
def start_command(
    name: str, yes: bool, config_path: Path | None, db: Path | None, as_json: bool
) -> None:
    """Start campaign NAME: its recipients are recorded now, and the engine sends at the
    campaign's time and pace, outside quiet hours. A campaign starts once only."""
    ctx = _context(config_path, db)
    campaign = ctx.campaign(name)

    async def planned(store: SqliteStore) -> tuple[CampaignRow | None, Plan]:
        return await store.campaign(name), await _plan(ctx, campaign, store)

    existing, plan = ctx.run(planned)
    if existing is not None:
        fail(
            f"campaign {name} was started on {_local(ctx, existing.created_at)} and is "
            f"{existing.status}; a campaign starts once (see twoway campaign status {name})"
        )
    count = len(plan.waiting)
    if count > CONFIRM_ABOVE and not yes:
        if not sys.stdin.isatty():
            fail(f"{count:,} recipients: run it again with --yes to start")
        click.confirm(f"Send campaign {name} to {count:,} recipients?", abort=True)
    if audience_file := campaign.audience.file:
        imported = [(p, dict(c.fields), list(c.groups)) for p, c in plan.candidates.items()]
    else:
        imported = []

    async def start(store: SqliteStore) -> int | None:
        if imported:
            await store.import_contacts(imported)
        return await store.create_campaign(
            name=name,
            title=campaign.title,
            number=campaign.number,
            flow=campaign.flow,
            kind=campaign.kind,
            throughput=ctx.rate(campaign),
            window=campaign.window(ctx.ruleset.settings),
            recipients=plan.recipients,
            ruleset_version=ctx.ruleset.version,
        )

    if ctx.run(start) is None:
        fail(f"campaign {name} was started meanwhile")
    from engine.campaigns.plan import pace

    first, last = pace((r.due for r in plan.waiting if r.due is not None), ctx.rate(campaign))
    excluded = sum(plan.excluded.values())
    if as_json:
        click.echo(
            json.dumps(
                {
                    "campaign": name,
                    "recipients": count,
                    "excluded": dict(plan.excluded),
                    "first": first.isoformat() if first else None,
                    "last": last.isoformat() if last else None,
                    "contacts_from": str(audience_file) if audience_file else None,
                },
                ensure_ascii=False,
            )
        )
        return
    click.echo(
        f"started {name}: {count:,} recipients, {excluded:,} excluded; "
        f"first message {_local(ctx, first)}, last about {_local(ctx, last)}"
    )


def _change(name: str, config_path: Path | None, db: Path | None, want: str) -> None:
    ctx = _context(config_path, db, exists=True)
    allowed = {"paused": ("running",), "running": ("paused",), "cancelled": ("running", "paused")}

    async def work(store: SqliteStore) -> CampaignRow | None:
        row = await store.campaign(name)
        if row is not None and row.status in allowed[want]:
            await store.set_campaign_status(name, want)  # type: ignore[arg-type]
        return row

    row = ctx.run(work)
    if row is None:
        fail(f"campaign {name} was never started")
    if row.status not in allowed[want]:
        fail(f"campaign {name} is {row.status}; it cannot be {want}")
    verb = {"paused": "paused", "running": "resumed", "cancelled": "cancelled"}[want]
    click.echo(f"{name} {verb}")


@campaign_group.command("pause")
@click.argument("name")
@_options
def pause_command(name: str, config_path: Path | None, db: Path | None, as_json: bool) -> None:
    """Pause campaign NAME: no new recipient is started until `resume`."""
    _change(name, config_path, db, "paused")


@campaign_group.command("resume")
@click.argument("name")
@_options
def resume_command(name: str, config_path: Path | None, db: Path | None, as_json: bool) -> None:
    """Resume a paused campaign NAME, at its pace."""
    _change(name, config_path, db, "running")


@campaign_group.command("cancel")
@click.argument("name")
@_options
def cancel_command(name: str, config_path: Path | None, db: Path | None, as_json: bool) -> None:
    """Cancel campaign NAME: the recipients not started yet get nothing. It cannot restart."""
    _change(name, config_path, db, "cancelled")


@campaign_group.command("status")
@click.argument("name")
@_options
def status_command(name: str, config_path: Path | None, db: Path | None, as_json: bool) -> None:
    """Where campaign NAME stands: queued, held (until when), sent, delivered, failed,
    replied, opted out since, skipped and excluded."""
    ctx = _context(config_path, db, exists=True)

    async def work(store: SqliteStore) -> CampaignStatus | None:
        row = await store.campaign(name)
        return None if row is None else await store.campaign_status(row)

    status = ctx.run(work)
    if status is None:
        fail(f"campaign {name} was never started")
    if as_json:
        click.echo(json.dumps(_status_dict(ctx, status), ensure_ascii=False, indent=2))
    else:
        _print_status(ctx, status)
