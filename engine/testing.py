"""Own the conversation-test runner behind `twoway test`, and the in-process harness behind chat.

Each test runs against the real service, an in-memory SQLite store, the loopback transport, a
fixed clock and sequential ids: the same code path as production, deterministic to the letter.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from engine.core.clock import Clock, FixedClock
from engine.core.groups import parse_groups
from engine.core.ids import IdSource, SequentialIds
from engine.core.messages import Inbound, Outgoing
from engine.core.model import Contact, Sprint
from engine.core.records import Conversation
from engine.coverage import Reached, reached_states
from engine.i18n import localize, msg, say
from engine.ruleset.conversations import ConversationTest, Expect, TestStep
from engine.ruleset.ruleset import RuleSet
from engine.service import Service
from engine.store import SqliteStore
from engine.transports.loopback import LoopbackTransport

__all__ = ["Harness", "TestFailure", "TestResult", "default_number", "run_test"]


class Harness:
    """One running engine in this process, talked to through the loopback transport."""

    def __init__(
        self,
        ruleset: RuleSet,
        *,
        db: str = ":memory:",
        clock: Clock | None = None,
        ids: IdSource | None = None,
        auto_timers: bool = False,
        explain: bool = False,
        trace: bool = True,
    ) -> None:
        self.clock = clock or FixedClock()
        self._errors_seen = 0
        self._decided = 0
        self.inbox_seen = 0
        """The last inbox row id seen by a test step (handoffs are checked per step)."""
        self.transport = LoopbackTransport()
        self.store = SqliteStore(db)
        self.service = Service(
            ruleset,
            self.store,
            {"loopback": self.transport},
            clock=self.clock,
            ids=ids or SequentialIds(),
            auto_timers=auto_timers,
            trace=trace,  # state_entered events: the states a test reached (--coverage)
            explain=explain,  # decided events: the rule that took each message (replay)
        )

    async def __aenter__(self) -> Harness:
        await self.service.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.service.stop()

    async def send(self, sender: str, recipient: str, text: str) -> list[Outgoing]:
        """Deliver one message and return every message the engine sent because of it."""
        await self.transport.deliver(sender, recipient, text, self.clock.now())
        await self.service.idle()
        return self.transport.take()

    async def decide(self, sender: str, recipient: str, text: str) -> Sprint | None:
        """Commit and process one message now, its replies written in the store, not sent;
        return what its step decided (``Service.decide``)."""
        self._decided += 1
        at = self.clock.now()
        return await self.service.decide(
            Inbound(sender, recipient, text, at, transport=self.transport.name,
                    external_id=f"decided-{at.timestamp():.6f}-{self._decided}")
        )  # fmt: skip

    async def conversation(self, phone: str, number: str) -> Conversation:
        """The conversation of ``phone`` with ``number`` as the store holds it now: what a
        message sent now is explained against (the chat's ``/why``, the console's
        simulator)."""
        since = self.clock.now() - self.service.ruleset.settings.reply_window
        found = await self.store.load([(phone, number)], replies_since=since)
        return found.get((phone, number)) or Conversation(Contact(phone=phone), None)

    async def new_errors(self) -> list[str]:
        """Return the rule errors (runtime error events) recorded since the last call."""
        events = await self.store.events(type="error")
        fresh = [e for e in events if e["id"] > self._errors_seen]
        if fresh:
            self._errors_seen = max(e["id"] for e in fresh)
        return [msg("test.rule_error", message=e["data"].get("message", "")) for e in fresh]

    async def advance(self, delta: Any) -> list[Outgoing]:
        """Move a fixed clock and fire the timers that fall due."""
        advance = getattr(self.clock, "advance", None)
        if advance is None:
            raise TypeError("this clock cannot be moved")
        advance(delta)
        await self.service.run_due_timers()
        return self.transport.take()

    async def move_to(self, when: datetime) -> list[Outgoing]:
        """Set a fixed clock to ``when`` and fire the timers that fall due by then."""
        move = getattr(self.clock, "set", None)
        if move is None:
            raise TypeError("this clock cannot be moved")
        move(when)
        await self.service.run_due_timers()
        return self.transport.take()

    async def start_flow(
        self, contact: str, number: str, flow: str, params: dict[str, Any]
    ) -> list[Outgoing]:
        await self.service.start_flow(contact, number, flow, params)
        await self.service.run_due_timers()
        return self.transport.take()


def default_number(ruleset: RuleSet) -> str:
    """The number a test talks to when it names none: the first number any flow is bound to."""
    for flow in ruleset.flows.values():
        if flow.numbers:
            return sorted(flow.numbers)[0]
    return "twoway"


@dataclass(frozen=True, slots=True)
class TestFailure:
    step: TestStep
    index: int
    expected: tuple[Expect, ...]
    got: tuple[Outgoing, ...]
    problems: tuple[str, ...] = ()
    """Checks (``check:``) that did not hold."""

    def render(self) -> str:
        what = self.step.kind
        value = self.step.written or self.step.value
        step = say("test.step", n=self.index + 1, what=what, value=value)
        lines = [f"  {self.step.span}: {step}"]
        if _all_match(self.expected, self.got):
            lines.extend(f"    ✗ {localize(problem)}" for problem in self.problems)
            return "\n".join(lines)
        width = max(len(self.expected), len(self.got))
        for i in range(width):
            want = self.expected[i] if i < len(self.expected) else None
            have = self.got[i] if i < len(self.got) else None
            mark = "  " if want is not None and have is not None and _matches(want, have) else "✗ "
            none = say("test.no_message")
            expected = say("test.expected", want=want if want is not None else none)
            lines.append(f"    {mark}{expected}")
            shown = none
            if have is not None:
                to = say("test.to", recipient=have.recipient) if want and want.to else ""
                shown = repr(have.text) + to
            lines.append(f"      {say('test.got', shown=shown)}")
        return "\n".join(lines)


@dataclass
class TestResult:
    test: ConversationTest
    failure: TestFailure | None = None
    transcript: list[tuple[str, str]] = field(default_factory=list)
    """("> ", text) for messages in, ("< ", text) for messages out."""
    reached: Reached = frozenset()
    """The (flow, state) pairs the test entered (`twoway test --coverage`)."""

    @property
    def passed(self) -> bool:
        return self.failure is None


def _matches(expect: Expect, message: Outgoing) -> bool:
    if expect.to is not None and expect.to != message.recipient:
        return False
    if expect.regex:
        return re.search(expect.text, message.text) is not None
    return expect.text == message.text


def _all_match(expected: Sequence[Expect], got: Sequence[Outgoing]) -> bool:
    return len(expected) == len(got) and all(
        _matches(e, g) for e, g in zip(expected, got, strict=True)
    )


def _shown(message: Outgoing, contact: str) -> str:
    if message.recipient == contact:
        return message.text
    return f"(to {message.recipient}) {message.text}"


def _same(expected: Any, actual: Any) -> bool:
    """Compare a value written in YAML with a stored one: ``7`` matches 7 and "7"."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        return all(k in actual and _same(v, actual[k]) for k, v in expected.items())
    return bool(expected == actual or str(expected) == str(actual))


def _none(value: Any) -> bool:
    return value is None or (isinstance(value, str) and value.lower() == "none")


def _group_check(want: Any, have: tuple[str, ...]) -> list[str]:
    """Compare the groups a test expects (a list or a text, in any order) with the stored ones."""
    expected, problem = parse_groups([] if _none(want) else want)
    if problem is None and expected == have:
        return []
    return [msg("test.is_expected", what="contact.groups", have=repr(list(have)), want=repr(want))]


async def _answer_checks(harness: Harness, wanted: dict[str, Any], contact: str) -> list[str]:
    """Compare ``check: answers`` with the answers the contact gave, to a survey or to any
    flow's ``answer:`` (the last one per question); ``none``: no answer."""
    given: dict[str, Any] = {}
    for flow in harness.service.ruleset.flows.values():
        for row in await harness.store.answers(flow.id):
            if row["contact"] == contact:
                given[row["question"]] = row["value"]
    problems: list[str] = []
    for question, want in wanted.items():
        have = given.get(question)
        if not (_none(want) and have is None) and not _same(want, have):
            problems.append(msg("test.answer", question=question, have=repr(have), want=repr(want)))
    return problems


async def _last_inbox(harness: Harness) -> int:
    rows = await harness.store.inbox(status=None)
    return max((row["id"] for row in rows), default=0)


async def _checks(harness: Harness, step: TestStep, contact: str, number: str) -> list[str]:
    """Return what ``check:`` expected and the store does not hold."""
    store, check = harness.store, step.check
    problems: list[str] = []
    session = await store.session(contact, number)
    if "session" in check:
        want = check["session"]
        have = None if session is None else f"{session.flow}.{session.state}"
        if _none(want):
            if have is not None:
                problems.append(msg("test.session_none", have=have))
        elif have is None:
            problems.append(msg("test.no_session", want=want))
        elif want not in (have, have.split(".", 1)[1]):
            problems.append(msg("test.session", have=have, want=want))
    for name, want in (check.get("vars") or {}).items():
        have = None if session is None else session.vars.get(name)
        if not _same(want, have):
            problems.append(msg("test.variable", name=name, have=repr(have), want=repr(want)))
    stored = await store.contact(contact)
    for name, want in (check.get("contact") or {}).items():
        if name == "groups":
            problems.extend(_group_check(want, () if stored is None else stored.groups))
            continue
        have = None if stored is None else stored.fields.get(name)
        if not _same(want, have):
            what = f"contact.{name}"
            problems.append(msg("test.is_expected", what=what, have=repr(have), want=repr(want)))
    for poll, want in (check.get("votes") or {}).items():
        have = None if stored is None else stored.votes.get(poll)
        if not (_none(want) and have is None) and not _same(want, have):
            problems.append(msg("test.vote", poll=poll, have=repr(have), want=repr(want)))
    if "answers" in check:
        problems.extend(await _answer_checks(harness, check["answers"], contact))
    if "handoff" in check:
        rows = await store.inbox(status=None)
        fresh = [
            r["team"] for r in rows if r["contact"] == contact and r["id"] > harness.inbox_seen
        ]
        want = check["handoff"]
        if _none(want) and fresh:
            problems.append(msg("test.handed", teams=", ".join(fresh)))
        elif not _none(want) and want not in fresh:
            also = msg("test.but_to", teams=", ".join(fresh)) if fresh else ""
            problems.append(msg("test.not_handed", want=want, also=also))
    if "opted_out" in check:
        out = await store.is_opted_out(contact, number)
        if bool(check["opted_out"]) != out:
            want = str(bool(check["opted_out"])).lower()
            problems.append(msg("test.opted_out", have=str(out).lower(), want=want))
    return problems


async def _set_up_contact(harness: Harness, test: ConversationTest) -> None:
    """Store the test's ``contact:``: its fields, and its ``groups`` as the contact's groups."""
    fields = dict(test.contact)
    groups = fields.pop("groups", None)
    if fields:
        await harness.store.set_contact_fields(test.sender, fields, harness.clock.now())
    if groups is not None:
        names, _ = parse_groups(groups)  # checked when the test was read (E501)
        await harness.store.save_contact(test.sender, groups=names)


async def run_test(ruleset: RuleSet, test: ConversationTest) -> TestResult:
    """Run one conversation test from a fresh, empty store."""
    result = TestResult(test)
    clock = FixedClock(test.now)
    number = test.recipient or default_number(ruleset)
    async with Harness(ruleset, clock=clock) as harness:
        if test.contact:
            await _set_up_contact(harness, test)
        for index, step in enumerate(test.steps):
            sender = step.sender or test.sender
            if step.kind == "send":
                result.transcript.append(("> ", step.value))
                sent = await harness.send(sender, number, step.value)
            elif step.kind == "wait":
                result.transcript.append(("~ ", f"wait {step.written}"))
                sent = await harness.advance(step.value)
            else:
                result.transcript.append(("~ ", f"start {step.value}"))
                sent = await harness.start_flow(sender, number, step.value, step.params)
            result.transcript.extend(("< ", _shown(m, sender)) for m in sent)
            for problem in await harness.new_errors():
                result.transcript.append(("! ", problem))
            problems = await _checks(harness, step, sender, number) if step.check else []
            harness.inbox_seen = await _last_inbox(harness)
            if not _all_match(step.expect, sent) or problems:
                result.failure = TestFailure(step, index, step.expect, tuple(sent), tuple(problems))
                break
        result.reached = await reached_states(harness.store)
    return result
