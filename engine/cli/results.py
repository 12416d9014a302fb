"""Own `twoway results`: the results of polls, surveys and flows as a table, CSV, JSON or XLSX."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, TypeVar

import click

from engine.cli.helptext import Command
from engine.cli.ops import config_or_exit, fail, ruleset_or_exit, run_on_store, store_or_exit
from engine.i18n import msg, say
from engine.results import (
    FORMATS,
    CampaignResult,
    Result,
    compute_selected,
    export,
    render_csv,
    render_json,
    render_table,
    select,
)
from engine.ruleset.compiler import compile_rules
from engine.ruleset.ruleset import RuleSet
from engine.store import MEMORY, SqliteStore
from engine.store.files import open_private

__all__ = ["Source", "results_command", "source_options", "write_private"]

F = TypeVar("F", bound=Callable[..., Any])


def source_options(command: F) -> F:
    """``--rules``, ``--config`` and ``--db``: where `results` and `report` read from."""
    command = click.option(
        "--db",
        type=click.Path(path_type=Path, dir_okay=False),
        help="The store (SQLite file) to read, instead of the configuration's.",
    )(command)
    command = click.option(
        "--config",
        "config_path",
        type=click.Path(path_type=Path, dir_okay=False),
        help="The deployment file (twoway.yaml): its store and its rules.",
    )(command)
    return click.option(
        "--rules",
        "rules_path",
        type=click.Path(path_type=Path),
        help="The rule folder, for titles, choices and questions; overrides the configuration's.",
    )(command)


@dataclass(frozen=True)
class Source:
    """What a results command reads: the store, the rules, and what NAME... selects of them
    (None: all of them)."""

    store: str
    ruleset: RuleSet
    flows: list[str] | None
    campaigns: list[str] | None


def source(
    names: tuple[str, ...], rules_path: Path | None, config_path: Path | None, db: Path | None
) -> Source:
    """The store and rules of the options of ``source_options``; exit 1 with one line when
    they cannot be read or a NAME is unknown."""
    config = config_or_exit(config_path)
    store = store_or_exit(config, db, memory=msg("cli.no_store", store=MEMORY))
    ruleset = ruleset_or_exit(
        compile_rules(rules_path or config.rules_path(), timezone=config.timezone)
    )
    try:
        flows, campaigns = select(ruleset, names)
    except KeyError as exc:
        fail(exc.args[0])
    return Source(store, ruleset, flows, campaigns)


def _compute(read: Source) -> tuple[list[Result], list[CampaignResult]]:
    """The results and the campaigns selected."""

    async def work(store: SqliteStore) -> tuple[list[Result], list[CampaignResult]]:
        return await compute_selected(store, read.ruleset, read.flows, read.campaigns)

    return run_on_store(read.store, work)


def write_private(target: Path, write: Callable[[IO[bytes]], object]) -> None:
    """Write ``target`` with mode 0600 (it holds phone numbers), replacing it if it exists."""
    try:
        with os.fdopen(open_private(target), "wb") as handle:
            write(handle)
    except OSError as exc:
        fail(msg("cli.cannot_write", path=target, reason=exc.strerror or exc))


@click.command("results", cls=Command)
@click.argument("names", nargs=-1, metavar="[NAME]...")
@click.option(
    "--format",
    "format_",
    type=click.Choice(FORMATS),
    default="table",
    show_default=True,
    help="table (aligned text), csv (sections separated by a blank line), json, or xlsx (one "
    "sheet per result; needs --output).",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write to this file (mode 0600: it holds phone numbers) instead of the terminal.",
)
@source_options
def results_command(
    names: tuple[str, ...],
    format_: str,
    output: Path | None,
    rules_path: Path | None,
    config_path: Path | None,
    db: Path | None,
) -> None:
    """Show the results of polls, surveys and flows: NAME... selects them by flow name; none
    means all of the rule set.

    A poll: votes per choice, voters, refused votes (second votes, too late, too early), votes
    per hour. A survey: one row per session with its answers, the completion rate, the
    answers per question. A flow: sessions started, how they ended, hand-offs.
    """
    if format_ == "xlsx" and output is None:
        fail(msg("cli.xlsx_output"))
    results, campaigns = _compute(source(names, rules_path, config_path, db))
    if output is None:
        render = {"table": render_table, "csv": render_csv, "json": render_json}[format_]
        click.echo(render(results, campaigns), nl=False)
        return
    data = export(results, campaigns, format_)  # the console's download buttons: the same
    write_private(output, lambda handle: handle.write(data))
    click.echo(say("cli.results_written", path=output), err=True)
