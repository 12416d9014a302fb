"""Own the compile context of one rule file: DSL strings compiled with errors placed in the file."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from engine.dsl import (
    Condition,
    DslError,
    Pattern,
    Template,
    compile_condition,
    compile_pattern,
    compile_template,
    parse_duration,
)
from engine.dsl.compiler import NamePath, RegexAt
from engine.errors import RuleError, Span, did_you_mean
from engine.i18n import msg
from engine.ruleset.loader import Document
from engine.ruleset.model import INTENT_WORDS, Poll
from engine.ruleset.moments import MomentError, read_moment

__all__ = ["Path", "Source", "intent_hint"]

Path = tuple[str | int, ...]

_CAPTURE = re.compile(r"\{\s*([^\W\d]\w*)")
"""The names a pattern captures, as written (``{qty:number}``), read even when it is wrong."""


class Source:
    """One rule file being compiled: it reads values by path and collects errors with spans."""

    def __init__(self, document: Document, zone: str | None = None) -> None:
        self.doc = document
        self.zone = zone
        """``settings.timezone``: a date and time written without an offset is read there."""
        self.errors: list[RuleError] = []
        self.reads: list[tuple[str, tuple[str | int, ...], str]] = []
        """(root name, path of the string, the string) for every name an expression reads."""
        self.defines: set[str] = set()
        """Root names this file defines: pattern captures and ``set`` targets."""
        self.paths: list[tuple[NamePath, tuple[str | int, ...], str]] = []
        """Every dotted name the file's expressions read, with the path of their string."""
        self.regexes: list[tuple[RegexAt, tuple[str | int, ...], str]] = []
        """Every regex literal of the file's expressions, with the path of their string."""

    @property
    def file(self) -> str:
        return self.doc.file

    def get(self, path: Sequence[str | int]) -> Any:
        value: Any = self.doc.data
        for part in path:
            value = value[part]
        return value

    def span(self, path: Sequence[str | int], *, key: bool = False) -> Span:
        return self.doc.span(path, key=key)

    def error(
        self,
        code: str,
        message: str,
        path: Sequence[str | int],
        *,
        key: bool = False,
        hint: str | None = None,
        span: Span | None = None,
    ) -> None:
        self.errors.append(RuleError(code, message, span or self.span(path, key=key), hint))

    def _dsl_error(self, exc: DslError, path: Sequence[str | int]) -> None:
        try:
            span = self.doc.locate(path, exc.offset, max(1, exc.length))
        except (KeyError, IndexError, ValueError):
            span = self.span(path)
        self.errors.append(RuleError(exc.code, exc.message, span, exc.hint))

    def template(self, path: Sequence[str | int]) -> Template | None:
        raw = self.get(path)
        try:
            template = compile_template(_text(raw))
        except DslError as exc:
            self._dsl_error(exc, path)
            return None
        self._reads(template.names, path, template.source)
        self.paths.extend((name, tuple(path), template.source) for name in template.paths)
        self.regexes.extend((r, tuple(path), template.source) for r in template.regexes)
        return template

    def condition(self, path: Sequence[str | int]) -> Condition | None:
        try:
            condition = compile_condition(_text(self.get(path)))
        except DslError as exc:
            self._dsl_error(exc, path)
            return None
        self._reads(condition.names, path, condition.source)
        self.paths.extend((name, tuple(path), condition.source) for name in condition.paths)
        self.regexes.extend((r, tuple(path), condition.source) for r in condition.regexes)
        return condition

    def pattern(self, path: Sequence[str | int]) -> Pattern | None:
        text = _text(self.get(path))
        try:
            pattern = compile_pattern(text)
        except DslError as exc:
            self._dsl_error(exc, path)
            # its captures are meant: the names read from them are no mistake of their own
            self.defines.update(_CAPTURE.findall(text))
            return None
        self.defines.update(pattern.captures)
        return pattern

    def _reads(self, names: frozenset[str], path: Sequence[str | int], source: str) -> None:
        self.reads.extend((name, tuple(path), source) for name in names)

    def check_names(self, known: frozenset[str]) -> None:
        """Report names one typo away from a name twoway provides, unless this file defines them.

        Session variables are open-ended (a scheduled flow may receive any parameter), so only
        near misses such as ``contcat.name`` or ``answer.score`` are errors.
        """
        for name, path, source in self.reads:
            if name in known or name in self.defines:
                continue
            hint = intent_hint(name) or did_you_mean(name, known)
            if hint is None:
                continue
            match = re.search(rf"(?<![\w.]){re.escape(name)}\b", source)
            offset = match.start() if match else 0
            try:
                span = self.doc.locate(path, offset, len(name))
            except (KeyError, IndexError, ValueError):
                span = self.span(path)
            self.errors.append(RuleError("E305", msg("E305.unknown", name=name), span, hint))

    def check_polls(self, polls: Mapping[str, Poll]) -> set[str]:
        """Report ``poll.<id>.…`` names that read no poll of the rule set, or nothing a poll has
        (E406, E305); return the ids of the polls the file reads."""
        read: set[str] = set()
        for name, path, source in self.paths:
            parts = name.path
            if parts[0] != "poll":
                continue
            poll = polls.get(parts[1]) if len(parts) > 1 else None
            problem = _poll_problem(parts, poll, polls)
            if problem is None:
                assert poll is not None
                read.add(poll.id)
                continue
            code, message, hint = problem
            offset, length = name.offset, name.length
            written = f"poll.{parts[1]}" if len(parts) > 1 else ""
            if code == "E406" and source.startswith(written, offset):
                offset, length = offset + 5, len(parts[1])  # underline the poll's id only
            try:
                span = self.doc.locate(path, offset, max(1, length))
            except (KeyError, IndexError, ValueError):
                span = self.span(path)
            self.errors.append(RuleError(code, message, span, hint))
        return read

    def duration(self, path: Sequence[str | int]) -> timedelta | None:
        try:
            return parse_duration(_text(self.get(path)))
        except DslError as exc:
            self._dsl_error(exc, path)
            return None

    def moment(self, path: Sequence[str | int]) -> datetime | None:
        """An ISO 8601 date and time, read in ``settings.timezone`` when it has no offset
        (``moments.read_moment``); None after an E207."""
        raw = _text(self.get(path))
        try:
            return read_moment(raw, self.zone)
        except MomentError as problem:
            self.error("E207", problem.message, path, hint=problem.hint)
            return None


_POLL_FIELDS = {"leader": ("key", "label", "count"), "count": None, "total": (), "title": ()}
_POLL_EXAMPLE = "poll.<id>.leader.label, poll.<id>.count.<choice> or poll.<id>.total"


def _poll_problem(
    parts: tuple[str, ...], poll: Poll | None, polls: Mapping[str, Poll]
) -> tuple[str, str, str] | None:
    """What is wrong with the name ``poll.…`` written as ``parts``: (code, message, hint)."""
    whole = ".".join(parts)
    if len(parts) < 3:
        return "E305", msg("E305.not_a_value", name=whole), msg("write", what=_POLL_EXAMPLE)
    if poll is None:
        known = sorted(polls)
        hint = did_you_mean(parts[1], known) or (
            msg("E406.polls.hint", names=", ".join(known)) if known else msg("E406.hint")
        )
        return "E406", msg("E406.no_poll", name=parts[1]), hint
    field_name = parts[2]
    if field_name not in _POLL_FIELDS:
        hint = did_you_mean(field_name, list(_POLL_FIELDS)) or msg("write", what=_POLL_EXAMPLE)
        return "E305", msg("E305.unknown", name=whole), hint
    below = _POLL_FIELDS[field_name]
    if below is None:  # count.<choice>
        if len(parts) != 4 or parts[3] not in poll.choices:
            choices = list(poll.choices)
            wrong = parts[3] if len(parts) > 3 else ""
            hint = (wrong and did_you_mean(wrong, choices)) or (
                msg("E305.choices.hint", poll=poll.id, choices=", ".join(choices))
            )
            return "E305", msg("E305.unknown", name=whole), hint
        return None
    if len(parts) > 3 + bool(below) or (below and (len(parts) < 4 or parts[3] not in below)):
        options = ", ".join(f"{'.'.join(parts[:3])}.{b}" for b in below) if below else ""
        written = options or ".".join(parts[:3])
        return "E305", msg("E305.unknown", name=whole), msg("write", what=written)
    return None


def intent_hint(word: str) -> str | None:
    """The hint for ``oui``, ``non``, ``aide``…: the intent name meant, or None."""
    intent = INTENT_WORDS.get(word.casefold())
    if intent is None:
        return None
    return msg("E305.intent.hint", intent=intent)


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def setting_written(documents: Sequence[Document], key: str) -> str | None:
    """``settings.<key>`` as the rule set's settings file writes it (read before the files
    are compiled: forms write their built-in texts in the language, dates in the zone)."""
    for document in documents:
        settings = document.data.get("settings") if isinstance(document.data, dict) else None
        if isinstance(settings, dict) and isinstance(settings.get(key), str):
            return str(settings[key])
    return None
