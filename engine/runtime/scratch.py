"""Own the scratchpad of one runtime step: its fields, and how tests, conditions and templates
are evaluated against the message (the expression context, computed lazily).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from engine.core.events import EventType
from engine.core.messages import MAX_TEXT, Outgoing
from engine.core.model import Answer, Event, Input, Session, Vote
from engine.dsl import Condition, EvalError, Pattern, Template, intent, normalize
from engine.dsl.budget import BudgetSpent
from engine.dsl.text import intent_of_normalized
from engine.i18n.replies import language_of
from engine.ruleset.model import AnswerTest, Case, ChoiceTest, Flow, PollGate, Test
from engine.ruleset.ruleset import RuleSet
from engine.runtime.answers import check_answer, check_choice

__all__ = ["NO_CONTEXT", "Scratch"]

_ZONES: dict[str, ZoneInfo] = {}

_INTENTS = frozenset({"yes", "no", "stop", "help"})
_LAZY = frozenset({"now", "contact", "poll", *_INTENTS})
"""Context names computed on first read only: most expressions read none of them."""
_UNSET: Any = object()
NO_CONTEXT: Mapping[str, Any] = {}


class Scratch:
    """The mutable scratchpad of one step and how it reads the rules: tests, conditions,
    templates, the expression context. ``step._Run`` adds what runs; only its ``sprint()``
    leaves, frozen."""

    __slots__ = (
        "_contact_view", "_local_now", "_meaning", "answers", "contact_fields", "deadline",
        "deadline_kind", "ended", "events", "flow", "groups", "handled_by", "handoff", "held",
        "inp", "limited", "norm", "now", "opt", "outbound", "prior", "replies", "rest", "retries",
        "rs", "session_id", "started_at", "state", "steps", "text", "vars", "votes", "words",
    )  # fmt: skip

    def __init__(self, rs: RuleSet, session: Session | None, inp: Input, now: datetime) -> None:
        self.rs = rs
        self.inp = inp
        self.now = now
        self.prior = session
        self.text = inp.text[:MAX_TEXT]
        self.norm = normalize(self.text) if self.text else ""
        self.words = self.norm.split()
        self.rest = ""
        self.events: list[Event] = []
        self.outbound: list[Outgoing] = []
        self.contact_fields: dict[str, Any] = {}
        self.groups: tuple[str, ...] | None = None
        """The contact's groups once this step changed them (None: as the input had them)."""
        # Built on first use (expressions reading ``contact``, ``set: {contact.x: …}``).
        self._contact_view: dict[str, Any] | None = None
        self._meaning: str | None = _UNSET
        self._local_now: datetime | None = None
        self.votes: list[Vote] = []
        self.answers: list[Answer] = []
        self.handoff: str | None = None
        self.held = False
        self.opt: str | None = None
        self.replies = 0
        self.limited = False
        self.steps = 0
        self.handled_by: str | None = None
        # The live session (None when there is none), as mutable fields.
        self.flow: Flow | None = None
        self.state: str | None = None
        self.vars: dict[str, Any] = {}
        self.retries = 0
        self.deadline: datetime | None = None
        self.deadline_kind: str | None = None
        self.session_id = ""
        self.started_at = now
        self.ended: Session | None = None
        if session is not None:
            self.flow = rs.flows.get(session.flow)
            self.state = session.state
            self.vars = dict(session.vars)
            self.retries = session.retries
            self.deadline = session.deadline
            self.deadline_kind = session.deadline_kind
            self.session_id = session.id
            self.started_at = session.started_at
            self.handled_by = session.flow

    def emit(self, type_: EventType, **data: Any) -> None:
        self.events.append(Event(type_, data))

    # --- tests and expressions---------------------------------------------------------------

    def match(self, case: Case) -> Mapping[str, Any] | None:
        """Return the captures when ``case`` matches (its test, then its guard), else None."""
        captures = self.test(case.test)
        if captures is None or case.guard is None:
            return captures
        return captures if self.condition(case.guard, **captures) else None

    def test(self, test: Test) -> Mapping[str, Any] | None:
        """Return the captures of a matching test (possibly empty), or None."""
        if test is None:
            return {}
        if isinstance(test, Condition):
            return {} if self.condition(test) else None
        if isinstance(test, Pattern):
            try:
                return test.match(self.text)
            except EvalError as exc:
                self.eval_error(exc, pattern=test.source)
                return None
        if isinstance(test, ChoiceTest):
            key = check_choice(test, self.rest if test.use_rest else self.text)
            return None if key is None else {test.capture: key}
        if isinstance(test, PollGate):
            return {} if self.poll_refuses(test) else None
        if isinstance(test, AnswerTest):
            ok, value = check_answer(test, self.text, self.local_now().date())
            return {"answer": value} if ok else None
        for words in test:
            if tuple(self.words[: len(words)]) == words:
                return {}
        return None

    def poll_refuses(self, gate: PollGate) -> bool:
        poll = self.rs.polls.get(gate.poll)
        if poll is None:
            return False
        if gate.reason == "not_open":
            return poll.opens is not None and self.now < poll.opens
        return poll.closes is not None and self.now >= poll.closes

    def eval_error(self, exc: EvalError, **where: Any) -> None:
        """Report a rule that could not be evaluated, naming it; a regex skipped because the
        message's regex time is spent is not reported (the regex that spent it was, once)."""
        if isinstance(exc, BudgetSpent):
            return
        if self.flow is not None and "flow" not in where:
            where["flow"] = self.flow.id
            where["state"] = self.state
        self.emit(EventType.ERROR, message=exc.message, **where)

    def condition(self, condition: Condition, **extra: Any) -> bool:
        try:
            return condition.evaluate(self.context(**extra))
        except EvalError as exc:
            self.eval_error(exc, condition=condition.source)
            return False

    def render(self, template: Template, **extra: Any) -> str | None:
        if template.translations:  # a built-in text: in the contact's language when it has it
            template = template.in_language(self.language())
        if template.is_static:
            return template.render(NO_CONTEXT)
        try:
            return template.render(self.context(**extra))
        except EvalError as exc:
            self.eval_error(exc, template=template.source)
            return None

    def value(self, template: Template) -> tuple[bool, Any]:
        if template.is_static:
            return True, template.value(NO_CONTEXT)
        try:
            return True, template.value(self.context())
        except EvalError as exc:
            self.eval_error(exc, template=template.source)
            return False, None

    def context(self, **extra: Any) -> dict[str, Any]:
        """The names an expression reads: session variables, then the reserved names over them.

        ``now``, ``contact`` and the intents are computed when first read (see ``_Context``).
        """
        ctx = _Context(self.vars)
        ctx.run = self
        if "answers" not in ctx:
            ctx["answers"] = {}
        if not _LAZY.isdisjoint(ctx):
            for name in _LAZY:  # a capture named like a reserved name never hides it
                ctx.pop(name, None)
        ctx["text"] = self.text
        ctx["rest"] = self.rest
        ctx["number"] = self.inp.number
        if extra:
            ctx.update(extra)
        return ctx

    @property
    def contact_view(self) -> dict[str, Any]:
        """The contact as expressions see it, with the fields set so far in this step."""
        view = self._contact_view
        if view is None:
            view = self._contact_view = self.inp.contact.as_context()
        return view

    def language(self) -> str | None:
        """The language the contact's ``language`` field names (``fr`` for ``fr-FR``), if any."""
        return language_of(self.contact_view.get("language"))

    def meaning(self) -> str | None:
        """The intent of the message (yes, no, stop, help or None), computed once."""
        meaning = self._meaning
        if meaning is _UNSET:
            text = self.text
            if not text:
                meaning = None
            elif text.isascii():  # no emoji modifier to strip: reuse the normalised text
                meaning = intent_of_normalized(self.norm)
            else:
                meaning = intent(text)
            self._meaning = meaning
        return meaning

    def poll_view(self) -> dict[str, Any]:
        """The polls as expressions see them (``poll.<id>.leader.label``, ``.count.<choice>``,
        ``.total``): the input's tallies with the votes this step recorded so far, so the reply
        to a vote counts that vote."""
        view: dict[str, Any] = {}
        for poll in self.rs.polls.values():
            counts = dict(self.inp.tallies.get(poll.id, NO_CONTEXT))
            current = self.inp.contact.votes.get(poll.id)
            for vote in self.votes:
                if vote.poll != poll.id:
                    continue
                if vote.replaces and current is not None:
                    counts[current] = max(0, counts.get(current, 0) - 1)
                counts[vote.choice] = counts.get(vote.choice, 0) + 1
                current = vote.choice
            count = {key: counts.get(key, 0) for key in poll.choices}
            best = max(count.values(), default=0)
            leader: dict[str, Any] = {"key": None, "label": None, "count": 0}
            if best > 0:  # ties: the first in the poll's order of choices
                key = next(key for key, n in count.items() if n == best)
                leader = {"key": key, "label": poll.choices[key], "count": best}
            view[poll.id] = {
                "title": poll.title,
                "leader": leader,
                "count": count,
                "total": sum(counts.values()),
            }
        return view

    def local_now(self) -> datetime:
        local = self._local_now
        if local is None:
            name = self.rs.settings.timezone
            zone = _ZONES.get(name)
            if zone is None:
                zone = _ZONES[name] = ZoneInfo(name)
            local = self._local_now = self.now.astimezone(zone)
        return local


class _Context(dict[str, Any]):
    """An expression context that computes ``now``, ``contact``, ``poll`` and the intents on
    first read."""

    __slots__ = ("run",)
    run: Scratch

    def __missing__(self, key: str) -> Any:
        run = self.run
        if key in _INTENTS:
            value: Any = run.meaning() == key
        elif key == "now":
            value = run.local_now()
        elif key == "contact":
            value = run.contact_view
        elif key == "poll":
            value = run.poll_view()
        else:
            raise KeyError(key)
        self[key] = value
        return value
