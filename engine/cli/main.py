"""Own the `twoway` command: check, chat, test and run."""

from __future__ import annotations

import asyncio
import logging
import sys
from pathlib import Path

import click

from engine import __version__
from engine.cli.chat import chat_command
from engine.cli.testcmd import test_command
from engine.errors import RuleError, TwowayError, render_all
from engine.ruleset.compiler import compile_rules, rule_sets
from engine.ruleset.conversations import load_tests

__all__ = ["cli", "main"]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="twoway")
def cli() -> None:
    """twoway: two-way SMS conversations from YAML rule files."""


@cli.command("check")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
def check_command(paths: tuple[Path, ...]) -> None:
    """Check rule files and their tests; print every error with file:line:col.

    Exit 0 when everything compiles, 1 otherwise.
    """
    errors: list[RuleError] = []
    sources: dict[str, str] = {}
    flows = files = 0
    for path in paths:
        if not path.exists():
            errors.append(
                RuleError(
                    "E100",
                    f"no such file or folder: {path}",
                    None,
                    "give the folder that holds your rule files, like rules/",
                )
            )
            continue
        for folder in rule_sets([path]):
            compiled = compile_rules(folder)
            errors.extend(compiled.errors)
            sources.update(compiled.sources)
            _, test_errors, test_sources = load_tests(folder, compiled.documents)
            errors.extend(test_errors)
            sources.update(test_sources)
            if compiled.ruleset is not None:
                flows += len(compiled.ruleset.flows)
                files += len(compiled.ruleset.files)
    if errors:
        click.echo(render_all(errors, sources), nl=False)
        sys.exit(1)
    click.echo(
        f"ok: {files} file{'s' if files != 1 else ''}, {flows} flow{'s' if flows != 1 else ''}"
    )


@cli.command("run")
@click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="The deployment file (twoway.yaml). Without it: embedded defaults.",
)
@click.option(
    "--log-level",
    default="INFO",
    show_default=True,
    type=click.Choice(["DEBUG", "INFO", "WARNING", "ERROR"], case_sensitive=False),
)
def run_command(config_path: Path | None, log_level: str) -> None:
    """Run the engine: rules, store and connectors, until Ctrl-C or SIGTERM."""
    from engine.app import serve
    from engine.config import load_config

    logging.basicConfig(
        level=log_level.upper(),
        stream=sys.stderr,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    try:
        config = load_config(config_path)
        asyncio.run(serve(config))
    except TwowayError as exc:
        render = getattr(exc, "render", None)
        click.echo(render() if render else f"error: {exc}", err=True, nl=render is None)
        sys.exit(1)


cli.add_command(chat_command)
cli.add_command(test_command)


def main() -> None:
    cli()
