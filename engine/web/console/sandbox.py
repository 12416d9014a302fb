"""Own the simulator's sandbox: what the person did on the page (messages typed, the clock moved)
played again on the rules in force, in ``engine.testing.Harness`` (the engine of ``twoway chat``
and ``twoway test``: an in-memory SQLite store, the loopback transport, a fixed clock, sequential
ids). Nothing is sent, the engine's store is never opened, and each message is explained as the
chat's ``/why`` does (``engine.runtime.explained``: the step of the order of precedence that
decided, the rule's ``file:line``, the captures, the cases tried).

The conversation is not kept on the server: the page carries what was done (``Step``, as JSON in
a hidden field, at most ``MOST`` steps) and every request plays it again from the start. So
nothing is left in memory when a person logs out or walks away, two tabs never share a sandbox,
and a rule file saved meanwhile is what answers next. Playing is deterministic (the clock is
the steps' own, the ids sequential): the same steps give the same transcript.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Literal

from engine.core.clock import FixedClock
from engine.core.events import EventType
from engine.core.messages import Outgoing
from engine.ruleset.ruleset import RuleSet
from engine.runtime.explained import Explanation, explain
from engine.testing import Harness

__all__ = ["MOST", "MOST_TEXT", "Line", "Step", "play", "read_steps", "write_steps"]

MOST = 40
"""Steps a sandbox plays at most (beyond, the page asks to start again)."""
MOST_TEXT = 640
"""Characters of one typed message at most."""
MOST_JSON = 64 * 1024


@dataclass(frozen=True, slots=True)
class Step:
    """One thing the person did: ``send`` (``text`` from ``phone`` to ``number``), ``wait``
    (``seconds``) or ``now`` (set the clock to ``at``)."""

    kind: Literal["send", "wait", "now"]
    phone: str = ""
    number: str = ""
    text: str = ""
    seconds: int = 0
    at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Line:
    """One line of the transcript: a message ``in`` (typed), ``out`` (a reply, with ``why``),
    or the clock ``moved``."""

    kind: Literal["in", "out", "moved"]
    at: datetime
    text: str = ""
    phone: str = ""
    number: str = ""
    why: Explanation | None = None
    """For a reply to a typed message: the explanation of that message (None for a timer's);
    for a typed message no reply followed: its own."""
    notes: tuple[tuple[str, dict[str, Any]], ...] = field(default=())
    """For a typed message: what the engine did besides replying (event type, data)."""


NOTED = (
    EventType.HANDOFF,
    EventType.HELD,
    EventType.UNHANDLED,
    EventType.UNMATCHED,
    EventType.IGNORED,
    EventType.REPLY_LIMITED,
    EventType.ERROR,
)
"""The events of a typed message the transcript tells of."""


def write_steps(start: datetime, steps: list[Step]) -> str:
    """The page's hidden field: where the clock started, and the steps."""
    return json.dumps(
        {
            "start": start.isoformat(),
            "steps": [
                {k: v for k, v in _plain(s).items() if v not in ("", 0, None)} for s in steps
            ],
        },
        ensure_ascii=False,
        separators=(",", ":"),
    )


def _plain(step: Step) -> dict[str, Any]:
    at = step.at.isoformat() if step.at is not None else None
    return {"kind": step.kind, "phone": step.phone, "number": step.number, "text": step.text,
            "seconds": step.seconds, "at": at}  # fmt: skip


def read_steps(given: str) -> tuple[datetime, list[Step]] | None:
    """The start and steps of a hidden field, or None for one this page did not write (JSON
    only, read as data: nothing in it is ever evaluated)."""
    if len(given) > MOST_JSON:
        return None
    try:
        data = json.loads(given)
        start = datetime.fromisoformat(data["start"])
        steps = [_step(raw) for raw in data["steps"]]
    except (ValueError, KeyError, TypeError, AttributeError):
        return None
    if start.tzinfo is None or len(steps) > MOST:
        return None
    return start, steps


def _step(raw: dict[str, Any]) -> Step:
    kind = raw["kind"]
    if kind == "send":
        phone, number, text = str(raw["phone"]), str(raw["number"]), str(raw.get("text", ""))
        if len(text) > MOST_TEXT or not phone or not number:
            raise ValueError("not a message of this page")
        return Step("send", phone=phone, number=number, text=text)
    if kind == "wait":
        seconds = int(raw["seconds"])
        if not 0 < seconds <= 400 * 86400:
            raise ValueError("not a wait of this page")
        return Step("wait", seconds=seconds)
    if kind == "now":
        at = datetime.fromisoformat(str(raw["at"]))
        if at.tzinfo is None:
            raise ValueError("not a time of this page")
        return Step("now", at=at)
    raise ValueError("not a step of this page")


async def play(
    ruleset: RuleSet, start: datetime, steps: list[Step], turns: asyncio.Semaphore
) -> tuple[list[Line], datetime]:
    """The transcript of ``steps`` played from ``start`` on ``ruleset``, and the clock after
    (``turns``: how many sandboxes play at once, the others waiting theirs)."""
    clock = FixedClock(start)
    lines: list[Line] = []
    async with turns, Harness(ruleset, clock=clock) as harness:
        await harness.service.run_due_timers()
        harness.transport.take()
        for step in steps:
            if step.kind == "send":
                lines += await _send(harness, ruleset, step)
            else:
                lines += await _move(harness, clock, step)
        return lines, clock.now()


async def _send(harness: Harness, ruleset: RuleSet, step: Step) -> list[Line]:
    now = harness.clock.now()
    before = await harness.conversation(step.phone, step.number)
    why = explain(ruleset, before, step.number, step.text, now)
    notes = tuple((e.type, dict(e.data)) for e in why.events if e.type in NOTED)
    sent = await harness.send(step.phone, step.number, step.text)
    sent += await harness.advance(timedelta())
    alone = None if sent else why  # no reply: the typed message says why
    typed = Line("in", now, step.text, step.phone, step.number, why=alone, notes=notes)
    return [typed, *(_out(m, now, why) for m in sent)]


async def _move(harness: Harness, clock: FixedClock, step: Step) -> list[Line]:
    now = clock.now()
    if step.kind == "wait":
        sent = await harness.advance(timedelta(seconds=step.seconds))
    else:
        assert step.at is not None
        if step.at < now:
            clock.set(step.at)
            sent = []
        else:
            sent = await harness.move_to(step.at)
    moved = clock.now()
    return [Line("moved", moved), *(_out(m, moved, None) for m in sent)]


def _out(message: Outgoing, at: datetime, why: Explanation | None) -> Line:
    return Line("out", at, message.text, message.recipient, message.sender, why=why)
