"""Own the `twoway` command: check, chat, explain, replay, test and run."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import click

import engine.i18n as i18n
from engine.cli.campaign import campaign_group
from engine.cli.chat import chat_command
from engine.cli.contacts import contacts_group
from engine.cli.explain import explain_command
from engine.cli.helptext import Group, speak
from engine.cli.ops import backup_command, hash_password_command, status_command
from engine.cli.replay import replay_command
from engine.cli.report import report_command
from engine.cli.results import results_command
from engine.cli.schema import schema_command
from engine.cli.testcmd import test_command
from engine.core.fileclock import ENV, ClockFileError, FileClock, from_environment
from engine.errors import RuleError, TwowayError, render_all
from engine.ruleset.compiler import compile_rules, rule_sets
from engine.ruleset.conversations import check_tests, load_tests
from engine.ruleset.warnings import render_warnings
from engine.version import __version__

__all__ = ["cli", "main"]


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="twoway")
@click.option(
    "--lang",
    type=click.Choice(list(i18n.LANGUAGES)),
    is_eager=True,
    expose_value=False,
    callback=speak,
    help="The language of the commands' words and of --help (check's errors, summaries, what "
    "explain, status, results, report, campaign, chat, replay and contacts print); else "
    "TWOWAY_LANG, else the locale (LC_ALL, LC_MESSAGES, LANG: fr… is French), else English. "
    "Give it before the command.",
)
def cli() -> None:
    """twoway: two-way SMS conversations from YAML rule files."""


@cli.command("check")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Check this deployment file (twoway.yaml) too, and the rules it points to.",
)
@click.option(
    "--no-rules",
    is_flag=True,
    help="With --config and no PATH: check the deployment file only, not its rules.",
)
@click.option("--strict", is_flag=True, help="Warnings are errors: exit 1 on any.")
def check_command(
    paths: tuple[Path, ...], config_path: Path | None, no_rules: bool, strict: bool
) -> None:
    """Check rule files and their tests, or a deployment file; print every error with
    file:line:col.

    With --config FILE and no PATH, the rules FILE points to are checked too.
    Exit 0 when everything is right (warnings are printed, and do not fail unless --strict),
    1 otherwise.
    """
    errors: list[RuleError] = []
    warnings: list[RuleError] = []
    sources: dict[str, str] = {}
    checked = ""
    if not paths and config_path is None:
        raise click.UsageError(i18n.say("check.no_paths"))
    if config_path is not None:
        from engine.config import check_config

        config, config_errors, config_sources = check_config(config_path)
        errors.extend(config_errors)
        sources.update(config_sources)
        checked = f"{config_path}, "
        if config is not None and not paths and not no_rules:
            paths = (config.rules_path(),)
    flows, files, campaigns = _check_rules(paths, errors, warnings, sources)
    if strict:
        errors, warnings = errors + warnings, []
    if warnings:
        click.echo(render_warnings(warnings, sources))
    if errors:
        click.echo(render_all(errors, sources), nl=False)
        sys.exit(1)
    if config_path is not None and not paths:
        click.echo(i18n.say("check.ok", what=config_path))
        return
    counts = [i18n.plural("check.files", files), i18n.plural("check.flows", flows)]
    if campaigns:
        counts.append(i18n.plural("check.campaigns", campaigns))
    click.echo(i18n.say("check.ok", what=checked + ", ".join(counts)))


def _check_rules(
    paths: tuple[Path, ...],
    errors: list[RuleError],
    warnings: list[RuleError],
    sources: dict[str, str],
) -> tuple[int, int, int]:
    """Compile the rule sets under ``paths`` and their tests, adding what is found to
    ``errors``, ``warnings`` and ``sources``; return the flows, files and campaigns counted."""
    flows = files = campaigns = 0
    for path in paths:
        if not path.exists():
            errors.append(
                RuleError(
                    "E100",
                    i18n.msg("E100.no_path", path=path),
                    None,
                    i18n.msg("E100.no_path.hint"),
                )
            )
            continue
        for target in rule_sets([path]):
            compiled = compile_rules(target.rules)
            errors.extend(compiled.errors)
            warnings.extend(compiled.warnings)
            sources.update(compiled.sources)
            tests, test_errors, test_sources = load_tests(
                target.rules, compiled.documents, target.only
            )
            errors.extend(test_errors)
            if compiled.ruleset is not None:
                errors.extend(check_tests(tests, compiled.ruleset))
            sources.update(test_sources)
            if compiled.ruleset is not None:
                ruleset = compiled.ruleset
                flows += len(set(ruleset.flows) - set(ruleset.campaigns))
                campaigns += len(ruleset.campaigns)
                files += len(ruleset.files)
    return flows, files, campaigns


@cli.command("run")
@click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="The deployment file (twoway.yaml). Without it: embedded defaults.",
)
@click.option(
    "--log-level",
    type=click.Choice(["DEBUG", "INFO", "WARNING", "ERROR"], case_sensitive=False),
    help="Overrides log.level of the deployment file.  [default: INFO]",
)
@click.option(
    "--log-format",
    type=click.Choice(["text", "json"]),
    help="text lines, or one JSON object per line; overrides log.format.  [default: text]",
)
@click.option("--worker", "worker", hidden=True, help="INDEX/COUNT: run as that worker.")
@click.option("--worker-socket", "worker_socket", hidden=True, type=click.Path(path_type=Path))
def run_command(
    config_path: Path | None,
    log_level: str | None,
    log_format: str | None,
    worker: str | None,
    worker_socket: Path | None,
) -> None:
    """Run the engine: rules, store, connectors, and /health and /metrics over HTTP, until
    Ctrl-C or SIGTERM. With workers: N (2 or more) in the deployment file, a supervisor of N
    engine processes over the one store (see "Workers" in docs/operations.md).

    For tests only, TWOWAY_TEST_CLOCK=FILE runs it on the time FILE says (see "Test clock" in
    docs/operations.md); a FILE that cannot be read exits with code 2.
    """
    from engine.app import serve
    from engine.config import load_config
    from engine.logs import setup_logging
    from engine.web import start_http
    from engine.workers import WorkerSpec, serve_worker, supervise

    try:
        config = load_config(config_path)
        spec = None
        if worker is not None and worker_socket is not None:
            spec = WorkerSpec.parse(worker, worker_socket)
        setup_logging(
            log_format or config.log.format,
            (log_level or config.log.level or "INFO").upper(),
            worker=spec.index if spec is not None else None,
        )
        if spec is not None:
            asyncio.run(serve_worker(config, spec, _test_clock()))
        elif config.workers > 1 and config_path is not None:
            command = [
                sys.executable,
                "-m",
                "engine",
                "run",
                "--config",
                str(config_path.resolve()),
            ]
            command += ["--log-level", log_level] if log_level else []
            command += ["--log-format", log_format] if log_format else []
            asyncio.run(supervise(config, command))
        else:
            asyncio.run(serve(config, http=start_http, clock=_test_clock()))
    except TwowayError as exc:
        render = getattr(exc, "render", None)
        said = render() if render else i18n.say("cli.error", message=i18n.reason(exc))
        click.echo(said, err=True, nl=render is None)
        sys.exit(1)


def _test_clock() -> FileClock | None:
    """The test clock ``TWOWAY_TEST_CLOCK`` names, or None (the wall clock); exit 2 with one
    line when its file cannot be read."""
    import logging

    try:
        clock = from_environment()
    except ClockFileError as exc:
        click.echo(i18n.say("cli.error", message=f"{ENV}: {exc}"), err=True)
        sys.exit(2)
    if clock is None:
        return None
    logging.getLogger("twoway").warning(
        "test clock from %s: time is %s (x%g); %s is for tests, never for production",
        clock.path,
        clock.now().isoformat(),
        clock.speed,
        ENV,
    )
    return clock


@cli.command("functions")
@click.argument("name", required=False)
@click.option(
    "--markdown", is_flag=True, help="Print the whole reference as Markdown (docs/functions.md)."
)
def functions_command(name: str | None, markdown: bool) -> None:
    """List the functions conditions and templates can call, with examples.

    With NAME, show that function's whole documentation.
    """
    import inspect

    from engine.dsl import FUNCTIONS
    from engine.dsl.reference import markdown as reference
    from engine.errors import did_you_mean

    if markdown:
        click.echo(reference(), nl=False)
        return
    if name is not None and name not in FUNCTIONS:
        hint = did_you_mean(name, FUNCTIONS) or i18n.msg("cli.functions.hint")
        problem = i18n.msg("cli.no_function", name=name, hint=hint)
        click.echo(i18n.say("cli.error", message=problem), err=True)
        sys.exit(1)
    for fname, function in FUNCTIONS.items():
        if name is not None and fname != name:
            continue
        params = ", ".join(
            p.name if p.default is inspect.Parameter.empty else f"{p.name}={p.default!r}"
            for p in inspect.signature(function).parameters.values()
        )
        doc = inspect.cleandoc(function.__doc__ or "").replace("``", "")
        summary = doc.splitlines()[0] if doc else ""
        click.echo(f"{fname}({params})\n    {summary}")
        if name is not None:
            click.echo("\n".join(("    " + line).rstrip() for line in doc.splitlines()[1:]))


cli.add_command(chat_command)
cli.add_command(explain_command)
cli.add_command(replay_command)
cli.add_command(test_command)
cli.add_command(status_command)
cli.add_command(backup_command)
cli.add_command(hash_password_command)
cli.add_command(contacts_group)
cli.add_command(results_command)
cli.add_command(campaign_group)
cli.add_command(report_command)
cli.add_command(schema_command)


def main() -> None:
    cli()
