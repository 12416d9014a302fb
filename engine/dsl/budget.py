"""Own the time regexes may take: one budget per message, shared by every regex it runs.

``step`` opens a budget for each message (``with message_budget(): …``); every regex search
(``~`` in conditions, ``match:`` patterns) then takes its time from it. The first regex that runs
out of time spends the whole budget and raises ``EvalError`` (the runtime reports it once); every
later regex of that message raises ``BudgetSpent`` at once and counts as no match, reported by
no one. A regex that once ran out of time is *leashed*: from then on (for the life of the
process) it may take ``LEASH`` seconds, not ``REGEX_TIMEOUT``, so a hostile text sent many times
costs about a millisecond each, not 50. Searches run with ``concurrent=True``: the GIL is released
while they run, so the event loop keeps acknowledging messages meanwhile. Outside a budget (the
DSL used on its own), each regex may take ``REGEX_TIMEOUT`` as before.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from engine.dsl.errors import EvalError

__all__ = [
    "LEASH",
    "MESSAGE_BUDGET",
    "REGEX_TIMEOUT",
    "BudgetSpent",
    "message_budget",
    "run_regex",
]

REGEX_TIMEOUT = 0.05
"""Seconds one regex may take; SMS text is short, so only a pathological regex gets there."""
MESSAGE_BUDGET = 0.05
"""Seconds all the regexes run for one message may take together."""
LEASH = 0.001
"""Seconds a regex that once ran out of time may take from then on."""

_LEASHED: dict[tuple[str, int], None] = {}
_MOST_LEASHED = 4096


class BudgetSpent(EvalError):
    """The message's regex budget is spent: this regex was not run (it counts as no match)."""


class _Budget:
    __slots__ = ("left",)

    def __init__(self, seconds: float) -> None:
        self.left = seconds


_CURRENT: ContextVar[_Budget | None] = ContextVar("twoway_regex_budget", default=None)


@contextmanager
def message_budget(seconds: float = MESSAGE_BUDGET) -> Iterator[None]:
    """Share ``seconds`` between every regex run inside the ``with`` block."""
    token = _CURRENT.set(_Budget(seconds))
    try:
        yield
    finally:
        _CURRENT.reset(token)


def run_regex(compiled: Any, text: str, too_long: str, *, match: bool = False) -> Any:
    """Call ``compiled.search`` (``compiled.match`` with ``match``) on ``text`` within the time
    allowed.

    Raise ``EvalError(too_long)`` when it runs out of time, ``BudgetSpent`` when the message's
    budget was already spent.
    """
    key = (compiled.pattern, compiled.flags)
    allowed = LEASH if key in _LEASHED else REGEX_TIMEOUT
    budget = _CURRENT.get()
    if budget is not None:
        if budget.left <= 0:
            raise BudgetSpent("the message's regex time is spent")
        allowed = min(allowed, budget.left)
    started = time.perf_counter()
    try:
        call = compiled.match if match else compiled.search
        return call(text, timeout=allowed, concurrent=True)
    except TimeoutError:
        if allowed >= REGEX_TIMEOUT:  # its own full time, not what others left of the budget
            if len(_LEASHED) >= _MOST_LEASHED:
                _LEASHED.clear()
            _LEASHED[key] = None
        if budget is not None:
            budget.left = 0.0
        raise EvalError(too_long) from None
    finally:
        if budget is not None and budget.left > 0:
            budget.left -= time.perf_counter() - started
