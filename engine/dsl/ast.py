"""Own the syntax tree of conditions and template expressions: frozen nodes with source offsets.

``offset`` and ``length`` locate a node in the DSL source string (in a template, in the whole
template), so compile errors can underline it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeAlias

__all__ = [
    "Binary",
    "BoolOp",
    "Call",
    "Compare",
    "Expr",
    "Filter",
    "ListExpr",
    "Literal",
    "Match",
    "Name",
    "Negate",
    "Node",
    "Not",
    "Regex",
    "TemplateExpr",
]


@dataclass(frozen=True, slots=True, kw_only=True)
class Node:
    """A piece of source: where it starts and how many characters it spans."""

    offset: int
    length: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Literal(Node):
    """A number, a text, true, false or null."""

    value: Any


@dataclass(frozen=True, slots=True, kw_only=True)
class ListExpr(Node):
    """A list written ``[a, b]``."""

    items: tuple[Expr, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Name(Node):
    """A dotted name such as ``contact.name``; ``root_length`` spans its first part."""

    path: tuple[str, ...]
    root_length: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Call(Node):
    """A function call ``f(a, b)``; ``offset``/``length`` span the function's name."""

    name: str
    args: tuple[Expr, ...]
    end: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Negate(Node):
    """A unary minus."""

    operand: Expr


@dataclass(frozen=True, slots=True, kw_only=True)
class Not(Node):
    """A boolean ``not``."""

    operand: Expr


@dataclass(frozen=True, slots=True, kw_only=True)
class BoolOp(Node):
    """``and`` or ``or``, short-circuiting."""

    op: str
    left: Expr
    right: Expr


@dataclass(frozen=True, slots=True, kw_only=True)
class Binary(Node):
    """Arithmetic: ``+ - * /``."""

    op: str
    left: Expr
    right: Expr


@dataclass(frozen=True, slots=True, kw_only=True)
class Compare(Node):
    """A comparison: ``== != < <= > >=``, ``in`` or ``not in``."""

    op: str
    left: Expr
    right: Expr


@dataclass(frozen=True, slots=True, kw_only=True)
class Regex(Node):
    """A regex literal ``/pattern/flags``, only found right of ``~`` and ``!~``."""

    pattern: str
    flags: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Match(Node):
    """A regex search ``x ~ /re/`` (or ``!~`` when ``negated``)."""

    negated: bool
    left: Expr
    right: Expr | Regex


@dataclass(frozen=True, slots=True, kw_only=True)
class Filter(Node):
    """A template filter ``|name(args)``; ``offset``/``length`` span the filter's name."""

    name: str
    args: tuple[Expr, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class TemplateExpr(Node):
    """The expression between braces of a template, with its filters."""

    expr: Expr
    filters: tuple[Filter, ...]


Expr: TypeAlias = (
    Literal | ListExpr | Name | Call | Negate | Not | BoolOp | Binary | Compare | Match
)
