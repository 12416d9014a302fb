"""Own the state coverage of `twoway test --coverage`: the states a rule set has, where each
is written, and which of them the conversation tests entered.

What counts as a state, per form: a flow's `states:`; an autoreply's entries (`entry_N`); a
poll's one `vote` state; a survey's questions (`q_<id>`). A survey's generated `start`, `done`
and `gave_up_<id>` states are not counted: no rule writes them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from engine.core.events import EventType
from engine.errors import Span
from engine.i18n import say
from engine.ruleset.loader import Document
from engine.ruleset.model import Flow
from engine.ruleset.ruleset import RuleSet
from engine.store import SqliteStore

__all__ = ["CoverageState", "Reached", "coverable_states", "missed", "reached_states", "summary"]

Reached = frozenset[tuple[str, str]]
"""(flow id, state name) pairs a test entered."""


@dataclass(frozen=True, slots=True)
class CoverageState:
    """One state a test can reach, and where its rule file writes it."""

    flow: str
    state: str
    where: Span

    @property
    def key(self) -> tuple[str, str]:
        return (self.flow, self.state)


def _paths(flow: Flow, doc: Document | None) -> list[tuple[str, tuple[str | int, ...]]]:
    """The counted states of ``flow`` and the path of each in its file."""
    if flow.kind == "flow":
        return [(name, ("states", name)) for name in flow.states]
    if flow.kind == "autoreply":
        return [(name, ("autoreply", int(name.split("_")[1]) - 1)) for name in flow.states]
    if flow.kind == "poll":
        return [("vote", ("poll",))]
    questions = doc.data.get("questions", []) if doc is not None else []
    return [
        (f"q_{q['id']}", ("questions", i))
        for i, q in enumerate(questions)
        if isinstance(q, dict) and f"q_{q.get('id')}" in flow.states
    ]


def coverable_states(ruleset: RuleSet, documents: Sequence[Document]) -> list[CoverageState]:
    """Every counted state of ``ruleset``, by file then line."""
    by_file: Mapping[str, Document] = {doc.file: doc for doc in documents}
    found = []
    for flow in ruleset.flows.values():
        doc = by_file.get(flow.file)
        for name, path in _paths(flow, doc):
            where = doc.span(path, key=True) if doc is not None else Span(flow.file, 1, 1)
            found.append(CoverageState(flow.id, name, where))
    return sorted(found, key=lambda s: (s.where.file, s.where.line, s.where.col))


async def reached_states(store: SqliteStore) -> Reached:
    """The states the store's events say were entered (or answered aside, for an entry)."""
    reached = set()
    for event in await store.events(type=EventType.STATE_ENTERED):
        reached.add((str(event["data"]["flow"]), str(event["data"]["state"])))
    for event in await store.events(type=EventType.ANSWERED_ASIDE):
        reached.add((str(event["data"]["flow"]), str(event["data"]["entry"])))
    return frozenset(reached)


def summary(reached: int, total: int) -> str:
    """``coverage: 41 of 45 states reached (91%)``; the percentage rounds down."""
    percent = 100 * reached // total if total else 100
    return say("test.coverage", reached=reached, total=total, percent=percent)


def missed(states: Iterable[CoverageState], reached: Reached) -> list[CoverageState]:
    """The states of ``states`` no test entered."""
    return [s for s in states if s.key not in reached]
