"""Shared by the report tests: a store filled by the real engine, and a poll with hostile text."""

from __future__ import annotations

import asyncio
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from engine.core.clock import FixedClock
from engine.ruleset.compiler import compile_rules
from engine.testing import Harness
from tests.results.helpers import POLL_NUMBER, RULES, fill_surveys, phone

START = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
"""A Monday, 09:00 in Europe/Paris (the demo rules' time zone)."""
VOTERS = 30
HOSTILE_VOTERS = 4
HOSTILE_LABEL = "<script>alert('label')</script>"
HOSTILE_TITLE = 'Best <b>bold</b> & "quoted" one'
HOSTILE_POLL = f"""\
# A poll whose texts are markup: the report must show them as text.
poll: '{HOSTILE_TITLE}'
trigger: {{keyword: [PICK]}}
number: "{POLL_NUMBER}"
choices:
  X: "{HOSTILE_LABEL}"
  Y: "<img src=https://example.com/x.png>"
once_per: contact
reply: "Thanks!"
"""


@dataclass(frozen=True)
class ReportMade:
    db: Path
    rules: Path
    messages: int
    """Every message the engine received."""


def make_rules(folder: Path) -> Path:
    """The demo rules, plus the hostile poll."""
    rules = folder / "rules"
    shutil.copytree(RULES, rules)
    (rules / "hostile.yaml").write_text(HOSTILE_POLL, encoding="utf-8")
    return rules


async def _fill(db: Path, rules: Path) -> int:
    ruleset = compile_rules(rules).raise_for_errors()
    clock = FixedClock(START)
    sent = 0
    async with Harness(ruleset, db=str(db), clock=clock) as h:
        for i in range(VOTERS):  # one vote every 7 minutes: 09:00 to 12:23, Paris time
            await h.send(phone(i), POLL_NUMBER, f"VOTE {'ABCA'[i % 4]}")
            clock.advance(timedelta(minutes=7))
            sent += 1
        await h.send(phone(0), POLL_NUMBER, "VOTE B")  # refused: already voted
        sent += 1
        for i in range(HOSTILE_VOTERS):
            await h.send(phone(100 + i), POLL_NUMBER, f"PICK {'XY'[i % 2]}")
            sent += 1
        await fill_surveys(h, clock)
        sent += 15  # the five scripted surveys: 4 + 3 + 5 + 2 + 1 messages
    return sent


def make_report_store(folder: Path) -> ReportMade:
    rules = make_rules(folder)
    db = folder / "twoway.db"
    messages = asyncio.run(_fill(db, rules))
    return ReportMade(db, rules, messages)
