"""Conditions: precedence, every operator, text as numbers, names, dates, regexes, safety."""

from __future__ import annotations

import datetime as dt
import re
import time
from typing import Any

import pytest

from engine.dsl import Condition, DslError, EvalError, compile_condition

NOW = dt.datetime(2026, 12, 3, 10, 5, 30)  # a Thursday

CTX: dict[str, Any] = {
    "text": "Oui, je viens",
    "contact": {"name": "Ann", "age": "17", "groups": ["vip", "paris"], "nickname": None},
    "now": NOW,
    "answers": {"score": 9, "comment": "12"},
    "yes": True,
    "no": False,
    "items": [1, 2, 3],
    "prices": {"mug": 5},
    "empty": "",
}


def holds(source: str, ctx: dict[str, Any] | None = None) -> bool:
    return compile_condition(source).evaluate(CTX if ctx is None else ctx)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        # precedence: or < and < not < comparison < + - < * / < unary -
        ("true or false and false", True),
        ("(true or false) and false", False),
        ("not false and false", False),
        ("not (false and false)", True),
        ("not 1 == 2", True),
        ("1 + 2 * 3 == 7", True),
        ("(1 + 2) * 3 == 9", True),
        ("10 - 4 - 3 == 3", True),
        ("8 / 4 / 2 == 1", True),
        ("-2 * -3 == 6", True),
        ("- answers.score == -9", True),
        ("1 < 2 and 2 < 3", True),
        # keywords are case-insensitive
        ("TRUE AND NOT False", True),
        ("Null == null", True),
    ],
)
def test_precedence(source: str, expected: bool) -> None:
    assert holds(source) is expected


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("answers.score == 9", True),
        ("answers.score != 9", False),
        ("answers.score < 10", True),
        ("answers.score <= 9", True),
        ("answers.score > 9", False),
        ("answers.score >= 9", True),
        ("'vip' in contact.groups", True),
        ("'gold' not in contact.groups", True),
        ("2 in items", True),
        ("'2' in items", True),
        ("'je' in text", True),
        ("'mug' in prices", True),
        ("'cup' in prices", False),
        ("'x' in contact.nickname", False),
        ("text ~ /oui|yes/i", True),
        ("text ~ /^OUI/", False),
        ("text ~ /^OUI/i", True),
        ("text !~ /non/", True),
        ("text ~ 'je v'", True),
        ("text ~ contact.name", False),
        ("'a\\nb' ~ /a.b/s", True),
        ("'a\\nb' ~ /a.b/", False),
        ("'x\\ny' ~ /^y$/m", True),
        ("'it\\'s' == \"it's\"", True),
        ("[1, 2] == [1, 2]", True),
        ("[1, 'a'] != [1, 'b']", True),
        ("'ab' + 'cd' == 'abcd'", True),
        ("[1] + [2] == [1, 2]", True),
        ("2.5 * 2 == 5", True),
        ("7 / 2 == 3.5", True),
        ("yes", True),
        ("no", False),
        ("not no", True),
        ("empty", False),
        ("items", True),
        ("contact.nickname == null", True),
    ],
)
def test_operators(source: str, expected: bool) -> None:
    assert holds(source) is expected


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("'12' >= 9", True),
        ("9 < '12'", True),
        ("answers.comment > 9", True),
        ("contact.age >= 18", False),
        ("contact.age == 17", True),
        ("'4,5' == 4.5", True),
        ("' 3 ' == 3", True),
        ("'12' + 1 == 13", True),
        ("-'3' == -3", True),
        # both sides text: compared as text
        ("'12' < '9'", True),
        # different types are unequal, not an error
        ("'a' == 3", False),
        ("true == 1", False),
        ("null == 0", False),
        ("null != ''", True),
    ],
)
def test_text_meets_numbers(source: str, expected: bool) -> None:
    assert holds(source) is expected


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("contact.age2 > 3", "unknown name 'contact.age2'"),
        ("missing", "unknown name 'missing'"),
        ("missing.deep.path == 1", "unknown name 'missing.deep.path'"),
        ("contact.name.first == 'A'", "unknown name 'contact.name.first'"),
        ("'a' < 3", "cannot compare text 'a' with number 3 using '<'"),
        ("null >= 1", "cannot compare null with number 1 using '>='"),
        ("items > 1", "cannot compare a list with number 1 using '>'"),
        ("'a' + 1 == 2", "cannot add text 'a' and number 1"),
        ("1 / 0 == 1", "division by zero"),
        ("-'x' == 1", "cannot negate text 'x'"),
        ("1 in 5", "'in' needs a list, a text or a map on its right, not number 5"),
        ("text ~ 5", "'~' needs a regex or a text on its right, not number 5"),
        ("text ~ contact.groups", "'~' needs a regex or a text on its right, not a list"),
        ("has_number(items)", "has_number() needs a text, not a list"),
    ],
)
def test_evaluation_errors(source: str, message: str) -> None:
    condition = compile_condition(source)
    with pytest.raises(EvalError) as caught:
        condition.evaluate(CTX)
    assert caught.value.message == message


def test_dynamic_regex_is_checked_at_evaluation() -> None:
    condition = compile_condition("text ~ pattern")
    assert condition.evaluate({"text": "abc", "pattern": "b+"}) is True
    with pytest.raises(EvalError, match="invalid regex"):
        condition.evaluate({"text": "abc", "pattern": "("})


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("now.year == 2026", True),
        ("now.month == 12", True),
        ("now.day == 3", True),
        ("now.hour == 10", True),
        ("now.minute == 5", True),
        ("now.second == 30", True),
        ("now.weekday == 3", True),
        ("now.isoweekday == 4", True),
        ("now.date == '2026-12-03'", True),
        ("now.hour >= 9 and now.hour < 18", True),
    ],
)
def test_now_allowlist(source: str, expected: bool) -> None:
    assert holds(source) is expected


def test_plain_dates_have_no_time_fields() -> None:
    ctx = {"day": dt.date(2026, 12, 3)}
    assert holds("day.weekday == 3 and day.date == '2026-12-03'", ctx)
    with pytest.raises(EvalError, match=r"unknown name 'day\.hour'"):
        holds("day.hour == 0", ctx)


@pytest.mark.parametrize(
    "source",
    [
        "text.__class__",
        "text.__class__.__mro__",
        "now.__class__",
        "now.tzinfo",
        "now.replace",
        "now.astimezone",
        "contact.__len__",
        "items.append",
        "contact.keys",
    ],
)
def test_no_attribute_access_beyond_the_allowlist(source: str) -> None:
    with pytest.raises(EvalError, match=re.escape(f"unknown name '{source}'")):
        holds(source)


def test_dunder_names_are_just_missing_keys() -> None:
    assert holds("x.__class__ == 1", {"x": {"__class__": 1}})


def test_names_collects_root_names() -> None:
    condition = compile_condition("contact.age > 1 and has_number(text) or now.hour < answers.x")
    assert condition.names == frozenset({"contact", "text", "now", "answers"})
    assert condition.source == "contact.age > 1 and has_number(text) or now.hour < answers.x"


def test_allowed_names() -> None:
    names = {"text", "contact"}
    assert compile_condition("contact.age > 1", names=names).names == {"contact"}
    with pytest.raises(DslError) as caught:
        compile_condition("contact.age > 1 and answer > 2", names=names)
    assert caught.value.code == "E305"


def test_condition_is_frozen_and_shared() -> None:
    condition = compile_condition("a == 1")
    assert isinstance(condition, Condition)
    with pytest.raises(AttributeError):
        condition.source = "b"  # type: ignore[misc]
    assert compile_condition("a == 1") is condition


def test_and_or_short_circuit() -> None:
    assert holds("true or missing") is True
    assert holds("false and missing") is False


def test_default_catches_only_unknown_names() -> None:
    assert holds("default(contact.title, 'Mx') == 'Mx'")
    assert holds("default(contact.nickname, 'pal') == 'pal'")
    assert holds("default(contact.name, 'pal') == 'Ann'")
    assert holds("default(nothing.at.all, 3) == 3")
    with pytest.raises(EvalError, match="cannot add"):
        holds("default('a' + 1, 3) == 3")


def test_catastrophic_regex_is_stopped() -> None:
    # The regex module already defuses (a+)+$ quickly: it simply does not match...
    started = time.perf_counter()
    assert holds("text ~ /(a+)+$/", {"text": "a" * 40 + "b"}) is False
    assert time.perf_counter() - started < 0.5
    # ... but alternation that overlaps still explodes, and the time limit stops it.
    condition = compile_condition("text ~ /(a|aa)+$/")
    started = time.perf_counter()
    with pytest.raises(EvalError, match=r"/\(a\|aa\)\+\$/ ran out of time"):
        condition.evaluate({"text": "a" * 40 + "b"})
    assert time.perf_counter() - started < 0.5


def test_inbound_text_is_data() -> None:
    assert holds("text == '{contact.name}'", {"text": "{contact.name}"})


def test_deep_nesting_is_a_compile_error() -> None:
    with pytest.raises(DslError) as caught:
        compile_condition("(" * 300 + "1" + ")" * 300)
    assert caught.value.code == "E301"
    assert caught.value.message == "expression is too deeply nested"


def test_moderate_nesting_is_fine() -> None:
    assert holds("(" * 40 + "1" + ")" * 40 + " == 1")
    assert holds(" and ".join(["true"] * 60))
