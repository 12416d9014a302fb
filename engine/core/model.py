"""Own the values the runtime reads and returns: contact, session, input, events and the sprint."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType
from typing import Any, Literal

from engine.core.events import EventType
from engine.core.messages import Address, Inbound, Outgoing

__all__ = [
    "EMPTY",
    "Answer",
    "Contact",
    "Event",
    "Input",
    "Session",
    "Sprint",
    "Tallies",
    "Vote",
]

EMPTY: Mapping[str, Any] = MappingProxyType({})

Tallies = Mapping[str, Mapping[str, int]]
"""Poll id → choice key → the votes counted for it (a choice nobody voted for may be absent)."""

DeadlineKind = Literal["timeout", "expire"]
InputKind = Literal["message", "timeout", "start"]


@dataclass(frozen=True, slots=True)
class Contact:
    """A phone number we talk to, as the runtime sees it for one step."""

    phone: Address
    fields: Mapping[str, Any] = field(default_factory=lambda: EMPTY)
    """Free fields, ``name`` and ``language`` among them."""
    groups: tuple[str, ...] = ()
    """The groups the contact is in, sorted, each once (``engine.core.groups.groups_of``)."""
    opted_out: frozenset[Address] = frozenset()
    """Our numbers this contact has opted out of."""
    votes: Mapping[str, str] = field(default_factory=lambda: EMPTY)
    """Poll id → the choice key this contact voted for."""

    def as_context(self) -> dict[str, Any]:
        view = dict(self.fields)
        view["phone"] = self.phone
        view["groups"] = list(self.groups)
        view.setdefault("name", None)
        view.setdefault("language", None)
        return view


@dataclass(frozen=True, slots=True)
class Session:
    """A conversation's place in a flow; at ``deadline`` a waiting session resumes by itself."""

    id: str
    contact: Address
    number: Address
    flow: str
    state: str
    vars: Mapping[str, Any]
    started_at: datetime
    updated_at: datetime
    retries: int = 0
    deadline: datetime | None = None
    deadline_kind: DeadlineKind | None = None
    ruleset_version: str = ""


@dataclass(frozen=True, slots=True)
class Input:
    """What wakes the runtime: a message, a session's deadline, or a request to start a flow."""

    kind: InputKind
    contact: Contact
    number: Address
    message: Inbound | None = None
    flow: str | None = None
    """For ``start``: the flow to start."""
    params: Mapping[str, Any] = field(default_factory=lambda: EMPTY)
    """For ``start``: initial session variables."""
    session_id: str = ""
    """The id a new session takes, chosen by the caller so the runtime stays pure."""
    recent_replies: int = 0
    """Replies sent in this conversation within the rule set's reply-limit window."""
    tallies: Tallies = field(default_factory=lambda: EMPTY)
    """The votes counted so far in the polls the rule set's expressions read (``poll.<id>``),
    this step's own votes not yet included: the runtime adds them as it records them. Only the
    polls of ``RuleSet.tallied`` are there; the caller reads them in the transaction of the
    step and counts the votes of the earlier steps of its batch."""
    held: str | None = None
    """The team a hand-off gave this conversation to, while it holds it (open or assigned):
    a message then goes to that team's thread, unanswered, compliance words aside."""
    explain: bool = False
    """Emit ``decided`` and ``case_failed`` events telling why (``twoway explain``, ``/why``);
    off in production."""
    trace: bool = False
    """Emit ``state_entered`` for every state entered (``twoway test --coverage``); off in
    production, where it would be one more row per state for nothing."""

    @property
    def text(self) -> str:
        return self.message.text if self.message is not None else ""


@dataclass(frozen=True, slots=True)
class Event:
    """A fact the runtime emits; stored with the conversation's history."""

    type: EventType
    data: Mapping[str, Any] = field(default_factory=lambda: EMPTY)


@dataclass(frozen=True, slots=True)
class Vote:
    poll: str
    choice: str
    replaces: bool = False


@dataclass(frozen=True, slots=True)
class Answer:
    survey: str
    question: str
    value: Any


@dataclass(frozen=True, slots=True)
class Sprint:
    """The result of one runtime step; the service commits all of it in one transaction."""

    session: Session | None
    """The session after the step; None when there is none (never started or ended)."""
    ended: Session | None = None
    """The session that ended in this step, if any."""
    events: tuple[Event, ...] = ()
    outbound: tuple[Outgoing, ...] = ()
    contact_fields: Mapping[str, Any] = field(default_factory=lambda: EMPTY)
    """Contact fields to set."""
    groups: tuple[str, ...] | None = None
    """The contact's groups after the step, when the step changed them (None: unchanged)."""
    opt: Literal["out", "in"] | None = None
    votes: tuple[Vote, ...] = ()
    answers: tuple[Answer, ...] = ()
    handoff: str | None = None
    """The team whose inbox this conversation goes to, if a person is needed."""
    held: bool = False
    """The hand-off holds the conversation: the rules answer it no more (compliance words
    aside) until a person closes it or gives it back (``release``). An unmatched message goes
    to the inbox (``handoff``) without holding anything."""
    flow: str | None = field(default=None)
    """The flow that handled the input (for history and metrics)."""
