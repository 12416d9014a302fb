"""Shared by the results tests: a store filled by the real engine from the demo rules."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from click.testing import CliRunner, Result

from engine.cli.main import cli
from engine.core.clock import FixedClock
from engine.ruleset.compiler import compile_rules
from engine.ruleset.ruleset import RuleSet
from engine.testing import Harness

REPO = Path(__file__).resolve().parents[2]
RULES = REPO / "rules"
POLL_NUMBER = "36111"
START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
VOTERS = 1_000
TWICE = 50
LATE = 30
FIRST_VOTER = 10_000
"""Voters are phone(FIRST_VOTER + i): clear of the survey, appointment and late phones."""


@dataclass(frozen=True)
class Made:
    """What the engine was sent, to compare the results with."""

    db: Path
    ruleset: RuleSet


def demo_rules() -> RuleSet:
    return compile_rules(RULES).raise_for_errors()


def phone(i: int) -> str:
    return f"+3361{i:07d}"


async def _fill(db: Path, ruleset: RuleSet) -> None:
    clock = FixedClock(START)
    async with Harness(ruleset, db=str(db), clock=clock) as h:
        for i in range(VOTERS):
            choice = "ABC"[i % 3] if i % 7 else "A"
            await h.send(phone(FIRST_VOTER + i), POLL_NUMBER, f"VOTE {choice}")
            clock.advance(timedelta(seconds=20))
        for i in range(TWICE):
            await h.send(phone(FIRST_VOTER + i), POLL_NUMBER, "VOTE C")
        await fill_surveys(h, clock)
        await h.start_flow(phone(900), POLL_NUMBER, "appointment", _appt())
        await h.send(phone(900), POLL_NUMBER, "yes")
        await h.start_flow(phone(901), POLL_NUMBER, "appointment", _appt())
        await h.send(phone(901), POLL_NUMBER, "reschedule please")
        await h.start_flow(phone(902), POLL_NUMBER, "appointment", _appt())
        clock.set(datetime(2027, 12, 24, 19, 0, tzinfo=UTC))
        for i in range(LATE):
            await h.send(phone(500 + i), POLL_NUMBER, "VOTE B")


def _appt() -> dict[str, object]:
    return {"appt": {"at": "2026-01-08T14:30:00+01:00"}}


async def fill_surveys(h: Harness, clock: FixedClock) -> None:
    """Three complete surveys, one stopped after the first answer, one after the intro."""
    script = [
        ["SURVEY", "7", "oui", "More jazz records please"],
        ["SURVEY", "10", "no"],
        ["SURVEY", "eleven", "7", "no", "Longer hours"],
        ["SURVEY", "3"],
        ["SURVEY"],
    ]
    for n, texts in enumerate(script):
        for text in texts:
            await h.send(phone(700 + n), POLL_NUMBER, text)
            clock.advance(timedelta(seconds=30))


def make_store(db: Path) -> Made:
    ruleset = demo_rules()
    asyncio.run(_fill(db, ruleset))
    return Made(db, ruleset)


def run(*args: str) -> Result:
    """``twoway …`` in process."""
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)
