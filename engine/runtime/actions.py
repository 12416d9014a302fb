"""Own the actions a step runs: replies, sends, variables, groups, votes, answers, hand-offs,
logs."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from engine.core.events import EventType
from engine.core.groups import groups_of, parse_groups
from engine.core.messages import Outgoing, normalize_address
from engine.core.model import Answer, Input, Session, Vote
from engine.dsl import Template
from engine.errors import Span
from engine.ruleset.model import (
    READ_ONLY,
    ChoiceTest,
    Handoff,
    Log,
    RecordAnswer,
    RecordVote,
    RefuseVote,
    Say,
    Send,
    SetVars,
    Tag,
)
from engine.ruleset.ruleset import RuleSet
from engine.runtime.answers import check_choice
from engine.runtime.scratch import Scratch
from engine.sms import count_parts

UNHELD_TEAM = "inbox"
"""The team of ``handoff: inbox`` and of messages nothing answered: it holds nothing."""

__all__ = ["RESERVED", "Actions"]

RESERVED = READ_ONLY


class Actions(Scratch):
    """The actions of states, cases and timeouts, run against the scratchpad."""

    __slots__ = ("unsaid",)

    def __init__(self, rs: RuleSet, session: Session | None, inp: Input, now: datetime) -> None:
        super().__init__(rs, session, inp, now)
        self.unsaid: Say | None = None
        """The last ``say`` of this step that could not be written (its template failed)."""

    def run_actions(self, actions: tuple[Any, ...]) -> None:
        for action in actions:
            if isinstance(action, Say):
                text = self.render(action.text)
                if text is not None:
                    self.reply(text, where=action.where)
                else:
                    self.unsaid = action
            elif isinstance(action, SetVars):
                self.set_vars(action)
            elif isinstance(action, Send):
                self.send(action)
            elif isinstance(action, RecordVote):
                self.vote(action)
            elif isinstance(action, RefuseVote):
                self.refuse_vote(action)
            elif isinstance(action, RecordAnswer):
                self.answer(action)
            elif isinstance(action, Handoff):
                self.handoff = action.team
                # ``inbox`` is where unanswered messages go: listed for a person, held by none.
                self.held = self.held or action.team != UNHELD_TEAM
                self.emit(EventType.HANDOFF, team=action.team)
            elif isinstance(action, Log):
                text = self.render(action.text)
                if text is not None:
                    self.emit(EventType.LOG, text=text)
            elif isinstance(action, Tag):
                self.tag(action)

    def reply(self, text: str, *, kind: str = "reply", where: Span | None = None) -> None:
        inp = self.inp
        if kind == "reply":
            if self.too_long(text, where, "reply"):
                return
            if inp.recent_replies + self.replies >= self.rs.settings.reply_limit:
                if not self.limited:
                    self.limited = True
                    self.emit(EventType.REPLY_LIMITED, limit=self.rs.settings.reply_limit)
                return
            self.replies += 1
        self.outbound.append(Outgoing(inp.contact.phone, inp.number, text, kind))

    def send(self, action: Send) -> None:
        to = self.render(action.to)
        text = self.render(action.text)
        if not to or text is None or self.too_long(text, action.where, "send"):
            return
        self.outbound.append(Outgoing(normalize_address(to), self.inp.number, text, "send"))

    def too_long(self, text: str, where: Span | None, what: str) -> bool:
        """Whether ``text`` takes more SMS parts than ``settings.max_reply_parts`` (then it is
        not sent, and an ``error`` event names the rule that wrote it)."""
        most = self.rs.settings.max_reply_parts
        if count_parts(text, stop=most + 1) <= most:
            return False
        flow = self.flow.id if self.flow is not None else None
        self.emit(
            EventType.ERROR,
            message=f"the {what} needs more than {most} SMS parts (settings.max_reply_parts): "
            "it is not sent",
            rule=str(where) if where is not None else flow,
            flow=flow,
            length=len(text),
        )
        return True

    def set_vars(self, action: SetVars) -> None:
        for target, template in action.items:
            ok, value = self.value(template)
            if not ok:
                continue
            head, _, tail = target.partition(".")
            if head == "contact":
                if not tail or tail == "phone" or "." in tail:
                    self.emit(EventType.ERROR, message=f"cannot set '{target}'")
                    continue
                if tail == "groups":
                    groups, problem = parse_groups(value)
                    if problem is not None:
                        self.emit(EventType.ERROR, message=f"cannot set '{target}': {problem}")
                    else:
                        self.change_groups(groups)
                    continue
                self.contact_fields[tail] = value
                self.contact_view[tail] = value
            elif head in RESERVED:
                self.emit(EventType.ERROR, message=f"cannot set '{target}': '{head}' is read-only")
            else:
                _assign(self.vars, target.split("."), value)

    def tag(self, action: Tag) -> None:
        now = self.current_groups()
        if action.mode == "tag":
            self.change_groups(groups_of((*now, *action.groups)))
        elif action.mode == "untag":
            self.change_groups(tuple(g for g in now if g not in action.groups))
        else:
            self.change_groups(action.groups)

    def current_groups(self) -> tuple[str, ...]:
        return self.inp.contact.groups if self.groups is None else self.groups

    def change_groups(self, groups: tuple[str, ...]) -> None:
        """Make ``groups`` (sorted, each once) the contact's groups: an event for each group
        added (``tagged``) or removed (``untagged``); nothing when they are the same."""
        before = self.current_groups()
        if groups == before:
            return
        for name in groups:
            if name not in before:
                self.emit(EventType.TAGGED, group=name)
        for name in before:
            if name not in groups:
                self.emit(EventType.UNTAGGED, group=name)
        self.groups = groups
        self.contact_view["groups"] = list(groups)

    def vote(self, action: RecordVote) -> None:
        poll = self.rs.polls.get(action.poll)
        if poll is None:
            self.emit(EventType.ERROR, message=f"no poll named '{action.poll}'")
            return
        raw = self.render(action.choice)
        if raw is None:
            return
        key = raw if raw in poll.choices else check_choice(ChoiceTest(poll.index), raw)
        if key is None:
            self.emit(EventType.ERROR, message=f"'{raw}' is not a choice of poll '{poll.id}'")
            return
        choice = {"key": key, "label": poll.choices[key]}
        if poll.opens is not None and self.now < poll.opens:
            self.emit(EventType.VOTE_REFUSED, poll=poll.id, choice=key, reason="not_open")
            self.say_optional(poll.not_open, poll.where.get("not_open"), choice=choice)
            return
        if poll.closes is not None and self.now >= poll.closes:
            self.emit(EventType.VOTE_REFUSED, poll=poll.id, choice=key, reason="closed")
            self.say_optional(poll.closed, poll.where.get("closed"), choice=choice)
            return
        earlier = next((v.choice for v in self.votes if v.poll == poll.id), None)
        earlier = earlier or self.inp.contact.votes.get(poll.id)
        if earlier is not None:
            previous = {"key": earlier, "label": poll.choices.get(earlier, earlier)}
            if poll.change == "allowed" and earlier != key:
                self.votes.append(Vote(poll.id, key, replaces=True))
                self.emit(EventType.VOTE_CHANGED, poll=poll.id, choice=key, previous=earlier)
                which = "changed" if poll.changed else "reply"
                self.say_optional(
                    poll.changed or poll.reply, poll.where.get(which), choice=choice, vote=previous
                )
                return
            self.emit(EventType.VOTE_REFUSED, poll=poll.id, choice=key, reason="already_voted")
            self.say_optional(
                poll.already_voted, poll.where.get("already_voted"), choice=choice, vote=previous
            )
            return
        self.votes.append(Vote(poll.id, key))
        self.emit(EventType.VOTE_RECORDED, poll=poll.id, choice=key)
        self.say_optional(poll.reply, poll.where.get("reply"), choice=choice, vote=choice)

    def refuse_vote(self, action: RefuseVote) -> None:
        """A poll gate refused the vote: a ``vote_refused`` event, with the choice when the
        message names one (results count refused votes from these events)."""
        poll = self.rs.polls.get(action.poll)
        key = check_choice(ChoiceTest(poll.index, use_rest=True), self.rest) if poll else None
        self.emit(EventType.VOTE_REFUSED, poll=action.poll, choice=key, reason=action.reason)

    def say_optional(self, template: Template | None, where: Span | None, **extra: Any) -> None:
        if template is not None:
            text = self.render(template, **extra)
            if text is not None:
                self.reply(text, where=where)

    def answer(self, action: RecordAnswer) -> None:
        ok, value = self.value(action.value)
        if not ok:
            return
        answers = dict(self.vars.get("answers") or {})
        answers[action.question] = value
        self.vars["answers"] = answers
        survey = self.flow.id if self.flow is not None else ""
        self.answers.append(Answer(survey, action.question, value))
        self.emit(EventType.ANSWER_RECORDED, survey=survey, question=action.question, value=value)


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
