"""Own the pure runtime step: ``step(RuleSet, Session | None, Input, now) -> Sprint``.

No I/O here. The order of precedence for a message is the one documented in docs/rules.md:
compliance keywords, a hand-off that holds the conversation, the waiting session, keyword and
pattern triggers, catch-alls, the inbox.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any, Literal

from engine.core.events import EventType
from engine.core.model import Input, Session, Sprint
from engine.dsl import EvalError
from engine.dsl.budget import message_budget
from engine.errors import Span
from engine.i18n import msg
from engine.ruleset.compliance import compliance
from engine.ruleset.model import END, Case, Flow, Goto, State, Trigger
from engine.ruleset.params import param_problems
from engine.ruleset.ruleset import RuleSet, TriggerMatch
from engine.runtime.actions import RESERVED, Actions
from engine.runtime.why import describe, failure, located

__all__ = ["RESERVED", "step"]


def step(ruleset: RuleSet, session: Session | None, inp: Input, now: datetime) -> Sprint:
    """Run one input through the rules and return everything that follows from it."""
    run = _Run(ruleset, session, inp, now)
    with message_budget():  # every regex of this input shares one time budget
        if inp.kind == "message":
            run.on_message()
        elif inp.kind == "timeout":
            run.on_deadline()
        else:
            run.on_start()
    return run.sprint()


class _Run(Actions):
    """One step: the entry points, sessions and states; ``sprint()`` is what leaves, frozen."""

    __slots__ = ()

    # --- entry points -------------------------------------------------------------------

    def on_message(self) -> None:
        inp = self.inp
        assert inp.message is not None
        self.emit(EventType.MESSAGE_RECEIVED, text=self.text)
        found = compliance(self.norm)
        if found is not None:
            self.on_compliance(*found)
            return
        if inp.number in inp.contact.opted_out:
            self.decided("opted_out")
            self.emit(EventType.IGNORED, reason="opted_out")
            return
        if inp.held is not None:  # a person has the conversation: their thread, no answer
            self.decided("held", team=inp.held)
            self.handoff, self.held = inp.held, True
            self.emit(EventType.HELD, team=inp.held)
            return
        if self.prior is not None:
            match = self.trigger(interrupting=True)
            if match is not None:
                self.take_over(match)
                return
            match = self.own_poll_trigger()
            if match is not None:
                self.end_session("restarted")
                self.start(match, "restart")
                return
            outcome = self.on_wait()
            if outcome == "taken":
                return
            if outcome == "fall":  # ``fall_through``: the other rules first, then otherwise
                if not self.answer_by_rules(aside=True):
                    self.on_unmatched()
                return
        if not self.answer_by_rules(aside=False):
            self.decided("inbox")
            self.handoff = "inbox"
            self.emit(EventType.UNHANDLED)

    def answer_by_rules(self, *, aside: bool) -> bool:
        """Offer the message to the triggers, then the catch-alls; return whether one took it.

        ``aside``: a session waits (``fall_through``), and keeps waiting unless a flow starts."""
        match, why = self.trigger(), "trigger"
        if match is None:
            match, why = self.catchall(), "catchall"
        if match is None:
            return False
        if aside:
            self.take_over(match)
        else:
            self.start(match, why)
        return True

    def catchall(self) -> TriggerMatch | None:
        """The first catch-all whose ``when`` holds (with ``explain``: each false one said)."""
        for trigger in self.rs.catchalls(self.inp.number):
            if trigger.condition is None or self.condition(trigger.condition):
                return TriggerMatch(trigger, {}, "")
            if self.inp.explain and trigger.condition is not None:
                self.emit(
                    EventType.CASE_FAILED,
                    rule=located(trigger.where),
                    flow=trigger.flow,
                    test=msg("why.when", source=trigger.condition.source),
                    reason=msg("why.condition_false"),
                )
        return None

    def take_over(self, match: TriggerMatch) -> None:
        """A rule answers while a session waits: an autoreply entry answers aside, and the
        session keeps waiting; any other flow ends the session and starts."""
        flow = self.rs.flows[match.trigger.flow]
        if flow.kind != "autoreply":
            self.end_session("interrupted")
            self.start(match)
            return
        state = flow.states[match.trigger.state]
        self.decided("aside", match.trigger.where, flow=flow.id, captures=dict(match.captures))
        kept, self.vars = self.vars, {**self.vars, **match.captures}
        self.rest = match.rest
        self.emit(EventType.ANSWERED_ASIDE, flow=flow.id, entry=state.name)
        self.run_actions(state.actions)
        self.vars = kept  # the waiting session's variables stay as they were

    def decided(self, step: str, where: Span | None = None, **data: Any) -> None:
        """With ``Input.explain``: say which step of the order of precedence took the message."""
        if self.inp.explain:
            self.emit(EventType.DECIDED, step=step, rule=located(where), **data)

    def case_failed(self, case: Case, state: str) -> None:
        """With ``Input.explain``: say that ``case`` of ``state`` did not match, and why."""
        passed = case.guard is not None and self.test(case.test) is not None
        self.emit(
            EventType.CASE_FAILED,
            rule=located(case.where),
            flow=self.flow.id if self.flow is not None else None,
            state=state,
            test=describe(case.test),
            reason=failure(case, passed),
        )

    def trigger(self, *, interrupting: bool = False) -> TriggerMatch | None:
        problems: list[tuple[EvalError, Trigger]] = []
        found = self.rs.find_trigger(
            self.words,
            self.text,
            self.inp.number,
            interrupting=interrupting,
            problems=problems,
            accept=self.guard_holds,
        )
        for exc, trigger in problems:
            pattern = trigger.pattern.source if trigger.pattern is not None else None
            self.eval_error(exc, pattern=pattern, flow=trigger.flow)
        return found

    def own_poll_trigger(self) -> TriggerMatch | None:
        """A poll's own trigger sent again while it waits for the choice (``VOTE B``, ``VOTE``):
        read as that trigger, not as an invalid choice."""
        flow = self.flow
        if flow is None or flow.kind != "poll":
            return None
        match = self.trigger()
        return match if match is not None and match.trigger.flow == flow.id else None

    def guard_holds(self, trigger: Trigger, captures: Mapping[str, Any]) -> bool:
        """A trigger's ``when`` beside its ``match``, read with the pattern's captures."""
        return trigger.guard is None or self.condition(trigger.guard, **captures)

    def on_compliance(self, action: str, language: str | None) -> None:
        inp = self.inp
        settings = self.rs.settings
        lang = language or self.language()
        opted_out = inp.number in inp.contact.opted_out
        self.decided("compliance", action=action, keyword=self.norm)
        if action == "stop":
            self.end_session("opted_out")
            if opted_out:
                self.emit(EventType.OPT_OUT_REPEATED)
                return
            self.opt = "out"
            self.emit(EventType.OPTED_OUT, keyword=self.norm)
            self.reply(settings.text("opt_out", lang), kind="compliance")
        elif action == "start":
            if not opted_out:
                self.emit(EventType.OPT_IN_REPEATED)
            self.opt = "in"
            self.emit(EventType.OPTED_IN, keyword=self.norm)
            self.reply(settings.text("opt_in", lang), kind="compliance")
        else:
            self.emit(EventType.HELP, keyword=self.norm)
            self.reply(settings.text("help", lang), kind="compliance")

    def on_deadline(self) -> None:
        if self.prior is None:
            self.emit(EventType.ERROR, message="a timer fired for a session that no longer exists")
            return
        if self.flow is None or self.state is None:
            self.emit(
                EventType.ERROR,
                message=f"the session's flow '{self.prior.flow}' no longer exists in the rules; "
                "the session ends",
            )
            self.end_session("state_vanished")
            return
        state = self.flow.states.get(self.state)
        if self.deadline_kind == "expire" or state is None or state.wait is None:
            self.emit(EventType.SESSION_EXPIRED, flow=self.flow.id, state=self.state)
            self.end_session("expired")
            return
        timeout = state.wait.timeout
        if timeout is None:
            self.end_session("expired")
            return
        self.emit(EventType.TIMEOUT, flow=self.flow.id, state=self.state)
        self.run_actions(timeout.actions)
        self.transition(timeout.then)
        if self.limited and self.flow is not None:
            # A timer that keeps a conversation going past the reply limit would fire forever.
            limit = self.rs.settings.reply_limit
            self.emit(
                EventType.ERROR,
                message=f"a timeout keeps the conversation going past the reply limit ({limit} "
                "per window): the session ends",
                rule=str(timeout.where) if timeout.where is not None else self.flow.id,
            )
            self.end_session("reply_limit")

    def on_start(self) -> None:
        inp = self.inp
        flow = self.rs.schedule_flow(inp.flow or "")
        if flow is None:
            self.emit(EventType.ERROR, message=f"no flow or schedule named '{inp.flow}'")
            return
        if inp.number in inp.contact.opted_out:
            self.emit(EventType.IGNORED, reason="opted_out", flow=flow.id)
            return
        problems = self.param_problems(flow)
        if problems:
            self.emit(
                EventType.ERROR,
                message=f"the flow '{flow.id}' was not started: {'; '.join(problems)}",
                flow=flow.id,
            )
            return
        if self.prior is not None:
            self.end_session("interrupted")
        self.begin(flow, flow.start, dict(inp.params))

    def param_problems(self, flow: Flow) -> list[str]:
        """What is wrong with the start's parameters for the schedule's declared ``params``."""
        name = self.inp.flow or ""
        schedules = [t for t in flow.triggers if t.kind == "schedule" and t.params is not None]
        trigger = next((t for t in schedules if t.schedule == name), None)
        if trigger is None and schedules and name == flow.id:
            trigger = schedules[0]
        if trigger is None or trigger.params is None:
            return []
        return param_problems(trigger.params, self.inp.params)

    # --- sessions -----------------------------------------------------------------------

    def start(self, match: TriggerMatch, why: str = "trigger") -> None:
        trigger = match.trigger
        flow = self.rs.flows[trigger.flow]
        self.rest = match.rest
        if self.inp.explain:
            why = "typo" if match.corrected is not None else why
            self.decided(
                why,
                trigger.where,
                flow=flow.id,
                state=trigger.state,
                kind=trigger.kind,
                captures=dict(match.captures),
            )
        if match.corrected is not None:
            typed, keyword = match.corrected
            self.emit(EventType.KEYWORD_CORRECTED, typed=typed, keyword=keyword)
        variables = dict(match.captures)
        self.begin(flow, trigger.state, variables)

    def begin(self, flow: Flow, state: str, variables: dict[str, Any]) -> None:
        self.flow = flow
        self.vars = variables
        self.session_id = self.inp.session_id
        self.started_at = self.now
        self.handled_by = flow.id
        self.emit(EventType.FLOW_STARTED, flow=flow.id, state=state)
        self.unsaid = None
        self.enter(state)
        unsaid = self.unsaid
        if unsaid is not None and self.flow is not None:
            # Waiting for an answer to a message never sent would take the next "oui" for one.
            self.emit(
                EventType.ERROR,
                message=f"the first message of flow '{flow.id}' could not be written: "
                "the session ends",
                rule=str(unsaid.where) if unsaid.where is not None else flow.id,
                flow=flow.id,
            )
            self.end_session("start_failed")

    def end_session(self, reason: str) -> None:
        """End the live session, if any, recording why."""
        if self.flow is not None and self.state is not None:
            self.emit(EventType.SESSION_ENDED, flow=self.flow.id, state=self.state, reason=reason)
        if self.prior is not None and self.ended is None:
            self.ended = self.prior
        self.flow = None
        self.state = None
        self.deadline = None
        self.deadline_kind = None

    def on_wait(self) -> Literal["taken", "gone", "fall"]:
        """Offer the message to the waiting session: ``taken``; ``gone`` when its state no
        longer exists (the session ended); ``fall`` when no case matched and the wait falls
        through to the other rules."""
        flow, name = self.flow, self.state
        state = flow.states.get(name) if flow is not None and name is not None else None
        if state is None or state.wait is None:
            self.emit(
                EventType.ERROR,
                message=f"the session's state '{self.prior.state if self.prior else name}' "
                "no longer exists in the rules; the session ends",
            )
            self.end_session("state_vanished")
            return "gone"
        for case in state.wait.cases:
            captures = self.match(case)
            if captures is None:
                if self.inp.explain:
                    self.case_failed(case, state.name)
                continue
            if self.inp.explain:
                self.decided(
                    "wait", case.where, flow=self.flow_id, state=state.name, captures=captures
                )
            self.vars.update(captures)
            self.run_actions(case.actions)
            self.retries = 0
            self.transition(case.then, staying=True)
            return "taken"
        if state.wait.fall_through:
            return "fall"
        self.on_unmatched()
        return "taken"

    def on_unmatched(self) -> None:
        """No case of the waiting state took the message: its otherwise (or the inbox)."""
        assert self.flow is not None and self.state is not None
        state = self.flow.states[self.state]
        assert state.wait is not None
        other = state.wait.otherwise
        self.decided("wait", other.where, flow=self.flow_id, state=state.name, otherwise=True)
        if state.wait.implicit_otherwise:
            self.handoff = "inbox"
            self.emit(EventType.UNMATCHED, state=state.name)
            self.transition(other.then, staying=True)
            return
        if other.retries is not None and self.retries >= other.retries:
            self.emit(EventType.RETRIES_EXHAUSTED, state=state.name)
            self.transition(other.exhausted)
            return
        self.retries += 1
        self.run_actions(other.actions)
        self.transition(other.then, staying=True)

    @property
    def flow_id(self) -> str | None:
        return self.flow.id if self.flow is not None else None

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
                    EventType.ERROR,
                    message=f"more than {self.rs.settings.max_steps} steps in one "
                    "go: the flow loops; the session ends",
                )
                self.end_session("loop")
                return
            state: State | None = flow.states.get(target)
            if state is None:
                self.emit(
                    EventType.ERROR, message=f"state '{target}' does not exist; the session ends"
                )
                self.end_session("state_vanished")
                return
            self.state = state.name
            if self.inp.trace or self.inp.explain:
                self.emit(EventType.STATE_ENTERED, flow=flow.id, state=state.name)
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
                routed = self.choose(state)
            if routed is None:
                if state.wait is not None:
                    self.wait(flow, state)
                    return
                routed = state.then or END
            if routed.is_end or routed.is_stay:
                self.end_session("completed")
                return
            target = routed.state

    def choose(self, state: State) -> Goto | None:
        """Run the first ``choose`` case whose condition holds; return where it leads."""
        for case in state.choose:
            captures = self.match(case)
            if captures is not None:
                self.run_actions(case.actions)
                return case.then
        return None

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
            groups=self.groups,
            opt=self.opt,  # type: ignore[arg-type]
            votes=tuple(self.votes),
            answers=tuple(self.answers),
            handoff=self.handoff,
            held=self.held,
            flow=self.handled_by,
        )
