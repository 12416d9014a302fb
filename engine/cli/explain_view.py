"""Own how an explanation prints: the decision path as text lines, or as JSON (``--json``)."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from engine.cli.explain_run import Explanation

__all__ = ["as_json", "lines"]

_STEPS = {
    "compliance": "compliance word",
    "opted_out": "opted out (ignored)",
    "held": "held hand-off",
    "restart": "the waiting poll's own keyword (it starts again)",
    "aside": "an interrupting entry, answered aside (the session keeps waiting)",
    "wait": "waiting session",
    "trigger": "trigger",
    "typo": "typo forgiveness",
    "catchall": "catch-all",
    "inbox": "inbox",
}


def step_label(step: str | None) -> str:
    return _STEPS.get(step or "", step or "(no decision)")


def lines(ex: Explanation) -> list[str]:
    """The decision path, one ``key: value`` line each (the tests read them)."""
    out = [
        f"message: {ex.text!r} from {ex.phone} to {ex.number} at {ex.at.isoformat()}",
        f"normalised: {ex.normalised!r}",
        f"session before: {ex.before or '(none)'}",
        f"decided by: {step_label(ex.step)}{_detail(ex)}",
        f"rule: {_rule(ex)}",
        "captures: " + (_pairs(ex.captures) or "(none)"),
    ]
    if ex.tried:
        out.append("tried:")
        out.extend(f"  ✗ {t.rule or '(built-in)'} {t.test}: {t.reason}" for t in ex.tried)
    if not ex.replies:
        out.append("reply: (none)")
    for i, reply in enumerate(ex.replies, 1):
        to = "" if reply.to == ex.phone else f" (to {reply.to})"
        parts = "SMS part" if reply.parts == 1 else "SMS parts"
        out.append(f"reply {i}{to}: {reply.text!r}")
        out.append(f"  {reply.coding}, {len(reply.text)} characters, {reply.parts} {parts}")
    if ex.replies:
        total = sum(r.parts for r in ex.replies)
        out.append(f"cost: {total} SMS part{'s' if total != 1 else ''}")
    out.append(f"session after: {ex.after or '(none)'}")
    return out


def _detail(ex: Explanation) -> str:
    data = ex.decision
    if ex.step == "compliance":
        return f" ({str(data.get('action', '')).upper()}: {data.get('keyword', '')!r})"
    if ex.step == "held":
        return f" (team {data.get('team')})"
    if ex.step == "typo":
        corrected = next((e.data for e in ex.events if e.type == "keyword_corrected"), {})
        return f" (read {corrected.get('typed')!r} as {corrected.get('keyword')!r})"
    if ex.step == "wait" and data.get("otherwise"):
        return " (otherwise)"
    return ""


def _rule(ex: Explanation) -> str:
    data = ex.decision
    if ex.rule is None:
        return "(built-in)" if ex.step is not None else "(none)"
    where = [f"flow {data['flow']}"] if data.get("flow") else []
    if data.get("state"):
        where.append(f"state {data['state']}")
    if data.get("kind"):
        where.append(f"{data['kind']} trigger")
    return f"{ex.rule} ({', '.join(where)})" if where else ex.rule


def _pairs(values: Any) -> str:
    return ", ".join(f"{k}={v!r}" for k, v in values.items())


def as_json(ex: Explanation) -> str:
    data = asdict(ex)
    data["at"] = ex.at.isoformat()
    data["events"] = [{"type": e.type, "data": dict(e.data)} for e in ex.events]
    return json.dumps(data, ensure_ascii=False, indent=2, default=str)
