"""Own the pure runtime step: ``step(RuleSet, Session | None, Input, now) -> Sprint``.

No I/O here. The order of precedence for a message is the one documented in docs/rules.md:
compliance keywords, the waiting session, keyword and pattern triggers, catch-alls, the inbox.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from engine.core.messages import MAX_TEXT, Outgoing, normalize_address
from engine.core.model import Answer, Event, Input, Session, Sprint, Vote
from engine.dsl import Condition, EvalError, Pattern, Template, intent, normalize
from engine.dsl.text import intent_of_normalized
from engine.ruleset.compliance import compliance
from engine.ruleset.model import (
    END,
    READ_ONLY,
    AnswerTest,
    Case,
    ChoiceTest,
    Flow,
    Goto,
    Handoff,
    Log,
    PollGate,
    RecordAnswer,
    RecordVote,
    Say,
    Send,
    SetVars,
    State,
    Test,
)
from engine.ruleset.ruleset import RuleSet, TriggerMatch
from engine.runtime.answers import check_answer, check_choice

__all__ = ["RESERVED", "step"]

RESERVED = READ_ONLY

_ZONES: dict[str, ZoneInfo] = {}

_INTENTS = frozenset({"yes", "no", "stop", "help"})
_LAZY = frozenset({"now", "contact", *_INTENTS})
"""Context names computed on first read only: most expressions read none of them."""
_UNSET: Any = object()
_NO_CONTEXT: Mapping[str, Any] = {}


def step(ruleset: RuleSet, session: Session | None, inp: Input, now: datetime) -> Sprint:
    """Run one input through the rules and return everything that follows from it."""
    run = _Run(ruleset, session, inp, now)
    if inp.kind == "message":
        run.on_message()
    elif inp.kind == "timeout":
        run.on_deadline()
    else:
        run.on_start()
    return run.sprint()


class _Run:
    """The mutable scratchpad of one step; only ``sprint()`` leaves it, frozen."""

    __slots__ = (
        "_contact_view", "_local_now", "_meaning", "answers", "contact_fields", "deadline",
        "deadline_kind", "ended", "events", "flow", "handled_by", "handoff", "inp", "limited",
        "norm", "now", "opt", "outbound", "prior", "replies", "rest", "retries", "rs",
        "session_id", "started_at", "state", "steps", "text", "vars", "votes", "words",
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
        # Built on first use (expressions reading ``contact``, ``set: {contact.x: …}``).
        self._contact_view: dict[str, Any] | None = None
        self._meaning: str | None = _UNSET
        self._local_now: datetime | None = None
        self.votes: list[Vote] = []
        self.answers: list[Answer] = []
        self.handoff: str | None = None
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

    # --- entry points -------------------------------------------------------------------

    def on_message(self) -> None:
        inp = self.inp
        assert inp.message is not None
        self.emit("message_received", text=self.text)
        found = compliance(self.norm)
        if found is not None:
            self.on_compliance(*found)
            return
        if inp.number in inp.contact.opted_out:
            self.emit("ignored", reason="opted_out")
            return
        if self.prior is not None:
            match = self.rs.find_trigger(self.words, self.text, inp.number, interrupting=True)
            if match is not None:
                self.end_session("interrupted")
                self.start(match)
                return
            if self.on_wait():
                return
        match = self.rs.find_trigger(self.words, self.text, inp.number)
        if match is not None:
            self.start(match)
            return
        for trigger in self.rs.catchalls(inp.number):
            if trigger.condition is None or self.condition(trigger.condition):
                self.start(TriggerMatch(trigger, {}, ""))
                return
        self.handoff = "inbox"
        self.emit("unhandled")

    def on_compliance(self, action: str, language: str | None) -> None:
        inp = self.inp
        settings = self.rs.settings
        lang = language or self.contact_view.get("language")
        opted_out = inp.number in inp.contact.opted_out
        if action == "stop":
            self.end_session("opted_out")
            if opted_out:
                self.emit("opt_out_repeated")
                return
            self.opt = "out"
            self.emit("opted_out", keyword=self.norm)
            self.reply(settings.text("opt_out", lang), kind="compliance")
        elif action == "start":
            if not opted_out:
                self.emit("opt_in_repeated")
            self.opt = "in"
            self.emit("opted_in", keyword=self.norm)
            self.reply(settings.text("opt_in", lang), kind="compliance")
        else:
            self.emit("help", keyword=self.norm)
            self.reply(settings.text("help", lang), kind="compliance")

    def on_deadline(self) -> None:
        if self.prior is None:
            self.emit("error", message="a timer fired for a session that no longer exists")
            return
        if self.flow is None or self.state is None:
            self.emit(
                "error",
                message=f"the session's flow '{self.prior.flow}' no longer exists in the rules; "
                "the session ends",
            )
            self.end_session("state_vanished")
            return
        state = self.flow.states.get(self.state)
        if self.deadline_kind == "expire" or state is None or state.wait is None:
            self.emit("session_expired", flow=self.flow.id, state=self.state)
            self.end_session("expired")
            return
        timeout = state.wait.timeout
        if timeout is None:
            self.end_session("expired")
            return
        self.emit("timeout", flow=self.flow.id, state=self.state)
        self.run_actions(timeout.actions)
        self.transition(timeout.then)

    def on_start(self) -> None:
        inp = self.inp
        flow = self.rs.schedule_flow(inp.flow or "")
        if flow is None:
            self.emit("error", message=f"no flow or schedule named '{inp.flow}'")
            return
        if inp.number in inp.contact.opted_out:
            self.emit("ignored", reason="opted_out", flow=flow.id)
            return
        if self.prior is not None:
            self.end_session("interrupted")
        self.begin(flow, flow.start, dict(inp.params))

    # --- sessions -----------------------------------------------------------------------

    def start(self, match: TriggerMatch) -> None:
        trigger = match.trigger
        flow = self.rs.flows[trigger.flow]
        self.rest = match.rest
        if match.corrected is not None:
            typed, keyword = match.corrected
            self.emit("keyword_corrected", typed=typed, keyword=keyword)
        variables = dict(match.captures)
        self.begin(flow, trigger.state, variables)

    def begin(self, flow: Flow, state: str, variables: dict[str, Any]) -> None:
        self.flow = flow
        self.vars = variables
        self.session_id = self.inp.session_id
        self.started_at = self.now
        self.handled_by = flow.id
        self.emit("flow_started", flow=flow.id, state=state)
        self.enter(state)

    def end_session(self, reason: str) -> None:
        """End the live session, if any, recording why."""
        if self.flow is not None and self.state is not None:
            self.emit("session_ended", flow=self.flow.id, state=self.state, reason=reason)
        if self.prior is not None and self.ended is None:
            self.ended = self.prior
        self.flow = None
        self.state = None
        self.deadline = None
        self.deadline_kind = None

    def on_wait(self) -> bool:
        """Offer the message to the waiting session; return True when it took it."""
        flow, name = self.flow, self.state
        state = flow.states.get(name) if flow is not None and name is not None else None
        if state is None or state.wait is None:
            self.emit(
                "error",
                message=f"the session's state '{self.prior.state if self.prior else name}' "
                "no longer exists in the rules; the session ends",
            )
            self.end_session("state_vanished")
            return False
        wait = state.wait
        for case in wait.cases:
            captures = self.match(case)
            if captures is not None:
                self.vars.update(captures)
                self.run_actions(case.actions)
                self.retries = 0
                self.transition(case.then, staying=True)
                return True
        other = wait.otherwise
        if wait.implicit_otherwise:
            self.handoff = "inbox"
            self.emit("unmatched", state=state.name)
            self.transition(other.then, staying=True)
            return True
        if other.retries is not None and self.retries >= other.retries:
            self.emit("retries_exhausted", state=state.name)
            self.transition(other.exhausted)
            return True
        self.retries += 1
        self.run_actions(other.actions)
        self.transition(other.then, staying=True)
        return True

    def transition(self, goto: Goto, *, staying: bool = False) -> None:
        if goto.is_end:
            self.end_session("completed")
        elif goto.is_stay:
            if self.deadline_kind == "expire" and self.flow is not None:
                self.deadline = self.now + self.expiry(self.flow)
        else:
            self.enter(goto.state)

    def enter(self, name: str) -> None:
        """Enter ``name`` and follow gotos until a state waits or the session ends."""
        flow = self.flow
        target: str | None = name
        while flow is not None and target is not None:
            self.steps += 1
            if self.steps > self.rs.settings.max_steps:
                self.emit(
                    "error",
                    message=f"more than {self.rs.settings.max_steps} steps in one "
                    "go: the flow loops; the session ends",
                )
                self.end_session("loop")
                return
            state: State | None = flow.states.get(target)
            if state is None:
                self.emit("error", message=f"state '{target}' does not exist; the session ends")
                self.end_session("state_vanished")
                return
            self.state = state.name
            self.retries = 0
            target = None
            routed: Goto | None = None
            for case in state.route:
                captures = self.match(case)
                if captures is not None:
                    self.vars.update(captures)
                    self.run_actions(case.actions)
                    routed = case.then
                    break
            if routed is None:
                self.run_actions(state.actions)
                if state.wait is not None:
                    self.wait(flow, state)
                    return
                routed = state.then or END
            if routed.is_end or routed.is_stay:
                self.end_session("completed")
                return
            target = routed.state

    def wait(self, flow: Flow, state: State) -> None:
        assert state.wait is not None
        # The author's explicit timeout wins over the idle expiry, whichever is longer.
        timeout = state.wait.timeout
        if timeout is not None:
            self.deadline, self.deadline_kind = self.now + timeout.after, "timeout"
        else:
            self.deadline, self.deadline_kind = self.now + self.expiry(flow), "expire"

    def expiry(self, flow: Flow) -> timedelta:
        return flow.expire or self.rs.settings.session_expiry

    # --- tests and actions ----------------------------------------------------------------

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
                self.emit("error", message=exc.message, pattern=test.source)
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

    def condition(self, condition: Condition, **extra: Any) -> bool:
        try:
            return condition.evaluate(self.context(**extra))
        except EvalError as exc:
            self.emit("error", message=exc.message, condition=condition.source)
            return False

    def render(self, template: Template, **extra: Any) -> str | None:
        if template.is_static:
            return template.render(_NO_CONTEXT)
        try:
            return template.render(self.context(**extra))
        except EvalError as exc:
            self.emit("error", message=exc.message, template=template.source)
            return None

    def value(self, template: Template) -> tuple[bool, Any]:
        if template.is_static:
            return True, template.value(_NO_CONTEXT)
        try:
            return True, template.value(self.context())
        except EvalError as exc:
            self.emit("error", message=exc.message, template=template.source)
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

    def local_now(self) -> datetime:
        local = self._local_now
        if local is None:
            name = self.rs.settings.timezone
            zone = _ZONES.get(name)
            if zone is None:
                zone = _ZONES[name] = ZoneInfo(name)
            local = self._local_now = self.now.astimezone(zone)
        return local

    def run_actions(self, actions: tuple[Any, ...]) -> None:
        for action in actions:
            if isinstance(action, Say):
                text = self.render(action.text)
                if text is not None:
                    self.reply(text)
            elif isinstance(action, SetVars):
                self.set_vars(action)
            elif isinstance(action, Send):
                self.send(action)
            elif isinstance(action, RecordVote):
                self.vote(action)
            elif isinstance(action, RecordAnswer):
                self.answer(action)
            elif isinstance(action, Handoff):
                self.handoff = action.team
                self.emit("handoff", team=action.team)
            elif isinstance(action, Log):
                text = self.render(action.text)
                if text is not None:
                    self.emit("log", text=text)

    def reply(self, text: str, *, kind: str = "reply") -> None:
        inp = self.inp
        if kind == "reply":
            if inp.recent_replies + self.replies >= self.rs.settings.reply_limit:
                if not self.limited:
                    self.limited = True
                    self.emit("reply_limited", limit=self.rs.settings.reply_limit)
                return
            self.replies += 1
        self.outbound.append(Outgoing(inp.contact.phone, inp.number, text, kind))

    def send(self, action: Send) -> None:
        to = self.render(action.to)
        text = self.render(action.text)
        if not to or text is None:
            return
        self.outbound.append(Outgoing(normalize_address(to), self.inp.number, text, "send"))

    def set_vars(self, action: SetVars) -> None:
        for target, template in action.items:
            ok, value = self.value(template)
            if not ok:
                continue
            head, _, tail = target.partition(".")
            if head == "contact":
                if not tail or tail == "phone" or "." in tail:
                    self.emit("error", message=f"cannot set '{target}'")
                    continue
                self.contact_fields[tail] = value
                self.contact_view[tail] = value
            elif head in RESERVED:
                self.emit("error", message=f"cannot set '{target}': '{head}' is read-only")
            else:
                _assign(self.vars, target.split("."), value)

    def vote(self, action: RecordVote) -> None:
        poll = self.rs.polls.get(action.poll)
        if poll is None:
            self.emit("error", message=f"no poll named '{action.poll}'")
            return
        raw = self.render(action.choice)
        if raw is None:
            return
        key = raw if raw in poll.choices else check_choice(ChoiceTest(poll.index), raw)
        if key is None:
            self.emit("error", message=f"'{raw}' is not a choice of poll '{poll.id}'")
            return
        choice = {"key": key, "label": poll.choices[key]}
        if poll.opens is not None and self.now < poll.opens:
            self.emit("vote_refused", poll=poll.id, choice=key, reason="not_open")
            self.say_optional(poll.not_open, choice=choice)
            return
        if poll.closes is not None and self.now >= poll.closes:
            self.emit("vote_refused", poll=poll.id, choice=key, reason="closed")
            self.say_optional(poll.closed, choice=choice)
            return
        earlier = next((v.choice for v in self.votes if v.poll == poll.id), None)
        earlier = earlier or self.inp.contact.votes.get(poll.id)
        if earlier is not None:
            previous = {"key": earlier, "label": poll.choices.get(earlier, earlier)}
            if poll.change == "allowed" and earlier != key:
                self.votes.append(Vote(poll.id, key, replaces=True))
                self.emit("vote_changed", poll=poll.id, choice=key, previous=earlier)
                self.say_optional(poll.changed or poll.reply, choice=choice, vote=previous)
                return
            self.emit("vote_refused", poll=poll.id, choice=key, reason="already_voted")
            self.say_optional(poll.already_voted, choice=choice, vote=previous)
            return
        self.votes.append(Vote(poll.id, key))
        self.emit("vote_recorded", poll=poll.id, choice=key)
        self.say_optional(poll.reply, choice=choice, vote=choice)

    def say_optional(self, template: Template | None, **extra: Any) -> None:
        if template is not None:
            text = self.render(template, **extra)
            if text is not None:
                self.reply(text)

    def answer(self, action: RecordAnswer) -> None:
        ok, value = self.value(action.value)
        if not ok:
            return
        answers = dict(self.vars.get("answers") or {})
        answers[action.question] = value
        self.vars["answers"] = answers
        survey = self.flow.id if self.flow is not None else ""
        self.answers.append(Answer(survey, action.question, value))
        self.emit("answer_recorded", survey=survey, question=action.question, value=value)

    def emit(self, type_: str, **data: Any) -> None:
        self.events.append(Event(type_, data))

    # --- result -------------------------------------------------------------------------

    def sprint(self) -> Sprint:
        session: Session | None = None
        if self.flow is not None and self.state is not None:
            session = Session(
                id=self.session_id,
                contact=self.inp.contact.phone,
                number=self.inp.number,
                flow=self.flow.id,
                state=self.state,
                vars=self.vars,
                started_at=self.started_at,
                updated_at=self.now,
                retries=self.retries,
                deadline=self.deadline,
                deadline_kind=self.deadline_kind,  # type: ignore[arg-type]
                ruleset_version=self.rs.version,
            )
            if self.prior is not None and session.id != self.prior.id and self.ended is None:
                self.ended = self.prior
        return Sprint(
            session=session,
            ended=self.ended,
            events=tuple(self.events),
            outbound=tuple(self.outbound),
            contact_fields=self.contact_fields,
            opt=self.opt,  # type: ignore[arg-type]
            votes=tuple(self.votes),
            answers=tuple(self.answers),
            handoff=self.handoff,
            flow=self.handled_by,
        )


class _Context(dict[str, Any]):
    """An expression context that computes ``now``, ``contact`` and the intents on first read."""

    __slots__ = ("run",)
    run: _Run

    def __missing__(self, key: str) -> Any:
        run = self.run
        if key in _INTENTS:
            value: Any = run.meaning() == key
        elif key == "now":
            value = run.local_now()
        elif key == "contact":
            value = run.contact_view
        else:
            raise KeyError(key)
        self[key] = value
        return value


def _assign(target: dict[str, Any], path: list[str], value: Any) -> None:
    """Set ``value`` at a dotted path, copying the dicts on the way (snapshots stay intact)."""
    head, rest = path[0], path[1:]
    if not rest:
        target[head] = value
        return
    inner = target.get(head)
    inner = dict(inner) if isinstance(inner, Mapping) else {}
    _assign(inner, rest, value)
    target[head] = inner
