"""Own the checks of typed answers (survey questions) and of poll choices."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from engine.dsl import intent, normalize
from engine.ruleset.model import AnswerTest, ChoiceTest

__all__ = ["check_answer", "check_choice"]

_NUMBER = re.compile(r"(?<![\w.,])-?\d+(?:[.,]\d+)?(?![\w])")
_DMY = re.compile(r"\b(\d{1,2})[/.\-](\d{1,2})(?:[/.\-](\d{2,4}))?\b")
_YMD = re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")


def check_choice(test: ChoiceTest, text: str) -> str | None:
    """Return the choice key named by ``text`` (its key or its label), or None.

    The whole text may be the choice ("B", "Song B"), or its first word ("B please").
    """
    norm = normalize(text)
    if not norm:
        return None
    found = test.choices.get(norm)
    if found is None:
        found = test.choices.get(norm.split(" ", 1)[0])
    return found


def check_answer(test: AnswerTest, text: str, today: date) -> tuple[bool, Any]:
    """Return (valid, value) for an answer to a question of ``test.type``."""
    stripped = text.strip()
    if not stripped:
        return False, None
    if test.type == "text":
        return True, stripped
    if test.type == "yes_no":
        meaning = intent(stripped)
        return (True, meaning) if meaning in ("yes", "no") else (False, None)
    if test.type == "choice":
        key = check_choice(ChoiceTest(choices=test.choices), stripped)
        return (key is not None), key
    if test.type == "number":
        return _check_number(test, stripped)
    return _check_date(stripped, today)


def _check_number(test: AnswerTest, text: str) -> tuple[bool, Any]:
    numbers = _NUMBER.findall(text)
    if len(numbers) != 1:
        return False, None
    raw = numbers[0].replace(",", ".")
    if test.integer and "." in raw:  # "4,5" is 4.5 in French, 45 in English: no whole number
        return False, None
    value: float | int = float(raw) if "." in raw else int(raw)
    if test.minimum is not None and value < test.minimum:
        return False, value
    if test.maximum is not None and value > test.maximum:
        return False, value
    return True, value


def _check_date(text: str, today: date) -> tuple[bool, Any]:
    match = _YMD.search(text)
    try:
        if match:
            year, month, day = (int(g) for g in match.groups())
            return True, date(year, month, day).isoformat()
        match = _DMY.search(text)
        if match:
            day, month = int(match.group(1)), int(match.group(2))
            year = int(match.group(3)) if match.group(3) else today.year
            if year < 100:
                year += 2000
            return True, date(year, month, day).isoformat()
    except ValueError:
        return False, None
    return False, None
