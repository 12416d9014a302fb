"""Own the meaning of values at run time: how they print, compare, add and test membership.

SMS values are mostly text, so a number-like text meets a number as a number ("12" >= 9).
"""

from __future__ import annotations

import datetime as dt
import math
import operator
import re
from collections.abc import Callable, Mapping
from typing import Any

from engine.dsl.errors import EvalError

__all__ = [
    "arithmetic",
    "contains",
    "describe",
    "equals",
    "negate",
    "order",
    "parse_number",
    "to_number",
    "to_text",
]

_NUMBER_TYPES = frozenset({int, float})
_NUMBER = re.compile(r"\s*([-+]?)(\d+)(?:[.,](\d+))?\s*")


def parse_number(text: str) -> int | float | None:
    """Return the number written in ``text`` ("3", "-2", "4.5", "4,5"), or None.

    >>> parse_number(" 4,5 "), parse_number("12"), parse_number("12a")
    (4.5, 12, None)
    """
    match = _NUMBER.fullmatch(text)
    if match is None:
        return None
    sign, whole, fraction = match.groups()
    if fraction is None:
        value = int(whole)
        return -value if sign == "-" else value
    number = float(f"{whole}.{fraction}")
    return -number if sign == "-" else number


def to_number(value: Any) -> int | float | None:
    """Return ``value`` as a number when it is one or a number-like text, else None."""
    kind = type(value)
    if kind in _NUMBER_TYPES:
        return value  # type: ignore[no-any-return]
    if isinstance(value, str):
        return parse_number(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    return None


def _float_text(value: float) -> str:
    if not math.isfinite(value):
        return repr(value)
    if value.is_integer():
        return str(int(value))
    # Rounding hides binary noise: 0.1 + 0.2 prints as 0.3.
    return repr(round(value, 10))


def to_text(value: Any) -> str:
    """Return how ``value`` prints in a message: None is "", 4.0 is "4", lists join with ", "."""
    kind = type(value)
    if kind is str:
        return value  # type: ignore[no-any-return]
    if value is None:
        return ""
    if kind is bool:
        return "true" if value else "false"
    if kind is int:
        return str(value)
    if kind is float:
        return _float_text(value)
    if isinstance(value, str):
        return str(value)
    if isinstance(value, (list, tuple)):
        return ", ".join(to_text(item) for item in value)
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, Mapping):
        return ", ".join(f"{to_text(k)}: {to_text(v)}" for k, v in value.items())
    if isinstance(value, float):
        return _float_text(value)
    return str(value)


def describe(value: Any) -> str:
    """Return a short description of ``value`` for error messages: "text 'abc'", "number 3"."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return f"number {to_text(value)}"
    if isinstance(value, str):
        shown = value if len(value) <= 20 else value[:19] + "…"
        return f"text {shown!r}"
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, Mapping):
        return "a map"
    if isinstance(value, (dt.datetime, dt.date)):
        return f"date {value.isoformat()}"
    return f"a value of type {type(value).__name__}"


def equals(left: Any, right: Any) -> bool:
    """Return whether two values are equal; different types are simply unequal.

    A number and a number-like text compare as numbers; true is not 1.
    """
    left_type = type(left)
    right_type = type(right)
    if left_type is right_type:
        return bool(left == right)
    if left_type in _NUMBER_TYPES and right_type in _NUMBER_TYPES:
        return bool(left == right)
    if left_type in _NUMBER_TYPES and isinstance(right, str):
        return bool(parse_number(right) == left)
    if right_type in _NUMBER_TYPES and isinstance(left, str):
        return bool(parse_number(left) == right)
    if isinstance(left, bool) or isinstance(right, bool):
        return False
    if isinstance(left, str) and isinstance(right, str):
        return str(left) == str(right)
    if isinstance(left, (list, tuple)) and isinstance(right, (list, tuple)):
        return len(left) == len(right) and all(map(equals, left, right))
    if isinstance(left, Mapping) and isinstance(right, Mapping):
        return bool(left == right)
    if isinstance(left, dt.date) and isinstance(right, dt.date):
        return bool(left == right)
    return False


def order(symbol: str, compare: Callable[[Any, Any], bool], left: Any, right: Any) -> bool:
    """Return ``compare(left, right)`` for ``< <= > >=``, or raise EvalError on unlike types."""
    left_type = type(left)
    right_type = type(right)
    if (left_type in _NUMBER_TYPES and right_type in _NUMBER_TYPES) or (
        left_type is str and right_type is str
    ):
        return compare(left, right)
    left_number = to_number(left)
    right_number = to_number(right)
    if left_number is not None and right_number is not None:
        if isinstance(left, str) and isinstance(right, str):
            return compare(str(left), str(right))
        return compare(left_number, right_number)
    same_kind = (
        (isinstance(left, dt.datetime) and isinstance(right, dt.datetime))
        or (
            isinstance(left, dt.date)
            and isinstance(right, dt.date)
            and not isinstance(left, dt.datetime)
            and not isinstance(right, dt.datetime)
        )
        or (isinstance(left, str) and isinstance(right, str))
    )
    if same_kind:
        try:
            return compare(left, right)
        except TypeError:
            pass
    raise EvalError(f"cannot compare {describe(left)} with {describe(right)} using '{symbol}'")


def contains(item: Any, container: Any) -> bool:
    """Return whether ``item in container``: list members, substrings, or map keys."""
    if isinstance(container, (list, tuple, set, frozenset)):
        return any(equals(item, member) for member in container)
    if isinstance(container, str):
        if isinstance(item, str):
            return item in container
        if type(item) in _NUMBER_TYPES:
            return to_text(item) in container
        raise EvalError(f"cannot look for {describe(item)} in a text")
    if isinstance(container, Mapping):
        try:
            return item in container
        except TypeError:
            return False
    if container is None:
        # An absent list holds nothing.
        return False
    raise EvalError(f"'in' needs a list, a text or a map on its right, not {describe(container)}")


_ARITHMETIC: dict[str, Callable[[Any, Any], Any]] = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "/": operator.truediv,
}
_VERBS = {"+": "add", "-": "subtract", "*": "multiply", "/": "divide"}


def arithmetic(symbol: str, left: Any, right: Any) -> Any:
    """Return ``left <symbol> right`` for ``+ - * /``; ``+`` also joins two texts or two lists."""
    left_type = type(left)
    right_type = type(right)
    if left_type in _NUMBER_TYPES and right_type in _NUMBER_TYPES:
        left_number, right_number = left, right
    elif symbol == "+" and isinstance(left, str) and isinstance(right, str):
        return left + right
    elif symbol == "+" and isinstance(left, (list, tuple)) and isinstance(right, (list, tuple)):
        return [*left, *right]
    else:
        left_number = to_number(left)
        right_number = to_number(right)
        if left_number is None or right_number is None:
            verb = _VERBS[symbol]
            raise EvalError(f"cannot {verb} {describe(left)} and {describe(right)}")
    if symbol == "/" and right_number == 0:
        raise EvalError("division by zero")
    return _ARITHMETIC[symbol](left_number, right_number)


def negate(value: Any) -> Any:
    """Return ``-value`` for a number or a number-like text."""
    number = to_number(value)
    if number is None:
        raise EvalError(f"cannot negate {describe(value)}")
    return -number
