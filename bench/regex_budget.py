"""Benchmark what hostile texts cost other phones: catastrophic regexes under the regex budget.

Run from the repository root::

    python bench/regex_budget.py              # 4 regex rules, 50 evil MOs + 1 good MO
    python bench/regex_budget.py --evil 200 --rounds 3

A rule set with four catastrophic-backtracking regex rules (``text ~ /(a|aa)+$/`` …) receives
one batch of ``--evil`` hostile messages (``"a" * 40 + "!"``, each from its own phone) with one
good message (``HOURS``) from another phone in the middle, stepped one after the other as the
service's decider does inside its transaction. The good phone's reply is committed with its
batch, so the delay it sees is the time of the whole batch. Printed for the engine as it is (one
regex budget per message, leashed repeat offenders) and, for comparison, as it was (every regex
50 ms, no budget). The first run of the process also pays for leashing the four regexes.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from engine.core.messages import Inbound
from engine.core.model import Contact, Input
from engine.dsl import budget
from engine.ruleset.compiler import compile_rules
from engine.ruleset.ruleset import RuleSet
from engine.runtime import step

RULES = """\
autoreply:
  - keyword: HOURS
    reply: "Open 9-18."
  - when: 'text ~ /(a|aa)+$/'
    reply: "one"
  - when: 'text ~ /(a|aa)+z/'
    reply: "two"
  - when: 'text ~ /^(a|aa)+$/'
    reply: "three"
  - when: 'text ~ /(aa|a)+$/'
    reply: "four"
"""
runtime_step: Any = sys.modules["engine.runtime.step"]  # the module, not the function it exports
NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
NUMBER = "36111"
EVIL = "a" * 40 + "!"


def batch(rs: RuleSet, evil: int) -> tuple[float, float, list[str]]:
    """Step one batch; return (seconds to the good reply, seconds for the batch, its reply)."""
    items = [(f"+3360{i:07d}", EVIL) for i in range(evil)]
    items.insert(evil // 2, ("+33699999999", "hours"))
    started = time.perf_counter()
    good_at, good = 0.0, []
    for phone, text in items:
        inp = Input("message", Contact(phone), NUMBER, Inbound(phone, NUMBER, text, NOW), "s")
        sprint = step(rs, None, inp, NOW)
        if phone == "+33699999999":
            good_at, good = time.perf_counter() - started, [m.text for m in sprint.outbound]
    return good_at, time.perf_counter() - started, good


@contextlib.contextmanager
def as_before() -> Iterator[None]:
    """The engine before the budget: every regex may take REGEX_TIMEOUT, however often."""
    saved = runtime_step.message_budget, budget.LEASH
    runtime_step.message_budget = contextlib.nullcontext
    budget.LEASH = budget.REGEX_TIMEOUT
    budget._LEASHED.clear()
    try:
        yield
    finally:
        runtime_step.message_budget, budget.LEASH = saved
        budget._LEASHED.clear()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--evil", type=int, default=50, help="hostile messages in the batch")
    parser.add_argument("--rounds", type=int, default=2, help="batches with the budget")
    parser.add_argument("--skip-before", action="store_true", help="do not time the old way")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "evil.yaml").write_text(RULES, encoding="utf-8")
        rs = compile_rules(folder).raise_for_errors()
    if not args.skip_before:
        with as_before():
            good_at, total, good = batch(rs, args.evil)
        print(
            f"before (50 ms per regex, no budget): {args.evil} evil MOs + 1 good: good reply "
            f"{good} after {good_at:.2f} s, batch {total:.2f} s"
        )
    for round_ in range(1, args.rounds + 1):
        good_at, total, good = batch(rs, args.evil)
        print(
            f"with the regex budget, batch {round_}: {args.evil} evil MOs + 1 good: good reply "
            f"{good} after {good_at:.3f} s, batch {total:.3f} s "
            f"({total / (args.evil + 1) * 1000:.1f} ms per message)"
        )


if __name__ == "__main__":
    main()
