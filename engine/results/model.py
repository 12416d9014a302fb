"""Own the results of polls, surveys and flows as typed, frozen records read from the store."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from engine.core.events import EventType
from engine.i18n import msg
from engine.ruleset.model import Flow, RecordAnswer
from engine.ruleset.ruleset import RuleSet
from engine.store import SqliteStore

__all__ = [
    "CampaignResult",
    "FlowResult",
    "PollResult",
    "Respondent",
    "Result",
    "SurveyResult",
    "compute_campaigns",
    "compute_results",
    "compute_selected",
    "result_names",
    "select",
    "survey_questions",
]


@dataclass(frozen=True, slots=True)
class PollResult:
    """A poll: votes per choice (in the rule file's order), voters, refused votes, votes per hour
    (hours in the rule set's time zone)."""

    name: str
    title: str
    choices: tuple[tuple[str, str, int], ...]
    voters: int
    refused_second: int
    refused_closed: int
    refused_not_open: int
    per_hour: tuple[tuple[datetime, int], ...]


@dataclass(frozen=True, slots=True)
class Respondent:
    """One survey session: who, when it started, when it completed (None if it did not), in the
    rule set's time zone, and the answers given, as plain values."""

    phone: str
    started: datetime
    completed: datetime | None
    answers: tuple[tuple[str, Any], ...]


@dataclass(frozen=True, slots=True)
class SurveyResult:
    """A survey: one row per session, the completion rate, and the distribution of each
    question's answers (most frequent first)."""

    name: str
    title: str
    questions: tuple[str, ...]
    respondents: tuple[Respondent, ...]
    completion_rate: float
    distributions: tuple[tuple[str, tuple[tuple[Any, int], ...]], ...]


@dataclass(frozen=True, slots=True)
class FlowResult:
    """A flow: sessions started, how the ended ones ended (reason → count), the sessions still
    active, the hand-offs to a person, and the answers its ``answer:`` actions recorded (each
    question's distribution, most frequent first, questions in the order first answered)."""

    name: str
    title: str
    started: int
    ended_by: tuple[tuple[str, int], ...]
    active: int
    handoffs: int
    answers: tuple[tuple[str, tuple[tuple[Any, int], ...]], ...] = ()


Result = PollResult | SurveyResult | FlowResult


@dataclass(frozen=True, slots=True)
class CampaignResult:
    """A campaign (an outbound send to a list): its recipients, and what became of the messages
    sent to them, up to the replies and opt-outs they drew."""

    name: str  # the campaign's file id
    title: str
    status: str  # draft | scheduled | running | paused | cancelled | done
    recipients: int
    sent: int
    delivered: int
    failed: int
    replied: int
    opted_out: int
    held: int

    @property
    def response_rate(self) -> float:
        return self.replied / self.sent if self.sent else 0.0


def result_names(ruleset: RuleSet) -> list[str]:
    """The names with results, in the rule set's order: polls, surveys and flows (a campaign's
    own one-message flow is the campaign's: its results are the campaign's)."""
    return [
        f.id
        for f in ruleset.flows.values()
        if f.kind in ("poll", "survey", "flow") and f.id not in ruleset.campaigns
    ]


def select(ruleset: RuleSet, names: Sequence[str]) -> tuple[list[str] | None, list[str] | None]:
    """``names`` as (polls, surveys and flows; campaigns); None for "all of them" (no names).
    An unknown name raises KeyError with a message that lists the known ones."""
    if not names:
        return None, None
    known = result_names(ruleset)
    campaigns = list(ruleset.campaigns)
    unknown = [name for name in names if name not in known and name not in campaigns]
    if unknown:
        listed = ", ".join(known + campaigns) or msg("campaign.none")
        raise KeyError(msg("results.unknown", name=unknown[0], known=listed))
    return [n for n in names if n in known], [n for n in names if n in campaigns]


async def compute_campaigns(
    store: SqliteStore, names: Sequence[str] | None = None
) -> list[CampaignResult]:
    """Every started campaign (of ``names`` when given), where it stands now."""
    found: list[CampaignResult] = []
    for row in await store.all_campaigns():
        if names is not None and row.name not in names:
            continue
        status = await store.campaign_status(row)
        found.append(
            CampaignResult(
                name=row.name,
                title=row.title,
                status=row.status,
                recipients=row.recipients,
                sent=status.sent,
                delivered=status.delivered,
                failed=status.failed,
                replied=status.replied,
                opted_out=status.opted_out,
                held=status.held,
            )
        )
    return found


async def compute_results(
    store: SqliteStore, ruleset: RuleSet, names: Sequence[str] = ()
) -> list[Result]:
    """The results of ``names`` (all of them when empty); an unknown name raises KeyError."""
    known = result_names(ruleset)
    unknown = [name for name in names if name not in known]
    if unknown:
        raise KeyError(unknown[0])
    wanted = list(dict.fromkeys(names)) or known
    events = _Events(store)
    results: list[Result] = []
    for name in wanted:
        flow = ruleset.flows[name]
        if flow.kind == "poll":
            results.append(await _poll(store, ruleset, flow, events))
        elif flow.kind == "survey":
            results.append(await _survey(store, ruleset, flow, events))
        else:
            results.append(await _flow(store, flow, events))
    return results


async def compute_selected(
    store: SqliteStore, ruleset: RuleSet, flows: list[str] | None, campaigns: list[str] | None
) -> tuple[list[Result], list[CampaignResult]]:
    """What ``select`` chose: the results of ``flows`` and the started ``campaigns`` (None:
    all of them; an empty list: none), for ``twoway results`` and the console's export."""
    results = [] if flows == [] else await compute_results(store, ruleset, flows or ())
    started = [] if campaigns == [] else await compute_campaigns(store, campaigns)
    return results, started


class _Events:
    """Events of one type, read once per type for every result."""

    def __init__(self, store: SqliteStore) -> None:
        self.store = store
        self.cache: dict[str, list[dict[str, Any]]] = {}
        self.counts: dict[str, dict[tuple[str | None, str | None], int]] = {}

    async def of(self, type_: str, flow: str) -> list[dict[str, Any]]:
        if type_ not in self.cache:
            self.cache[type_] = await self.store.events(type=type_)
        return [e for e in self.cache[type_] if (e["data"].get("flow") or e["flow"]) == flow]

    async def counted(self, type_: str, flow: str) -> Counter[str]:
        """The events of ``type_`` of ``flow`` by reason (``"None"`` for those without one),
        counted by the store, once per type for every result."""
        if type_ not in self.counts:
            self.counts[type_] = await self.store.event_counts(type_)
        return Counter(
            {str(reason): n for (of, reason), n in self.counts[type_].items() if of == flow}
        )

    async def refused(self, poll: str) -> Counter[str]:
        """The refused votes of ``poll`` by reason, counted by the store."""
        return Counter(await self.store.refused_votes(poll))


async def _poll(store: SqliteStore, ruleset: RuleSet, flow: Flow, events: _Events) -> PollResult:
    poll = ruleset.polls[flow.id]
    # Counted by the store (its vote_counts, its votes by the minute), never vote by vote here:
    # a TV vote's million votes are three counts and a few hundred minutes.
    counts = Counter(await store.tally(poll.id))
    voters = sum(counts.values())  # one vote a voter and poll (the votes' key)
    choices = [(key, label, counts.pop(key, 0)) for key, label in poll.choices.items()]
    choices.extend((key, key, n) for key, n in sorted(counts.items()))  # choices since removed
    zone = ZoneInfo(ruleset.settings.timezone)
    hours: Counter[datetime] = Counter()
    for minute, n in await store.vote_minutes(poll.id):  # a zone's hour is whole UTC minutes
        hours[minute.astimezone(zone).replace(minute=0, second=0, microsecond=0)] += n
    refused = await events.refused(poll.id)
    return PollResult(
        name=poll.id,
        title=poll.title,
        choices=tuple(choices),
        voters=voters,
        refused_second=refused["already_voted"],
        refused_closed=refused["closed"],
        refused_not_open=refused["not_open"],
        per_hour=tuple(sorted(hours.items())),
    )


def survey_questions(flow: Flow) -> tuple[str, ...]:
    """The questions of a survey, in the order it asks them."""
    found: list[str] = []
    for state in flow.states.values():
        cases = state.wait.cases if state.wait is not None else ()
        for case in cases:
            found.extend(a.question for a in case.actions if isinstance(a, RecordAnswer))
    return tuple(dict.fromkeys(found))


async def _survey(
    store: SqliteStore, ruleset: RuleSet, flow: Flow, events: _Events
) -> SurveyResult:
    questions = survey_questions(flow)
    zone = ZoneInfo(ruleset.settings.timezone)
    started = {e["session_id"]: e for e in await events.of(EventType.FLOW_STARTED, flow.id)}
    done = {
        e["session_id"]: e["at"].astimezone(zone)
        for e in await events.of(EventType.SESSION_ENDED, flow.id)
        if e["data"].get("reason") == "completed" and e["data"].get("state") == "done"
    }
    given: dict[str, dict[str, Any]] = {}
    for row in await store.answers(flow.id):
        given.setdefault(row["session_id"], {})[row["question"]] = row["value"]
    respondents = tuple(
        Respondent(
            phone=event["contact"],
            started=event["at"].astimezone(zone),
            completed=done.get(session),
            answers=tuple(
                (q, given.get(session, {})[q]) for q in questions if q in given.get(session, {})
            ),
        )
        for session, event in started.items()
    )
    distributions = _distributions(questions, [dict(r.answers) for r in respondents])
    completed = sum(1 for r in respondents if r.completed is not None)
    return SurveyResult(
        name=flow.id,
        title=flow.title,
        questions=questions,
        respondents=respondents,
        completion_rate=completed / len(respondents) if respondents else 0.0,
        distributions=distributions,
    )


def _distributions(
    questions: Sequence[str], answers: Sequence[dict[str, Any]]
) -> tuple[tuple[str, tuple[tuple[Any, int], ...]], ...]:
    """Each question's answers (one dict per session), most frequent first."""
    found = []
    for question in questions:
        counts = Counter(_hashable(given[question]) for given in answers if question in given)
        found.append((question, tuple(sorted(counts.items(), key=_most_first))))
    return tuple(found)


def _most_first(item: tuple[Any, int]) -> tuple[int, int, float, str]:
    """Most frequent first; then numbers in order, then the other values as text."""
    value, count = item
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return (-count, 0, float(value), "")
    return (-count, 1, 0.0, str(value))


def _hashable(value: Any) -> Any:
    if isinstance(value, (list, dict)):
        return str(value)
    return value


async def _flow(store: SqliteStore, flow: Flow, events: _Events) -> FlowResult:
    given: dict[str, dict[str, Any]] = {}  # session → question → its last answer
    for row in await store.answers(flow.id):
        given.setdefault(row["session_id"], {})[row["question"]] = row["value"]
    questions = tuple(dict.fromkeys(q for answers in given.values() for q in answers))
    started = (await events.counted(EventType.FLOW_STARTED, flow.id)).total()
    reasons = await events.counted(EventType.SESSION_ENDED, flow.id)
    handoffs = (await events.counted(EventType.HANDOFF, flow.id)).total()
    ended = sum(reasons.values())
    return FlowResult(
        name=flow.id,
        title=flow.title,
        started=started,
        ended_by=tuple(sorted(reasons.items(), key=lambda item: (-item[1], item[0]))),
        active=max(started - ended, 0),
        handoffs=handoffs,
        answers=_distributions(questions, list(given.values())),
    )
