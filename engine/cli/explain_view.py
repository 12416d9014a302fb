"""Own how an explanation prints: the decision path as text lines, or as JSON (``--json``)."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from engine.cli.explain_run import Explanation
from engine.core.events import EventType
from engine.i18n import plural, say
from engine.runtime.why import STEPS

__all__ = ["as_json", "lines", "step_label"]


def step_label(step: str | None) -> str:
    """The step of the order of precedence that decided, in words (in the language in use)."""
    if step in STEPS:
        return say(f"explain.step.{step}")
    return step or say("explain.no_decision")


def lines(ex: Explanation) -> list[str]:
    """The decision path, one ``key: value`` line each (the tests read them), in the language
    in use."""
    none = say("none")
    out = [
        say(
            "explain.message",
            text=repr(ex.text),
            phone=ex.phone,
            number=ex.number,
            at=ex.at.isoformat(),
        ),
        say("explain.normalised", text=repr(ex.normalised)),
        say("explain.before", session=ex.before or none),
        say("explain.decided", step=step_label(ex.step), detail=_detail(ex)),
        say("explain.rule", rule=_rule(ex)),
        say("explain.captures", captures=_pairs(ex.captures) or none),
    ]
    if ex.tried:
        out.append(say("explain.tried"))
        out.extend(
            say("explain.tried_case", rule=t.rule or say("built_in"), test=t.test, reason=t.reason)
            for t in ex.tried
        )
    if not ex.replies:
        out.append(say("explain.no_reply"))
    for i, reply in enumerate(ex.replies, 1):
        to = "" if reply.to == ex.phone else say("explain.to", to=reply.to)
        out.append(say("explain.reply", n=i, to=to, text=repr(reply.text)))
        out.append(
            plural("explain.parts", reply.parts, coding=reply.coding, length=len(reply.text))
        )
    if ex.replies:
        out.append(plural("explain.cost", sum(r.parts for r in ex.replies)))
    out.append(say("explain.after", session=ex.after or none))
    return out


def _detail(ex: Explanation) -> str:
    data = ex.decision
    if ex.step == "compliance":
        action = str(data.get("action", "")).upper()
        return say(
            "explain.detail.compliance", action=action, keyword=repr(data.get("keyword", ""))
        )
    if ex.step == "held":
        return say("explain.detail.held", team=data.get("team"))
    if ex.step == "typo":
        corrected = next((e.data for e in ex.events if e.type == EventType.KEYWORD_CORRECTED), {})
        typed, keyword = repr(corrected.get("typed")), repr(corrected.get("keyword"))
        return say("explain.detail.typo", typed=typed, keyword=keyword)
    if ex.step == "wait" and data.get("otherwise"):
        return say("explain.detail.otherwise")
    return ""


def _rule(ex: Explanation) -> str:
    data = ex.decision
    if ex.rule is None:
        return say("built_in") if ex.step is not None else say("none")
    where = [say("explain.where.flow", flow=data["flow"])] if data.get("flow") else []
    if data.get("state"):
        where.append(say("explain.where.state", state=data["state"]))
    if data.get("kind"):
        where.append(say("explain.where.trigger", kind=data["kind"]))
    return f"{ex.rule} ({', '.join(where)})" if where else ex.rule


def _pairs(values: Any) -> str:
    return ", ".join(f"{k}={v!r}" for k, v in values.items())


def as_json(ex: Explanation) -> str:
    data = asdict(ex)
    data["at"] = ex.at.isoformat()
    data["events"] = [{"type": e.type, "data": dict(e.data)} for e in ex.events]
    return json.dumps(data, ensure_ascii=False, indent=2, default=str)
