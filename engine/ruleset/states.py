"""Own the compilation of what every form shares: actions, cases, states, triggers."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from engine.core.groups import group_problem, groups_of
from engine.core.messages import normalize_address
from engine.dsl import normalize
from engine.i18n import msg
from engine.ruleset.model import (
    END,
    STAY,
    Action,
    Case,
    Goto,
    Handoff,
    Log,
    RecordAnswer,
    RecordVote,
    Say,
    Send,
    SetVars,
    State,
    Tag,
    Test,
    Timeout,
    Trigger,
    Wait,
)
from engine.ruleset.source import Path, Source

__all__ = ["ACTION_KEYS", "StateCompiler", "keywords", "numbers"]

ACTION_KEYS = ("say", "reply", "send", "set", "vote", "answer", "handoff", "log", "tag", "untag")
GROUPS = "contact.groups"
"""The ``set`` target whose value may be a list: the contact's groups."""


def keywords(value: Any) -> tuple[tuple[str, ...], ...]:
    """Normalise one keyword or a list of them into tuples of words."""
    items = value if isinstance(value, list) else [value]
    found: list[tuple[str, ...]] = []
    for item in items:
        words = tuple(normalize(str(item)).split())
        if words and words not in found:
            found.append(words)
    return tuple(found)


def numbers(value: Any) -> frozenset[str] | None:
    if value is None:
        return None
    items = value if isinstance(value, list) else [value]
    return frozenset(normalize_address(str(item)) for item in items)


class StateCompiler:
    """Compile states of one file, remembering every goto so targets can be checked later."""

    def __init__(self, source: Source, flow_id: str) -> None:
        self.src = source
        self.flow_id = flow_id
        self.gotos: list[tuple[str, Path]] = []
        """(target state, path of the value naming it)."""

    # --- actions ------------------------------------------------------------------------

    def actions(self, path: Path, skip: tuple[str, ...] = ()) -> tuple[Action, ...]:
        """Compile the action keys of the mapping at ``path``, in the order written."""
        data = self.src.get(path)
        found: list[Action] = []
        for key in data:
            if key in skip or key not in ACTION_KEYS:
                continue
            if key == "set" and isinstance(data[key].get(GROUPS), list):
                found.extend(self.set_groups((*path, key)))
                continue
            action = self.action(key, (*path, key))
            if action is not None:
                found.append(action)
        return tuple(found)

    def set_groups(self, path: Path) -> list[Action]:
        """A ``set`` whose ``contact.groups`` is a list: the other targets, then the groups."""
        found: list[Action] = []
        others = self.set_vars(path, skip=GROUPS)
        if others.items:
            found.append(others)
        names = self.group_names((*path, GROUPS))
        if names is not None:
            found.append(Tag(names, "set"))
        return found

    def set_vars(self, path: Path, skip: str = "") -> SetVars:
        items = []
        for target in self.src.get(path):
            if target == skip:
                continue
            if isinstance(self.src.get((*path, target)), list):
                self.src.error(
                    "E203",
                    msg("E203.not_a_list", target=target),
                    (*path, target),
                    hint=msg("E203.not_a_list.hint", groups=GROUPS),
                )
                continue
            self.src.defines.add(str(target).split(".")[0])
            template = self.src.template((*path, target))
            if template is not None:
                items.append((str(target), template))
        return SetVars(tuple(items))

    def group_names(self, path: Path) -> tuple[str, ...] | None:
        """The group names written at ``path`` (one or a list), or None after reporting E410."""
        value = self.src.get(path)
        items = value if isinstance(value, list) else [value]
        ok = True
        for index, item in enumerate(items):
            problem = group_problem(str(item))
            if problem is not None:
                ok = False
                where = (*path, index) if isinstance(value, list) else path
                hint = msg("E410.hint")
                self.src.error("E410", problem, where, hint=hint)
        return groups_of(str(item) for item in items) if ok else None

    def action(self, key: str, path: Path) -> Action | None:
        src = self.src
        value = src.get(path)
        if key in ("say", "reply"):
            text = src.template(path)
            return Say(text, src.span(path, key=True)) if text else None
        if key == "send":
            to, text = src.template((*path, "to")), src.template((*path, "text"))
            return Send(to, text, src.span(path, key=True)) if to and text else None
        if key == "set":
            return self.set_vars(path)
        if key in ("tag", "untag"):
            names = self.group_names(path)
            return None if names is None else Tag(names, "tag" if key == "tag" else "untag")
        if key == "vote":
            choice = src.template((*path, "choice"))
            return RecordVote(str(value["poll"]), choice) if choice else None
        if key == "answer":
            answer = src.template((*path, "value"))
            return RecordAnswer(str(value["question"]), answer) if answer else None
        if key == "handoff":
            return Handoff(str(value))
        text = src.template(path)
        return Log(text) if text else None

    # --- transitions --------------------------------------------------------------------

    def goto(self, path: Path) -> Goto:
        target = str(self.src.get(path))
        if target == "end":
            return END
        self.gotos.append((target, path))
        return Goto(target)

    def exit_of(self, path: Path) -> Goto | None:
        """Return the ``goto``/``end`` of the mapping at ``path``, or None."""
        data = self.src.get(path)
        if data.get("end") is True:
            return END
        if "goto" in data:
            return self.goto((*path, "goto"))
        return None

    # --- cases, waits, states -----------------------------------------------------------

    def test(self, path: Path) -> tuple[str, Test]:
        data = self.src.get(path)
        for kind in ("keyword", "match", "when", "otherwise"):
            if kind in data:
                if kind == "when":
                    return kind, self.src.condition((*path, "when"))
                if kind == "keyword":
                    return kind, keywords(data["keyword"])
                if kind == "match":
                    return kind, self.src.pattern((*path, "match"))
                return kind, None
        return "otherwise", None

    def case(self, path: Path) -> tuple[bool, Case]:
        """Compile one case; return (is_otherwise, case)."""
        data = self.src.get(path)
        if "otherwise" in data:
            return True, self.otherwise((*path, "otherwise"))
        kind, test = self.test(path)
        guard = None
        if kind in ("keyword", "match") and "when" in data:
            guard = self.src.condition((*path, "when"))
        where = self.src.span(path)
        return False, Case(
            test, self.actions(path), self.exit_of(path) or STAY, guard=guard, where=where
        )

    def otherwise(self, path: Path) -> Case:
        value = self.src.get(path)
        if isinstance(value, str):
            text = self.src.template(path)
            say = (Say(text, self.src.span(path, key=True)),) if text else ()
            return Case(None, say, STAY, where=self.src.span(path, key=True))
        retries = value.get("retries")
        exhausted = self.goto((*path, "then")) if "then" in value else END
        return Case(
            None,
            self.actions(path),
            self.exit_of(path) or STAY,
            retries=int(retries) if retries is not None else None,
            exhausted=exhausted,
            where=self.src.span(path, key=True),
        )

    def wait(self, path: Path, timeout_path: Path | None) -> Wait:
        cases: list[Case] = []
        otherwise: Case | None = None
        for index in range(len(self.src.get(path))):
            is_other, case = self.case((*path, index))
            if is_other:
                otherwise = case
            else:
                cases.append(case)
        timeout = self.timeout(timeout_path) if timeout_path is not None else None
        if otherwise is None:
            return Wait(tuple(cases), Case(None), timeout, implicit_otherwise=True)
        return Wait(tuple(cases), otherwise, timeout)

    def timeout(self, path: Path) -> Timeout | None:
        after = self.src.duration((*path, "after"))
        if after is None:
            return None
        data = self.src.get(path)
        then = self.goto((*path, "then")) if "then" in data else END
        return Timeout(after, self.actions(path), then, self.src.span(path, key=True))

    def state(self, name: str, path: Path) -> State:
        data: Mapping[str, Any] = self.src.get(path)
        wait = None
        if "wait" in data:
            timeout_path = (*path, "timeout") if "timeout" in data else None
            wait = self.wait((*path, "wait"), timeout_path)
            if data.get("fall_through") is True:
                wait = replace(wait, fall_through=True)
        elif "fall_through" in data:
            self.src.error(
                "E411",
                msg("E411.fall_through"),
                (*path, "fall_through"),
                key=True,
                hint=msg("E411.fall_through.hint"),
            )
        choose = self.choose((*path, "choose")) if "choose" in data else ()
        clash = [key for key in ("wait", "goto", "end") if key in data]
        if choose and clash:
            self.src.error(
                "E412",
                msg("E412.both", key=clash[0]),
                (*path, clash[0]),
                key=True,
                hint=msg("E412.both.hint"),
            )
        return State(name, self.actions(path), (), wait, self.exit_of(path), choose)

    def choose(self, path: Path) -> tuple[Case, ...]:
        """Compile ``choose:``: its ``when`` cases, then its otherwise (every one must leave)."""
        cases: list[Case] = []
        otherwise: Case | None = None
        for index, data in enumerate(self.src.get(path)):
            here = (*path, index, "otherwise") if "otherwise" in data else (*path, index)
            exit_ = self.exit_of(here) if isinstance(self.src.get(here), Mapping) else None
            if exit_ is None:
                self.src.error(
                    "E412",
                    msg("E412.where"),
                    here,
                    key=True,
                    hint=msg("E412.where.hint"),
                )
                exit_ = END
            test = None if "otherwise" in data else self.src.condition((*path, index, "when"))
            case = Case(test, self.actions(here), exit_)
            if "otherwise" in data:
                otherwise = case
            elif test is not None:
                cases.append(case)
        if otherwise is None:
            self.src.error(
                "E412",
                msg("E412.otherwise"),
                path,
                key=True,
                hint=msg("E412.otherwise.hint"),
            )
            otherwise = Case(None, (), END)
        return (*cases, otherwise)

    # --- triggers -----------------------------------------------------------------------

    def triggers(
        self, path: Path, state: str, default_numbers: frozenset[str] | None, order: int
    ) -> tuple[Trigger, ...]:
        value = self.src.get(path)
        items = value if isinstance(value, list) else [value]
        found: list[Trigger] = []
        for index, item in enumerate(items):
            here = (*path, index) if isinstance(value, list) else path
            scope = numbers(item.get("number")) if "number" in item else default_numbers
            interrupt = bool(item.get("interrupt", False))
            guard = self.src.condition((*here, "when")) if "when" in item else None
            common: dict[str, Any] = {
                "flow": self.flow_id,
                "state": state,
                "numbers": scope,
                "interrupt": interrupt,
                "guard": guard,
                "order": order + index,
                "where": self.src.span(here),
            }
            if "keyword" in item:
                found.append(Trigger(kind="keyword", keywords=keywords(item["keyword"]), **common))
            elif "match" in item:
                pattern = self.src.pattern((*here, "match"))
                if pattern is not None:
                    found.append(Trigger(kind="match", pattern=pattern, **common))
            elif "schedule" in item:
                params = item.get("params")
                declared = (
                    tuple((str(k), str(v)) for k, v in params.items())
                    if isinstance(params, Mapping)
                    else None
                )
                found.append(
                    Trigger(
                        kind="schedule",
                        schedule=str(item["schedule"]),
                        params=declared,
                        **common,
                    )
                )
        return tuple(found)
