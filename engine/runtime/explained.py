"""Own how one message is explained: one runtime step with ``Input.explain`` on, on the
conversation as it stands, nothing stored or sent (``twoway explain``, the chat's ``/why``, the
console's simulator).

What it decided is read from the step's ``decided`` and ``case_failed`` events (docs/rules.md,
Event catalogue).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from engine.core.events import EventType
from engine.core.messages import Inbound
from engine.core.model import Event, Input
from engine.core.records import Conversation
from engine.dsl import normalize
from engine.ruleset.ruleset import RuleSet
from engine.runtime.step import step
from engine.sms import choose, count_parts

__all__ = ["Explanation", "Reply", "Tried", "explain"]


@dataclass(frozen=True, slots=True)
class Reply:
    """One message the step would send, and what it costs."""

    to: str
    text: str
    kind: str
    coding: str
    """``GSM-7`` or ``UCS-2``."""
    parts: int


@dataclass(frozen=True, slots=True)
class Tried:
    """A case that was tried and did not take the message."""

    rule: str | None
    test: str
    reason: str


@dataclass(frozen=True, slots=True)
class Explanation:
    """What one message would do, and why."""

    text: str
    normalised: str
    phone: str
    number: str
    at: datetime
    before: str | None
    """The waiting session before the message (``flow.state``), if any."""
    step: str | None
    """The ``step`` of the ``decided`` event; None when the rules did not say."""
    rule: str | None
    decision: Mapping[str, Any]
    captures: Mapping[str, Any]
    tried: tuple[Tried, ...]
    replies: tuple[Reply, ...]
    after: str | None
    events: tuple[Event, ...]


def explain(
    ruleset: RuleSet, conversation: Conversation, number: str, text: str, at: datetime
) -> Explanation:
    """Run ``text`` through ``ruleset`` as ``conversation``'s contact would send it at ``at``."""
    phone = conversation.contact.phone
    message = Inbound(phone, number, text, at)
    inp = Input(
        "message",
        conversation.contact,
        number,
        message=message,
        session_id="explained",
        recent_replies=conversation.recent_replies,
        held=conversation.held,
        explain=True,
    )
    sprint = step(ruleset, conversation.session, inp, at)
    decided = next((e.data for e in sprint.events if e.type == EventType.DECIDED), {})
    tried = tuple(
        Tried(e.data.get("rule"), _said(e.data.get("test", "")), _said(e.data.get("reason", "")))
        for e in sprint.events
        if e.type == EventType.CASE_FAILED
    )
    before = conversation.session
    return Explanation(
        text=text,
        normalised=normalize(text) if text else "",
        phone=phone,
        number=number,
        at=at,
        before=f"{before.flow}.{before.state}" if before is not None else None,
        step=decided.get("step"),
        rule=decided.get("rule"),
        decision=decided,
        captures=dict(decided.get("captures") or {}),
        tried=tried,
        replies=tuple(_reply(m.recipient, m.text, m.kind) for m in sprint.outbound),
        after=f"{sprint.session.flow}.{sprint.session.state}" if sprint.session else None,
        events=sprint.events,
    )


def _said(value: object) -> str:
    """A text of an event as it is (a ``Msg`` stays one, to be written in the language in
    use), anything else as text."""
    return value if isinstance(value, str) else str(value)


def _reply(to: str, text: str, kind: str) -> Reply:
    coding = "GSM-7" if choose(text) == "gsm7" else "UCS-2"
    return Reply(to, text, kind, coding, count_parts(text))
