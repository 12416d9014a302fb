"""Own the warnings of `twoway check`: rules that compile but can misbehave, and their rendering.

W401: a reply (``say``/``reply``, a ``send`` text, a poll or survey message) that can take more
SMS parts than ``settings.max_reply_parts``: its literal text alone is too long (it would never be
sent), or it copies the message more than once (``{text}``, ``{rest}``, a ``{x:text}`` capture, a
variable ``set`` to a copy of one): a long message then makes it too long. A warning never fails
``twoway check``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence

from engine.dsl import Pattern, Template
from engine.errors import RuleError, Span, render
from engine.i18n import msg, plural
from engine.ruleset.model import Action, Case, Flow, Say, Send, SetVars, State
from engine.ruleset.ruleset import RuleSet
from engine.sms import count_parts

__all__ = ["LONG", "copied", "render_warnings", "replies", "reply_warnings"]

LONG = frozenset({"text", "rest"})
"""Names that hold (part of) the message as typed, however long it is."""

_TEXT_CAPTURE = re.compile(r"\{\s*([^\W\d]\w*)\s*:\s*text\s*\}")
_KEEPING = frozenset({"trim", "upper", "lower", "title", "default"})
"""Functions whose result is as long as their first argument."""
_NAME_FIRST = re.compile(
    rf"\s*(?:(?:{'|'.join(sorted(_KEEPING))})\s*\(\s*)*([^\W\d][\w.]*)\s*(?:$|[,)])"
)


def reply_warnings(ruleset: RuleSet) -> list[RuleError]:
    """Return a W401 for every reply template that can exceed ``settings.max_reply_parts``."""
    most = ruleset.settings.max_reply_parts
    found: list[RuleError] = []
    for flow in ruleset.flows.values():
        long = _long_names(flow)
        for template, where in replies(flow):
            warning = _too_long(template, where, most, long)
            if warning is not None:
                found.append(warning)
    for poll in ruleset.polls.values():  # its other messages are actions of its flow
        for key in ("reply", "already_voted", "changed"):
            template, at = getattr(poll, key), poll.where.get(key)
            if isinstance(template, Template) and at is not None:
                warning = _too_long(template, at, most, LONG)
                if warning is not None:
                    found.append(warning)
    return found


def copied(expression: str) -> str | None:
    """The dotted name an ``{expression}`` copies whole (``text``, ``trim(text)``,
    ``address|upper``), or None when it computes something else (``length(text)``, ``qty * 2``)."""
    head, *filters = expression.split("|")
    if any(f.split("(")[0].strip() not in _KEEPING for f in filters):
        return None
    found = _NAME_FIRST.match(head)
    return found.group(1) if found else None


def _copies(template: Template, long: frozenset[str]) -> list[str]:
    """The long names ``template`` copies, once per copy."""
    found = []
    for expression in template.expressions:
        name = copied(expression)
        if name is not None and any(name == n or name.startswith(n + ".") for n in long):
            found.append(name)
    return found


def _long_names(flow: Flow) -> frozenset[str]:
    """``text``, ``rest``, the flow's ``{x:text}`` captures, and variables ``set`` to a copy of
    one of them (``set: {address: "{trim(text)}"}``)."""
    long = set(LONG)
    sets: list[tuple[str, Template]] = []
    for trigger in flow.triggers:
        if trigger.pattern is not None:
            long.update(_TEXT_CAPTURE.findall(trigger.pattern.source))
    for state in flow.states.values():
        for case in _cases(state):
            if isinstance(case.test, Pattern):
                long.update(_TEXT_CAPTURE.findall(case.test.source))
        for action in _actions(state):
            if isinstance(action, SetVars):
                sets.extend(action.items)
    grew = True
    while grew:  # a variable set to a copy of a long one is long too
        grew = False
        for target, value in sets:
            if target not in long and _copies(value, frozenset(long)):
                long.add(target)
                grew = True
    return frozenset(long)


def _too_long(template: Template, where: Span, most: int, long: frozenset[str]) -> RuleError | None:
    parts = count_parts(template.literal, stop=256)
    if parts > most:
        return RuleError(
            "W401",
            msg("W401.too_long", parts=parts, most=most),
            where,
            msg("W401.too_long.hint"),
        )
    copies = _copies(template, long)
    if len(copies) < 2:
        return None
    return RuleError(
        "W401",
        msg("W401.copies", count=len(copies), names=", ".join(sorted(set(copies))), most=most),
        where,
        msg("W401.copies.hint"),
    )


def replies(flow: Flow) -> Iterator[tuple[Template, Span]]:
    """Every reply-like template of a flow that its file writes, with where it is written."""
    for state in flow.states.values():
        for action in _actions(state):
            if isinstance(action, Say | Send) and action.where is not None:
                yield action.text, action.where


def _cases(state: State) -> list[Case]:
    cases = [*state.route, *state.choose]
    if state.wait is not None:
        cases += [*state.wait.cases, state.wait.otherwise]
    return cases


def _actions(state: State) -> Iterator[Action]:
    yield from state.actions
    if state.wait is not None and state.wait.timeout is not None:
        yield from state.wait.timeout.actions
    for case in _cases(state):
        yield from case.actions


def render_warnings(warnings: Sequence[RuleError], sources: Mapping[str, str]) -> str:
    """Render warnings as errors are (``file:line:col: warning[W401]: …``), and their count."""
    blocks = []
    for warning in sorted(warnings, key=RuleError.sort_key):
        blocks.append(render(warning, sources, kind="warning"))
    blocks.append(plural("check.warnings", len(warnings)))
    return "\n\n".join(blocks) + "\n"
