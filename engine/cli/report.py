"""Own `twoway report`: the results as one self-contained HTML page with charts."""

from __future__ import annotations

from pathlib import Path

import click

from engine.cli.helptext import Command
from engine.cli.ops import run_on_store
from engine.cli.results import source, source_options, write_private
from engine.core.clock import SystemClock
from engine.i18n import say
from engine.report import DEFAULT_TITLE, gather, render_html

__all__ = ["report_command"]


@click.command("report", cls=Command)
@click.argument("names", nargs=-1, metavar="[NAME]...")
@click.option(
    "--html",
    "html_path",
    required=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write the report to this HTML file (mode 0600), replacing it if it exists.",
)
@click.option("--title", default=DEFAULT_TITLE, show_default=True, help="The report's title.")
@source_options
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
    read = source(names, rules_path, config_path, db)
    now = SystemClock().now()
    report = run_on_store(
        read.store,
        lambda opened: gather(
            opened, read.ruleset, read.flows, now=now, title=title, campaigns=read.campaigns
        ),
    )
    page = render_html(report)
    write_private(html_path, lambda handle: handle.write(page.encode("utf-8")))
    click.echo(say("cli.report_written", path=html_path), err=True)
