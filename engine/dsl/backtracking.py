"""Own the guess that a regex can backtrack badly, which ``twoway check`` warns about (W408).

A repeated group is suspect when one text can be split between its turns in many ways, which a
backtracking engine then tries one by one before it gives up on a message that almost matches:

- ``nested``: a variable repeat inside it can take a character the next turn (or what follows
  the inner repeat in the group) could take as well: ``(a+)+``, ``(\\w+\\s?)+$``, ``(\\d+\\d)+``;
- ``alternatives``: two of its alternatives match the same text, or one matches the start of
  another and the next turn can match the rest: ``(a|a)*``, ``(a|aa)+``;
- ``empty``: it can match nothing, so every turn can be empty: ``(.*)*``, ``(a?)+``.

A group repeated at most ``_FEW`` times, a possessive repeat (``(ab)*+``) and an atomic group
(``(?>a+)``) are not suspect. The regex is read with Python's own parser (``re._parser``); one it
cannot read (``\\p{L}`` of the ``regex`` module, a reference to a group outside the repeated
group) is not suspect either: this is a warning, and nothing is rejected when rules run (the
run time bounds the time regexes take instead, ``engine.dsl.budget``).
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from re import _constants as c
from re import _parser as parser
from typing import Any

__all__ = ["Backtracking", "backtracking"]

_FEW = 10
"""A group repeated at most this many times is never suspect."""
_QUANTIFIER = re.compile(r"(?:[*+?]|\{\d*(?:,\d*)?\})[?+]?")
_SAMPLE = string.printable + "\u00a0\u2003éÉèàçÇßœ€٣"
"""The characters classes are compared on, with the pattern's own characters."""
_FLAGS = {"i": re.IGNORECASE, "m": re.MULTILINE, "s": re.DOTALL}
_CATEGORIES: dict[Any, Callable[[str], bool]] = {
    c.CATEGORY_DIGIT: str.isdecimal,
    c.CATEGORY_NOT_DIGIT: lambda ch: not ch.isdecimal(),
    c.CATEGORY_SPACE: str.isspace,
    c.CATEGORY_NOT_SPACE: lambda ch: not ch.isspace(),
    c.CATEGORY_WORD: lambda ch: ch.isalnum() or ch == "_",
    c.CATEGORY_NOT_WORD: lambda ch: not (ch.isalnum() or ch == "_"),
}
_REPEATS = (c.MAX_REPEAT, c.MIN_REPEAT)
_CHARS = (c.LITERAL, c.NOT_LITERAL, c.ANY, c.IN)


@dataclass(frozen=True, slots=True)
class Backtracking:
    """The repeated group that can backtrack badly: ``pattern[start:end]``, and why."""

    start: int
    end: int
    kind: str
    """``nested``, ``alternatives`` or ``empty``."""
    part: str


def backtracking(pattern: str, flags: str = "") -> Backtracking | None:
    """The first (outermost) repeated group of ``pattern`` that can backtrack badly, or None.

    ``flags`` are the DSL's regex flags (``i``, ``m``, ``s``)."""
    value = 0
    for flag in flags:
        value |= _FLAGS.get(flag, 0)
    try:
        value |= parser.parse(pattern, value).state.flags
    except (re.error, RecursionError, OverflowError, ValueError):
        return None
    for start, end in _repeated_groups(pattern):
        kind = _suspect(pattern[start:end], value)
        if kind is not None:
            return Backtracking(start, end, kind, pattern[start:end])
    return None


def _repeated_groups(pattern: str) -> list[tuple[int, int]]:
    """The spans of the groups written with a quantifier after them, outermost first."""
    spans: list[tuple[int, int]] = []
    opened: list[int] = []
    index, in_class = 0, False
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            index += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
            index += 1 + pattern.startswith("^", index + 1)
            index += pattern.startswith("]", index)  # a "]" first is a character of the class
            continue
        elif char == "(":
            opened.append(index)
        elif char == ")" and opened:
            start = opened.pop()
            quantifier = _QUANTIFIER.match(pattern, index + 1)
            if quantifier is not None:
                spans.append((start, quantifier.end()))
        index += 1
    return sorted(spans)


def _suspect(part: str, flags: int) -> str | None:
    """Why the repeated group ``part`` (a group and its quantifier) can backtrack badly."""
    try:
        tree = parser.parse(part, flags)
    except (re.error, RecursionError, OverflowError, ValueError):
        return None  # a reference to a group outside it, say
    if len(tree.data) != 1 or tree.data[0][0] not in _REPEATS:
        return None  # possessive, or not repeated after all
    low, high, body = tree.data[0][1]
    if high <= _FEW or high == low:
        return None
    chars = _Chars(part, bool(flags & re.IGNORECASE))
    items = _unwrap(list(body))
    if items is None:
        return None  # atomic
    first, empty = chars.first(items)
    if empty:
        return "empty"
    return _Walk(chars).sequence(items, first)


def _unwrap(items: list[Any]) -> list[Any] | None:
    """The items of a repeated group without its parentheses; None for an atomic group."""
    while len(items) == 1 and items[0][0] in (c.SUBPATTERN, c.ATOMIC_GROUP):
        if items[0][0] == c.ATOMIC_GROUP:
            return None
        items = list(items[0][1][-1])
    return items


class _Chars:
    """The characters an item can start with, among the sample and the pattern's own."""

    def __init__(self, part: str, ignore_case: bool) -> None:
        self.sample = sorted(set(_SAMPLE) | set(part))
        self.ignore_case = ignore_case

    def _where(self, test: Callable[[str], bool]) -> frozenset[str]:
        if self.ignore_case:
            return frozenset(ch for ch in self.sample if any(map(test, _cases(ch))))
        return frozenset(ch for ch in self.sample if test(ch))

    def first(self, items: Sequence[Any]) -> tuple[frozenset[str], bool]:
        """The characters ``items`` can start with, and whether they can match nothing."""
        found: frozenset[str] = frozenset()
        for op, av in items:
            chars, empty = self.item(op, av)
            found |= chars
            if not empty:
                return found, False
        return found, True

    def item(self, op: Any, av: Any) -> tuple[frozenset[str], bool]:
        if op in _CHARS:
            return self._where(lambda ch: _in_class(op, av, ch)), False
        if op in (c.SUBPATTERN, c.ATOMIC_GROUP):
            return self.first(av[-1] if op == c.SUBPATTERN else av)
        if op == c.BRANCH:
            firsts = [self.first(branch) for branch in av[1]]
            return frozenset().union(*(f for f, _ in firsts)), any(e for _, e in firsts)
        if op in (*_REPEATS, c.POSSESSIVE_REPEAT):
            chars, empty = self.first(av[2])
            return chars, empty or av[0] == 0
        if op in (c.AT, c.ASSERT, c.ASSERT_NOT):
            return frozenset(), True
        return frozenset(self.sample), True  # a back-reference, a conditional: anything

    def single(self, op: Any, av: Any) -> frozenset[str]:
        return self._where(lambda ch: _in_class(op, av, ch))


def _cases(ch: str) -> set[str]:
    """``ch`` in either case (one character each: not "SS" for "ß")."""
    return {x for x in (ch, ch.lower(), ch.upper()) if len(x) == 1}


def _anything(_: str) -> bool:
    return True


def _in_class(op: Any, av: Any, ch: str) -> bool:
    """Whether the one-character item ``(op, av)`` matches ``ch``."""
    if op == c.LITERAL:
        return bool(ord(ch) == av)
    if op == c.NOT_LITERAL:
        return bool(ord(ch) != av)
    if op == c.ANY:
        return True
    inside = False
    negated = False
    for kind, value in av:
        if kind == c.NEGATE:
            negated = True
        elif kind == c.LITERAL:
            inside = inside or ord(ch) == value
        elif kind == c.RANGE:
            inside = inside or value[0] <= ord(ch) <= value[1]
        elif kind == c.CATEGORY:
            inside = inside or _CATEGORIES.get(value, _anything)(ch)
    return inside != negated


class _Walk:
    """Find, inside a repeated group, what lets one text be split between its turns."""

    def __init__(self, chars: _Chars) -> None:
        self.chars = chars

    def sequence(self, items: Sequence[Any], follow: frozenset[str]) -> str | None:
        """``follow``: the characters that can come right after ``items`` inside the group."""
        for index, (op, av) in enumerate(items):
            after, empty = self.chars.first(items[index + 1 :])
            found = self.item(op, av, after | follow if empty else after)
            if found is not None:
                return found
        return None

    def item(self, op: Any, av: Any, follow: frozenset[str]) -> str | None:
        if op in _REPEATS:
            low, high, body = av
            starts, _ = self.chars.first(body)
            if low != high and starts & follow:
                return "nested"
            return self.sequence(body, starts | follow)
        if op == c.SUBPATTERN:
            return self.sequence(av[-1], follow)
        if op == c.BRANCH:
            if _ambiguous(self.chars, av[1], follow):
                return "alternatives"
            return next(filter(None, (self.sequence(b, follow) for b in av[1])), None)
        return None  # one character, an anchor, a lookaround, or possessive, or atomic


def _ambiguous(chars: _Chars, branches: Iterable[Any], follow: frozenset[str]) -> bool:
    """Two alternatives alike, or one of single characters matching the start of another
    whose rest can start with what follows the alternation (``a|aa``, but not ``a|ab``)."""
    written = [list(branch) for branch in branches]
    seen = [repr(branch) for branch in written]
    if len(set(seen)) < len(seen):
        return True
    simple = [b for b in written if all(op in _CHARS for op, _ in b)]
    for index, one in enumerate(simple):
        for other in simple[index + 1 :]:
            short, long = sorted((one, other), key=len)
            pairs = zip(short, long, strict=False)
            if all(chars.single(*x) & chars.single(*y) for x, y in pairs):
                rest, _ = chars.first(long[len(short) :])
                if len(long) == len(short) or rest & follow:
                    return True
    return False
