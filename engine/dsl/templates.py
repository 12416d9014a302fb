"""Own compiled templates: text with ``{expression|filter}`` parts, ``{{``/``}}`` for braces.

Rendering never reads a value as a template: inbound text containing "{x}" stays as it is.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from engine.dsl.compiler import STRAY_ERRORS, Compiler, Evaluator, NamePath, RegexAt, stray_error
from engine.dsl.errors import DslError
from engine.dsl.parser import parse_template_expr
from engine.dsl.values import to_text
from engine.i18n import msg

__all__ = ["Template", "compile_template"]


@dataclass(frozen=True, slots=True)
class Template:
    """A compiled template: render it against many contexts."""

    source: str
    names: frozenset[str]
    is_static: bool
    # Literal texts and closures, in order; a static template is one text.
    _parts: tuple[str | Evaluator, ...] = field(repr=False, compare=False)
    # The text of a static template, braces unescaped.
    _text: str = field(repr=False, compare=False, default="")
    literal: str = field(repr=False, compare=False, default="")
    """The literal text of the template (braces unescaped), without its expressions."""
    reads: tuple[frozenset[str], ...] = field(repr=False, compare=False, default=())
    """The root names each ``{expression}`` reads, in order."""
    expressions: tuple[str, ...] = field(repr=False, compare=False, default=())
    """The text of each ``{expression}``, in order."""
    paths: tuple[NamePath, ...] = field(repr=False, compare=False, default=())
    """Every dotted name it reads, with its offset in ``source``."""
    regexes: tuple[RegexAt, ...] = field(repr=False, compare=False, default=())
    """Every regex literal it has, with its offset in ``source``."""
    translations: tuple[tuple[str, Template], ...] = field(repr=False, compare=False, default=())
    """The same text in other languages (a built-in text): ``(language, template)`` pairs."""

    def in_language(self, language: str | None) -> Template:
        """This text in ``language`` when it has that translation, else itself."""
        if language and self.translations:
            for lang, translated in self.translations:
                if lang == language:
                    return translated
        return self

    def render(self, ctx: Mapping[str, Any]) -> str:
        """Return the text of the template in ``ctx``; raise EvalError if a part cannot be read."""
        if self.is_static:
            return self._text
        try:
            return "".join([p if isinstance(p, str) else to_text(p(ctx)) for p in self._parts])
        except STRAY_ERRORS as error:
            raise stray_error(error, self.source) from error

    def value(self, ctx: Mapping[str, Any]) -> Any:
        """Return the value of a template that is exactly one ``{expr}``, typed; else render()."""
        parts = self._parts
        if len(parts) == 1 and not isinstance(parts[0], str):
            only = parts[0]
            try:
                return only(ctx)
            except STRAY_ERRORS as error:
                raise stray_error(error, self.source) from error
        return self.render(ctx)


def compile_template(source: str, *, names: Collection[str] | None = None) -> Template:
    """Compile a template; ``names``, when given, are the only root names it may read.

    Raise DslError (E302 syntax, E304 function, E305 name, E306 filter, E307 regex, E308 arguments),
    its offset counted in ``source``.
    """
    return _compile(source, None if names is None else frozenset(names))


@lru_cache(maxsize=4096)
def _compile(source: str, allowed: frozenset[str] | None) -> Template:
    compiler = Compiler(allowed)
    parts: list[str | Evaluator] = []
    reads: list[frozenset[str]] = []
    bodies: list[str] = []
    text: list[str] = []
    index = 0
    length = len(source)
    while index < length:
        char = source[index]
        if char == "{":
            if source.startswith("{{", index):
                text.append("{")
                index += 2
                continue
            end = _closing_brace(source, index)
            body = source[index + 1 : end]
            if not body.strip():
                raise DslError(
                    "E302",
                    msg("E302.empty"),
                    offset=index,
                    length=end - index + 1,
                    hint=msg("E302.empty.hint"),
                )
            if text:
                parts.append("".join(text))
                text.clear()
            parts.append(_expression(compiler, body, index + 1, reads))
            bodies.append(body)
            index = end + 1
        elif char == "}":
            if source.startswith("}}", index):
                text.append("}")
                index += 2
                continue
            raise DslError(
                "E302",
                msg("E303.unmatched"),
                offset=index,
                hint=msg("E302.unmatched.hint"),
            )
        else:
            # Copy the run of plain text up to the next brace in one slice.
            following = _next_brace(source, index)
            text.append(source[index:following])
            index = following
    if text:
        parts.append("".join(text))
    if all(isinstance(part, str) for part in parts):
        static = "".join(part for part in parts if isinstance(part, str))
        return Template(source, frozenset(), True, (static,), static, static)
    literal = "".join(part for part in parts if isinstance(part, str))
    return Template(
        source,
        frozenset(compiler.roots),
        False,
        tuple(parts),
        "",
        literal,
        tuple(reads),
        tuple(bodies),
        tuple(compiler.paths),
        tuple(compiler.regexes),
    )


def _expression(compiler: Compiler, body: str, offset: int, reads: list[frozenset[str]]) -> Any:
    """Compile one ``{expression}``, noting the root names it reads in ``reads``."""
    outer, compiler.roots = compiler.roots, set()
    evaluator = compiler.template_expr(parse_template_expr(body, offset))
    reads.append(frozenset(compiler.roots))
    outer |= compiler.roots
    compiler.roots = outer
    return evaluator


def _next_brace(source: str, start: int) -> int:
    opening = source.find("{", start)
    closing = source.find("}", start)
    candidates = [position for position in (opening, closing) if position >= 0]
    return min(candidates) if candidates else len(source)


def _closing_brace(source: str, opening: int) -> int:
    """Return the index of the ``}`` closing the ``{`` at ``opening``.

    Quotes and regex literals may hold braces (``{text ~ /a{2}/}``), so they are skipped; a
    regex literal is a ``/`` right after ``~`` or ``!~``, which is what the grammar says too.
    """
    index = opening + 1
    after_tilde = False
    # Without any "}" after it, the brace is what is unclosed, whatever quotes follow.
    limit = len(source) if source.find("}", index) >= 0 else index
    while index < limit:
        char = source[index]
        if char in "'\"":
            index = _skip_quoted(source, index, char, "quote")
            after_tilde = False
            continue
        if char == "/" and after_tilde:
            index = _skip_quoted(source, index, "/", "regex")
            after_tilde = False
            continue
        if char == "}":
            return index
        if char == "{":
            break
        if char == "~":
            after_tilde = True
        elif not char.isspace():
            after_tilde = False
        index += 1
    raise DslError(
        "E302",
        msg("E303.unclosed"),
        offset=opening,
        hint=msg("E302.unclosed.hint"),
    )


def _skip_quoted(source: str, start: int, closer: str, what: str) -> int:
    """Return the index just after the quote or regex starting at ``start``."""
    index = start + 1
    while index < len(source):
        char = source[index]
        if char == "\\":
            index += 2
            continue
        if char == closer:
            return index + 1
        if closer == "/" and char == "\n":
            break
        index += 1
    if what == "quote":
        raise DslError(
            "E302",
            msg("dsl.unclosed_quote"),
            offset=start,
            hint=msg("dsl.unclosed_quote.hint", quote=closer),
        )
    hint = msg("dsl.unclosed_regex.hint")
    raise DslError("E302", msg("dsl.unclosed_regex"), offset=start, hint=hint)
