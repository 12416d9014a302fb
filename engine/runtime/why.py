"""Own what the runtime says about its own decisions when asked to explain a message.

Only with ``Input.explain`` (``twoway explain``, the chat's ``/why``): the ``decided`` event
names the step of the order of precedence that took the message and the rule (``file:line``),
``case_failed`` each case that was tried and did not match, and why. Production never pays.
"""

from __future__ import annotations

from engine.dsl import Condition, Pattern
from engine.errors import Span
from engine.i18n import msg
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
        return msg("why.otherwise")
    if isinstance(test, Condition):
        return msg("why.when", source=test.source)
    if isinstance(test, Pattern):
        return msg("why.match", source=test.source)
    if isinstance(test, ChoiceTest):
        return msg("why.choice", choices=", ".join(sorted(set(test.choices.values()))))
    if isinstance(test, AnswerTest):
        return msg("why.answer", type=test.type)
    if isinstance(test, PollGate):
        return msg("why.poll_is", reason=test.reason.replace("_", " "))
    return msg("why.keyword", words=", ".join(" ".join(words) for words in test))


def failure(case: Case, test_passed: bool) -> str:
    """Why ``case`` did not take the message."""
    if test_passed and case.guard is not None:
        return msg("why.guard_false", source=case.guard.source)
    test = case.test
    if isinstance(test, Condition):
        return msg("why.condition_false")
    if isinstance(test, Pattern):
        return msg("why.no_match")
    if isinstance(test, ChoiceTest):
        return msg("why.no_choice")
    if isinstance(test, AnswerTest):
        return msg("why.not_answer", type=test.type.replace("_", "/"))
    if isinstance(test, PollGate):
        return msg("why.poll_not", reason=test.reason.replace("_", " "))
    return msg("why.no_keyword")
