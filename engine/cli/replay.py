"""Own `twoway replay`: the stored traffic of a window run again against a candidate rule set,
and every message whose reply would change.

The replay runs in a sandbox (``engine.cli.replay_run``): nothing is sent and the store is only
read (``engine.store.traffic``, a read-only connection). Exit 0 when no reply differs, 1 when
some do (like ``diff``), 2 on a usage error, rules that do not load or a store that cannot be
read.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import click

from engine.cli.explain_view import step_label
from engine.cli.helptext import Command
from engine.cli.ops import moment_or_now, ruleset_or_exit
from engine.cli.replay_run import Changed, Replayed, replay
from engine.dsl.durations import parse_duration
from engine.dsl.errors import DslError
from engine.i18n import msg, plural, say
from engine.ruleset.compiler import compile_files, find_rule_files
from engine.ruleset.ruleset import RuleSet
from engine.store.files import open_read_only
from engine.store.traffic import StoredInbound, StoredReply, traffic, traffic_contacts

__all__ = ["replay_command"]

_EVER = datetime.fromisoformat("0001-01-01T00:00:00+00:00")


@click.command("replay", cls=Command)
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--db",
    required=True,
    type=click.Path(exists=True, dir_okay=False),
    help="The SQLite store whose traffic is replayed; it is only read.",
)
@click.option(
    "--since",
    default=None,
    metavar="DURATION",
    help="The window: the messages of the last DURATION (7d, 12h, 30m). Default: all stored.",
)
@click.option(
    "--now",
    "until",
    default=None,
    metavar="TIME",
    help="When the window ends (ISO 8601; without an offset, in the rules' timezone). "
    "Default: now.",
)
@click.option("--json", "as_json_", is_flag=True, help="Print the report as JSON.")
def replay_command(
    paths: tuple[Path, ...], db: str, since: str | None, until: str | None, as_json_: bool
) -> None:
    """Replay the stored inbound messages against the rules in PATHS; report each reply that
    would change.

    Nothing is sent and the store is not written. Each conversation the window touches runs in
    order, each message at its stored received time (timeouts falling due in between fire
    first). The store keeps a conversation's current session only, not its history: its state
    at the window's start is rebuilt by replaying its earlier stored messages through the same
    rules first (not reported); contacts start with their stored fields and groups as they
    stand now. Flows started without a message (campaigns, schedules, the API) are not
    replayed. The reply sent is every outbox row the rules wrote for the message.

    Prints, per message whose replies differ from those sent: time, phone, number, text, the
    reply sent, the new reply and the rule that decided (file:line); then the count per rule.
    Exit 0 when nothing differs, 1 when some reply does, 2 when the rules do not load (their
    errors at file:line:col) or the store cannot be read.
    """
    ruleset = _ruleset(paths)
    end = moment_or_now(until, ruleset, "--now")
    start = end - _duration(since) if since is not None else None
    stored, contacts = _read(db, start or _EVER, end)
    result = asyncio.run(replay(ruleset, stored, contacts, start, end))
    if as_json_:
        click.echo(as_json(result))
    else:
        for line in lines(result):
            click.echo(line)
    sys.exit(1 if result.changed else 0)


def _ruleset(paths: tuple[Path, ...]) -> RuleSet:
    for path in paths:
        if not path.exists():
            click.echo(say("cli.error", message=msg("replay.no_path", path=path)), err=True)
            sys.exit(2)
    files = [f for p in paths for f in find_rule_files(p)]
    if not files:
        problem = msg("cli.no_rule_files", names=", ".join(map(str, paths)), hint="")
        click.echo(say("cli.error", message=problem), err=True)
        sys.exit(2)
    return ruleset_or_exit(compile_files(files), code=2)


def _duration(text: str) -> Any:
    try:
        return parse_duration(text)
    except DslError as exc:
        problem = say("cli.problem", message=exc.message, hint=exc.hint)
        raise click.BadParameter(problem, param_hint="--since") from None


def _read(db: str, start: datetime, end: datetime) -> tuple[list[StoredInbound], list[Any]]:
    try:
        conn = open_read_only(db)
        try:
            stored = traffic(conn, start, end)
            contacts = traffic_contacts(conn, {m.phone for m in stored})
        finally:
            conn.close()
    except sqlite3.Error as exc:
        problem = msg("replay.unreadable", db=db, reason=exc)
        click.echo(say("cli.error", message=problem), err=True)
        sys.exit(2)
    return stored, contacts


def lines(result: Replayed) -> list[str]:
    """The report: one block per message that changed, then the count per rule, in the
    language in use."""
    window = say("replay.since", at=result.since.isoformat()) if result.since else say("replay.all")
    count = len(result.changed)
    out = [
        say(
            "replay.summary",
            replayed=plural("replay.messages", result.replayed),
            conversations=plural("replay.conversations", result.conversations),
            window=window,
            until=result.until.isoformat(),
            rebuilt=plural("replay.earlier", result.rebuilt),
            changed=plural("replay.replies", count),
            differ=plural("replay.differ", count),
        )
    ]
    for changed in result.changed:
        message = changed.message
        out.append("")
        when, text = message.at.isoformat(), message.text
        out.append(f"{when} {message.phone} -> {message.number}: {text!r}")
        out.extend(_replies(say("replay.sent"), message.replies, message.phone))
        out.extend(_replies(say("replay.new"), changed.new, message.phone))
        out.append(say("replay.rule", rule=_rule(changed)))
    if result.changed:
        out.append("")
        out.append(say("replay.by_rule"))
        out.extend(
            say("replay.rule_count", rule=_rule_words(rule), messages=plural("replay.messages", n))
            for rule, n in result.by_rule()
        )
    return out


def _replies(head: str, replies: tuple[StoredReply, ...], phone: str) -> list[str]:
    width = max(6, len(head) + 1)
    if not replies:
        return [f"  {head:{width}}{say('none')}"]
    shown = [f"{r.text!r}" + ("" if r.recipient == phone else say("explain.to", to=r.recipient))
             for r in replies]  # fmt: skip
    return [f"  {head:{width}}{shown[0]}", *(f"  {'':{width}}{s}" for s in shown[1:])]


def _rule(changed: Changed) -> str:
    label = step_label(changed.step)
    return f"{changed.rule} ({label})" if changed.rule else label


def _rule_words(rule: str) -> str:
    """A rule of ``Replayed.by_rule``: its ``file:line``, or ``(built-in)`` / ``(none)`` in
    the language in use."""
    return {"(built-in)": say("built_in"), "(none)": say("none")}.get(rule, rule)


def as_json(result: Replayed) -> str:
    """The report as one JSON object (``--json``)."""
    data = {
        "since": result.since.isoformat() if result.since else None,
        "until": result.until.isoformat(),
        "conversations": result.conversations,
        "replayed": result.replayed,
        "rebuilt": result.rebuilt,
        "changed": [_changed(c) for c in result.changed],
        "by_rule": [{"rule": rule, "messages": n} for rule, n in result.by_rule()],
    }
    return json.dumps(data, ensure_ascii=False, indent=2)


def _changed(changed: Changed) -> dict[str, Any]:
    message = changed.message
    return {
        "inbound_id": message.id,
        "at": message.at.isoformat(),
        "phone": message.phone,
        "number": message.number,
        "text": message.text,
        "sent": [{"to": r.recipient, "text": r.text} for r in message.replies],
        "new": [{"to": r.recipient, "text": r.text} for r in changed.new],
        "rule": changed.rule,
        "step": changed.step,
    }
