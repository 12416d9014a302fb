"""Own the sugar: compile each rule-file form (autoreply, poll, survey, flow) to one Flow.

Every form ends up as states, waits and cases, so the runtime knows one concept only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from functools import partial
from typing import Any

from engine.dsl import Template, compile_template, normalize
from engine.i18n.replies import LANGUAGES, or_list, text
from engine.ruleset.model import (
    END,
    STAY,
    AnswerTest,
    Case,
    ChoiceTest,
    Flow,
    Goto,
    Poll,
    PollGate,
    RecordAnswer,
    RecordVote,
    RefuseVote,
    Say,
    State,
    Timeout,
    Trigger,
    Wait,
)
from engine.ruleset.source import Source
from engine.ruleset.states import StateCompiler, keywords, numbers

__all__ = ["choice_index", "compile_autoreply", "compile_flow", "compile_poll", "compile_survey"]


def choice_index(choices: dict[str, str]) -> dict[str, str]:
    """Map every normalised key and label of ``choices`` to its key."""
    index: dict[str, str] = {}
    for key, label in choices.items():
        index.setdefault(normalize(str(label)), key)
    for key in choices:
        index[normalize(str(key))] = key
    return index


def compile_autoreply(src: Source, sc: StateCompiler, order: int) -> Flow:
    data = src.doc.data
    scope = numbers(data.get("number"))
    states: dict[str, State] = {}
    triggers: list[Trigger] = []
    for index, entry in enumerate(data["autoreply"]):
        path = ("autoreply", index)
        name = f"entry_{index + 1}"
        common: dict[str, Any] = {
            "flow": sc.flow_id,
            "state": name,
            "numbers": scope,
            "interrupt": entry.get("interrupt") is True,
            "order": order + index,
            "where": src.span(path),
        }
        if "otherwise" in entry:
            case = sc.otherwise((*path, "otherwise"))
            states[name] = State(name, case.actions, (), None, END)
            triggers.append(Trigger(kind="otherwise", **common))
            continue
        states[name] = State(name, sc.actions(path), (), None, sc.exit_of(path) or END)
        if "keyword" in entry:
            triggers.append(Trigger(kind="keyword", keywords=keywords(entry["keyword"]), **common))
        elif "match" in entry:
            pattern = src.pattern((*path, "match"))
            guard = src.condition((*path, "when")) if "when" in entry else None
            if pattern is not None:
                triggers.append(Trigger(kind="match", pattern=pattern, guard=guard, **common))
        elif "when" in entry:
            condition = src.condition((*path, "when"))
            if condition is not None:
                triggers.append(Trigger(kind="when", condition=condition, **common))
    return Flow(
        id=sc.flow_id,
        kind="autoreply",
        title=str(data.get("description") or sc.flow_id),
        states=states,
        start=next(iter(states), ""),
        triggers=tuple(triggers),
        numbers=scope,
        file=src.file,
    )


def compile_poll(
    src: Source, sc: StateCompiler, order: int, language: str = "en"
) -> tuple[Flow, Poll]:
    data = src.doc.data
    choices = {str(k): str(v) for k, v in data["choices"].items()}
    index = choice_index(choices)
    keys = list(choices)
    messages = {}
    for key in ("reply", "already_voted", "changed", "closed", "not_open", "ask", "invalid"):
        messages[key] = src.template((key,)) if key in data else None
    poll = Poll(
        id=sc.flow_id,
        title=str(data["poll"]),
        choices=choices,
        once_per="contact",
        change="allowed" if data.get("change") == "allowed" else "refused",
        opens=src.moment(("opens",)) if "opens" in data else None,
        closes=src.moment(("closes",)) if "closes" in data else None,
        reply=messages["reply"] or builtin(lambda lang: text("vote.counted", lang), language),
        already_voted=messages["already_voted"]
        or builtin(lambda lang: text("vote.already", lang), language),
        changed=messages["changed"] or builtin(lambda lang: text("vote.changed", lang), language),
        closed=messages["closed"] or builtin(lambda lang: text("vote.closed", lang), language),
        not_open=messages["not_open"]
        or builtin(lambda lang: text("vote.not_open", lang), language),
        index=index,
        where={key: src.span((key,), key=True) for key in messages if key in data},
    )
    record = (RecordVote(poll.id, compile_template("{choice}")),)
    ask = messages["ask"] or builtin(
        lambda lang: text("choice.ask", lang, choices=or_list(keys, lang)), language
    )
    invalid = messages["invalid"] or builtin(
        lambda lang: text("choice.invalid", lang, choices=or_list(keys, lang)), language
    )
    assert poll.closed is not None and poll.not_open is not None
    at = poll.where.get
    state = State(
        "vote",
        actions=(Say(ask, at("ask")),),
        route=(
            # a closed poll says so at once, instead of asking for a choice it would refuse
            Case(
                PollGate(poll.id, "closed"),
                (RefuseVote(poll.id, "closed"), Say(poll.closed, at("closed"))),
                END,
            ),
            Case(
                PollGate(poll.id, "not_open"),
                (RefuseVote(poll.id, "not_open"), Say(poll.not_open, at("not_open"))),
                END,
            ),
            Case(ChoiceTest(index, use_rest=True), record, END),
        ),
        wait=Wait(
            cases=(Case(ChoiceTest(index), record, END, where=src.span(("choices",))),),
            otherwise=Case(
                None,
                (Say(invalid, at("invalid")),),
                STAY,
                retries=1,
                exhausted=END,
                where=at("invalid") or src.span(("choices",)),
            ),
        ),
    )
    scope = numbers(data.get("number"))
    triggers = sc.triggers(("trigger",), "vote", scope, order)
    flow = Flow(
        id=sc.flow_id,
        kind="poll",
        title=poll.title,
        states={"vote": state},
        start="vote",
        triggers=triggers,
        expire=timedelta(hours=1),
        numbers=scope,
        file=src.file,
    )
    return flow, poll


def compile_survey(src: Source, sc: StateCompiler, order: int, language: str = "en") -> Flow:
    data = src.doc.data
    questions: list[dict[str, Any]] = data["questions"]
    retries = int(data.get("retries", 2))
    timeout = src.duration(("timeout",)) if "timeout" in data else None
    names = [f"q_{q['id']}" for q in questions] + ["done"]
    states: dict[str, State] = {}
    gave_up = _gave_up(src, language)
    first = Goto(names[0])
    intro = src.template(("intro",)) if "intro" in data else None
    states["start"] = State(
        "start", (Say(intro, src.span(("intro",), key=True)),) if intro else (), (), None, first
    )
    for i, question in enumerate(questions):
        path = ("questions", i)
        following = Goto(names[i + 1])
        given_up = f"gave_up_{question['id']}"
        test = _answer_test(question)
        ask = src.template((*path, "ask"))
        invalid = (
            src.template((*path, "invalid"))
            if "invalid" in question
            else builtin(partial(_invalid_text, question), language)
        )
        say_invalid = (Say(invalid, src.span((*path, "invalid"), key=True)),) if invalid else ()
        route: tuple[Case, ...] = ()
        if "skip_if" in question:
            skip = src.condition((*path, "skip_if"))
            if skip is not None:
                route = (Case(skip, (), following),)
        record = (RecordAnswer(str(question["id"]), compile_template("{answer}")),)
        states[names[i]] = State(
            names[i],
            actions=(Say(ask, src.span((*path, "ask"), key=True)),) if ask else (),
            route=route,
            wait=Wait(
                cases=(Case(test, record, following, where=src.span(path)),),
                otherwise=Case(
                    None, say_invalid, STAY, retries, Goto(given_up), where=src.span(path)
                ),
                timeout=Timeout(timeout, (), END) if timeout else None,
            ),
        )
        # After its retries, a question is given up aloud, and the survey goes on.
        states[given_up] = State(given_up, (gave_up,), (), None, following)
    outro = src.template(("outro",)) if "outro" in data else None
    states["done"] = State(
        "done", (Say(outro, src.span(("outro",), key=True)),) if outro else (), (), None, END
    )
    scope = numbers(data.get("number"))
    return Flow(
        id=sc.flow_id,
        kind="survey",
        title=str(data["survey"]),
        states=states,
        start="start",
        triggers=sc.triggers(("trigger",), "start", scope, order) if "trigger" in data else (),
        expire=timeout,
        numbers=scope,
        file=src.file,
    )


def builtin(source: Callable[[str], str], language: str) -> Template:
    """A built-in text in ``settings.language``, with its translations into every language the
    catalogue has: a contact whose ``language`` field names one of them reads that one."""
    main = compile_template(source(language))
    others = tuple((lang, compile_template(source(lang))) for lang in LANGUAGES if lang != language)
    return replace(main, translations=others)


def _gave_up(src: Source, language: str) -> Say:
    """What a survey says when it gives up a question: its ``gave_up:``, else the built-in text."""
    if "gave_up" in src.doc.data:
        written = src.template(("gave_up",))
        if written is not None:
            return Say(written, src.span(("gave_up",), key=True))
    return Say(builtin(lambda lang: text("survey.gave_up", lang), language))


def _answer_test(question: dict[str, Any]) -> AnswerTest:
    kind = question.get("type", "text")
    choices = {str(k): str(v) for k, v in (question.get("choices") or {}).items()}
    low, high = question.get("min"), question.get("max")
    return AnswerTest(
        type=kind,
        minimum=low,
        maximum=high,
        choices=choice_index(choices) if choices else {},
        integer=_integer(question, low, high),
    )


def _integer(question: dict[str, Any], low: Any, high: Any) -> bool:
    """Whether a number question takes whole numbers only: as ``decimals:`` says, else when
    both its bounds are written as whole numbers (a 1 to 5 rating)."""
    if "decimals" in question:
        return question["decimals"] is not True
    return all(isinstance(bound, int) and not isinstance(bound, bool) for bound in (low, high))


def _invalid_text(question: dict[str, Any], language: str) -> str:
    """The template source a survey re-asks with when its question has no ``invalid:``."""
    kind = question.get("type", "text")
    if kind == "number":
        low, high = question.get("min"), question.get("max")
        if low is not None and high is not None:
            return text("answer.number_between", language, low=low, high=high)
        return text("answer.number", language)
    if kind == "choice":
        listing = or_list([str(k) for k in question.get("choices") or {}], language)
        return text("choice.invalid", language, choices=listing)
    return text(f"answer.{kind}", language)


def compile_flow(src: Source, sc: StateCompiler, order: int) -> Flow:
    data = src.doc.data
    states: dict[str, State] = {}
    for name in data["states"]:
        states[str(name)] = sc.state(str(name), ("states", name))
    start = str(data.get("start") or next(iter(states), ""))
    if "start" in data and start not in states:
        sc.gotos.append((start, ("start",)))
    scope = numbers(data.get("number"))
    triggers = sc.triggers(("trigger",), start, scope, order) if "trigger" in data else ()
    return Flow(
        id=sc.flow_id,
        kind="flow",
        title=str(data.get("flow") or sc.flow_id),
        states=states,
        start=start,
        triggers=triggers,
        expire=src.duration(("expire",)) if "expire" in data else None,
        numbers=scope,
        file=src.file,
    )
