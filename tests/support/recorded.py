"""Own stores filled with real traffic for `twoway replay`'s tests and bench: every message
runs through the engine (the harness's service, a SQLite file, a fixed clock), as it would in
production."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from engine.core.clock import FixedClock
from engine.ruleset.compiler import compile_files, find_rule_files
from engine.ruleset.ruleset import RuleSet
from engine.testing import Harness

__all__ = ["Sent", "load_rules", "record"]


@dataclass(frozen=True, slots=True)
class Sent:
    """One inbound message to record: who, to which number, what, when."""

    phone: str
    number: str
    text: str
    at: datetime


def load_rules(folder: Path) -> RuleSet:
    compiled = compile_files(find_rule_files(folder))
    assert compiled.ruleset is not None, compiled.errors
    return compiled.ruleset


def record(rules: Path, db: Path, messages: Sequence[Sent]) -> None:
    """Run ``messages`` (oldest first) through the rules in ``rules`` into the store ``db``."""
    ruleset = load_rules(rules)

    async def run() -> None:
        clock = FixedClock(messages[0].at)
        async with Harness(ruleset, db=str(db), clock=clock) as harness:
            for message in messages:
                await harness.move_to(message.at)
                await harness.send(message.phone, message.number, message.text)

    asyncio.run(run())
