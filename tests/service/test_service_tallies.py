"""Poll tallies through the service and a real SQLite store: read in the batch's transaction,
the earlier votes of the same batch counted, each voter's reply counting their own vote."""

from __future__ import annotations

import asyncio
import textwrap
from collections.abc import Collection
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from engine.core.clock import FixedClock
from engine.ruleset.compiler import compile_rules
from engine.ruleset.ruleset import RuleSet
from engine.testing import Harness

START = datetime(2026, 3, 2, 20, 0, tzinfo=UTC)

FINALE = """
poll: Finale
trigger: {keyword: VOTE}
choices: {A: Awa, B: Bruno}
reply: >-
  {choice.label}: you are vote {poll.finale.total}. Leader {poll.finale.leader.label}
  (A {poll.finale.count.A}, B {poll.finale.count.B})
"""
SCORE = """
autoreply:
  - keyword: SCORE
    reply: "{poll.finale.leader.label|default('nobody')} leads with {poll.finale.total} votes"
"""
TEASER = """
flow: Teaser
states:
  start:
    say: "{poll.finale.total} votes already: vote now!"
    end: true
"""


def compile_here(tmp_path: Path, **files: str) -> RuleSet:
    folder = tmp_path / "rules"
    folder.mkdir()
    for name, text in files.items():
        (folder / f"{name}.yaml").write_text(textwrap.dedent(text), encoding="utf-8")
    return compile_rules(folder).raise_for_errors()


def spy_on_polls(harness: Harness) -> list[tuple[str, int, frozenset[str]]]:
    """Record each transaction the service asks of the store: its kind, size and polls."""
    calls: list[tuple[str, int, frozenset[str]]] = []
    store: Any = harness.store
    for name in ("handle", "process"):
        real = getattr(store, name)

        def spy(items: Any, decide: Any, *, real: Any = real, name: str = name, **kw: Any) -> Any:
            polls: Collection[str] = kw.get("polls", ())
            calls.append((name, len(items), frozenset(polls)))
            return real(items, decide, **kw)

        setattr(store, name, spy)
    return calls


async def test_voters_of_one_batch_each_count_the_votes_before_theirs(tmp_path: Path) -> None:
    rules = compile_here(tmp_path, finale=FINALE, score=SCORE)
    async with Harness(rules, db=str(tmp_path / "t.db"), clock=FixedClock(START)) as harness:
        assert [m.text for m in await harness.send("+33600000009", "36111", "SCORE")] == [
            "nobody leads with 0 votes"
        ]
        await harness.send("+33600000010", "36111", "VOTE B")  # committed by an earlier batch
        calls = spy_on_polls(harness)
        voters = [
            ("+33600000001", "VOTE A"),
            ("+33600000002", "VOTE A"),
            ("+33600000003", "VOTE B"),
        ]
        await asyncio.gather(
            *(harness.transport.deliver(phone, "36111", text, START) for phone, text in voters)
        )
        await harness.service.idle()
        assert calls == [("handle", 3, frozenset({"finale"}))]  # one batch, one transaction
        replies = {m.recipient: m.text for m in harness.transport.take()}
        assert replies == {
            "+33600000001": "Awa: you are vote 2. Leader Awa (A 1, B 1)",
            "+33600000002": "Awa: you are vote 3. Leader Awa (A 2, B 1)",
            "+33600000003": "Bruno: you are vote 4. Leader Awa (A 2, B 2)",
        }
        assert await harness.store.tally("finale") == {"A": 2, "B": 2}
        assert [m.text for m in await harness.send("+33600000009", "36111", "SCORE")] == [
            "Awa leads with 4 votes"
        ]


async def test_a_second_vote_in_the_same_batch_is_refused_and_not_counted(
    tmp_path: Path,
) -> None:
    rules = compile_here(tmp_path, finale=FINALE, score=SCORE)
    async with Harness(rules, db=str(tmp_path / "t.db"), clock=FixedClock(START)) as harness:
        await asyncio.gather(
            *(
                harness.transport.deliver(phone, "36111", text, START)
                for phone, text in (
                    ("+33600000001", "VOTE B"),
                    ("+33600000001", "VOTE A"),
                    ("+33600000002", "VOTE A"),
                )
            )
        )
        await harness.service.idle()
        assert [(m.recipient, m.text) for m in harness.transport.take()] == [
            ("+33600000001", "Bruno: you are vote 1. Leader Bruno (A 0, B 1)"),
            (
                "+33600000001",
                "You have already voted for Bruno. Only one vote per number counts.",
            ),
            ("+33600000002", "Awa: you are vote 2. Leader Awa (A 1, B 1)"),
        ]


async def test_the_processor_path_reads_the_tallies_too(tmp_path: Path) -> None:
    rules = compile_here(tmp_path, finale=FINALE, teaser=TEASER)
    async with Harness(rules, db=str(tmp_path / "t.db"), clock=FixedClock(START)) as harness:
        await harness.send("+33600000001", "36111", "VOTE A")
        await harness.send("+33600000002", "36111", "VOTE B")
        calls = spy_on_polls(harness)
        sent = await harness.start_flow("+33600000003", "36111", "teaser", {})
        assert [m.text for m in sent] == ["2 votes already: vote now!"]
        assert ("process", 1, frozenset({"finale"})) in calls


async def test_rules_that_read_no_tally_ask_the_store_for_none(tmp_path: Path) -> None:
    plain = FINALE.split("reply:")[0] + 'reply: "Thanks for {choice.label}."\n'
    rules = compile_here(tmp_path, finale=plain)
    assert rules.tallied == frozenset()
    async with Harness(rules, db=str(tmp_path / "t.db"), clock=FixedClock(START)) as harness:
        calls = spy_on_polls(harness)
        assert [m.text for m in await harness.send("+33600000001", "36111", "VOTE A")] == [
            "Thanks for Awa."
        ]
        assert calls == [("handle", 1, frozenset())]
