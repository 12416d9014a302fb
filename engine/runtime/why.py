"""Own what the runtime says about its own decisions when asked to explain a message.

Only with ``Input.explain`` (``twoway explain``, the chat's ``/why``): the ``decided`` event
names the step of the order of precedence that took the message and the rule (``file:line``),
``case_failed`` each case that was tried and did not match, and why. Production never pays.
"""

from __future__ import annotations

from engine.dsl import Condition, Pattern
from engine.errors import Span
from engine.ruleset.model import AnswerTest, Case, ChoiceTest, PollGate, Test

__all__ = ["STEPS", "describe", "failure", "located"]

STEPS = (
    "compliance", "opted_out", "held", "restart", "aside", "wait", "trigger", "typo", "catchall",
    "inbox",
)  # fmt: skip
"""The values of the ``step`` field of a ``decided`` event, in the order of precedence."""


def located(where: Span | None) -> str | None:
    """``file:line`` of a rule, or None for a built-in one."""
    return None if where is None else f"{where.file}:{where.line}"


def describe(test: Test) -> str:
    """The test of a case as its author wrote it, roughly."""
    if test is None:
        return "otherwise"
    if isinstance(test, Condition):
        return f"when: {test.source}"
    if isinstance(test, Pattern):
        return f"match: {test.source}"
    if isinstance(test, ChoiceTest):
        return "a choice: " + ", ".join(sorted(set(test.choices.values())))
    if isinstance(test, AnswerTest):
        return f"an answer ({test.type})"
    if isinstance(test, PollGate):
        return f"the poll is {test.reason.replace('_', ' ')}"
    return "keyword: " + ", ".join(" ".join(words) for words in test)


def failure(case: Case, test_passed: bool) -> str:
    """Why ``case`` did not take the message."""
    if test_passed and case.guard is not None:
        return f"its when: {case.guard.source} is false"
    test = case.test
    if isinstance(test, Condition):
        return "the condition is false"
    if isinstance(test, Pattern):
        return "the pattern does not match"
    if isinstance(test, ChoiceTest):
        return "the text names none of the choices"
    if isinstance(test, AnswerTest):
        return f"the text is not a valid {test.type.replace('_', '/')} answer"
    if isinstance(test, PollGate):
        return f"the poll is not {test.reason.replace('_', ' ')}"
    return "the message does not start with the keyword"
