"""Own the expression sweep of a rule file that fails its schema: its templates, conditions and
patterns are compiled anyway, so that their errors come in the same run as the structural ones.

A file with a structural error (an unknown key, a missing state, a wrong type) is not compiled
into states; without the sweep its expressions would wait for the next round of `twoway check`.
The sweep finds them by the key that holds them, wherever they are, and compiles each alone.
"""

from __future__ import annotations

from typing import Any

from engine.errors import RuleError, did_you_mean
from engine.i18n import msg
from engine.ruleset.loader import Document
from engine.ruleset.model import KNOWN_ROOTS
from engine.ruleset.names import check_flow_names
from engine.ruleset.source import Path, Source

__all__ = ["sweep"]

TEMPLATES = frozenset(
    {
        "say",
        "reply",
        "log",
        "ask",
        "invalid",
        "intro",
        "outro",
        "already_voted",
        "changed",
        "closed",
        "not_open",
        "otherwise",
    }
)
"""Keys whose text is a template, wherever they are."""

CONDITIONS = frozenset({"when", "skip_if"})
PATTERNS = frozenset({"match"})
INSIDE = {
    "send": frozenset({"to", "text"}),
    "vote": frozenset({"choice"}),
    "answer": frozenset({"value"}),
}
"""Keys whose text is a template inside one action only."""

_SCALARS = (str, int, float)


def sweep(document: Document) -> list[RuleError]:
    """Compile every expression of ``document`` and return their errors (E3xx), each once."""
    data = document.data
    if not isinstance(data, dict) or "settings" in data:
        return []  # the settings' texts are not templates
    src = Source(document)
    for key, value in data.items():
        if key != "tests":
            _visit(src, (key,), key, value)
    src.check_names(KNOWN_ROOTS)
    form = next((key for key in ("autoreply", "poll", "survey", "flow") if key in data), None)
    if form is not None:  # its errors; who starts the flow is not known here: maybe with params
        check_flow_names(src, form, parameters=True)
    states = data.get("states")
    if "flow" in data and isinstance(states, dict):
        _links(src, ("states",), states, [str(name) for name in states])
    return list(dict.fromkeys(src.errors))


def _links(src: Source, path: Path, value: Any, states: list[str]) -> None:
    """Report every ``goto:`` or ``then:`` under ``path`` that names no state (E401)."""
    items = value.items() if isinstance(value, dict) else enumerate(value)
    for key, item in items:
        if isinstance(item, dict | list):
            _links(src, (*path, key), item, states)
        elif key in ("goto", "then") and str(item) not in (*states, "end", "stay"):
            hint = did_you_mean(str(item), states) or msg(
                "E401.states.hint", names=", ".join(states)
            )
            src.error("E401", msg("E401.no_state", name=item), (*path, key), hint=hint)


def _visit(src: Source, path: Path, key: Any, value: Any) -> None:
    """Compile the expression at ``path`` (written under ``key``), or look inside it."""
    if isinstance(value, _SCALARS) and not isinstance(value, bool):
        if key in TEMPLATES:
            src.template(path)
        elif key in CONDITIONS:
            src.condition(path)
        elif key in PATTERNS:
            src.pattern(path)
        return
    if isinstance(value, list):
        for index, item in enumerate(value):
            _visit(src, (*path, index), None, item)
        return
    if not isinstance(value, dict):
        return
    if key == "set":
        for target, item in value.items():
            src.defines.add(str(target).split(".")[0])
            if isinstance(item, _SCALARS) and not isinstance(item, bool):
                src.template((*path, target))
        return
    inside = INSIDE.get(key) if isinstance(key, str) else None
    for child, item in value.items():
        if inside is not None and child in inside and isinstance(item, _SCALARS):
            src.template((*path, child))
        else:
            _visit(src, (*path, child), child, item)
