"""Own compiled conditions: ``compile_condition`` and the ``Condition`` it returns."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from engine.dsl.compiler import STRAY_ERRORS, Compiler, Evaluator, NamePath, RegexAt, stray_error
from engine.dsl.parser import parse_condition

__all__ = ["Condition", "compile_condition"]


@dataclass(frozen=True, slots=True)
class Condition:
    """A compiled condition: evaluate it against many contexts."""

    source: str
    names: frozenset[str]
    _function: Evaluator = field(repr=False, compare=False)
    paths: tuple[NamePath, ...] = field(repr=False, compare=False, default=())
    """Every dotted name it reads, with its offset in ``source``."""
    regexes: tuple[RegexAt, ...] = field(repr=False, compare=False, default=())
    """Every regex literal it has, with its offset in ``source``."""

    def evaluate(self, ctx: Mapping[str, Any]) -> bool:
        """Return whether the condition holds in ``ctx``; raise EvalError if it cannot say."""
        try:
            return bool(self._function(ctx))
        except STRAY_ERRORS as error:
            raise stray_error(error, self.source) from error


def compile_condition(source: str, *, names: Collection[str] | None = None) -> Condition:
    """Compile a condition; ``names``, when given, are the only root names it may read.

    Raise DslError (E301 syntax, E304 function, E305 name, E307 regex, E308 arguments).
    """
    return _compile(source, None if names is None else frozenset(names))


@lru_cache(maxsize=4096)
def _compile(source: str, allowed: frozenset[str] | None) -> Condition:
    tree = parse_condition(source)
    compiler = Compiler(allowed)
    function = compiler.expr(tree)
    return Condition(
        source,
        frozenset(compiler.roots),
        function,
        tuple(compiler.paths),
        tuple(compiler.regexes),
    )
