"""Own the compiled rule set: immutable flows, states, cases and actions the runtime executes.

Every rule-file form (autoreply, poll, survey, flow) compiles to these few types, so the runtime
has one concept: a state runs its actions, then routes, waits, goes to another state or ends.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal

from engine.core.quiet import QuietHours
from engine.dsl import Condition, Pattern, Template
from engine.errors import Span

__all__ = [
    "END",
    "INTENT_WORDS",
    "KNOWN_ROOTS",
    "READ_ONLY",
    "STAY",
    "Action",
    "AnswerTest",
    "Case",
    "ChoiceTest",
    "Flow",
    "Goto",
    "Handoff",
    "Log",
    "Poll",
    "PollGate",
    "RecordAnswer",
    "RecordVote",
    "RefuseVote",
    "Say",
    "Send",
    "SetVars",
    "Settings",
    "State",
    "Tag",
    "Test",
    "Timeout",
    "Transition",
    "Trigger",
    "Wait",
]


READ_ONLY = frozenset(
    {"text", "rest", "now", "number", "yes", "no", "stop", "help", "contact", "poll"}
)
"""Names every expression can read and ``set`` may not write (``contact.<field>`` is allowed)."""

KNOWN_ROOTS = READ_ONLY | {"answers", "choice", "vote"}
"""Names twoway itself provides; a name one typo away from these is reported (E305)."""

INTENT_WORDS = {
    "oui": "yes",
    "si": "yes",
    "ja": "yes",
    "ok": "yes",
    "okay": "yes",
    "non": "no",
    "nein": "no",
    "nee": "no",
    "aide": "help",
    "ayuda": "help",
    "hilfe": "help",
    "arret": "stop",
    "stopp": "stop",
}
"""Words of other languages analysts write for the intent names (``when: oui`` for ``yes``)."""


# --- transitions --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Goto:
    """Where a state, case or timeout leads: ``state`` is a state name, ``end`` or ``stay``."""

    state: str

    @property
    def is_end(self) -> bool:
        return self.state == "end"

    @property
    def is_stay(self) -> bool:
        return self.state == "stay"


END = Goto("end")
STAY = Goto("stay")
Transition = Goto


# --- actions ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Say:
    text: Template
    where: Span | None = None
    """Where the ``say``/``reply`` is written, to name it in events and warnings."""


@dataclass(frozen=True, slots=True)
class Send:
    to: Template
    text: Template
    where: Span | None = None


@dataclass(frozen=True, slots=True)
class SetVars:
    items: tuple[tuple[str, Template], ...]
    """(dotted target, value) pairs; targets under ``contact.`` set contact fields."""


@dataclass(frozen=True, slots=True)
class RecordVote:
    poll: str
    choice: Template


@dataclass(frozen=True, slots=True)
class RefuseVote:
    """A vote a poll gate refused (closed, not open yet): recorded as a ``vote_refused`` event."""

    poll: str
    reason: Literal["closed", "not_open"]


@dataclass(frozen=True, slots=True)
class RecordAnswer:
    question: str
    value: Template


@dataclass(frozen=True, slots=True)
class Handoff:
    team: str


@dataclass(frozen=True, slots=True)
class Log:
    text: Template


@dataclass(frozen=True, slots=True)
class Tag:
    """Change the contact's groups: ``tag`` adds, ``untag`` removes, ``set`` replaces them
    (``set: {contact.groups: [NAMES]}``). Names are checked when the rules compile."""

    groups: tuple[str, ...]
    mode: Literal["tag", "untag", "set"] = "tag"


Action = Say | Send | SetVars | RecordVote | RefuseVote | RecordAnswer | Handoff | Log | Tag


# --- tests of cases -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ChoiceTest:
    """True when the text (or the rest after a trigger keyword) names one of ``choices``."""

    choices: Mapping[str, str]
    """Normalised key or label → choice key."""
    capture: str = "choice"
    use_rest: bool = False


@dataclass(frozen=True, slots=True)
class PollGate:
    """True when a poll does not take votes now: ``closed`` after it closes, ``not_open`` before."""

    poll: str
    reason: Literal["closed", "not_open"]


@dataclass(frozen=True, slots=True)
class AnswerTest:
    """True when the text is a valid answer of a survey question; the value goes to ``answer``."""

    type: Literal["choice", "number", "yes_no", "date", "text"]
    minimum: float | None = None
    maximum: float | None = None
    choices: Mapping[str, str] = field(default_factory=dict)
    integer: bool = False
    """A ``number`` question that takes whole numbers only: ``4,5`` and ``4.5`` are invalid."""


Test = Condition | Pattern | tuple[tuple[str, ...], ...] | ChoiceTest | AnswerTest | PollGate | None
"""A condition (``when``), a pattern (``match``), keywords, a choice, or None (otherwise)."""


@dataclass(frozen=True, slots=True)
class Case:
    test: Test
    actions: tuple[Action, ...] = ()
    then: Goto = STAY
    retries: int | None = None
    """For ``otherwise``: how many times it may run in a row before ``exhausted``."""
    exhausted: Goto = END
    guard: Condition | None = None
    """A ``when`` beside a ``keyword`` or ``match``: checked after the test, with its captures."""
    where: Span | None = None
    """Where the case is written, to name it when a message is explained."""


@dataclass(frozen=True, slots=True)
class Timeout:
    after: timedelta
    actions: tuple[Action, ...] = ()
    then: Goto = END
    where: Span | None = None
    """Where the ``timeout`` is written, to name it in events."""


@dataclass(frozen=True, slots=True)
class Wait:
    cases: tuple[Case, ...]
    otherwise: Case
    timeout: Timeout | None = None
    implicit_otherwise: bool = False
    """True when the author wrote no ``otherwise``: unmatched messages go to the inbox."""
    fall_through: bool = False
    """``fall_through: true``: a message no case matches goes to the other rules first."""


@dataclass(frozen=True, slots=True)
class State:
    name: str
    actions: tuple[Action, ...] = ()
    route: tuple[Case, ...] = ()
    """Cases tried on entry, before the actions, against the message that led here."""
    wait: Wait | None = None
    then: Goto | None = None
    choose: tuple[Case, ...] = ()
    """``choose:`` cases tried after the actions, without waiting; the last is the otherwise."""


# --- flows, triggers, polls ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Trigger:
    flow: str
    state: str
    kind: Literal["keyword", "match", "when", "otherwise", "schedule"]
    keywords: tuple[tuple[str, ...], ...] = ()
    """Each keyword as its tuple of normalised words."""
    pattern: Pattern | None = None
    condition: Condition | None = None
    schedule: str | None = None
    numbers: frozenset[str] | None = None
    interrupt: bool = False
    guard: Condition | None = None
    """A ``when`` beside a ``match``: checked after the pattern matched, with its captures."""
    params: tuple[tuple[str, str], ...] | None = None
    """A schedule's declared parameters, (dotted name, type); None when it declares none."""
    order: int = 0
    """Position in the rule set (file order, then entry order): the author's order decides."""
    where: Span | None = None
    """Where the trigger (or the autoreply entry) is written, to name it when explained."""


@dataclass(frozen=True, slots=True)
class Flow:
    id: str
    kind: Literal["autoreply", "poll", "survey", "flow"]
    title: str
    states: Mapping[str, State]
    start: str
    triggers: tuple[Trigger, ...]
    expire: timedelta | None = None
    numbers: frozenset[str] | None = None
    file: str = ""


@dataclass(frozen=True, slots=True)
class Poll:
    id: str
    title: str
    choices: Mapping[str, str]
    """Choice key → label, in the author's order."""
    once_per: Literal["contact", "message"] = "contact"
    change: Literal["refused", "allowed"] = "refused"
    opens: datetime | None = None
    closes: datetime | None = None
    reply: Template | None = None
    already_voted: Template | None = None
    changed: Template | None = None
    closed: Template | None = None
    not_open: Template | None = None
    index: Mapping[str, str] = field(default_factory=dict)
    """Normalised key or label → choice key."""
    where: Mapping[str, Span] = field(default_factory=dict)
    """Message key (``reply``, ``closed`` …) → where the file writes it (absent: the default)."""


@dataclass(frozen=True, slots=True)
class Settings:
    help: Mapping[str, str] = field(default_factory=dict)
    opt_out: Mapping[str, str] = field(default_factory=dict)
    opt_in: Mapping[str, str] = field(default_factory=dict)
    language: str = "en"
    timezone: str = "UTC"
    session_expiry: timedelta = timedelta(days=7)
    reply_limit: int = 20
    reply_window: timedelta = timedelta(hours=1)
    max_steps: int = 100
    max_reply_parts: int = 10
    """The most SMS parts one reply or ``send`` may take; a longer one is not sent."""
    typo_tolerance: bool = True
    """Forgive one typo in keywords of five letters or more (HORAIRS → HORAIRES)."""
    quiet_hours: QuietHours | None = None
    """When no message the rule set starts may leave (replies excepted, see ``hold_replies``)."""
    hold_replies: bool = False
    """Hold a reply to someone who wrote in the last hour too."""
    marketing_cap: tuple[int, timedelta] | None = None
    """At most this many marketing campaign messages per contact per period."""

    def text(self, which: Literal["help", "opt_out", "opt_in"], language: str | None) -> str:
        texts = getattr(self, which)
        for lang in (language, self.language, "en"):
            if lang and lang in texts:
                return str(texts[lang])
        return str(next(iter(texts.values()))) if texts else ""
