"""The regex time budget: a regex is leashed only when it spent its own full time, never when
other regexes of the message had spent the budget before it."""

from __future__ import annotations

import pytest
import regex

from engine.dsl import budget
from engine.dsl.budget import BudgetSpent, message_budget, run_regex
from engine.dsl.errors import EvalError

EVIL = r"(a|aa)+$"
TEXT = "a" * 40 + "!"


@pytest.fixture(autouse=True)
def no_leash() -> None:
    budget._LEASHED.clear()


def test_a_regex_cut_short_by_what_was_left_of_the_budget_is_not_leashed() -> None:
    evil = regex.compile(EVIL)
    with message_budget(0.005), pytest.raises(EvalError, match="too long"):
        run_regex(evil, TEXT, "too long")
    assert (evil.pattern, evil.flags) not in budget._LEASHED


def test_a_regex_that_spent_its_own_time_is_leashed_and_spends_the_budget() -> None:
    evil = regex.compile(EVIL)
    with message_budget():
        with pytest.raises(EvalError, match="too long"):
            run_regex(evil, TEXT, "too long")
        with pytest.raises(BudgetSpent):  # every later regex of that message: no match
            run_regex(regex.compile("a"), "a", "too long")
    assert (evil.pattern, evil.flags) in budget._LEASHED
    assert run_regex(regex.compile("^a+!$"), TEXT, "too long") is not None
