"""Own a campaign's preview: its first message rendered for every recipient by the real runtime,
what that costs in SMS parts, and when the first and the last will go."""

from __future__ import annotations

import multiprocessing as mp
import os
from collections import Counter
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import datetime

from engine.campaigns.plan import Plan, pace
from engine.core.model import Contact, Input
from engine.ruleset.ruleset import RuleSet
from engine.runtime import step
from engine.sms import choose, count_parts

__all__ = ["Preview", "first_message", "preview"]

SAMPLES = 3

PARALLEL_FROM = 20_000
"""Recipients from which the preview renders on every core (a fork costs ~50 ms)."""

MAX_WORKERS = 8


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


@dataclass(slots=True)
class _Tally:
    """What the first messages of some recipients come to."""

    samples: list[tuple[str, str]]
    encodings: Counter[str]
    parts: list[int]
    silent: int = 0

    def add(self, other: _Tally) -> None:
        self.samples = (self.samples + other.samples)[:SAMPLES]
        self.encodings.update(other.encodings)
        self.parts += other.parts
        self.silent += other.silent


def _tally(ruleset: RuleSet, plan: Plan, phones: Sequence[str], now: datetime) -> _Tally:
    tally = _Tally([], Counter(), [])
    for phone in phones:
        text = first_message(ruleset, plan, phone, now)
        if text is None:
            tally.silent += 1
            continue
        if len(tally.samples) < SAMPLES:
            tally.samples.append((phone, text))
        coding = choose(text)
        tally.encodings["GSM-7" if coding == "gsm7" else "UCS-2"] += 1
        tally.parts.append(count_parts(text, coding=coding))
    return tally


_JOB: tuple[RuleSet, Plan, datetime] | None = None
"""The preview the forked workers render a share of (inherited, not pickled)."""


def _tally_share(phones: Sequence[str]) -> _Tally:
    assert _JOB is not None
    return _tally(*_JOB[:2], phones, _JOB[2])


def _render(
    ruleset: RuleSet, plan: Plan, phones: list[str], now: datetime, parallel: bool
) -> _Tally:
    """Every recipient's first message rendered by the runtime: on every core for a large
    campaign (forked workers, each a contiguous share, so the samples stay the first ones)."""
    workers = min(os.cpu_count() or 1, MAX_WORKERS) if parallel else 1
    if len(phones) < PARALLEL_FROM or workers < 2 or "fork" not in mp.get_all_start_methods():
        return _tally(ruleset, plan, phones, now)
    global _JOB
    _JOB = (ruleset, plan, now)
    size = -(-len(phones) // workers)
    shares = [phones[i : i + size] for i in range(0, len(phones), size)]
    try:
        with ProcessPoolExecutor(workers, mp_context=mp.get_context("fork")) as pool:
            tallies = list(pool.map(_tally_share, shares))
    finally:
        _JOB = None
    whole = tallies[0]
    for more in tallies[1:]:
        whole.add(more)
    return whole


def preview(
    ruleset: RuleSet, plan: Plan, now: datetime, rate: float | None, *, parallel: bool = True
) -> Preview:
    """What ``plan`` sends: samples, encodings, parts, first and last message. ``parallel``
    False: in this process only (a running engine must not fork: its threads hold locks)."""
    tally = _render(ruleset, plan, [r.phone for r in plan.waiting], now, parallel)
    first, last = pace((r.due for r in plan.waiting if r.due is not None), rate)
    return Preview(
        plan=plan,
        samples=tally.samples,
        encodings=tally.encodings,
        parts_min=min(tally.parts, default=0),
        parts_max=max(tally.parts, default=0),
        parts_total=sum(tally.parts),
        silent=tally.silent,
        first=first,
        last=last,
        rate=rate,
    )
