"""Own the error types of twoway and the rendering of rule-file errors for analysts.

``RuleError`` is data (code, message, span, hint); ``render`` turns it into the text an analyst
reads: ``file:line:col: error[E204]: message``, the source line, a caret, a hint.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from engine.i18n import localize, msg, plural, say

__all__ = [
    "ConfigError",
    "InvalidMessage",
    "RuleError",
    "RuleErrors",
    "Span",
    "StoreError",
    "StoreUnavailable",
    "TransportError",
    "TwowayError",
    "did_you_mean",
    "render",
    "render_all",
]


class TwowayError(Exception):
    """Base of every exception twoway raises on purpose."""


class ConfigError(TwowayError):
    """The deployment configuration is invalid."""


class StoreError(TwowayError):
    """The store failed (disk full, locked, corrupt)."""


class StoreUnavailable(StoreError):
    """The store cannot write now (disk full, read-only, I/O error, locked by another process):
    the same work may succeed later, so it is kept and tried again, never dropped."""


class InvalidMessage(TwowayError, ValueError):
    """An inbound message the engine refuses for good (a field that is not valid Unicode, …):
    its sender must not send it again as it is; the other messages are not affected."""


class TransportError(TwowayError):
    """A connector failed; ``transient`` says whether retrying may help."""

    def __init__(self, message: str, *, transient: bool = True) -> None:
        super().__init__(message)
        self.transient = transient


@dataclass(frozen=True, slots=True)
class Span:
    """A place in a source file: 1-based line and column, ``length`` characters wide."""

    file: str
    line: int
    col: int
    length: int = 1

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}"


@dataclass(frozen=True, slots=True)
class RuleError:
    """One mistake in a rule file, stable ``code`` (``E###``) and all."""

    code: str
    message: str
    span: Span | None = None
    hint: str | None = None

    def sort_key(self) -> tuple[str, int, int, str]:
        if self.span is None:
            return ("", 0, 0, self.code)
        return (self.span.file, self.span.line, self.span.col, self.code)


class RuleErrors(TwowayError):
    """Raised when rule files do not compile; carries every error found, sorted."""

    def __init__(self, errors: Iterable[RuleError], sources: Mapping[str, str] | None = None):
        self.errors: tuple[RuleError, ...] = tuple(sorted(errors, key=RuleError.sort_key))
        self.sources: dict[str, str] = dict(sources or {})
        super().__init__(f"{len(self.errors)} error(s) in rule files")

    def render(self) -> str:
        return render_all(self.errors, self.sources)


def did_you_mean(word: str, candidates: Iterable[str]) -> str | None:
    """Return ``did you mean 'x'?`` for the closest candidate, or None."""
    pool = sorted({c for c in candidates if c})
    folded = {c.casefold(): c for c in pool}
    if word.casefold() in folded and folded[word.casefold()] != word:
        return msg("did_you_mean", name=folded[word.casefold()])
    close = difflib.get_close_matches(word, pool, n=1, cutoff=0.6)
    return msg("did_you_mean", name=close[0]) if close else None


def render(
    error: RuleError, sources: Mapping[str, str] | None = None, *, kind: str = "error"
) -> str:
    """Render one error (or, ``kind="warning"``, a warning) as an analyst reads it (source line
    and caret when the file is known), in the language in use."""
    span = error.span
    where = f"{span}: " if span else ""
    lines = [say(f"check.{kind}", where=where, code=error.code, message=localize(error.message))]
    hint = say("check.hint", hint=localize(error.hint)) if error.hint else None
    text = (sources or {}).get(span.file) if span else None
    if span and text is not None:
        source_lines = text.splitlines()
        if 1 <= span.line <= len(source_lines):
            source = source_lines[span.line - 1].rstrip("\r\n").replace("\t", " ")
            gutter = " " * len(str(span.line))
            lines.append(f"{gutter} |")
            lines.append(f"{span.line} | {source}")
            width = max(1, min(span.length, max(1, len(source) - span.col + 1)))
            lines.append(f"{gutter} | {' ' * (span.col - 1)}{'^' * width}")
            if hint:
                lines.append(f"{gutter} {hint}")
            return "\n".join(lines)
    if hint:
        lines.append(f"  {hint}")
    return "\n".join(lines)


def render_all(errors: Sequence[RuleError], sources: Mapping[str, str] | None = None) -> str:
    """Render every error, blank line between them, and a count at the end."""
    blocks = [render(error, sources) for error in sorted(errors, key=RuleError.sort_key)]
    blocks.append(plural("check.errors", len(errors)))
    return "\n\n".join(blocks) + "\n"
