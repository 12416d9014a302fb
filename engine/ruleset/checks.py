"""Own the checks that need a compiled flow and the whole rule set: goto targets (E401),
states no path reaches (the warning W407), states with no way out (E403), loops without a wait
(E408), keywords claimed twice on the same number (E404) or that are compliance words (E407),
votes for no poll (E406).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from engine.dsl import normalize
from engine.errors import RuleError, Span, did_you_mean
from engine.i18n import msg
from engine.ruleset.compliance import compliance
from engine.ruleset.model import Flow
from engine.ruleset.source import Source
from engine.ruleset.states import StateCompiler

__all__ = ["Claim", "check_graph", "check_keywords", "check_votes"]


def _check_targets(src: Source, sc: StateCompiler, flow: Flow) -> set[str]:
    """Report links to no state (E401); return the states the misspelt ones were meant for,
    whose W407 would only repeat the E401."""
    names = list(flow.states)
    meant: set[str] = set()
    for target, path in sc.gotos:
        if target not in flow.states and target != "stay":
            hint = did_you_mean(target, names)
            meant.update(n for n in names if hint == f"did you mean '{n}'?")
            src.error(
                "E401",
                msg("E401.no_state", name=target),
                path,
                hint=hint or msg("E401.states.hint", names=", ".join(names)),
            )
    return meant


def check_graph(src: Source, sc: StateCompiler, flow: Flow) -> list[RuleError]:
    """Report links to no state (E401), states with no way out (E403) and loops without a wait
    (E408) on ``src``; return the warnings (W407) for the states no path reaches."""
    names = list(flow.states)
    meant = _check_targets(src, sc, flow)
    if flow.kind != "flow":
        return []
    data = src.doc.data
    edges: dict[str, set[str]] = {name: set() for name in names}
    for name, state in flow.states.items():
        exits = [state.then] if state.then else []
        if state.wait is not None:
            for case in (*state.wait.cases, state.wait.otherwise):
                exits += [case.then, case.exhausted]
            if state.wait.timeout is not None:
                exits.append(state.wait.timeout.then)
        exits += [case.then for case in state.choose]
        edges[name] = {g.state for g in exits if g and g.state in flow.states}
        raw = data["states"][name] or {}
        if state.wait is None and state.then is None and not state.choose and "goto" not in raw:
            src.error(
                "E403",
                msg("E403.no_way_out", name=name),
                ("states", name),
                key=True,
                hint=msg("E403.hint"),
            )
    _check_loops(src, flow)
    seen, todo = set(), [flow.start]
    while todo:
        name = todo.pop()
        if name in seen or name not in edges:
            continue
        seen.add(name)
        todo.extend(edges[name])
    return [
        RuleError(
            "W407",
            msg("W407.unreachable", name=name),
            src.span(("states", name), key=True),
            msg("W407.hint", start=flow.start),
        )
        for name in names
        if name not in seen and name not in meant
    ]


def _check_loops(src: Source, flow: Flow) -> None:
    """Report a cycle of states that goes round without any wait (E408).

    Entering such a cycle runs its actions again and again in one step (every ``say`` a new SMS)
    until the step cap ends the session. Only plain ``goto`` between states without ``wait`` can
    do that: a state that waits stops the step, so a cycle through one is a conversation.
    """
    following: dict[str, str] = {}
    for name_, state in flow.states.items():
        if state.wait is None and state.then is not None and state.then.state in flow.states:
            following[name_] = state.then.state
    done: set[str] = set()
    for first in flow.states:
        path: list[str] = []
        name: str | None = first
        while name is not None and name not in done and name not in path:
            path.append(name)
            name = following.get(name)
        if name is not None and name in path:
            cycle = [*path[path.index(name) :], name]
            closer = path[-1]
            message = (
                msg("E408.itself", name=name)
                if len(cycle) == 2
                else msg("E408.loop", states=" → ".join(repr(n) for n in cycle))
            )
            src.error(
                "E408",
                message,
                ("states", closer, "goto"),
                hint=msg("E408.hint"),
            )
        done.update(path)


@dataclass(frozen=True)
class Claim:
    words: tuple[str, ...]
    numbers: frozenset[str] | None
    file: str
    span: Span


def _overlap(a: frozenset[str] | None, b: frozenset[str] | None) -> bool:
    return a is None or b is None or bool(a & b)


def check_keywords(src: Source, flow: Flow, claims: dict[tuple[str, ...], list[Claim]]) -> None:
    """Report a keyword claimed twice on the same number (the second could never answer)."""
    paths = _keyword_paths(src, flow)
    for trigger in flow.triggers:
        for words in trigger.keywords:
            written = paths.get(words, [])
            path = written.pop(0) if len(written) > 1 else (written[0] if written else ())
            taken = compliance(" ".join(words))
            if taken is not None:
                keyword = " ".join(words).upper()
                src.error(
                    "E407",
                    msg(f"E407.{taken[0]}", keyword=keyword),
                    path,
                    hint=msg("E407.hint", keyword=keyword),
                )
                continue
            earlier = claims.setdefault(words, [])
            clash = next((c for c in earlier if _overlap(c.numbers, trigger.numbers)), None)
            if clash is not None:
                _claimed_twice(src, words, path, clash)
                continue
            earlier.append(Claim(words, trigger.numbers, src.file, src.span(path)))


def _claimed_twice(
    src: Source, words: tuple[str, ...], path: tuple[Any, ...], clash: Claim
) -> None:
    """Report the keyword written at ``path`` (the repeat) that ``clash`` claimed first (E404)."""
    keyword = " ".join(words).upper()
    if clash.file == src.file:
        message = msg("E404.same_file", keyword=keyword, line=clash.span.line)
    else:
        message = msg("E404.other_file", keyword=keyword, file=clash.file)
    src.error(
        "E404",
        message,
        path,
        hint=msg("E404.hint", where=clash.span),
    )


def _keyword_paths(src: Source, flow: Flow) -> dict[tuple[str, ...], list[tuple[Any, ...]]]:
    """Map each keyword of a file (as normalised words) to where it is written, in the order
    of the file: once per trigger or entry that has it (a trigger lists each keyword once)."""
    data = src.doc.data
    bases: list[tuple[Any, ...]] = []
    if flow.kind == "autoreply":
        bases = [("autoreply", i) for i in range(len(data["autoreply"]))]
    elif "trigger" in data:
        trig = data["trigger"]
        bases = (
            [("trigger", i) for i in range(len(trig))] if isinstance(trig, list) else [("trigger",)]
        )
    found: dict[tuple[str, ...], list[tuple[Any, ...]]] = {}
    for base in bases:
        node = src.get(base)
        if not isinstance(node, dict) or "keyword" not in node:
            continue
        value = node["keyword"]
        items = list(enumerate(value)) if isinstance(value, list) else [(None, value)]
        here: set[tuple[str, ...]] = set()
        for i, item in items:
            words = tuple(normalize(str(item)).split())
            if not words or words in here:
                continue
            here.add(words)
            where = (*base, "keyword") if i is None else (*base, "keyword", i)
            found.setdefault(words, []).append(where)
    return found


def check_votes(src: Source, flow: Flow, polls: set[str]) -> None:
    if flow.kind != "flow":
        return
    for name, state in src.doc.data["states"].items():
        _vote_refs(src, ("states", name), state, polls)


def _vote_refs(src: Source, path: tuple[Any, ...], node: Any, polls: set[str]) -> None:
    if isinstance(node, dict):
        vote = node.get("vote")
        if isinstance(vote, dict) and str(vote.get("poll")) not in polls:
            poll = str(vote.get("poll"))
            src.error(
                "E406",
                msg("E406.no_poll", name=poll),
                (*path, "vote", "poll"),
                hint=did_you_mean(poll, polls) or msg("E406.hint"),
            )
        for key, value in node.items():
            if key != "vote":
                _vote_refs(src, (*path, key), value, polls)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            _vote_refs(src, (*path, i), value, polls)
