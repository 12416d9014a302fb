"""Own the warnings of `twoway check` on texts, keywords, polls, campaigns, states (W402–W406).

- W402: a reply-like text whose literal part has characters outside GSM-7: it goes as UCS-2
  (70 characters a part instead of 160), when one of them has an obvious GSM-7 replacement
  (``’`` → ``'``) or when they cost SMS parts. Each is named with where it is written and its
  replacement, and the cost in SMS parts is given.
- W403: a ``match`` trigger that can never fire because a one-word keyword trigger on the same
  numbers takes every message starting with the pattern's first word (keywords are tried before
  patterns).
- W404: a poll without ``closes:``: it takes votes forever.
- W405: a marketing campaign whose message says nothing of how to opt out (STOP, ARRET…).
- W406: a waiting state that only its timeout leaves: every case and the ``otherwise`` stay in it.
- W408: a regex (``text ~ /…/``) that can backtrack badly, by ``engine.dsl.backtracking``'s
  guess: the part to rewrite is named and underlined.

A warning never fails ``twoway check`` (``--strict`` makes it an error).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Mapping
from typing import NamedTuple

from engine.dsl import Template
from engine.dsl.backtracking import backtracking
from engine.errors import RuleError, Span
from engine.i18n import msg
from engine.ruleset.campaigns import Campaign
from engine.ruleset.model import Case, Flow, Say, State, Trigger
from engine.ruleset.ruleset import RuleSet
from engine.ruleset.source import Source
from engine.ruleset.warnings import replies
from engine.sms import GSM7_CHARS, count_parts

__all__ = [
    "GSM7_REPLACEMENTS",
    "campaign_warning",
    "lint_warnings",
    "poll_warning",
    "regex_warnings",
]

GSM7_REPLACEMENTS: Mapping[str, str] = {
    "\u2014": "-",  # em dash
    "\u2013": "-",  # en dash
    "\u2019": "'",
    "\u2018": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u00ab": '"',
    "\u00bb": '"',
    "\u2026": "...",
    "\u00a0": " ",  # non-breaking space
    "\u202f": " ",  # narrow non-breaking space
    "\u0153": "oe",
    "\u0152": "OE",
    "\u00e7": "\u00c7",  # GSM-7 has only the capital C cedilla
}
"""Characters outside GSM-7 and what to write instead, when the replacement is obvious."""

_OPT_OUT = re.compile(r"\b(?:stop|arr[eê]t|unsubscribe|d[eé]sabonner|baja|stopp)\b", re.I)
"""Opt-out wording a marketing message must carry (the compliance words of the opt-out)."""


class Offender(NamedTuple):
    """A character outside GSM-7 in a text, where it is written, and what to write instead."""

    char: str
    where: Span
    replacement: str | None

    @property
    def name(self) -> str:
        if self.char.isprintable() and not self.char.isspace():
            return f"'{self.char}'"
        return f"U+{ord(self.char):04X}"

    def describe(self) -> str:
        instead = (
            msg("W402.instead", what=repr(self.replacement)) if self.replacement is not None else ""
        )
        return msg("W402.at", name=self.name, where=self.where, instead=instead)


def lint_warnings(ruleset: RuleSet, sources: Mapping[str, str]) -> list[RuleError]:
    """The W402, W403 and W406 warnings of a compiled rule set."""
    found: list[RuleError] = []
    for flow in ruleset.flows.values():
        for template, where in replies(flow):
            warning = _ucs2(template, where, sources.get(where.file, ""))
            if warning is not None:
                found.append(warning)
        for state in flow.states.values():
            warning = _timeout_only(state)
            if warning is not None:
                found.append(warning)
    for poll in ruleset.polls.values():  # its ask and invalid are actions of its flow
        for key in ("reply", "already_voted", "changed", "closed", "not_open"):
            template, at = getattr(poll, key), poll.where.get(key)
            if isinstance(template, Template) and at is not None:
                warning = _ucs2(template, at, sources.get(at.file, ""))
                if warning is not None:
                    found.append(warning)
    found.extend(_shadowed(ruleset))
    return found


def poll_warning(src: Source) -> RuleError | None:
    """W404 for a poll file without ``closes:``."""
    if "closes" in src.doc.data:
        return None
    return RuleError(
        "W404",
        msg("W404.no_close"),
        src.span(("poll",), key=True),
        msg("W404.hint"),
    )


def campaign_warning(
    src: Source, campaign: Campaign, flows: Mapping[str, Flow]
) -> RuleError | None:
    """W405 for a marketing campaign whose message (its ``say:``, or what the flow it starts
    says first) does not tell how to opt out."""
    if campaign.kind != "marketing":
        return None
    data = src.doc.data
    flow = flows.get(campaign.flow)
    if flow is None:
        return None
    state = flow.states.get(flow.start)
    texts = [a.text.source for a in state.actions if isinstance(a, Say)] if state else []
    if not texts or any(_OPT_OUT.search(text) for text in texts):
        return None
    key = "say" if "say" in data else "start"
    return RuleError(
        "W405",
        msg("W405.no_opt_out"),
        src.span((key,), key=True),
        msg("W405.hint"),
    )


def _ucs2(template: Template, where: Span, source: str) -> RuleError | None:
    """W402 when the literal text has a typographic character with a GSM-7 replacement, or
    characters outside GSM-7 that make it take more SMS parts than it would without them."""
    literal = template.literal
    outside = [char for char in dict.fromkeys(literal) if char not in GSM7_CHARS]
    if not outside:
        return None
    offenders = [
        Offender(char, _position(char, where, source), GSM7_REPLACEMENTS.get(char))
        for char in outside
    ]
    fixed = "".join(_nearest(char) for char in literal)
    now, then = count_parts(literal, stop=256), count_parts(fixed, stop=256)
    if now <= then and all(o.replacement is None for o in offenders):
        return None  # an accent GSM-7 lacks (ê, ô) that costs no part: the text is right
    names = ", ".join(o.name for o in offenders)
    many = "many" if len(offenders) != 1 else "one"
    parts = msg("W402.parts.one" if now == 1 else "W402.parts.many", n=now)
    message = msg(f"W402.{many}", names=names, length=len(literal), parts=parts, then=then)
    hint = _outside(offenders)
    return RuleError("W402", message, where, hint)


def _nearest(char: str) -> str:
    """``char`` in GSM-7: itself, its replacement, or its letter without the accent (ê → e)."""
    if char in GSM7_CHARS:
        return char
    if char in GSM7_REPLACEMENTS:
        return GSM7_REPLACEMENTS[char]
    base = unicodedata.normalize("NFD", char)[0]
    return base if base in GSM7_CHARS else "?"


def _position(char: str, where: Span, source: str) -> Span:
    """Where ``char`` is first written at or after the key ``where`` names."""
    lines = source.splitlines()
    for number in range(where.line - 1, len(lines)):
        line = lines[number]
        start = where.col - 1 if number == where.line - 1 else 0
        col = line.find(char, start)
        if col >= 0:
            return Span(where.file, number + 1, col + 1)
    return where


def _timeout_only(state: State) -> RuleError | None:
    wait = state.wait
    if wait is None or wait.timeout is None or wait.fall_through:
        return None
    if any(_leaves(case, state.name) for case in (*wait.cases, wait.otherwise)):
        return None
    timeout = wait.timeout
    where = timeout.where or next((c.where for c in wait.cases if c.where), None)
    return RuleError(
        "W406",
        msg("W406.timeout_only", name=state.name),
        where,
        msg("W406.hint"),
    )


def _leaves(case: Case, name: str) -> bool:
    exits = [case.then] + ([case.exhausted] if case.retries is not None else [])
    return any(not goto.is_stay and goto.state != name for goto in exits)


def _shadowed(ruleset: RuleSet) -> Iterator[RuleError]:
    keywords = [
        t
        for flow in ruleset.flows.values()
        for t in flow.triggers
        if t.kind == "keyword" and t.guard is None
    ]
    for flow in ruleset.flows.values():
        for trigger in flow.triggers:
            if trigger.kind != "match" or trigger.pattern is None or trigger.where is None:
                continue
            first = trigger.pattern.first_word
            taker = next((k for k in keywords if _takes(k, trigger, first)), None)
            if taker is not None:
                yield _shadow_warning(trigger, taker, first or "")


def _takes(keyword: Trigger, pattern: Trigger, first: str | None) -> bool:
    """True when ``keyword`` takes every message ``pattern`` could match, on all its numbers."""
    if first is None or (first,) not in keyword.keywords:
        return False
    if pattern.interrupt and not keyword.interrupt:
        return False  # while a session waits, the pattern is tried and the keyword is not
    if keyword.numbers is None:
        return True
    return pattern.numbers is not None and pattern.numbers <= keyword.numbers


def _shadow_warning(pattern: Trigger, keyword: Trigger, first: str) -> RuleError:
    at = f" ({keyword.where})" if keyword.where is not None else ""
    return RuleError(
        "W403",
        msg("W403.shadowed", word=first.upper(), flow=keyword.flow, at=at),
        pattern.where,
        msg("W403.hint"),
    )


def _outside(offenders: list[Offender]) -> str:
    """``outside GSM-7: a at f:1:2; b at f:1:5`` (each offender written in the language)."""
    said: str = offenders[0].describe()
    for offender in offenders[1:]:
        said = msg("list.semicolon", a=said, b=offender.describe())
    return msg("W402.outside", chars=said)


def regex_warnings(src: Source) -> list[RuleError]:
    """A W408 for every regex of ``src``'s expressions that can backtrack badly."""
    found: list[RuleError] = []
    for regex, path, source in src.regexes:
        suspect = backtracking(regex.pattern, regex.flags)
        if suspect is None:
            continue
        offset, length = regex.offset, regex.length
        if source[offset + 1 : offset + 1 + len(regex.pattern)] == regex.pattern:
            offset, length = offset + 1 + suspect.start, suspect.end - suspect.start
        try:
            span = src.doc.locate(path, offset, max(1, length))
        except (KeyError, IndexError, ValueError):
            span = src.span(path)
        message = msg("W408.backtracking", part=suspect.part)
        found.append(RuleError("W408", message, span, msg(f"W408.{suspect.kind}.hint")))
    return found
