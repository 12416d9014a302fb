"""Own `twoway chat`: talk to rules as a phone would, interactively or line by line from a pipe.

A line starting with ``/`` is a command (`engine.cli.chat_commands`; ``//`` sends a text that
starts with ``/``), any other line is a message. From a pipe, stdout is the transcript: each
line read is echoed first (``> text`` for a message, ``~ /command`` for a command), then each
message the engine sent, one line starting with ``< `` (a newline inside it printed as ``\\n``),
and what a command shows, indented; diagnostics and refused commands go to stderr, and the exit
status is 1 when a command was refused. The chat's clock stands still: it is the time the chat
started (or ``--now``) and moves only with ``/wait`` and ``/now``, as a test's does.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import click

from engine.cli.chat_commands import Chat, parse_time, run_command
from engine.cli.chat_record import Recorder
from engine.cli.chat_why import before_sending
from engine.cli.helptext import Command
from engine.cli.ops import ruleset_or_exit
from engine.core.clock import FixedClock
from engine.core.events import EventType
from engine.core.messages import normalize_address
from engine.i18n import msg, say
from engine.resources import default_rules_dir
from engine.ruleset.compiler import compile_files, find_rule_files, rule_sets
from engine.ruleset.conversations import DEFAULT_FROM
from engine.ruleset.ruleset import RuleSet
from engine.testing import Harness, default_number

__all__ = ["chat_command"]


@click.command("chat", cls=Command)
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--from", "sender", default=DEFAULT_FROM, show_default=True, help="The phone number you are."
)
@click.option(
    "--to",
    "recipient",
    default=None,
    help="Our number you text (default: the first number the rules name).",
)
@click.option(
    "--db",
    default=":memory:",
    show_default=True,
    help="The SQLite file to keep the conversation in.",
)
@click.option(
    "--record",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the conversation as a test file when the chat ends.",
)
@click.option(
    "--now",
    "start",
    default=None,
    metavar="TIME",
    help="The time the chat starts at (ISO 8601; without an offset, in the rules' timezone). "
    "Default: the current time.",
)
def chat_command(
    paths: tuple[Path, ...],
    sender: str,
    recipient: str | None,
    db: str,
    record: Path | None,
    start: str | None,
) -> None:
    """Talk to the rules in PATHS as a phone would.

    Without PATHS: ./rules, or the demo rules shipped with twoway when there is none. A line
    starting with / is a command (/help lists them), any other line a message; from a pipe,
    each line is echoed ("> " a message, "~ " a command) before the replies ("< ").
    """
    folders = paths or (Path("rules") if Path("rules").exists() else default_rules_dir(),)
    files = [f for p in folders if p.exists() for f in find_rule_files(p)]
    if not files:
        inner = sorted(t.rules for p in folders if p.exists() for t in rule_sets([p]))
        hint = msg("cli.rule_sets_below", names=", ".join(map(str, inner))) if inner else ""
        names = ", ".join(map(str, folders))
        problem = msg("cli.no_rule_files", names=names, hint=hint)
        click.echo(say("cli.error", message=problem), err=True)
        sys.exit(1)
    ruleset = ruleset_or_exit(compile_files(files))
    now = _start_time(start, ZoneInfo(ruleset.settings.timezone))
    number = normalize_address(recipient) if recipient else default_number(ruleset)
    phone = normalize_address(sender)
    recorder = Recorder(phone, number, now) if record else None
    if record and db != ":memory:" and Path(db).exists():
        problem = msg("chat.record.empty_store", db=db)
        click.echo(say("cli.warning", message=problem), err=True)
    interactive = sys.stdin.isatty()
    refused = 0
    with contextlib.suppress(KeyboardInterrupt):
        refused = asyncio.run(_chat(ruleset, db, now, phone, number, recorder, interactive))
    if recorder is not None and record is not None:
        recorder.write(record)
        click.echo(say("cli.recorded", count=len(recorder.steps), path=record), err=True)
    if refused and not interactive:
        sys.exit(1)


def _start_time(text: str | None, zone: ZoneInfo) -> datetime:
    if text is None:
        return datetime.now(UTC).replace(microsecond=0).astimezone(zone)
    try:
        return parse_time(text, zone)
    except ValueError:
        raise click.BadParameter(say("chat.bad_now", text=text), param_hint="--now") from None


async def _chat(
    ruleset: RuleSet,
    db: str,
    now: datetime,
    phone: str,
    number: str,
    recorder: Recorder | None,
    interactive: bool,
) -> int:
    """Run the chat until stdin ends or /quit; return how many commands were refused."""
    clock = FixedClock(now)
    async with Harness(ruleset, db=db, clock=clock) as harness:
        await harness.service.run_due_timers()
        harness.transport.take()
        chat = Chat(harness, clock, phone, number, recorder, interactive)
        if interactive:
            click.echo(say("chat.welcome", phone=phone, number=number), err=True)
        notes = _Diagnostics(chat)
        await notes.show()
        loop = asyncio.get_running_loop()
        while True:
            if interactive:
                click.echo(click.style("> ", fg="cyan"), nl=False, err=True)
            raw = await loop.run_in_executor(None, sys.stdin.readline)
            if not raw:
                break
            if not await _line(chat, raw.rstrip("\r\n")):
                break
            await notes.show()
            sys.stdout.flush()
        return chat.refused


async def _line(chat: Chat, text: str) -> bool:
    """Act on one line read: a command or a message. Return False when the chat should end."""
    if not text.strip() and not chat.interactive:
        return True
    command = text.startswith("/") and not text.startswith("//")
    if text.startswith("//"):
        text = text[1:]
    if not chat.interactive:
        click.echo(f"~ {text.strip()}" if command else f"> {_escaped(text)}")
    if command:
        return await run_command(chat, text)
    await before_sending(chat, text)
    sent = await chat.harness.send(chat.phone, chat.number, text)
    sent += await chat.harness.advance(timedelta())
    chat.show(sent)
    if chat.recorder is not None:
        chat.recorder.add("send", text, sent, chat.phone)
    return True


def _escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\n", "\\n")


_NOTES = (
    EventType.UNHANDLED,
    EventType.UNMATCHED,
    EventType.HANDOFF,
    EventType.HELD,
    EventType.IGNORED,
    EventType.REPLY_LIMITED,
    EventType.RETRIES_EXHAUSTED,
    EventType.ERROR,
    EventType.KEYWORD_CORRECTED,
    EventType.SESSION_EXPIRED,
    EventType.LOG,
)
"""The events a chat tells of (``chat.note.TYPE`` of the catalogue says how)."""


class _Diagnostics:
    """Explain on stderr what the engine did without a reply: inbox, handoff, rule errors."""

    def __init__(self, chat: Chat) -> None:
        self.chat = chat
        self.seen = 0

    async def show(self) -> None:
        interactive = self.chat.interactive
        events = await self.chat.harness.store.events(contact=self.chat.phone)
        for event in events:
            if event["id"] <= self.seen:
                continue
            self.seen = max(self.seen, event["id"])
            kind = event["type"]
            if kind not in _NOTES or (not interactive and kind != EventType.ERROR):
                continue
            text = say(f"chat.note.{kind}", **event["data"])
            if interactive:
                click.echo(click.style(f"  · {text}", dim=True), err=True)
            else:
                click.echo(say("cli.warning", message=text), err=True)
