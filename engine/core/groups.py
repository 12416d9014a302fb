"""Own contact groups: what a group name may be, and their one form (a sorted tuple of names)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from engine.i18n import msg

__all__ = ["MAX_GROUP_NAME", "group_problem", "groups_of", "parse_groups"]

MAX_GROUP_NAME = 64
_FORBIDDEN = (",", ";")


def group_problem(name: str) -> str | None:
    """Why ``name`` cannot be a group name, or None when it can.

    A name is non-empty text without a comma or a semicolon (they separate names in imports and
    exports), with no space at either end, at most 64 characters long.
    """
    if not name.strip():
        return msg("E410.empty")
    if any(mark in name for mark in _FORBIDDEN):
        return msg("E410.separator", name=name)
    if name != name.strip():
        return msg("E410.space", name=name)
    if len(name) > MAX_GROUP_NAME:
        return msg("E410.long", name=name[:20], length=len(name), most=MAX_GROUP_NAME)
    return None


def groups_of(names: Iterable[str]) -> tuple[str, ...]:
    """The one form of a contact's groups: sorted, each name once."""
    return tuple(sorted(set(names)))


def parse_groups(value: Any) -> tuple[tuple[str, ...], str | None]:
    """Read groups from a value a rule computed: a list of names, or a text of names separated
    by commas. Return (groups, None), or ((), why not)."""
    if value is None:
        return (), None
    if isinstance(value, str):
        items: list[Any] = [part.strip() for part in value.split(",") if part.strip()]
    elif isinstance(value, list | tuple | set | frozenset):
        items = list(value)
    else:
        return (), f"groups must be a list of names, not {type(value).__name__}"
    names: list[str] = []
    for item in items:
        if not isinstance(item, str):
            return (), f"a group name must be text, not {item!r}"
        problem = group_problem(item)
        if problem is not None:
            return (), problem
        names.append(item)
    return groups_of(names), None
