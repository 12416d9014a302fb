"""Own `twoway explain`: why the rules answer a message as they do, without sending anything.

The message runs through the rules in a sandbox (``engine.cli.explain_run``): a new contact, or
the conversation a SQLite file holds (``--db``, read from a copy, never written). What prints
is the decision path (``engine.cli.explain_view``).
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import click

from engine.cli.explain_run import explain, load_conversation
from engine.cli.explain_view import as_json, lines
from engine.cli.helptext import Command
from engine.cli.ops import moment_or_now, ruleset_or_exit
from engine.core.messages import normalize_address
from engine.i18n import msg, say
from engine.resources import default_rules_dir
from engine.ruleset.compiler import compile_files, find_rule_files
from engine.ruleset.conversations import DEFAULT_FROM
from engine.ruleset.ruleset import RuleSet
from engine.testing import default_number

__all__ = ["explain_command"]


@click.command("explain", cls=Command)
@click.argument("args", nargs=-1, required=True)
@click.option(
    "--from", "sender", default=DEFAULT_FROM, show_default=True, help="The phone that texts."
)
@click.option(
    "--to", "recipient", default=None, help="Our number (default: the first the rules name)."
)
@click.option(
    "--at",
    default=None,
    metavar="TIME",
    help="When the message arrives (ISO 8601; without an offset, in the rules' timezone). "
    "Default: now.",
)
@click.option(
    "--db",
    default=None,
    type=click.Path(exists=True, dir_okay=False),
    help="Read the conversation (session, contact) from this SQLite file; nothing is written.",
)
@click.option("--json", "as_json_", is_flag=True, help="Print the explanation as JSON.")
def explain_command(
    args: tuple[str, ...],
    sender: str,
    recipient: str | None,
    at: str | None,
    db: str | None,
    as_json_: bool,
) -> None:
    """Explain what the rules in PATHS do with a message: twoway explain [PATHS…] -- "text".

    The last argument is the message; the others are rule folders or files (default: ./rules,
    or the demo rules). Prints the step of the order of precedence that decided, the rule's
    file:line, the normalised text, the captures, the cases tried and why they failed, and each
    reply with its encoding and its cost in SMS parts. Nothing is sent or stored.
    """
    *raw_paths, text = args
    ruleset = _ruleset([Path(p) for p in raw_paths])
    when = moment_or_now(at, ruleset, "--at")
    number = normalize_address(recipient) if recipient else default_number(ruleset)
    phone = normalize_address(sender)
    conversation = asyncio.run(load_conversation(db, phone, number, ruleset, when))
    result = explain(ruleset, conversation, number, text, when)
    if as_json_:
        click.echo(as_json(result))
        return
    for line in lines(result):
        click.echo(line)


def _ruleset(paths: list[Path]) -> RuleSet:
    for path in paths:
        if not path.exists():
            click.echo(say("cli.error", message=msg("cli.explain.no_path", path=path)), err=True)
            sys.exit(2)
    folders = paths or [Path("rules") if Path("rules").exists() else default_rules_dir()]
    files = [f for p in folders for f in find_rule_files(p)]
    if not files:
        problem = msg("cli.no_rule_files", names=", ".join(map(str, folders)), hint="")
        click.echo(say("cli.error", message=problem), err=True)
        sys.exit(1)
    return ruleset_or_exit(compile_files(files))
