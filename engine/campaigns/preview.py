"""Own a campaign's preview: its first message rendered for every recipient by the real runtime,
what that costs in SMS parts, and when the first and the last will go."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from engine.campaigns.plan import Plan, pace
from engine.core.model import Contact, Input
from engine.ruleset.ruleset import RuleSet
from engine.runtime import step
from engine.sms import choose, count_parts

__all__ = ["Preview", "first_message", "preview"]

SAMPLES = 3


@dataclass(frozen=True, slots=True)
class Preview:
    plan: Plan
    samples: list[tuple[str, str]]
    """(phone, the text they get) for the first few recipients."""
    encodings: Counter[str]
    """``GSM-7`` / ``UCS-2`` → how many messages."""
    parts_min: int
    parts_max: int
    parts_total: int
    silent: int
    """Recipients for whom the flow sends nothing at its start."""
    first: datetime | None
    last: datetime | None
    rate: float | None


def first_message(ruleset: RuleSet, plan: Plan, phone: str, now: datetime) -> str | None:
    """What the campaign's flow says first to ``phone`` (None: nothing)."""
    candidate = plan.candidates[phone]
    contact = Contact(phone, candidate.fields, candidate.groups)
    inp = Input(
        "start",
        contact,
        plan.campaign.number,
        flow=plan.campaign.flow,
        params=candidate.params,
        session_id="preview",
    )
    sprint = step(ruleset, None, inp, now)
    texts = [m.text for m in sprint.outbound if m.recipient == phone]
    return "\n".join(texts) if texts else None


def preview(ruleset: RuleSet, plan: Plan, now: datetime, rate: float | None) -> Preview:
    samples: list[tuple[str, str]] = []
    encodings: Counter[str] = Counter()
    counts: list[int] = []
    silent = 0
    for recipient in plan.waiting:
        text = first_message(ruleset, plan, recipient.phone, now)
        if text is None:
            silent += 1
            continue
        if len(samples) < SAMPLES:
            samples.append((recipient.phone, text))
        coding = choose(text)
        encodings["GSM-7" if coding == "gsm7" else "UCS-2"] += 1
        counts.append(count_parts(text, coding=coding))
    first, last = pace((r.due for r in plan.waiting if r.due is not None), rate)
    return Preview(
        plan=plan,
        samples=samples,
        encodings=encodings,
        parts_min=min(counts, default=0),
        parts_max=max(counts, default=0),
        parts_total=sum(counts),
        silent=silent,
        first=first,
        last=last,
        rate=rate,
    )
