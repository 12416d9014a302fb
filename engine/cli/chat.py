"""Own `twoway chat`: talk to rules as a phone would, interactively or line by line from a pipe.

From a pipe: one inbound message per line; each outbound message is printed as one line starting
with ``< `` (a newline inside a message printed as ``\\n``) and nothing else; diagnostics go to
stderr. On a terminal, ``/wait 25h``, ``/start FLOW key=value…`` and ``/quit``
are commands.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import click
import yaml

from engine.cli.ops import ruleset_or_exit
from engine.core.clock import OffsetClock
from engine.core.messages import Outgoing, normalize_address
from engine.dsl import DslError, parse_duration
from engine.resources import default_rules_dir
from engine.ruleset.compiler import compile_files, find_rule_files, rule_sets
from engine.ruleset.conversations import DEFAULT_FROM
from engine.ruleset.ruleset import RuleSet
from engine.testing import Harness, default_number

__all__ = ["chat_command"]


def _line(message: Outgoing) -> str:
    return "< " + message.text.replace("\\", "\\\\").replace("\n", "\\n")


class _Recorder:
    """Collect a chat as a conversation test (``--record``)."""

    def __init__(self, sender: str, recipient: str) -> None:
        self.sender, self.recipient = sender, recipient
        self.steps: list[dict[str, Any]] = []

    def add(self, kind: str, value: Any, sent: list[Outgoing], **extra: Any) -> None:
        step: dict[str, Any] = {kind: value, **extra}
        texts = [m.text for m in sent]
        step["expect"] = texts[0] if len(texts) == 1 else texts
        self.steps.append(step)

    def write(self, path: Path) -> None:
        test = {
            "name": f"recorded chat with {self.recipient}",
            "from": self.sender,
            "to": self.recipient,
            "steps": self.steps,
        }
        path.write_text(
            yaml.safe_dump({"tests": [test]}, allow_unicode=True, sort_keys=False),
            encoding="utf-8",
        )


@click.command("chat")
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
def chat_command(
    paths: tuple[Path, ...], sender: str, recipient: str | None, db: str, record: Path | None
) -> None:
    """Talk to the rules in PATHS as a phone would.

    Without PATHS: ./rules, or the demo rules shipped with twoway when there is none.
    """
    folders = paths or (Path("rules") if Path("rules").exists() else default_rules_dir(),)
    files = [f for p in folders if p.exists() for f in find_rule_files(p)]
    if not files:
        inner = sorted(t.rules for p in folders if p.exists() for t in rule_sets([p]))
        hint = f" (rule sets below it: {', '.join(map(str, inner))})" if inner else ""
        names = ", ".join(map(str, folders))
        click.echo(f"error: no rule files in {names}{hint}", err=True)
        sys.exit(1)
    ruleset = ruleset_or_exit(compile_files(files))
    number = normalize_address(recipient) if recipient else default_number(ruleset)
    phone = normalize_address(sender)
    recorder = _Recorder(phone, number) if record else None
    interactive = sys.stdin.isatty()
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_chat(ruleset, db, phone, number, recorder, interactive))
    if recorder is not None and record is not None:
        recorder.write(record)
        click.echo(f"recorded {len(recorder.steps)} steps to {record}", err=True)


async def _chat(
    ruleset: RuleSet,
    db: str,
    phone: str,
    number: str,
    recorder: _Recorder | None,
    interactive: bool,
) -> None:
    clock = OffsetClock()
    async with Harness(ruleset, db=db, clock=clock) as harness:
        await harness.service.run_due_timers()
        harness.transport.take()
        if interactive:
            click.echo(
                f"You are {phone}, texting {number}. /help for commands, Ctrl-D to quit.", err=True
            )
        notes = _Diagnostics(harness, phone, interactive)
        await notes.show()
        loop = asyncio.get_running_loop()
        while True:
            if interactive:
                click.echo(click.style("> ", fg="cyan"), nl=False, err=True)
            raw = await loop.run_in_executor(None, sys.stdin.readline)
            if not raw:
                break
            text = raw.rstrip("\r\n")
            if interactive and text.startswith("/"):
                if not await _command(harness, text, phone, number, recorder):
                    break
                await notes.show()
                continue
            if not text.strip() and not interactive:
                continue
            sent = await harness.send(phone, number, text)
            sent += await harness.advance(timedelta())
            _print(sent, interactive)
            await notes.show()
            if recorder is not None:
                recorder.add("send", text, sent)


_NOTES = {
    "unhandled": "no rule answered: the message is in the inbox for a person",
    "unmatched": "the waiting flow did not understand: the message is in the inbox",
    "handoff": "handed to the {team} team",
    "held": "the {team} team has this conversation: the message joins its thread, unanswered",
    "ignored": "ignored ({reason})",
    "reply_limited": "reply limit reached ({limit} per window): nothing sent",
    "retries_exhausted": "no valid answer after the retries",
    "error": "rule error: {message}",
    "keyword_corrected": "read '{typed}' as the keyword '{keyword}'",
}


class _Diagnostics:
    """Explain on stderr what the engine did without a reply: inbox, handoff, rule errors."""

    def __init__(self, harness: Harness, phone: str, interactive: bool) -> None:
        self.harness, self.phone, self.interactive = harness, phone, interactive
        self.seen = 0

    async def show(self) -> None:
        events = [
            e for e in await self.harness.store.events(contact=self.phone) if e["id"] > self.seen
        ]
        for event in events:
            self.seen = max(self.seen, event["id"])
            note = _NOTES.get(event["type"])
            if note is None or (not self.interactive and event["type"] != "error"):
                continue
            try:
                text = note.format(**event["data"])
            except (KeyError, IndexError):
                text = note
            if self.interactive:
                click.echo(click.style(f"  · {text}", dim=True), err=True)
            else:
                click.echo(f"warning: {text}", err=True)


def _print(sent: list[Outgoing], interactive: bool) -> None:
    for message in sent:
        if interactive:
            prefix = (
                ""
                if message.kind == "reply" or message.kind == "compliance"
                else (f"(to {message.recipient}) ")
            )
            click.echo(click.style("< ", fg="green") + prefix + message.text)
        else:
            click.echo(_line(message))
    sys.stdout.flush()


async def _command(
    harness: Harness, line: str, phone: str, number: str, recorder: _Recorder | None
) -> bool:
    name, _, arg = line[1:].partition(" ")
    if name in ("quit", "q", "exit"):
        return False
    if name == "wait":
        try:
            delta = parse_duration(arg or "0s")
        except DslError as exc:
            click.echo(f"error: {exc.message} ({exc.hint})", err=True)
            return True
        sent = await harness.advance(delta)
        _print(sent, True)
        if recorder is not None:
            recorder.add("wait", arg, sent)
    elif name == "start":
        flow, *pairs = arg.split()
        params: dict[str, Any] = {}
        for pair in pairs:
            key, _, value = pair.partition("=")
            _set_dotted(params, key, value)
        sent = await harness.start_flow(phone, number, flow, params)
        _print(sent, True)
        if recorder is not None:
            recorder.add("start", flow, sent, params=params)
    else:
        click.echo("commands: /wait 25h · /start FLOW key=value … · /quit", err=True)
    return True


def _set_dotted(target: dict[str, Any], key: str, value: Any) -> None:
    head, _, rest = key.partition(".")
    if rest:
        _set_dotted(target.setdefault(head, {}), rest, value)
    else:
        target[head] = value
