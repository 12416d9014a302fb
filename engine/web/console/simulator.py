"""Own the console's simulator page (``/simulator``): a phone that texts the rules in force in a
sandbox (``engine.web.console.sandbox``: nothing sent, the engine's store never opened), from a
phone number and to a service number the person picks, with a clock they set or move on; under
each reply, why it was chosen (the step of the order of precedence, the rule's ``file:line``,
its flow and state, the captures, the cases tried).

Every act is a POST of one form (the session's CSRF token, the steps so far in a hidden field):
the page is drawn again with the whole transcript, so it works without a script and with the
keyboard alone.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from aiohttp import web

from engine.core.events import EventType
from engine.core.messages import normalize_address
from engine.dsl import DslError, parse_duration
from engine.ruleset.conversations import DEFAULT_FROM
from engine.ruleset.moments import read_moment
from engine.ruleset.ruleset import RuleSet
from engine.testing import default_number
from engine.web.api.rules import rules_body
from engine.web.console.auth import Session
from engine.web.console.sandbox import MOST, MOST_TEXT, Line, Step, play, read_steps, write_steps
from engine.web.console.text import Words

if TYPE_CHECKING:
    from engine.web.console import Console, Handler

__all__ = ["ROUTES", "STEPS"]

STEPS = {
    "compliance": "a compliance word (STOP, HELP…)",
    "opted_out": "the contact opted out: ignored",
    "held": "a team holds the conversation",
    "restart": "the waiting poll's own keyword (it starts again)",
    "aside": "an interrupting entry, answered aside",
    "wait": "the waiting session",
    "trigger": "a trigger",
    "typo": "a keyword, forgiving a typo",
    "catchall": "the catch-all",
    "inbox": "no rule: the inbox",
}
"""A ``decided`` step → the English words the page says for it."""
NOTES: dict[str, str] = {
    EventType.HANDOFF: "Handed to the %(team)s team.",
    EventType.HELD: "The %(team)s team has this conversation: no reply.",
    EventType.UNHANDLED: "No rule answered: the message would wait in the inbox.",
    EventType.UNMATCHED: "The waiting flow did not understand: the message would wait in the inbox.",  # noqa: E501
    EventType.IGNORED: "Ignored (%(reason)s).",
    EventType.REPLY_LIMITED: "The reply limit is reached: nothing would be sent.",
    EventType.ERROR: "Rule error: %(message)s",
}
PROBLEMS = {
    "empty": "Write something first.",
    "long": "A message of the simulator has at most %(most)s characters.",
    "full": "The sandbox keeps %(most)s steps: start again.",
    "lost": "The conversation could not be read again: it starts over.",
    "duration": "Write a duration like 25h, 1d 2h or 90s.",
    "time": "Write a date and time like 2026-12-03T09:00.",
    "number": "This is not one of the rules' numbers.",
    "phone": "This is not a phone number.",
}


def numbers_of(console: Console, ruleset: RuleSet) -> list[str]:
    """The service numbers the person may text: the rules' and the configuration's."""
    found = {default_number(ruleset)}
    for flow in ruleset.flows.values():
        found.update(flow.numbers or ())
    config = console.api.config
    if config is not None:
        found.update(config.numbers)
    return sorted(found)


def _zone(ruleset: RuleSet) -> ZoneInfo:
    return ZoneInfo(ruleset.settings.timezone)


async def simulator_page(console: Console, request: web.Request, session: Session) -> Any:
    ruleset = console.service.ruleset
    start = console.service.clock.now().astimezone(UTC).replace(microsecond=0)
    return await _render(
        console, request, session, start, [], DEFAULT_FROM, default_number(ruleset), None
    )


def _new_step(form: Any, action: str, ruleset: RuleSet, numbers: list[str]) -> Step | str:
    """The step the form asks for, or the name of what is wrong with it."""
    if action == "wait":
        try:
            delta = parse_duration(str(form.get("wait") or "").strip()[:64])
        except DslError:
            return "duration"
        seconds = int(delta.total_seconds())
        return Step("wait", seconds=seconds) if seconds > 0 else "duration"
    if action == "now":
        try:
            when = read_moment(str(form.get("now") or "").strip()[:64], ruleset.settings.timezone)
        except ValueError:
            return "time"
        return Step("now", at=when.astimezone(UTC).replace(microsecond=0))
    text = str(form.get("text") or "").replace("\r\n", "\n")
    if not text.strip():
        return "empty"
    if len(text) > MOST_TEXT:
        return "long"
    number = str(form.get("number") or "")
    if number not in numbers:
        return "number"
    phone = normalize_address(str(form.get("phone") or "").strip()[:32])
    if not phone:
        return "phone"
    return Step("send", phone=phone, number=number, text=text)


async def simulator_post(console: Console, request: web.Request, session: Session) -> Any:
    """Play the steps so far and the new one (``action``: send, wait, now, reset)."""
    form = request["form"]
    ruleset = console.service.ruleset
    numbers = numbers_of(console, ruleset)
    action = str(form.get("action") or "send")
    phone = str(form.get("phone") or DEFAULT_FROM).strip()[:32]
    number = str(form.get("number") or "")
    number = number if number in numbers else default_number(ruleset)
    read = read_steps(str(form.get("history") or ""))
    if action == "reset" or read is None:
        start = console.service.clock.now().astimezone(UTC).replace(microsecond=0)
        problem = None if action == "reset" else "lost"
        return await _render(console, request, session, start, [], phone, number, problem)
    start, steps = read
    new = _new_step(form, action, ruleset, numbers)
    problem = new if isinstance(new, str) else None
    if isinstance(new, Step):
        if len(steps) >= MOST:
            problem = "full"
        else:
            steps.append(new)
    status = 200 if problem is None else 422
    text = str(form.get("text") or "") if problem is not None else ""
    return await _render(
        console, request, session, start, steps, phone, number, problem, status, text
    )


async def _render(
    console: Console, request: web.Request, session: Session, start: datetime,
    steps: list[Step], phone: str, number: str, problem: str | None, status: int = 200,
    text: str = "",
) -> web.Response:  # fmt: skip
    ruleset = console.service.ruleset
    said = console.words(request)
    lines, now = await play(ruleset, start, steps, console.sandboxes)
    zone = _zone(ruleset)
    path = rules_body(console.api).path
    folder = path.rstrip("/") + "/" if path else ""
    return console.render(
        request, "simulator.html", session, status,
        lines=[_line(line, said, zone, folder) for line in lines],
        history=write_steps(start, steps),
        now=now.astimezone(zone), zone=zone.key, phone=phone, number=number,
        numbers=numbers_of(console, ruleset), text=text,
        problem=said.say(PROBLEMS[problem], most=MOST if problem == "full" else MOST_TEXT)
        if problem else None,
    )  # fmt: skip


def _line(line: Line, said: Words, zone: ZoneInfo, folder: str) -> dict[str, Any]:
    """What the template shows of one line: its words already in the person's language, a
    rule's file named from the rules folder (``folder``)."""
    shown: dict[str, Any] = {"line": line, "at": line.at.astimezone(zone)}
    why = line.why
    if why is not None:
        shown["step"] = said.say(STEPS.get(why.step or "", "(no decision)"))
        shown["rule"] = why.rule.removeprefix(folder) if why.rule and folder else why.rule
        shown["tried"] = [
            (t.rule.removeprefix(folder) if t.rule and folder else t.rule, t) for t in why.tried
        ]
        where = [str(why.decision.get(k)) for k in ("flow", "state") if why.decision.get(k)]
        shown["where"] = " · ".join(where)
        shown["captures"] = ", ".join(f"{k}={v!r}" for k, v in why.captures.items())
    notes = []
    for kind, data in line.notes:
        english = NOTES[kind]
        values = {k: str(data.get(k, "")) for k in ("team", "reason", "message")}
        notes.append(said.say(english, **values))
    shown["notes"] = notes
    return shown


ROUTES: tuple[tuple[str, str, Handler, str], ...] = (
    ("GET", "/simulator", simulator_page, "page"),
    ("POST", "/simulator", simulator_post, "page"),
)
