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

from engine.campaigns.control import change_status, plan_campaign, rate_of, record_start
from engine.campaigns.plan import Plan
from engine.campaigns.preview import preview
from engine.campaigns.views import (
    list_rows,
    local_time,
    preview_dict,
    started_dict,
    status_dict,
)
from engine.cli.campaign_views import count, print_preview, print_status, status_words
from engine.cli.helptext import Group
from engine.cli.ops import (
    config_or_exit,
    fail,
    gc_paused,
    ruleset_or_exit,
    run_on_store,
    store_or_exit,
)
from engine.config import Config
from engine.contacts import PhoneReader, TableError
from engine.core.clock import Clock, SystemClock
from engine.core.fileclock import ENV, ClockFileError, from_environment
from engine.core.records import CampaignRow, CampaignState
from engine.i18n import msg, say
from engine.ruleset.campaigns import Campaign
from engine.ruleset.compiler import compile_rules
from engine.ruleset.model import Settings
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

    @property
    def settings(self) -> Settings:
        return self.ruleset.settings

    def local(self, moment: datetime | None) -> str:
        return local_time(self.ruleset.settings, moment)

    def run(self, work: Callable[[SqliteStore], Awaitable[T]]) -> T:
        with gc_paused():
            return run_on_store(self.store, work, clock=self.clock)

    def campaign(self, name: str) -> Campaign:
        found = self.ruleset.campaigns.get(name)
        if found is None:
            known = ", ".join(sorted(self.ruleset.campaigns)) or msg("campaign.none")
            rules = self.config.rules_path()
            fail(msg("campaign.no_such", name=name, rules=rules, known=known))
        return found

    def rate(self, campaign: Campaign | CampaignRow) -> float:
        return rate_of(campaign, self.config.numbers.values())


def _context(config_path: Path | None, db: Path | None, *, exists: bool = False) -> _Context:
    config = config_or_exit(config_path)
    memory = msg("campaign.memory")
    store = store_or_exit(config, db, memory=memory, exists=exists)
    ruleset = ruleset_or_exit(compile_rules(config.rules_path(), timezone=config.timezone))
    return _Context(config, store, ruleset, command_clock())


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
    try:
        return await plan_campaign(
            store, ctx.ruleset, campaign, ctx.config.country, ctx.clock.now()
        )
    except TableError as exc:
        fail(str(exc))


# --- output ----------------------------------------------------------------------------------


# --- commands --------------------------------------------------------------------------------


@click.group("campaign", cls=Group)
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
    rows = list_rows(ctx.ruleset.campaigns, stored)
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not rows:
        click.echo(say("cli.no_campaigns"))
        return
    for item in rows:
        recipients = item["recipients"]
        n = "" if recipients is None else say("campaign.recipients", count=count(recipients))
        status = status_words(item["status"])
        click.echo(f"{item['campaign']:<24} {status:<12} {item['kind']:<13} {item['title']}{n}")


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
    plan = ctx.run(work)
    with gc_paused():
        shown = preview(ctx.ruleset, plan, ctx.clock.now(), ctx.rate(campaign))
    if as_json:
        click.echo(json.dumps(preview_dict(ctx.settings, shown), ensure_ascii=False, indent=2))
    else:
        print_preview(ctx.settings, shown)


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
        fail(msg("campaign.bad_phone", phone=phone))

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
        click.echo(say("cli.campaign_test", name=name, to=e164))


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
        at, status = ctx.local(existing.created_at), status_words(existing.status)
        fail(msg("campaign.started_once", name=name, at=at, status=status))
    waiting = len(plan.waiting)
    if waiting > CONFIRM_ABOVE and not yes:
        if not sys.stdin.isatty():
            fail(msg("campaign.needs_yes", count=count(waiting)))
        click.confirm(say("campaign.confirm", name=name, count=count(waiting)), abort=True)

    async def start(store: SqliteStore) -> int | None:
        return await record_start(store, ctx.ruleset, plan, ctx.rate(campaign))

    if ctx.run(start) is None:
        fail(msg("campaign.meanwhile", name=name))
    _say_started(ctx, plan, as_json)


def _say_started(ctx: _Context, plan: Plan, as_json: bool) -> None:
    shown = started_dict(plan, ctx.rate(plan.campaign))
    if as_json:
        click.echo(json.dumps(shown, ensure_ascii=False))
        return
    excluded = sum(plan.excluded.values())
    first = datetime.fromisoformat(shown["first"]) if shown["first"] else None
    last = datetime.fromisoformat(shown["last"]) if shown["last"] else None
    said = say(
        "campaign.started",
        campaign=shown["campaign"],
        recipients=count(shown["recipients"]),
        excluded=count(excluded),
        first=ctx.local(first),
        last=ctx.local(last),
    )
    click.echo(said)


def _change(
    name: str, config_path: Path | None, db: Path | None, want: CampaignState, as_json: bool
) -> None:
    ctx = _context(config_path, db, exists=True)
    change = ctx.run(lambda store: change_status(store, name, want))
    if change.before is None:
        fail(msg("campaign.never_started", name=name))
    if not change.done:
        status = status_words(change.before.status)
        fail(msg("campaign.cannot_be", name=name, status=status, want=status_words(want)))
    if as_json:
        click.echo(json.dumps({"campaign": name, "status": want}))
        return
    click.echo(say(f"cli.campaign.{want}", name=name))


@campaign_group.command("pause")
@click.argument("name")
@_options
def pause_command(name: str, config_path: Path | None, db: Path | None, as_json: bool) -> None:
    """Pause campaign NAME: no new recipient is started until `resume`."""
    _change(name, config_path, db, "paused", as_json)


@campaign_group.command("resume")
@click.argument("name")
@_options
def resume_command(name: str, config_path: Path | None, db: Path | None, as_json: bool) -> None:
    """Resume a paused campaign NAME, at its pace."""
    _change(name, config_path, db, "running", as_json)


@campaign_group.command("cancel")
@click.argument("name")
@_options
def cancel_command(name: str, config_path: Path | None, db: Path | None, as_json: bool) -> None:
    """Cancel campaign NAME: the recipients not started yet get nothing. It cannot restart."""
    _change(name, config_path, db, "cancelled", as_json)


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
        fail(msg("campaign.never_started", name=name))
    if as_json:
        click.echo(json.dumps(status_dict(ctx.settings, status), ensure_ascii=False, indent=2))
    else:
        print_status(ctx.settings, status)
