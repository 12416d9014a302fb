"""The function library: every docstring example runs, and bad input is an EvalError."""

from __future__ import annotations

import datetime as dt
import doctest
from collections.abc import Callable
from typing import Any

import pytest

import engine.dsl.functions
import engine.dsl.scanners
import engine.dsl.text
import engine.dsl.values
from engine.dsl import FUNCTIONS, EvalError

DOCUMENTED = [
    "has_any_word",
    "has_all_words",
    "has_phrase",
    "has_number",
    "has_number_between",
    "has_date",
    "has_phone",
    "word",
    "lower",
    "upper",
    "title",
    "trim",
    "length",
    "default",
    "date",
    "number",
    "join",
]


def test_the_library_is_exactly_the_documented_one() -> None:
    assert sorted(FUNCTIONS) == sorted(DOCUMENTED)


@pytest.mark.parametrize("name", DOCUMENTED)
def test_docstring_examples(name: str) -> None:
    function = FUNCTIONS[name]
    finder = doctest.DocTestFinder(recurse=False)
    tests = finder.find(function, name, globs={name: function})
    examples = sum(len(test.examples) for test in tests)
    assert examples >= 1, f"{name} has no example"
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    for test in tests:
        runner.run(test)
    assert runner.summarize(verbose=False).failed == 0


@pytest.mark.parametrize(
    "module", [engine.dsl.functions, engine.dsl.text, engine.dsl.values, engine.dsl.scanners]
)
def test_module_doctests(module: Any) -> None:
    assert doctest.testmod(module).failed == 0


F = FUNCTIONS


@pytest.mark.parametrize(
    ("call", "expected"),
    [
        (lambda: F["has_any_word"]("Je dis OUI!", "yes oui"), True),
        (lambda: F["has_any_word"]("Non merci", ["no"]), False),
        (lambda: F["has_any_word"]("ok", []), False),
        (lambda: F["has_any_word"](None, "a"), False),
        (lambda: F["has_any_word"]("d'accord", ["d'accord"]), True),
        (lambda: F["has_all_words"]("a b c", []), False),
        (lambda: F["has_phrase"]("x", ""), False),
        (lambda: F["has_number"](12), True),
        (lambda: F["has_number"]("room 4b"), False),
        (lambda: F["has_number_between"]("between 4,5 and 9", "4", "5"), True),
        (lambda: F["has_number_between"]("-3 degrees", -5, 0), True),
        (lambda: F["has_date"]("on 2026-12-03"), True),
        (lambda: F["has_date"]("version 1.2"), False),
        (lambda: F["has_phone"]("+1 (555) 123-4567"), True),
        (lambda: F["word"]("  Hello,  big   world! ", -1), "world"),
        (lambda: F["word"]("a b", "1"), "b"),
        (lambda: F["word"]("", 0), ""),
        (lambda: F["lower"](None), ""),
        (lambda: F["upper"](4.0), "4"),
        (lambda: F["trim"]("\n x \t"), "x"),
        (lambda: F["length"]({"a": 1}), 1),
        (lambda: F["default"](None, 1), 1),
        (lambda: F["default"]([], 1), []),
        (lambda: F["date"](dt.datetime(2026, 1, 5, 9, 7), "%a %-d %b %-H:%M"), "Mon 5 Jan 9:07"),
        (lambda: F["date"](dt.date(2026, 1, 5), "%Y%%"), "2026%"),
        (lambda: F["date"]("05/01/2026", "%Y-%m-%d"), "2026-01-05"),
        (lambda: F["date"]("2026-12-03T10:00:00Z", "%H:%M %z"), "10:00 +0000"),
        (lambda: F["date"]("--02-29", "%d/%m"), "29/02"),
        (lambda: F["number"]("-2"), -2),
        (lambda: F["number"](2.5), 2.5),
        (lambda: F["join"]("already text"), "already text"),
        (lambda: F["join"](None), ""),
        (lambda: F["join"]([None, True, [1, 2]]), ", true, 1, 2"),
    ],
)
def test_results(call: Callable[[], Any], expected: Any) -> None:
    assert call() == expected


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: F["has_any_word"](["a"], "a"), "has_any_word() needs a text, not a list"),
        (
            lambda: F["has_any_word"]("a", 3),
            "has_any_word() needs a list of words or a text, not number 3",
        ),
        (lambda: F["has_number_between"]("4", "low", 5), "text 'low' is not a number"),
        (lambda: F["word"]("a b", 1.5), "word() needs a whole number as index, not number 1.5"),
        (lambda: F["word"]("a b", None), "null is not a number"),
        (lambda: F["length"](3), "length() needs a text, a list or a map, not number 3"),
        (lambda: F["date"]("soon"), "cannot read text 'soon' as a date"),
        (lambda: F["date"](None), "cannot read null as a date"),
        (lambda: F["date"](12), "cannot read number 12 as a date"),
        (lambda: F["date"]("2026-12-03", 5), "date() needs a format text, not number 5"),
        (lambda: F["date"]("--12-03", "%Y"), "cannot format the date '--12-03' without a year"),
        (lambda: F["number"]("abc"), "text 'abc' is not a number"),
        (lambda: F["number"](True), "true is not a number"),
        (lambda: F["number"]([1]), "a list is not a number"),
        (lambda: F["join"](5), "join() needs a list, not number 5"),
        (lambda: F["join"](["a"], ["b"]), "join() needs a text, not a list"),
        (lambda: F["lower"]({"a": 1}), "lower() needs a text, not a map"),
    ],
)
def test_bad_input_is_an_eval_error(call: Callable[[], Any], message: str) -> None:
    with pytest.raises(EvalError) as caught:
        call()
    assert caught.value.message == message


ODD_VALUES: list[Any] = [
    None,
    True,
    0,
    -1.5,
    "",
    "x",
    "12/13/2026",
    "--99-99",
    [1, "a"],
    {"a": 1},
    dt.date(2026, 1, 1),
    object(),
]


@pytest.mark.parametrize("name", DOCUMENTED)
def test_functions_raise_only_eval_errors(name: str) -> None:
    function = FUNCTIONS[name]
    for first in ODD_VALUES:
        for second in ODD_VALUES[:8]:
            for args in ((first,), (first, second), (first, second, second)):
                try:
                    function(*args)
                except EvalError:
                    pass
                except TypeError as error:
                    # Only a wrong number of arguments, which the compiler rules out (E308).
                    assert "argument" in str(error), (name, args, error)
