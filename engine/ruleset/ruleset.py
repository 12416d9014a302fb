"""Own the RuleSet: every compiled flow, poll and setting, with the indexes that find a trigger.

Looking up a trigger never scans every rule: keywords are indexed by their first normalised word,
patterns by their first literal word; only patterns that start with a capture and ``when``
catch-alls are tried in order.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from engine.dsl import EvalError
from engine.ruleset.campaigns import Campaign
from engine.ruleset.model import Flow, Poll, Settings, Trigger

__all__ = ["RuleSet", "TriggerMatch"]


@dataclass(frozen=True, slots=True)
class TriggerMatch:
    trigger: Trigger
    captures: Mapping[str, Any]
    rest: str
    """The message text after the keyword, as typed."""
    corrected: tuple[str, str] | None = None
    """(the word as typed, the keyword word) when a one-letter typo was forgiven."""


@dataclass(frozen=True, slots=True)
class _Keyword:
    words: tuple[str, ...]
    trigger: Trigger


def _applies(trigger: Trigger, number: str) -> bool:
    return trigger.numbers is None or number in trigger.numbers


@dataclass(frozen=True)
class RuleSet:
    """All rule files, compiled and immutable; swapped whole on reload."""

    version: str
    flows: Mapping[str, Flow]
    polls: Mapping[str, Poll] = field(default_factory=dict)
    settings: Settings = field(default_factory=Settings)
    files: tuple[str, ...] = ()
    campaigns: Mapping[str, Campaign] = field(default_factory=dict)
    tallied: frozenset[str] = frozenset()
    """The polls whose counts the rules' expressions read (``poll.<id>.…``): the service reads
    the votes of these, and only these, for each batch; none when no rule reads ``poll``."""
    _keywords: Mapping[str, tuple[_Keyword, ...]] = field(default_factory=dict, repr=False)
    _patterns: Mapping[str, tuple[Trigger, ...]] = field(default_factory=dict, repr=False)
    _open_patterns: tuple[Trigger, ...] = field(default=(), repr=False)
    _catchalls: tuple[Trigger, ...] = field(default=(), repr=False)
    _near: Mapping[str, frozenset[str]] = field(default_factory=dict, repr=False)
    """One-deletion variants of long keyword first words → those words (typo tolerance)."""

    @classmethod
    def build(
        cls,
        version: str,
        flows: Sequence[Flow],
        polls: Sequence[Poll] = (),
        settings: Settings | None = None,
        files: Sequence[str] = (),
        campaigns: Sequence[Campaign] = (),
        *,
        tallied: Iterable[str] = (),
    ) -> RuleSet:
        keywords: dict[str, list[_Keyword]] = {}
        patterns: dict[str, list[Trigger]] = {}
        open_patterns: list[Trigger] = []
        catchalls: list[Trigger] = []
        for flow in flows:
            for trigger in flow.triggers:
                if trigger.kind == "keyword":
                    for words in trigger.keywords:
                        keywords.setdefault(words[0], []).append(_Keyword(words, trigger))
                elif trigger.kind == "match" and trigger.pattern is not None:
                    first = trigger.pattern.first_word
                    if first:
                        patterns.setdefault(first, []).append(trigger)
                    else:
                        open_patterns.append(trigger)
                elif trigger.kind in ("when", "otherwise"):
                    catchalls.append(trigger)
        # Longest keyword first, then the author's order: "OPENING HOURS" wins over "OPENING".
        index = {
            word: tuple(sorted(items, key=lambda k: (-len(k.words), k.trigger.order)))
            for word, items in keywords.items()
        }
        return cls(
            version=version,
            flows={flow.id: flow for flow in flows},
            polls={poll.id: poll for poll in polls},
            settings=settings or Settings(),
            files=tuple(files),
            campaigns={campaign.id: campaign for campaign in campaigns},
            tallied=frozenset(tallied),
            _keywords=index,
            _patterns={w: tuple(sorted(t, key=lambda t: t.order)) for w, t in patterns.items()},
            _open_patterns=tuple(sorted(open_patterns, key=lambda t: t.order)),
            _catchalls=tuple(sorted(catchalls, key=lambda t: (t.kind == "otherwise", t.order))),
            _near=_near_index(index),
        )

    def find_trigger(
        self,
        words: Sequence[str],
        text: str,
        number: str,
        *,
        interrupting: bool = False,
        problems: list[tuple[EvalError, Trigger]] | None = None,
        accept: Callable[[Trigger, Mapping[str, Any]], bool] | None = None,
    ) -> TriggerMatch | None:
        """Return the keyword or pattern trigger for a message (precedence level 3), if any.

        A pattern that cannot be matched (out of time) does not match; it is added to
        ``problems`` when given. ``accept`` checks a pattern trigger's ``when`` guard with its
        captures: when it says no, the next trigger is tried."""
        if not words:
            return None
        first = words[0]
        for keyword in self._keywords.get(first, ()):
            size = len(keyword.words)
            # Indexed by its first word: a one-word keyword matches without comparing.
            if (size == 1 or tuple(words[:size]) == keyword.words) and _applies(
                keyword.trigger, number
            ):
                if interrupting and not keyword.trigger.interrupt:
                    continue
                return TriggerMatch(keyword.trigger, {}, _rest_after(text, size))
        candidates = self._patterns.get(first, ())
        if self._open_patterns:
            candidates = (*candidates, *self._open_patterns)
        for trigger in candidates:
            if interrupting and not trigger.interrupt:
                continue
            if not _applies(trigger, number) or trigger.pattern is None:
                continue
            try:
                captures = trigger.pattern.match(text)
            except EvalError as exc:
                if problems is not None:
                    problems.append((exc, trigger))
                continue
            if captures is not None and (
                trigger.guard is None or accept is None or accept(trigger, captures)
            ):
                return TriggerMatch(trigger, captures, "")
        if self.settings.typo_tolerance and not interrupting:
            return self._forgive_typo(words, text, number)
        return None

    def _forgive_typo(self, words: Sequence[str], text: str, number: str) -> TriggerMatch | None:
        """Match a keyword whose first word is one typo away from the message's first word.

        Only for words of at least ``TYPO_MIN`` letters, and only when exactly one keyword word
        is that close: "VOET" is not "VOTE" (too short), "HORAIRS" is "HORAIRES".
        """
        first = words[0]
        if len(first) < TYPO_MIN or not self._near:
            return None
        close: set[str] = set()
        for variant in (first, *_deletions(first)):
            close.update(self._near.get(variant, ()))
        close = {word for word in close if word != first and _one_edit(first, word)}
        if len(close) != 1:
            return None
        (word,) = close
        fixed = [word, *words[1:]]
        for keyword in self._keywords.get(word, ()):
            size = len(keyword.words)
            if tuple(fixed[:size]) == keyword.words and _applies(keyword.trigger, number):
                return TriggerMatch(
                    keyword.trigger, {}, _rest_after(text, size), corrected=(first, word)
                )
        return None

    def catchalls(self, number: str) -> tuple[Trigger, ...]:
        """Return the ``when`` triggers then the ``otherwise`` triggers for a number (level 4)."""
        return tuple(t for t in self._catchalls if _applies(t, number))

    def schedule_flow(self, name: str) -> Flow | None:
        """Return the flow started by the schedule ``name`` (or the flow whose id is ``name``)."""
        for flow in self.flows.values():
            for trigger in flow.triggers:
                if trigger.kind == "schedule" and trigger.schedule == name:
                    return flow
        return self.flows.get(name)

    @property
    def keyword_count(self) -> int:
        return sum(len(items) for items in self._keywords.values())


TYPO_MIN = 5
"""Shorter keywords are too easy to reach by accident (VOTE, OUI, A): they must be exact."""


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def _near_index(keywords: Mapping[str, Any]) -> dict[str, frozenset[str]]:
    near: dict[str, set[str]] = {}
    for word in keywords:
        if len(word) >= TYPO_MIN and word.isalpha():
            for variant in (word, *_deletions(word)):
                near.setdefault(variant, set()).add(word)
    return {variant: frozenset(words) for variant, words in near.items()}


def _one_edit(a: str, b: str) -> bool:
    """Return whether ``a`` becomes ``b`` by one insertion, deletion, substitution or swap."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diffs = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diffs) == 1:
            return True
        i, j = diffs[0], diffs[-1]
        return len(diffs) == 2 and j == i + 1 and a[i] == b[j] and a[j] == b[i]
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))


# Anything not a letter/digit, then letters/digits: ``[^\W_]`` is exactly ``str.isalnum``.
_WORD = re.compile(r"[\W_]*[^\W_]*")


def _rest_after(text: str, words: int) -> str:
    """Return ``text`` without its first ``words`` words (split on anything not a letter/digit)."""
    rest = text.strip()
    end = 0
    for _ in range(words):
        found = _WORD.match(rest, end)
        assert found is not None  # the pattern matches the empty string
        end = found.end()
    return rest[end:].strip(" \t\r\n:;,.!?-")
