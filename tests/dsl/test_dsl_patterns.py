"""Patterns: literal words without case, accents or punctuation, typed captures, no-match cases."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from engine.dsl import EvalError, Pattern, compile_pattern


def match(pattern: str, text: str) -> dict[str, Any] | None:
    return compile_pattern(pattern).match(text)


VOTE = "VOTE {choice:A|B|C}"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("VOTE A", {"choice": "A"}),
        ("vote a", {"choice": "A"}),
        ("Vote: A!", {"choice": "A"}),
        ("  VOTE   b  ", {"choice": "B"}),
        ("vote-c", {"choice": "C"}),
        ("VOTE C and more words", {"choice": "C"}),
        ("Voté a", {"choice": "A"}),
        ("VOTE AB", None),
        ("VOTER A", None),
        ("VOTEA", None),
        ("VOTE", None),
        ("VOTE D", None),
        ("I VOTE A", None),
        ("", None),
    ],
)
def test_vote(text: str, expected: dict[str, Any] | None) -> None:
    assert match(VOTE, text) == expected


def test_pattern_attributes() -> None:
    pattern = compile_pattern("Vote: {choice:A|B|C} {comment:text}")
    assert isinstance(pattern, Pattern)
    assert pattern.captures == ("choice", "comment")
    assert pattern.first_word == "vote"
    assert compile_pattern("{n:number} stars").first_word is None
    assert compile_pattern("ARRÊT tout").first_word == "arret"
    assert compile_pattern("STOP-SMS {x}").first_word == "stop"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("PRICE t-shirt!", {"product": "t-shirt"}),
        ("price: Mug", {"product": "Mug"}),
        ("Price «Café» please", {"product": "Café"}),
        ("PRICE", None),
        ("PRIX mug", None),
    ],
)
def test_word(text: str, expected: dict[str, Any] | None) -> None:
    assert match("PRICE {product:word}", text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3", 3),
        ("-2", -2),
        ("+7", 7),
        ("4.5", 4.5),
        ("4,5", 4.5),
        ("4,5 stars", 4.5),
        ("10!", 10),
        ("１２", 12),
        ("x", None),
        ("12abc", None),
        ("", None),
    ],
)
def test_number(text: str, expected: int | float | None) -> None:
    found = match("{n:number}", text)
    if expected is None:
        assert found is None
    else:
        assert found == {"n": expected}
        assert type(found["n"]) is type(expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("NOTE hello world  ", "hello world"),
        ("NOTE: Hello, World!", "Hello, World!"),
        ("note - yes", "yes"),
        ("note -5 degrees", "-5 degrees"),
        ("NOTE", ""),
        ("note   ", ""),
        ("NOTE Ça va ?", "Ça va ?"),
    ],
)
def test_text(text: str, expected: str) -> None:
    assert match("NOTE {rest:text}", text) == {"rest": expected}


def test_text_needs_the_words_before_it() -> None:
    assert match("NOTE {rest:text}", "NOTES hello") is None
    assert match("NOTE {rest:text}", "hello") is None


def test_text_in_the_middle_is_the_shortest_run() -> None:
    pattern = "FROM {a:text} TO {b:word}"
    assert match(pattern, "from New York to Paris") == {"a": "New York", "b": "Paris"}
    assert match(pattern, "from to Paris") is None


def test_whole_message_as_text() -> None:
    assert match("{all:text}", "  anything at all ") == {"all": "anything at all"}
    assert match("{all:text}", "") == {"all": ""}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("BOOK 03/12/2026", "2026-12-03"),
        ("book 3/12/2026", "2026-12-03"),
        ("book 03/12/26", "2026-12-03"),
        ("book 2026-12-03", "2026-12-03"),
        ("book 03.12.2026", "2026-12-03"),
        ("book 03-12-2026", "2026-12-03"),
        ("book 3/12", "--12-03"),
        ("book 29/02", "--02-29"),
        ("book 03/12/2026, thanks", "2026-12-03"),
        ("book 31/02/2026", None),
        ("book 13/13", None),
        ("book 3.12", None),
        ("book 03/12/20261", None),
        ("book tomorrow", None),
    ],
)
def test_date(text: str, expected: str | None) -> None:
    found = match("BOOK {d:date}", text)
    assert found == (None if expected is None else {"d": expected})


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("CALL +33 6 12 34 56 78", "+33612345678"),
        ("call +33 (0)6 12 34 56 78", "+33612345678"),
        ("call 06-12-34-56-78 please", "0612345678"),
        ("call (555) 123-4567", "5551234567"),
        ("call 06.12.34.56.78", "0612345678"),
        ("call 12345", None),
        ("call 1234567890123456", None),
        ("call me", None),
    ],
)
def test_phone(text: str, expected: str | None) -> None:
    found = match("CALL {p:phone}", text)
    assert found == (None if expected is None else {"p": expected})


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Extra  Large please", "extra large"),
        ("EXTRA-LARGE, PLEASE!!", "extra large"),
        ("small please", "small"),
        ("extra please", None),
        ("medium please", None),
    ],
)
def test_multi_word_alternatives(text: str, expected: str | None) -> None:
    found = match("{size:small|extra large} please", text)
    assert found == (None if expected is None else {"size": expected})


def test_alternatives_are_returned_as_written() -> None:
    assert match("{c:Oui|Non}", "OUI") == {"c": "Oui"}
    assert match("{c:Café|Thé}", "cafe") == {"c": "Café"}
    assert match("{c:Café|Thé}", "THE !") == {"c": "Thé"}


@pytest.mark.parametrize(
    "text",
    ["ARRÊT maintenant", "arret maintenant", "Arrêt: maintenant", "ARRE\u0302T maintenant"],
)
def test_accents_on_either_side(text: str) -> None:
    assert match("Arrêt {x:word}", text) == {"x": "maintenant"}
    assert match("ARRET {x:word}", text) == {"x": "maintenant"}


def test_captures_keep_accents_as_typed_even_when_decomposed() -> None:
    decomposed = "hi Zoe\u0301 ok"
    assert match("HI {name:word}", decomposed) == {"name": "Zoe\u0301"}
    assert match("HI {rest:text}", "hi \u1e9e-street  ") == {"rest": "\u1e9e-street"}
    assert match("STRASSE {n:number}", "Straße 12") == {"n": 12}


def test_several_captures() -> None:
    pattern = "ORDER {qty:number} {product:word} {when:date}"
    assert match(pattern, "order 2 mugs 24/12/2026") == {
        "qty": 2,
        "product": "mugs",
        "when": "2026-12-24",
    }
    assert match(pattern, "order two mugs 24/12/2026") is None


def test_capture_without_type_is_a_word() -> None:
    assert match("HI {name}", "hi Bob!") == {"name": "Bob"}


def test_punctuation_only_literals_are_separators() -> None:
    assert match("VOTE: {c:A|B}", "vote b") == {"c": "B"}
    assert match("d'accord {x:word}", "D ACCORD bien") == {"x": "bien"}


def test_timeout_is_an_eval_error() -> None:
    class Slow:
        """A regex that always runs out of time, as the regex module reports it."""

        pattern = "slow"
        flags = 0

        def match(self, text: str, timeout: float, concurrent: bool) -> None:
            assert timeout == 0.05 and concurrent
            raise TimeoutError

    pattern = dataclasses.replace(compile_pattern("A {x:word}"), _regex=Slow())
    with pytest.raises(EvalError) as caught:
        pattern.match("a b")
    assert caught.value.message == (
        "the pattern 'A {x:word}' ran out of time; the other regexes of this message count "
        "as no match"
    )


def test_digits_captures_keep_leading_zeros_as_text() -> None:
    assert compile_pattern("CODE {n:digits(5,8)}").match("code 00123") == {"n": "00123"}
    assert compile_pattern("CODE {n:digits(5,8)}").match("code 12345678") == {"n": "12345678"}
    assert compile_pattern("CODE {n:digits(5,8)}").match("code 0012") is None
    assert compile_pattern("CODE {n:digits(5,8)}").match("code 123456789") is None
    assert compile_pattern("{n:digits}").match("007 please") == {"n": "007"}
    assert compile_pattern("{n:digits(5)}").match("01234") == {"n": "01234"}
    assert compile_pattern("{n:digits(5)}").match("012345") is None
    assert compile_pattern("{n:digits(5)}").match("0123a") is None
    assert compile_pattern("{n:digits}").match("12.5") is None
