"""Own how stored traffic is replayed against a candidate rule set: a sandboxed engine, nothing
sent, the store only read.

The sandbox is the harness of `twoway test` (``engine.testing.Harness``): the real service on
an in-memory store, the loopback transport, a fixed clock. It starts with the stored contacts
(fields and groups as they stand now) and no session; every stored inbound message of the
conversations the window touches runs through it in the order received, at its received time,
the timers that fell due in between (timeouts, expiries) firing first. Messages before the
window rebuild each conversation's state at the window's start (the store keeps a
conversation's current session only, not its history); from the window on, each message's
replies are compared with those the store says were sent.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from engine.core.clock import FixedClock
from engine.core.events import EventType
from engine.core.messages import Outgoing
from engine.core.model import Sprint
from engine.ruleset.ruleset import RuleSet
from engine.store.contacts import ContactRow
from engine.store.traffic import StoredInbound, StoredReply
from engine.testing import Harness

__all__ = ["Changed", "Replayed", "replay"]


@dataclass(frozen=True, slots=True)
class Changed:
    """A message of the window whose replies under the candidate differ from those sent."""

    message: StoredInbound
    new: tuple[StoredReply, ...]
    rule: str | None
    """The candidate rule that took the message (``file:line``); None when built in."""
    step: str | None
    """The step of the order of precedence that decided (``decided``'s ``step``)."""


@dataclass(frozen=True, slots=True)
class Replayed:
    """What a replay found."""

    since: datetime | None
    until: datetime
    conversations: int
    replayed: int
    """Messages of the window, replayed and compared."""
    rebuilt: int
    """Earlier messages of the same conversations, replayed to rebuild their state."""
    changed: tuple[Changed, ...]

    def by_rule(self) -> list[tuple[str, int]]:
        """(rule, messages changed), most first; ``(built-in)`` / ``(none)`` when no rule."""
        counts = Counter(_rule_name(c) for c in self.changed)
        return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def _rule_name(changed: Changed) -> str:
    if changed.rule is not None:
        return changed.rule
    return "(built-in)" if changed.step is not None else "(none)"


async def replay(
    ruleset: RuleSet,
    traffic: Sequence[StoredInbound],
    contacts: Sequence[ContactRow],
    since: datetime | None,
    until: datetime,
) -> Replayed:
    """Run ``traffic`` (oldest first) through ``ruleset`` in a sandbox; compare the replies of
    the messages at or after ``since`` (all when None) with those stored."""
    changed: list[Changed] = []
    replayed = rebuilt = 0
    clock = FixedClock(traffic[0].at if traffic else until)
    async with Harness(ruleset, clock=clock, explain=True, trace=False) as harness:
        if contacts:
            await harness.store.import_contacts(contacts)
        due: datetime | None = None  # no timer is due before (only steps make them here)
        for message in traffic:
            if due is not None and due <= message.at:
                await harness.move_to(message.at)  # what fell due in between: not compared
                due = await harness.store.next_timer_due()
            else:
                clock.set(message.at)
            sprint = await harness.decide(message.phone, message.number, message.text)
            due = _earliest(due, sprint)
            if since is not None and message.at < since:
                rebuilt += 1
                continue
            replayed += 1
            new = _replies(sprint.outbound if sprint is not None else ())
            if new != message.replies:
                decided = _decided(sprint)
                changed.append(Changed(message, new, decided.get("rule"), decided.get("step")))
    conversations = len({(m.phone, m.number) for m in traffic})
    return Replayed(since, until, conversations, replayed, rebuilt, tuple(changed))


def _earliest(due: datetime | None, sprint: Sprint | None) -> datetime | None:
    """The earliest a timer can fall due, once the step's session (if it waits with a
    deadline) has its timer."""
    session = sprint.session if sprint is not None else None
    if session is None or session.deadline is None:
        return due
    return session.deadline if due is None else min(due, session.deadline)


def _replies(sent: Sequence[Outgoing]) -> tuple[StoredReply, ...]:
    return tuple(StoredReply(m.recipient, m.text) for m in sent)


def _decided(sprint: Sprint | None) -> Mapping[str, Any]:
    """The data of the step's ``decided`` event (the sandbox explains every message)."""
    events = sprint.events if sprint is not None else ()
    return next((e.data for e in events if e.type == EventType.DECIDED), {})
