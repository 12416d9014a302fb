"""Own `twoway test`: run the conversation tests of rule sets and print what differs."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import click

from engine.cli.helptext import Command
from engine.coverage import CoverageState, coverable_states, missed, summary
from engine.errors import render_all
from engine.i18n import plural, say
from engine.ruleset.compiler import compile_rules, rule_sets
from engine.ruleset.conversations import check_tests, load_tests
from engine.testing import run_test

__all__ = ["test_command"]


@click.command("test", cls=Command)
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("-v", "--verbose", is_flag=True, help="Print every conversation, passed or not.")
@click.option("--coverage", is_flag=True, help="List the states no test reached.")
def test_command(paths: tuple[Path, ...], verbose: bool, coverage: bool) -> None:
    """Run the conversation tests of the rule sets in PATHS.

    Every folder holding rule files is a rule set; its tests are the `tests:` sections of its
    files and its `*.test.yaml` files.
    """
    passed = failed = 0
    counted = [0, 0]  # states reached, states in all
    for target in rule_sets(paths):
        folder = target.rules
        compiled = compile_rules(folder)
        if compiled.ruleset is None:
            click.echo(render_all(compiled.errors, compiled.sources), nl=False)
            failed += 1
            continue
        tests, errors, sources = load_tests(folder, compiled.documents, target.only)
        errors += check_tests(tests, compiled.ruleset)
        if errors:
            click.echo(render_all(errors, {**compiled.sources, **sources}), nl=False)
            failed += 1
            continue
        states = coverable_states(compiled.ruleset, compiled.documents) if coverage else []
        reached: set[tuple[str, str]] = set()
        if not tests:
            click.echo(say("test.no_tests", folder=folder))
        for test in tests:
            result = asyncio.run(run_test(compiled.ruleset, test))
            reached |= result.reached
            if result.passed:
                passed += 1
                click.echo(f"{click.style(say('test.pass'), fg='green')} {test.file}: {test.name}")
            else:
                failed += 1
                click.echo(f"{click.style(say('test.fail'), fg='red')} {test.file}: {test.name}")
                assert result.failure is not None
                click.echo(result.failure.render())
            if verbose or not result.passed:
                for prefix, text in result.transcript:
                    click.echo(f"      {prefix}{text}")
        if coverage:
            unreached = missed(states, frozenset(reached))
            _show_coverage(folder, states, unreached)
            counted[0] += len(states) - len(unreached)
            counted[1] += len(states)
    click.echo(f"{plural('test.passed', passed)}, {plural('test.failed', failed)}")
    if coverage:
        click.echo(summary(counted[0], counted[1]))
    sys.exit(1 if failed else 0)


def _show_coverage(
    folder: Path, states: list[CoverageState], unreached: list[CoverageState]
) -> None:
    """Print the states of one rule set that no test reached."""
    if not unreached:
        click.echo(say("test.all_reached", count=len(states), folder=folder))
        return
    click.echo(say("test.not_reached", missed=len(unreached), count=len(states), folder=folder))
    for state in unreached:
        click.echo(f"  {state.flow}.{state.state}  {state.where.file}:{state.where.line}")
