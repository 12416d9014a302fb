"""Own the translation of syntax trees into closures: compile once, evaluate many times.

Compile-time mistakes (unknown function, name or filter, arity, bad regex) raise ``DslError``;
the closures raise only ``EvalError``. Names are looked up in mappings and, for dates, through an
allowlist of attributes: nothing is ever read with ``getattr``.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import regex

from engine.dsl import ast
from engine.dsl.budget import REGEX_TIMEOUT, run_regex
from engine.dsl.errors import DslError, EvalError, UnknownNameError
from engine.dsl.functions import FUNCTIONS, SIGNATURES, Signature, date, in_zone
from engine.dsl.values import arithmetic, contains, describe, equals, negate, order, to_text
from engine.errors import did_you_mean
from engine.i18n import msg

__all__ = [
    "DATETIME_FIELDS",
    "PATH_ROOTS",
    "REGEX_TIMEOUT",
    "STRAY_ERRORS",
    "Compiler",
    "Evaluator",
    "NamePath",
    "RegexAt",
    "search",
    "stray_error",
]

Evaluator = Callable[[Mapping[str, Any]], Any]

PATH_ROOTS = frozenset({"poll"})
"""Roots whose names are more than their root: ``poll.<id>.…`` reads the counts of a poll."""


@dataclass(frozen=True, slots=True)
class NamePath:
    """A dotted name an expression reads, and where: ``offset``/``length`` in the DSL string."""

    path: tuple[str, ...]
    offset: int
    length: int


@dataclass(frozen=True, slots=True)
class RegexAt:
    """A regex written in an expression (``/re/flags`` or a quoted text right of ``~``), and
    where: ``offset``/``length`` of the literal in the DSL string."""

    pattern: str
    flags: str
    offset: int
    length: int


_REGEX_FLAGS = {"i": regex.IGNORECASE, "m": regex.MULTILINE, "s": regex.DOTALL}

_DATETIME_FIELDS: dict[str, Callable[[dt.datetime], Any]] = {
    "year": lambda value: value.year,
    "month": lambda value: value.month,
    "day": lambda value: value.day,
    "hour": lambda value: value.hour,
    "minute": lambda value: value.minute,
    "second": lambda value: value.second,
    "weekday": dt.datetime.weekday,
    "isoweekday": dt.datetime.isoweekday,
    "date": lambda value: value.date().isoformat(),
}
DATETIME_FIELDS = frozenset(_DATETIME_FIELDS)
"""The fields of a date and time an expression may read (``now.hour``)."""
_DATE_FIELDS: dict[str, Callable[[dt.date], Any]] = {
    "year": lambda value: value.year,
    "month": lambda value: value.month,
    "day": lambda value: value.day,
    "weekday": dt.date.weekday,
    "isoweekday": dt.date.isoweekday,
    "date": dt.date.isoformat,
}


def _step(value: Any, key: str, path: tuple[str, ...]) -> Any:
    """Return ``value.key``: a mapping's item or an allowlisted field of a date."""
    if type(value) is dict or isinstance(value, Mapping):
        try:
            return value[key]
        except KeyError:
            raise UnknownNameError(".".join(path)) from None
    if isinstance(value, dt.datetime):
        field = _DATETIME_FIELDS.get(key)
        if field is not None:
            return field(value)
    elif isinstance(value, dt.date):
        date_field = _DATE_FIELDS.get(key)
        if date_field is not None:
            return date_field(value)
    raise UnknownNameError(".".join(path))


def search(pattern: Any, subject: Any) -> bool:
    """Return whether the compiled ``pattern`` is found in ``subject`` within the time allowed
    (see ``engine.dsl.budget``)."""
    too_long = (
        f"the regex /{pattern.pattern}/ ran out of time and was stopped; the other regexes "
        "of this message count as no match"
    )
    return run_regex(pattern, to_text(subject), too_long) is not None


_dynamic_regexes: dict[str, Any] = {}


def _dynamic_regex(value: Any) -> Any:
    """Compile a regex given as text at evaluation time, keeping a bounded cache."""
    if not isinstance(value, str):
        raise EvalError(f"'~' needs a regex or a text on its right, not {describe(value)}")
    compiled = _dynamic_regexes.get(value)
    if compiled is None:
        try:
            compiled = regex.compile(value)
        except (regex.error, OverflowError, RecursionError) as error:
            raise EvalError(f"invalid regex {value!r}: {error}") from None
        if len(_dynamic_regexes) >= 256:
            _dynamic_regexes.clear()
        _dynamic_regexes[value] = compiled
    return compiled


# Python errors a closure may still raise on a value nobody foresaw; the public objects turn them
# into EvalError so that a rule can never crash the engine.
STRAY_ERRORS = (TypeError, ValueError, ArithmeticError, LookupError, AttributeError, RecursionError)


def stray_error(error: BaseException, source: str) -> EvalError:
    """Return the EvalError reporting a Python error raised while evaluating ``source``."""
    if isinstance(error, RecursionError):
        return EvalError(f"cannot evaluate {source!r}: too deeply nested")
    return EvalError(f"cannot evaluate {source!r}: {error}")


def _takes(least: int, most: int) -> str:
    if least == most:
        if least == 0:
            return msg("E308.none")
        return msg("E308.one" if least == 1 else "E308.many", n=least)
    if most == least + 1:
        return msg("E308.or", least=least, most=most)
    return msg("E308.to", least=least, most=most)


def _invoke(function: Callable[..., Any], args: list[Evaluator]) -> Evaluator:
    """Return a closure calling ``function`` with the values of ``args`` (no list per call)."""
    if len(args) == 1:
        (first,) = args
        return lambda ctx: function(first(ctx))
    if len(args) == 2:
        first, second = args
        return lambda ctx: function(first(ctx), second(ctx))
    if len(args) == 3:
        first, second, third = args
        return lambda ctx: function(first(ctx), second(ctx), third(ctx))
    return lambda ctx: function(*[arg(ctx) for arg in args])


def _default(value: Evaluator, fallback: Evaluator) -> Evaluator:
    """Return the closure of ``default(value, fallback)``: an unknown name gives the fallback."""

    def run(ctx: Mapping[str, Any]) -> Any:
        try:
            found = value(ctx)
        except UnknownNameError:
            return fallback(ctx)
        if found is None or found == "":
            return fallback(ctx)
        return found

    return run


def _date_in_zone(args: list[Evaluator]) -> Evaluator:
    """Return the closure of ``date(...)`` that writes times in the zone of ``now``.

    A booking system may send ``2026-01-08T13:30:00Z``; the customer reads the time where the
    deployment is (``settings.timezone``), which is the zone the runtime gives ``now``.
    """

    def run(ctx: Mapping[str, Any]) -> Any:
        values = [arg(ctx) for arg in args]
        try:
            now = ctx["now"]
        except (KeyError, EvalError):
            now = None
        zone = now.tzinfo if isinstance(now, dt.datetime) else None
        if zone is not None and isinstance(values[0], str | dt.datetime):
            values[0] = in_zone(values[0], zone)
        return date(*values)

    return run


class Compiler:
    """Compile the expressions of one DSL string, collecting the root names it reads."""

    def __init__(self, allowed: frozenset[str] | None) -> None:
        self.allowed = allowed
        self.roots: set[str] = set()
        self.paths: list[NamePath] = []
        """Every dotted name read (``poll.contest.total``, ``choice.label``, ``appt.at``), with
        where it is written: the rule-set compiler checks what the DSL cannot know."""
        self.regexes: list[RegexAt] = []
        """Every regex literal, with where it is written (``twoway check`` looks at them)."""

    # --- template expressions --------------------------------------------------------------------

    def template_expr(self, node: ast.TemplateExpr) -> Evaluator:
        """Compile ``expr|filter|filter(args)``: each filter gets the value as first argument."""
        value = self.expr(node.expr)
        for item in node.filters:
            value = self._filter(item, value)
        return value

    def _filter(self, node: ast.Filter, value: Evaluator) -> Evaluator:
        function = FUNCTIONS.get(node.name)
        if function is None:
            raise DslError(
                "E306",
                msg("E306.unknown", name=node.name),
                offset=node.offset,
                length=node.length,
                hint=did_you_mean(node.name, FUNCTIONS),
            )
        signature = SIGNATURES[node.name]
        given = len(node.args)
        if not signature.least - 1 <= given <= signature.most - 1:
            usage = _filter_usage(signature, node.name)
            raise DslError(
                "E308",
                msg(
                    "E308.filter",
                    name=node.name,
                    takes=_takes(max(0, signature.least - 1), signature.most - 1),
                    given=given,
                ),
                offset=node.offset,
                length=node.length,
                hint=msg("write", what=usage),
            )
        args = [value, *(self.expr(arg) for arg in node.args)]
        if node.name == "default":
            return _default(args[0], args[1])
        if node.name == "date":
            return _date_in_zone(args)
        return _invoke(function, args)

    # --- expressions --------------------------------------------------------------------------

    def expr(self, node: ast.Expr) -> Evaluator:
        """Compile one expression node into a closure of the context."""
        if isinstance(node, ast.Literal):
            constant = node.value
            return lambda ctx: constant
        if isinstance(node, ast.Name):
            return self._name(node)
        if isinstance(node, ast.Compare):
            return self._compare(node)
        if isinstance(node, ast.BoolOp):
            left, right = self.expr(node.left), self.expr(node.right)
            if node.op == "and":
                return lambda ctx: bool(left(ctx)) and bool(right(ctx))
            return lambda ctx: bool(left(ctx)) or bool(right(ctx))
        if isinstance(node, ast.Not):
            operand = self.expr(node.operand)
            return lambda ctx: not operand(ctx)
        if isinstance(node, ast.Call):
            return self._call(node)
        if isinstance(node, ast.Match):
            return self._match(node)
        if isinstance(node, ast.Binary):
            symbol = node.op
            left, right = self.expr(node.left), self.expr(node.right)
            return lambda ctx: arithmetic(symbol, left(ctx), right(ctx))
        if isinstance(node, ast.Negate):
            operand = self.expr(node.operand)
            return lambda ctx: negate(operand(ctx))
        if isinstance(node, ast.ListExpr):
            items = [self.expr(item) for item in node.items]
            return lambda ctx: [item(ctx) for item in items]
        raise AssertionError(f"unknown node {node!r}")  # pragma: no cover

    def _name(self, node: ast.Name) -> Evaluator:
        path = node.path
        root = path[0]
        if self.allowed is not None and root not in self.allowed:
            raise DslError(
                "E305",
                msg("E305.unknown", name=root),
                offset=node.offset,
                length=node.root_length,
                hint=self._name_hint(root),
            )
        self.roots.add(root)
        self.paths.append(NamePath(path, node.offset, node.length))
        rest = path[1:]

        def lookup(ctx: Mapping[str, Any]) -> Any:
            try:
                value = ctx[root]
            except KeyError:
                raise UnknownNameError(".".join(path)) from None
            for key in rest:
                value = _step(value, key, path)
            return value

        if rest:
            return lookup

        def lookup_root(ctx: Mapping[str, Any]) -> Any:
            try:
                return ctx[root]
            except KeyError:
                raise UnknownNameError(root) from None

        return lookup_root

    def _name_hint(self, root: str) -> str | None:
        assert self.allowed is not None
        suggestion = did_you_mean(root, self.allowed)
        if suggestion:
            return suggestion
        if root in FUNCTIONS:
            return msg("E305.function.hint", name=root, usage=SIGNATURES[root].usage)
        if self.allowed and len(self.allowed) <= 12:
            return msg("E305.available.hint", names=", ".join(sorted(self.allowed)))
        return None

    def _call(self, node: ast.Call) -> Evaluator:
        function = FUNCTIONS.get(node.name)
        if function is None:
            raise DslError(
                "E304",
                msg("E304.unknown", name=node.name),
                offset=node.offset,
                length=node.length,
                hint=did_you_mean(node.name, FUNCTIONS),
            )
        signature = SIGNATURES[node.name]
        given = len(node.args)
        if not signature.least <= given <= signature.most:
            raise DslError(
                "E308",
                msg(
                    "E308.function",
                    name=node.name,
                    takes=_takes(signature.least, signature.most),
                    given=given,
                ),
                offset=node.offset,
                length=max(1, node.end - node.offset),
                hint=msg("write", what=signature.usage),
            )
        args = [self.expr(arg) for arg in node.args]
        if node.name == "default":
            return _default(args[0], args[1])
        if node.name == "date":
            return _date_in_zone(args)
        return _invoke(function, args)

    def _compare(self, node: ast.Compare) -> Evaluator:
        left, right = self.expr(node.left), self.expr(node.right)
        symbol = node.op
        if symbol == "==":
            return lambda ctx: equals(left(ctx), right(ctx))
        if symbol == "!=":
            return lambda ctx: not equals(left(ctx), right(ctx))
        if symbol == "in":
            return lambda ctx: contains(left(ctx), right(ctx))
        if symbol == "not in":
            return lambda ctx: not contains(left(ctx), right(ctx))
        compare = _ORDERINGS[symbol]
        if isinstance(node.right, ast.Literal):
            # The common `answers.score >= 9`: skip one closure call.
            constant = node.right.value
            return lambda ctx: order(symbol, compare, left(ctx), constant)
        return lambda ctx: order(symbol, compare, left(ctx), right(ctx))

    def _match(self, node: ast.Match) -> Evaluator:
        left = self.expr(node.left)
        right = node.right
        negated = node.negated
        pattern: Any
        if isinstance(right, ast.Regex):
            pattern = _compile_regex(right.pattern, right.flags, right)
            self.regexes.append(RegexAt(right.pattern, right.flags, right.offset, right.length))
        elif isinstance(right, ast.Literal) and isinstance(right.value, str):
            pattern = _compile_regex(right.value, "", right)
            self.regexes.append(RegexAt(right.value, "", right.offset, right.length))
        else:
            dynamic = self.expr(right)
            if negated:
                return lambda ctx: not search(_dynamic_regex(dynamic(ctx)), left(ctx))
            return lambda ctx: search(_dynamic_regex(dynamic(ctx)), left(ctx))
        if negated:
            return lambda ctx: not search(pattern, left(ctx))
        return lambda ctx: search(pattern, left(ctx))


_ORDERINGS: dict[str, Callable[[Any, Any], bool]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


def _filter_usage(signature: Signature, name: str) -> str:
    inner = signature.usage[len(name) + 1 : -1].partition(",")[2].strip()
    return f"|{name}({inner})" if inner else f"|{name}"


def _compile_regex(pattern: str, flags: str, node: ast.Node) -> Any:
    """Compile a regex literal now, so that a bad one is reported before any message arrives."""
    value = 0
    for index, flag in enumerate(flags):
        if flag not in _REGEX_FLAGS:
            raise DslError(
                "E307",
                msg("E307.flag", flag=flag),
                offset=node.offset + node.length - len(flags) + index,
                length=1,
                hint=msg("E307.flag.hint"),
            )
        value |= _REGEX_FLAGS[flag]
    try:
        return regex.compile(pattern, value)
    except regex.error as error:
        position = error.pos
        where = msg("E307.at", n=position + 1) if position is not None else ""
        raise DslError(
            "E307",
            msg("E307.invalid", error=error.msg),
            offset=node.offset,
            length=node.length,
            hint=msg("E307.invalid.hint", where=where),
        ) from None
    except (OverflowError, RecursionError, ValueError) as error:
        raise DslError(
            "E307", msg("E307.invalid", error=error), offset=node.offset, length=node.length
        ) from None
