"""Own the compile context of one rule file: DSL strings compiled with errors placed in the file."""

from __future__ import annotations

import re
from collections.abc import Sequence
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
from engine.errors import RuleError, Span, did_you_mean
from engine.ruleset.loader import Document

__all__ = ["Path", "Source"]

Path = tuple[str | int, ...]


class Source:
    """One rule file being compiled: it reads values by path and collects errors with spans."""

    def __init__(self, document: Document) -> None:
        self.doc = document
        self.errors: list[RuleError] = []
        self.reads: list[tuple[str, tuple[str | int, ...], str]] = []
        """(root name, path of the string, the string) for every name an expression reads."""
        self.defines: set[str] = set()
        """Root names this file defines: pattern captures and ``set`` targets."""

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
        return template

    def condition(self, path: Sequence[str | int]) -> Condition | None:
        try:
            condition = compile_condition(_text(self.get(path)))
        except DslError as exc:
            self._dsl_error(exc, path)
            return None
        self._reads(condition.names, path, condition.source)
        return condition

    def pattern(self, path: Sequence[str | int]) -> Pattern | None:
        try:
            pattern = compile_pattern(_text(self.get(path)))
        except DslError as exc:
            self._dsl_error(exc, path)
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
            hint = did_you_mean(name, known)
            if hint is None:
                continue
            match = re.search(rf"(?<![\w.]){re.escape(name)}\b", source)
            offset = match.start() if match else 0
            try:
                span = self.doc.locate(path, offset, len(name))
            except (KeyError, IndexError, ValueError):
                span = self.span(path)
            self.errors.append(RuleError("E305", f"unknown name '{name}'", span, hint))

    def duration(self, path: Sequence[str | int]) -> timedelta | None:
        try:
            return parse_duration(_text(self.get(path)))
        except DslError as exc:
            self._dsl_error(exc, path)
            return None

    def moment(self, path: Sequence[str | int]) -> datetime | None:
        """Parse an ISO 8601 date-time that carries its time zone."""
        raw = _text(self.get(path))
        try:
            value = datetime.fromisoformat(raw)
        except ValueError:
            self.error(
                "E207",
                f"'{raw}' is not a date and time",
                path,
                hint="write it in ISO 8601 with its time zone, like 2026-12-24T20:00:00+01:00",
            )
            return None
        if value.tzinfo is None:
            self.error(
                "E207",
                f"'{raw}' has no time zone",
                path,
                hint="add the offset, like 2026-12-24T20:00:00+01:00, or Z for UTC",
            )
            return None
        return value


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
