"""Durations in words, English or French (``2 heures``, ``30 minutes``, ``1 jour et 12 heures``,
``1h30``): the parser and the rule-file schema's pattern (what an editor checks) agree."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from pathlib import Path

import pytest

from engine.dsl.durations import parse_duration
from engine.dsl.errors import DslError

SCHEMA = json.loads((Path(__file__).parents[2] / "schemas" / "rules.schema.json").read_text())
PATTERN = re.compile(SCHEMA["$defs"]["duration"]["pattern"])

GOOD = {
    "90s": timedelta(seconds=90),
    "1h30m": timedelta(minutes=90),
    "1d 12h": timedelta(hours=36),
    "2 heures": timedelta(hours=2),
    "30 minutes": timedelta(minutes=30),
    "2 Hours": timedelta(hours=2),
    "1 jour et 12 heures": timedelta(hours=36),
    "1 day, 12 hours": timedelta(hours=36),
    "1 day and 12 hours": timedelta(hours=36),
    "3 jours": timedelta(days=3),
    "1 semaine": timedelta(weeks=1),
    "1h30": timedelta(minutes=90),
    "45 secondes": timedelta(seconds=45),
}
BAD = ["1 mois", "abc", "5", "", "2 heures 30", "1 day and", "h", "2 hourss", "1 an"]


@pytest.mark.parametrize(("text", "expected"), GOOD.items())
def test_a_duration_in_words_is_read(text: str, expected: timedelta) -> None:
    assert parse_duration(text) == expected
    assert PATTERN.search(text), text


@pytest.mark.parametrize("text", BAD)
def test_what_is_not_a_duration_is_refused_by_both(text: str) -> None:
    with pytest.raises(DslError) as caught:
        parse_duration(text)
    assert caught.value.code == "E206"
    assert not PATTERN.search(text), text
