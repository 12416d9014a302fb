"""Every DslError: code, message, offset, length and hint, exactly as an analyst will read them."""

# The table below reads best one error per line.
# ruff: noqa: E501

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from engine.dsl import DslError, compile_condition, compile_pattern, compile_template
from engine.errors import TwowayError

NAMES = {"text", "contact", "now", "answers", "yes", "no"}
VALUE = "expected a value: a name, a number, a text in quotes, a list or '('"


def condition(source: str) -> Any:
    return compile_condition(source, names=NAMES)


def template(source: str) -> Any:
    return compile_template(source, names=NAMES)


CASES: list[tuple[Callable[[str], Any], str, tuple[str, str, int, int, str | None]]] = [
    # E301: condition syntax
    (condition, "", ("E301", "empty condition", 0, 1, "write a test, for example: answers.score >= 9")),
    (condition, "text = 'a'", ("E301", "unexpected character '='", 5, 1, "use '==' to compare")),
    (condition, "text b", ("E301", "unexpected name 'b'", 5, 1, "expected an operator or the end of the condition")),
    (condition, "yes &&  no", ("E301", "unexpected character '&'", 4, 1, "use 'and' to combine tests")),
    (condition, "yes || no", ("E301", "unexpected '|'", 4, 1, "use 'or' to combine tests")),
    (condition, "text|lower", ("E301", "unexpected '|'", 4, 1, "filters are for templates; in a condition, call the function: lower(x)")),
    (condition, "!yes", ("E301", "unexpected character '!'", 0, 1, "use 'not' to negate, '!=' to compare or '!~' to test a regex")),
    (condition, "(yes", ("E301", "unexpected end of condition", 4, 1, "add ')' to close the '('")),
    (condition, "text in ['a', 'b'", ("E301", "unexpected end of condition", 17, 1, "add ']' to close the list of values")),
    (condition, "answers.score >=  ", ("E301", "unexpected end of condition", 16, 1, VALUE)),
    (condition, "text ~", ("E301", "unexpected end of condition", 6, 1, "expected a value: a name, a number, a text in quotes, a list, '(' or a regex /…/")),
    (condition, "contact.", ("E301", "unexpected end of condition", 8, 1, "write a name after '.', like contact.name")),
    (condition, "1 < answers.score < 5", ("E301", "unexpected '<'", 18, 1, "comparisons do not chain: write a < b and b < c")),
    (condition, "text == 'abc", ("E301", "unclosed quote", 8, 1, "end the text with a matching '")),
    (condition, "text ~ /abc", ("E301", "unclosed regex", 7, 1, "end the regex with '/'")),
    (condition, "/abc/ ~ text", ("E301", "unexpected regex /abc/", 0, 5, "a regex /…/ can only follow '~' or '!~'")),
    (condition, "{answers.score} > 3", ("E301", "unexpected character '{'", 0, 1, "a condition is written without braces: answers.score >= 9")),
    (condition, "text contains 'x'", ("E301", "unexpected name 'contains'", 5, 8, "use 'in': 'word' in text")),
    (condition, "text is 'x'", ("E301", "unexpected name 'is'", 5, 2, "use '==' to compare")),
    (condition, "has_number(text text)", ("E301", "unexpected name 'text'", 16, 4, "expected an operator, ',' or ')'")),
    (condition, "has_number(", ("E301", "unexpected end of condition", 11, 1, "expected a value (a name, a number, a text in quotes, a list or '(') or ')'")),
    (condition, "yes and", ("E301", "unexpected end of condition", 7, 1, VALUE)),
    (condition, "yes @ no", ("E301", "unexpected character '@'", 4, 1, "expected an operator or the end of the condition")),
    # E302: template syntax, offsets counted in the whole template
    (template, "Hi {contact.name", ("E302", "unclosed '{'", 3, 1, "close the expression with '}', or write '{{' for a literal brace")),
    (template, "Hi {a {b}", ("E302", "unclosed '{'", 3, 1, "close the expression with '}', or write '{{' for a literal brace")),
    (template, "Hi {} !", ("E302", "empty '{}'", 3, 2, "write a name between the braces, like {contact.name}, or '{{}}' for {}")),
    (template, "Hi {  }", ("E302", "empty '{}'", 3, 4, "write a name between the braces, like {contact.name}, or '{{}}' for {}")),
    (template, "Hi } there", ("E302", "unmatched '}'", 3, 1, "write '}}' for a literal brace, or open the expression with '{'")),
    (template, "Hi {text == }", ("E302", "unexpected end of expression", 11, 1, VALUE)),
    (template, "Hi {contact.name upper}", ("E302", "unexpected name 'upper'", 17, 5, "expected an operator, a filter '|name' or '}'")),
    (template, "Hi {contact.name|}", ("E302", "unexpected end of expression", 17, 1, "write the name of a filter after '|', like |upper")),
    (template, "Hi {contact.name, it's me", ("E302", "unclosed '{'", 3, 1, "close the expression with '}', or write '{{' for a literal brace")),
    (template, "{default(x, 'abc}", ("E302", "unclosed quote", 12, 1, "end the text with a matching '")),
    (template, "Hi {text ~ 'a}", ("E302", "unclosed quote", 11, 1, "end the text with a matching '")),
    (template, "Hi {text ~ /a}", ("E302", "unclosed regex", 11, 1, "end the regex with '/'")),
    (template, "Hi {text = 'a'}", ("E302", "unexpected character '='", 9, 1, "use '==' to compare")),
    # E303: pattern syntax
    (compile_pattern, "", ("E303", "empty pattern", 0, 1, "write words and captures, like VOTE {choice:A|B|C}")),
    (compile_pattern, "VOTE {choice:A|B", ("E303", "unclosed '{'", 5, 1, "close the capture with '}', like {product:word}")),
    (compile_pattern, "VOTE } A", ("E303", "unmatched '}'", 5, 1, "a capture is written {name:type}, like {choice:A|B|C}")),
    (compile_pattern, "VOTE {}", ("E303", "empty capture", 5, 2, "a capture is written {name:type}, like {product:word}")),
    (compile_pattern, "VOTE {:word}", ("E303", "missing capture name", 6, 1, "name the capture before ':', like {product:word}")),
    (compile_pattern, "VOTE {2x:word}", ("E303", "invalid capture name '2x'", 6, 2, "a capture name starts with a letter and has letters, digits and _ only")),
    (compile_pattern, "VOTE {n:}", ("E303", "missing capture type", 8, 1, "write a type after ':' (word, number, text, date, phone, digits) or alternatives A|B|C")),
    (compile_pattern, "RATE {n: nubmer}", ("E303", "unknown capture type 'nubmer'", 9, 6, "did you mean 'number'?")),
    (compile_pattern, "RATE {n:integer}", ("E303", "unknown capture type 'integer'", 8, 7, "capture types are word, number, text, date, phone and digits, or alternatives like A|B|C")),
    (compile_pattern, "CODE {n:digits(8,5)}", ("E303", "bad digits capture 'digits(8,5)'", 8, 11, "write digits, digits(N) or digits(MIN,MAX) with 1 <= MIN <= MAX <= 64, like {code:digits(5,8)}")),
    (compile_pattern, "VOTE {c:A||B}", ("E303", "empty alternative", 8, 4, "separate alternatives with one '|', like {choice:A|B|C}")),
    (compile_pattern, "{x:word} and { x :number}", ("E303", "duplicate capture name 'x'", 15, 1, "give each capture its own name")),
    # E304: unknown function
    (condition, "has_numbr(text)", ("E304", "unknown function 'has_numbr'", 0, 9, "did you mean 'has_number'?")),
    (condition, "yes and frobnicate(1)", ("E304", "unknown function 'frobnicate'", 8, 10, None)),
    (template, "{shout(text)}", ("E304", "unknown function 'shout'", 1, 5, None)),
    # E305: unknown name, only when the allowed names are given
    (condition, "txt == 'a'", ("E305", "unknown name 'txt'", 0, 3, "did you mean 'text'?")),
    (condition, "answer.score > 3", ("E305", "unknown name 'answer'", 0, 6, "did you mean 'answers'?")),
    (condition, "has_number", ("E305", "unknown name 'has_number'", 0, 10, "'has_number' is a function: call it, as in has_number(text)")),
    (condition, "zzz", ("E305", "unknown name 'zzz'", 0, 3, "names available here: answers, contact, no, now, text, yes")),
    (template, "Hi {Contact.name}", ("E305", "unknown name 'Contact'", 4, 7, "did you mean 'contact'?")),
    # E306: unknown filter
    (template, "Hi {contact.name|uper}", ("E306", "unknown filter 'uper'", 17, 4, "did you mean 'upper'?")),
    (template, "{text|shout}", ("E306", "unknown filter 'shout'", 6, 5, None)),
    # E307: invalid regex
    (condition, "text ~ /a(b/i", ("E307", "invalid regex: missing )", 7, 6, "check the regex syntax (at character 4 of the regex); escape special characters with a backslash")),
    (condition, "text ~ '*'", ("E307", "invalid regex: nothing to repeat", 7, 3, "check the regex syntax (at character 1 of the regex); escape special characters with a backslash")),
    (condition, "text !~ /a/ix", ("E307", "unknown regex flag 'x'", 12, 1, "regex flags are i (ignore case), m (multi-line) and s (dot matches newline)")),
    (template, "{text ~ /[/}", ("E307", "invalid regex: unterminated character set", 8, 3, "check the regex syntax (at character 2 of the regex); escape special characters with a backslash")),
    # E308: wrong number of arguments
    (condition, "word(text)", ("E308", "function 'word' takes 2 arguments, got 1", 0, 10, "write word(text, index)")),
    (condition, "has_number()", ("E308", "function 'has_number' takes 1 argument, got 0", 0, 12, "write has_number(text)")),
    (condition, "date(now, 'a', 'b', 'c') == ''", ("E308", "function 'date' takes 1 to 3 arguments, got 4", 0, 24, "write date(value, [fmt], [language])")),
    (template, "{text|upper(1)}", ("E308", "filter 'upper' takes no arguments, got 1", 6, 5, "write |upper")),
    (template, "{text|word}", ("E308", "filter 'word' takes 1 argument, got 0", 6, 4, "write |word(index)")),
    (template, "{now|date('a', 'b', 'c')}", ("E308", "filter 'date' takes 0 to 2 arguments, got 3", 5, 4, "write |date([fmt], [language])")),
]  # fmt: skip


@pytest.mark.parametrize(
    ("compile_", "source", "expected"),
    CASES,
    ids=[f"{case[2][0]}:{case[1]!r}" for case in CASES],
)
def test_error(
    compile_: Callable[[str], Any],
    source: str,
    expected: tuple[str, str, int, int, str | None],
) -> None:
    with pytest.raises(DslError) as caught:
        compile_(source)
    error = caught.value
    assert (error.code, error.message, error.offset, error.length, error.hint) == expected
    assert isinstance(error, TwowayError)
    assert error.message == error.message.lower() or "'" in error.message
    assert not error.message.endswith(".")
    assert 0 <= error.offset <= len(source)


def test_every_code_is_covered() -> None:
    assert {case[2][0] for case in CASES} == {f"E30{n}" for n in range(1, 9)}


def test_names_are_open_when_not_given() -> None:
    assert compile_condition("anything.at.all == 1").names == {"anything"}
    assert compile_template("{whatever}").names == {"whatever"}


def test_lark_never_escapes() -> None:
    for source in ["a ==== b", "((", "))", "'", '"', "~", "a ~ ~", "[,]", "f(,)", "1..2", "\x00"]:
        with pytest.raises(DslError):
            compile_condition(source)
        with pytest.raises(DslError):
            compile_template("{" + source + "}")


def test_str_of_an_error() -> None:
    error = DslError("E301", "unexpected name 'b'", offset=2, hint="x")
    assert str(error) == "E301: unexpected name 'b'"
    assert error.length == 1
