"""Own `twoway report`: the results as one self-contained HTML page with charts."""

from __future__ import annotations

from pathlib import Path

import click

from engine.cli.ops import config_or_exit, fail, run_on_store, store_or_exit
from engine.cli.results import _ruleset, _write_private
from engine.core.clock import SystemClock
from engine.report import DEFAULT_TITLE, gather, render_html
from engine.results import select
from engine.store import MEMORY

__all__ = ["report_command"]


@click.command("report")
@click.argument("names", nargs=-1, metavar="[NAME]...")
@click.option(
    "--html",
    "html_path",
    required=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write the report to this HTML file (mode 0600), replacing it if it exists.",
)
@click.option("--title", default=DEFAULT_TITLE, show_default=True, help="The report's title.")
@click.option(
    "--rules",
    "rules_path",
    type=click.Path(path_type=Path),
    help="The rule folder, for titles, choices and questions; overrides the configuration's.",
)
@click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="The deployment file (twoway.yaml): its store and its rules.",
)
@click.option(
    "--db",
    type=click.Path(path_type=Path, dir_okay=False),
    help="The store (SQLite file) to read, instead of the configuration's.",
)
def report_command(
    names: tuple[str, ...],
    html_path: Path,
    title: str,
    rules_path: Path | None,
    config_path: Path | None,
    db: Path | None,
) -> None:
    """Write the results as one HTML page: NAME... selects polls, surveys and flows by name;
    none means all of the rule set.

    Per poll a chart of the votes per choice with the voters and refused votes; per survey
    the answers to each question and the completion rate; per flow how its sessions ended;
    per campaign its funnel; and the messages received over time, in the rule set's time
    zone. The page is self-contained: it loads nothing, runs no script, and opens offline.
    """
    config = config_or_exit(config_path)
    store = store_or_exit(config, db, memory=f"no store at {MEMORY}")
    ruleset = _ruleset(rules_path or config.rules_path(), config.timezone)
    try:
        flows, campaigns = select(ruleset, names)
    except KeyError as exc:
        fail(str(exc.args[0]))
    now = SystemClock().now()
    report = run_on_store(
        store,
        lambda opened: gather(opened, ruleset, flows, now=now, title=title, campaigns=campaigns),
    )
    page = render_html(report)
    _write_private(html_path, lambda handle: handle.write(page.encode("utf-8")))
    click.echo(f"report written to {html_path}", err=True)
