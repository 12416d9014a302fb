"""Own the slash commands of `twoway chat`: /start, /wait, /now, /from, /state, /why, /help,
/quit.

They work the same on a terminal and from a pipe. ``/start`` reads its arguments as a shell
would (``medecin="Dr Roux"`` is one value, the quotes removed); every value is text;
``contact.x=…`` sets the contact's field ``x`` (``contact.groups=a,b`` its groups) instead of a
flow parameter. A refused command prints ``error: …`` on stderr and changes nothing.
"""

from __future__ import annotations

import json
import shlex
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import click

from engine.cli.chat_record import Recorder, duration_text
from engine.cli.chat_why import Asked, why
from engine.core.clock import FixedClock
from engine.core.groups import parse_groups
from engine.core.messages import Outgoing, normalize_address
from engine.dsl import DslError, parse_duration
from engine.errors import did_you_mean
from engine.i18n import say
from engine.ruleset.moments import read_moment
from engine.testing import Harness

__all__ = ["HELP", "Chat", "help_lines", "parse_time", "run_command"]

HELP = """\
/start FLOW [key=value …]  start a flow (or a schedule) for you; contact.x=… sets your field x
/wait DURATION             move the clock (25h, 1d 2h, 90s): the timers that fall due fire
/now [TIME]                show the clock, or set it (ISO 8601; without an offset, in the
                           rules' timezone): moving forward fires the timers that fall due
/from [NUMBER]             show the phone you text from, or switch to another one
/state                     your session (flow, state, variables, deadline) and contact
/why [TEXT]                why the last message got its answer (the precedence step, the
                           rule's file:line, the cases tried, the replies' SMS parts), or
                           what TEXT would do, without sending it
/help                      this list
/quit                      end the chat (Ctrl-D does too)
//text                     send "/text" as a message"""
"""The commands, in English (``help_lines``: in the language in use)."""


def help_lines() -> list[str]:
    """``/help``'s list, one line each, in the language in use."""
    return say("chat.help").splitlines()


@dataclass
class Chat:
    """One chat: the engine it talks to, who talks, and what prints its replies."""

    harness: Harness
    clock: FixedClock
    phone: str
    number: str
    recorder: Recorder | None
    interactive: bool
    refused: int = 0
    asked: Asked | None = None
    """The last message sent and the conversation before it, for ``/why``."""

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.harness.service.ruleset.settings.timezone)

    def refuse(self, message: str, *more: str) -> None:
        self.refused += 1
        click.echo(say("cli.error", message=message), err=True)
        for line in more:
            click.echo(f"  {line}", err=True)

    def show(self, sent: list[Outgoing]) -> None:
        """Print the messages the engine sent, one line each, prefixed ``< ``."""
        for message in sent:
            to = "" if message.recipient == self.phone else say("chat.to", to=message.recipient)
            if self.interactive:
                click.echo(click.style("< ", fg="green") + to + message.text)
            else:
                text = message.text.replace("\\", "\\\\").replace("\n", "\\n")
                click.echo(f"< {to}{text}")

    def info(self, line: str) -> None:
        """Print what a command shows (``/state``, ``/now``), indented under it."""
        click.echo(f"  {line}")


def parse_time(text: str, zone: ZoneInfo) -> datetime:
    """Read an ISO 8601 time, to the second, as a rule file's (``moments.read_moment``): one
    without an offset is in ``zone``, unless the clocks skip or repeat that hour there.

    Raise ValueError (a MomentError saying how to write it). Whole seconds keep a recorded
    chat's ``now:`` and waits exact.
    """
    return read_moment(text.strip(), zone.key).replace(microsecond=0)


async def run_command(chat: Chat, line: str) -> bool:
    """Run one ``/command`` line; return False when the chat should end."""
    name, _, arg = line[1:].strip().partition(" ")
    arg = arg.strip()
    if name in ("quit", "q", "exit"):
        return False
    handler = _COMMANDS.get(name)
    if handler is None:
        chat.refuse(say("chat.no_command", name=name), *help_lines())
    else:
        await handler(chat, arg)
    return True


async def _help(chat: Chat, arg: str) -> None:
    for line in help_lines():
        chat.info(line)


async def _wait(chat: Chat, arg: str) -> None:
    if not arg:
        chat.refuse(say("chat.usage.wait"))
        return
    try:
        delta = parse_duration(arg)
    except DslError as exc:
        chat.refuse(say("cli.problem", message=exc.message, hint=exc.hint))
        return
    sent = await chat.harness.advance(delta)
    chat.show(sent)
    if chat.recorder is not None:
        chat.recorder.add("wait", arg, sent, chat.phone)


async def _now(chat: Chat, arg: str) -> None:
    if not arg:
        chat.info(say("chat.now", now=chat.clock.now().astimezone(chat.zone).isoformat()))
        return
    try:
        when = parse_time(arg, chat.zone)
    except ValueError:
        chat.refuse(say("chat.not_a_time", text=arg), say("chat.usage.now"))
        return
    delta = when - chat.clock.now()
    if delta < timedelta() and chat.recorder is not None:
        chat.refuse(say("chat.no_going_back"))
        return
    if delta < timedelta():
        chat.clock.set(when)
        chat.info(say("chat.now", now=when.isoformat()))
        return
    sent = await chat.harness.advance(delta)
    chat.info(say("chat.now", now=when.isoformat()))
    chat.show(sent)
    if chat.recorder is not None and delta >= timedelta(seconds=1):
        chat.recorder.add("wait", duration_text(delta), sent, chat.phone)


async def _from(chat: Chat, arg: str) -> None:
    if not arg:
        chat.info(say("chat.you_are", phone=chat.phone, number=chat.number))
        return
    chat.phone = normalize_address(arg)
    chat.info(say("chat.you_are", phone=chat.phone, number=chat.number))


def _startable(chat: Chat) -> list[str]:
    flows = chat.harness.service.ruleset.flows.values()
    schedules = {t.schedule for f in flows for t in f.triggers if t.schedule}
    return sorted(schedules | set(chat.harness.service.ruleset.flows))


def _set_dotted(target: dict[str, Any], key: str, value: Any) -> None:
    head, _, rest = key.partition(".")
    if rest:
        inner = target.setdefault(head, {})
        if not isinstance(inner, dict):
            inner = target[head] = {}
        _set_dotted(inner, rest, value)
    else:
        target[head] = value


def _arguments(chat: Chat, arg: str) -> tuple[str, dict[str, Any], dict[str, Any]] | None:
    """Read ``FLOW key=value …``: (flow, params, contact fields), or None once refused."""
    usage = say("chat.usage.start")
    flows = say("chat.startable", flows=", ".join(_startable(chat)) or say("chat.none"))
    try:
        words = shlex.split(arg)
    except ValueError as exc:
        chat.refuse(say("chat.unreadable", reason=exc), usage)
        return None
    if not words:
        chat.refuse(usage, flows)
        return None
    flow = words[0]
    params: dict[str, Any] = {}
    contact: dict[str, Any] = {}
    if chat.harness.service.ruleset.schedule_flow(flow) is None:
        hint = did_you_mean(flow, _startable(chat))
        said = say("chat.no_flow", name=flow)
        chat.refuse(say("chat.no_flow.hint", said=said, hint=hint) if hint else said, flows)
        return None
    for word in words[1:]:
        key, equals, value = word.partition("=")
        if not equals or not key or key.startswith(".") or key.endswith(".") or ".." in key:
            chat.refuse(say("chat.not_key_value", word=word), usage)
            return None
        if key.startswith("contact."):
            _set_dotted(contact, key.removeprefix("contact."), value)
        else:
            _set_dotted(params, key, value)
    return flow, params, contact


async def _set_contact(chat: Chat, fields: dict[str, Any]) -> bool:
    fields = dict(fields)
    groups = fields.pop("groups", None)
    store = chat.harness.store
    if groups is not None:
        names, problem = parse_groups(groups)
        if problem is not None:
            chat.refuse(say("chat.groups", problem=problem))
            return False
        await store.save_contact(chat.phone, groups=names)
    if fields:
        await store.set_contact_fields(chat.phone, fields, chat.clock.now())
    return True


async def _start(chat: Chat, arg: str) -> None:
    read = _arguments(chat, arg)
    if read is None:
        return
    flow, params, contact = read
    if contact and not await _set_contact(chat, contact):
        return
    if contact and chat.recorder is not None:
        chat.recorder.set_contact(chat.phone, contact)
    sent = await chat.harness.start_flow(chat.phone, chat.number, flow, params)
    chat.show(sent)
    if chat.recorder is not None:
        extra = {"params": params} if params else {}
        chat.recorder.add("start", flow, sent, chat.phone, **extra)


def _when(value: datetime | None, zone: ZoneInfo) -> str:
    return say("chat.none") if value is None else value.astimezone(zone).isoformat()


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str, sort_keys=True)


async def _state(chat: Chat, arg: str) -> None:
    store, zone = chat.harness.store, chat.zone
    none = say("chat.none")
    chat.info(say("chat.now", now=_when(chat.clock.now(), zone)))
    chat.info(say("chat.you_are", phone=chat.phone, number=chat.number))
    session = await store.session(chat.phone, chat.number)
    if session is None:
        chat.info(say("chat.state.session", session=none))
    else:
        chat.info(say("chat.state.session", session=f"{session.flow}.{session.state}"))
        chat.info(say("chat.state.variables", variables=_json(dict(session.vars))))
        kind = f" ({session.deadline_kind})" if session.deadline_kind else ""
        chat.info(say("chat.state.deadline", deadline=_when(session.deadline, zone), kind=kind))
    contact = await store.contact(chat.phone)
    fields = {} if contact is None else dict(contact.fields)
    chat.info(say("chat.state.contact", fields=_json(fields)))
    groups = () if contact is None else contact.groups
    chat.info(say("chat.state.groups", groups=", ".join(groups) or none))
    outs = sorted(contact.opted_out) if contact is not None else []
    chat.info(say("chat.state.opted_out", numbers=", ".join(outs) or none))
    votes = {} if contact is None else dict(contact.votes)
    chat.info(say("chat.state.votes", votes=_json(votes) if votes else none))


_COMMANDS = {
    "help": _help,
    "?": _help,
    "wait": _wait,
    "now": _now,
    "from": _from,
    "start": _start,
    "state": _state,
    "why": why,
}
