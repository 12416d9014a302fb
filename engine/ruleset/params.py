"""Own the declared parameters of a scheduled flow: their types, and what a start passes.

``trigger: {schedule: rappels, params: {appt.at: datetime, appt.doctor: text}}`` declares what a
start of the flow must pass. ``twoway check`` reads the declaration (a template reading an
undeclared parameter is E305); the runtime refuses a start whose parameters miss or mistype one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from engine.dsl.values import parse_number

__all__ = ["PARAM_TYPES", "covers", "param_problems"]

PARAM_TYPES = ("text", "number", "datetime", "date")
_MISSING = object()


def covers(declared: Sequence[str], name: str) -> bool:
    """Return whether reading the dotted ``name`` reads a declared parameter (or part of one):
    ``appt.at`` covers ``appt.at`` and ``appt.at.hour``; ``appt`` is read whole by ``{appt}``."""
    return any(
        name == item or name.startswith(item + ".") or item.startswith(name + ".")
        for item in declared
    )


def param_problems(declared: Sequence[tuple[str, str]], params: Mapping[str, Any]) -> list[str]:
    """Return what is wrong with ``params`` for the ``declared`` (name, type) pairs: one line
    per missing or mistyped parameter, empty when the start may go on."""
    problems: list[str] = []
    for name, kind in declared:
        value = _lookup(params, name)
        if value is _MISSING or value is None:
            problems.append(f"the parameter '{name}' ({kind}) is missing")
        elif not _is(kind, value):
            problems.append(f"the parameter '{name}' must be {_article(kind)}, not {value!r}")
    return problems


def _lookup(params: Mapping[str, Any], name: str) -> Any:
    value: Any = params
    for part in name.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return _MISSING
        value = value[part]
    return value


def _is(kind: str, value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if kind == "text":
        return isinstance(value, str | int | float)
    if kind == "number":
        return isinstance(value, int | float) or (
            isinstance(value, str) and parse_number(value) is not None
        )
    if kind == "datetime":
        return isinstance(value, datetime) or (isinstance(value, str) and _iso(value, True))
    return (isinstance(value, date) and not isinstance(value, datetime)) or (
        isinstance(value, str) and _iso(value, False)
    )


def _iso(text: str, with_time: bool) -> bool:
    try:
        if with_time:
            datetime.fromisoformat(text.strip())
            return "T" in text or " " in text.strip()
        date.fromisoformat(text.strip())
    except ValueError:
        return False
    return True


def _article(kind: str) -> str:
    return {
        "text": "a text",
        "number": "a number",
        "datetime": "a date and time (2026-12-03T10:00:00+01:00)",
        "date": "a date (2026-12-03)",
    }[kind]
