"""The results read model equals what the store holds, from data the real engine produced."""

from __future__ import annotations

import asyncio
import sqlite3
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from engine.core.model import Sprint, Vote
from engine.core.records import Step
from engine.results import FlowResult, PollResult, SurveyResult, compute_results, result_names
from engine.ruleset.compiler import compile_rules
from engine.store import SqliteStore
from tests.results.helpers import LATE, TWICE, VOTERS, Made


def results(made: Made, *names: str) -> list[Any]:
    async def main() -> list[Any]:
        async with SqliteStore(str(made.db)) as store:
            return await compute_results(store, made.ruleset, names)

    return asyncio.run(main())


def test_every_poll_survey_and_flow_has_a_result_in_rule_set_order(made: Made) -> None:
    names = result_names(made.ruleset)
    assert set(names) == {"contest", "survey", "appointment"}
    assert [r.name for r in results(made)] == names
    assert [r.name for r in results(made, "survey", "contest")] == ["survey", "contest"]


def test_an_unknown_name_is_a_key_error(made: Made) -> None:
    with pytest.raises(KeyError):
        results(made, "nope")


def test_the_tally_is_the_store_s_votes_exactly(made: Made) -> None:
    (poll,) = results(made, "contest")
    assert isinstance(poll, PollResult)
    with sqlite3.connect(made.db) as conn:
        stored = dict(
            conn.execute(
                "SELECT choice, COUNT(*) FROM votes WHERE poll = ? GROUP BY choice", ("contest",)
            )
        )
        voters = conn.execute("SELECT COUNT(DISTINCT contact) FROM votes").fetchone()[0]
    assert {key: n for key, _, n in poll.choices} == stored
    assert [(k, label) for k, label, _ in poll.choices] == list(
        made.ruleset.polls["contest"].choices.items()
    )
    assert sum(n for _, _, n in poll.choices) == voters == poll.voters == VOTERS
    assert poll.refused_second == TWICE
    assert poll.refused_closed == LATE
    assert poll.refused_not_open == 0


def test_votes_per_hour_add_up_in_the_rule_set_s_time_zone(made: Made) -> None:
    (poll,) = results(made, "contest")
    assert sum(n for _, n in poll.per_hour) == VOTERS
    assert [(h.isoformat(), n) for h, n in poll.per_hour] == [
        ("2026-01-05T10:00:00+01:00", 180),  # one vote every 20 s
        ("2026-01-05T11:00:00+01:00", 180),
        ("2026-01-05T12:00:00+01:00", 180),
        ("2026-01-05T13:00:00+01:00", 180),
        ("2026-01-05T14:00:00+01:00", 180),
        ("2026-01-05T15:00:00+01:00", 100),
    ]


def test_a_survey_has_one_row_per_session_with_plain_values(made: Made) -> None:
    (survey,) = results(made, "survey")
    assert isinstance(survey, SurveyResult)
    assert survey.questions == ("score", "first_visit", "improve")
    rows = [(r.phone, r.completed is not None, dict(r.answers)) for r in survey.respondents]
    assert rows == [
        (
            "+33610000700",
            True,
            {"score": 7, "first_visit": "yes", "improve": "More jazz records please"},
        ),
        ("+33610000701", True, {"score": 10, "first_visit": "no"}),
        ("+33610000702", True, {"score": 7, "first_visit": "no", "improve": "Longer hours"}),
        ("+33610000703", False, {"score": 3}),
        ("+33610000704", False, {}),
    ]
    assert survey.completion_rate == pytest.approx(3 / 5)
    assert dict(survey.distributions)["score"] == ((7, 2), (3, 1), (10, 1))
    assert dict(survey.distributions)["first_visit"] == (("no", 2), ("yes", 1))


def test_survey_answers_equal_the_store_s(made: Made) -> None:
    (survey,) = results(made, "survey")
    with sqlite3.connect(made.db) as conn:
        stored = Counter(
            conn.execute("SELECT contact, question FROM answers WHERE survey = 'survey'")
        )
    assert Counter((r.phone, q) for r in survey.respondents for q, _ in r.answers) == stored


def test_a_flow_counts_sessions_endings_and_handoffs(made: Made) -> None:
    (flow,) = results(made, "appointment")
    assert flow == FlowResult(
        name="appointment",
        title="Appointment confirmation",
        started=3,
        ended_by=(("completed", 2),),
        active=1,
        handoffs=1,
    )


def test_votes_per_hour_in_a_half_hour_zone_count_each_vote_in_its_own_hour(
    tmp_path: Path,
) -> None:
    """India is UTC+05:30: 18:20 and 18:40 UTC are 23:50 and 00:10 there, two hours (and two
    days) apart, which a count by the UTC hour would put in one."""
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "settings.yaml").write_text("settings: {timezone: Asia/Kolkata}\n", encoding="utf-8")
    (rules / "pick.yaml").write_text(
        'poll: Pick\ntrigger: {keyword: PICK}\nnumber: "36111"\nchoices: {A: Ay, B: Bee}\n'
        'reply: "Counted."\n',
        encoding="utf-8",
    )
    compiled = compile_rules(rules)
    assert compiled.ruleset is not None, compiled.errors
    cast = [(18, 20, "A"), (18, 40, "B"), (18, 59, "A"), (19, 29, "B"), (19, 31, "B")]

    async def main() -> list[Any]:
        async with SqliteStore(tmp_path / "twoway.db") as store:
            for n, (hour, minute, choice) in enumerate(cast):
                at = datetime(2026, 3, 1, hour, minute, 30, tzinfo=UTC)
                sprint = Sprint(session=None, votes=(Vote("pick", choice),))
                await store.commit([Step(f"+91980000{n:04d}", "36111", sprint, at, "v1")])
            return await compute_results(store, compiled.ruleset, ["pick"])

    (poll,) = asyncio.run(main())
    assert [(h.isoformat(), n) for h, n in poll.per_hour] == [
        ("2026-03-01T23:00:00+05:30", 1),  # 18:20 UTC
        ("2026-03-02T00:00:00+05:30", 3),  # 18:40, 18:59 and 19:29 UTC
        ("2026-03-02T01:00:00+05:30", 1),  # 19:31 UTC
    ]
    assert poll.choices == (("A", "Ay", 2), ("B", "Bee", 3)) and poll.voters == 5
