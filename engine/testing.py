"""Own the conversation-test runner behind `twoway test`, and the in-process harness behind chat.

Each test runs against the real service, an in-memory SQLite store, the loopback transport, a
fixed clock and sequential ids: the same code path as production, deterministic to the letter.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from engine.core.clock import Clock, FixedClock
from engine.core.ids import IdSource, SequentialIds
from engine.core.messages import Outgoing
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
    ) -> None:
        self.clock = clock or FixedClock()
        self._errors_seen = 0
        self.transport = LoopbackTransport()
        self.store = SqliteStore(db)
        self.service = Service(
            ruleset,
            self.store,
            {"loopback": self.transport},
            clock=self.clock,
            ids=ids or SequentialIds(),
            auto_timers=auto_timers,
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

    async def new_errors(self) -> list[str]:
        """Return the rule errors (runtime error events) recorded since the last call."""
        events = await self.store.events(type="error")
        fresh = [e for e in events if e["id"] > self._errors_seen]
        if fresh:
            self._errors_seen = max(e["id"] for e in fresh)
        return [f"rule error: {e['data'].get('message', '')}" for e in fresh]

    async def advance(self, delta: Any) -> list[Outgoing]:
        """Move a fixed clock and fire the timers that fall due."""
        advance = getattr(self.clock, "advance", None)
        if advance is None:
            raise TypeError("this clock cannot be moved")
        advance(delta)
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
    got: tuple[str, ...]

    def render(self) -> str:
        what = self.step.kind
        value = self.step.written or self.step.value
        lines = [f"  {self.step.span}: step {self.index + 1} ({what} {value!s})"]
        width = max(len(self.expected), len(self.got))
        for i in range(width):
            want = self.expected[i] if i < len(self.expected) else None
            have = self.got[i] if i < len(self.got) else None
            mark = "  " if want is not None and have is not None and _matches(want, have) else "✗ "
            lines.append(f"    {mark}expected: {want if want is not None else '(no message)'}")
            lines.append(
                f"      got:      {have!r}" if have is not None else "      got:      (no message)"
            )
        return "\n".join(lines)


@dataclass
class TestResult:
    test: ConversationTest
    failure: TestFailure | None = None
    transcript: list[tuple[str, str]] = field(default_factory=list)
    """("> ", text) for messages in, ("< ", text) for messages out."""

    @property
    def passed(self) -> bool:
        return self.failure is None


def _matches(expect: Expect, text: str) -> bool:
    if expect.regex:
        return re.search(expect.text, text) is not None
    return expect.text == text


def _all_match(expected: Sequence[Expect], got: Sequence[str]) -> bool:
    return len(expected) == len(got) and all(
        _matches(e, g) for e, g in zip(expected, got, strict=True)
    )


async def run_test(ruleset: RuleSet, test: ConversationTest) -> TestResult:
    """Run one conversation test from a fresh, empty store."""
    result = TestResult(test)
    clock = FixedClock(test.now)
    number = test.recipient or default_number(ruleset)
    async with Harness(ruleset, clock=clock) as harness:
        if test.contact:
            await harness.store.set_contact_fields(test.sender, test.contact, clock.now())
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
            texts = tuple(message.text for message in sent)
            result.transcript.extend(("< ", text) for text in texts)
            for problem in await harness.new_errors():
                result.transcript.append(("! ", problem))
            if not _all_match(step.expect, texts):
                result.failure = TestFailure(step, index, step.expect, texts)
                break
    return result
