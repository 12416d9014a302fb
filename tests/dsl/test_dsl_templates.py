"""Templates: text and expressions, filters, brace escapes, typed values, inbound text as data."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from engine.dsl import DslError, EvalError, Template, compile_template

CTX: dict[str, Any] = {
    "text": "Hello {contact.name} }{ {{",
    "contact": {"name": "ann", "groups": ["vip", "paris"], "score": "7"},
    "appt": {"at": "2026-12-03T10:00:00+01:00", "day": dt.date(2026, 12, 3)},
    "n": 4.0,
    "half": 4.5,
    "count": 3,
    "flag": True,
    "nothing": None,
    "when": dt.datetime(2026, 12, 3, 10, 0),
    "price": {"mug": 5},
}


def render(source: str, ctx: dict[str, Any] | None = None) -> str:
    return compile_template(source).render(CTX if ctx is None else ctx)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("Hello", "Hello"),
        ("", ""),
        ("Hello {contact.name}!", "Hello ann!"),
        ("{contact.name|upper}", "ANN"),
        ("{contact.name|title}", "Ann"),
        ("{contact.name | upper | lower}", "ann"),
        ("{appt.at|date('%A %d %B at %H:%M')}", "Thursday 03 December at 10:00"),
        ("{appt.at|date}", "03/12/2026"),
        ("{appt.day|date('%-d/%-m')}", "3/12"),
        ("{date(appt.at, '%d.%m.')}", "03.12."),
        ("{contact.nick|default('friend')}", "friend"),
        ("{nothing|default('-')}", "-"),
        ("{default(contact.name, 'friend')}", "ann"),
        ("{contact.groups}", "vip, paris"),
        ("{contact.groups|join(' / ')}", "vip / paris"),
        ("{contact.groups|length}", "2"),
        ("{n}", "4"),
        ("{half}", "4.5"),
        ("{count * 2}", "6"),
        ("{count / 2}", "1.5"),
        ("{0.1 + 0.2}", "0.3"),
        ("{nothing}", ""),
        ("{flag}", "true"),
        ("{when}", "2026-12-03T10:00:00"),
        ("{price}", "mug: 5"),
        ("{contact.score + 1}", "8"),
        ("{'a' + contact.name}", "aann"),
        ("{{literal}}", "{literal}"),
        ("{{{contact.name}}}", "{ann}"),
        ("a }} b {{ c", "a } b { c"),
        ("{'}'}", "}"),
        ('{"{"}', "{"),
        ("{text ~ /l{2}/}", "true"),
        ("{word('a b c', 1)|upper}", "B"),
        ("{contact.score >= 5 and flag}", "true"),
    ],
)
def test_render(source: str, expected: str) -> None:
    assert render(source) == expected


def test_inbound_text_is_never_rendered_again() -> None:
    assert render("You said: {text}") == "You said: Hello {contact.name} }{ {{"
    assert compile_template("{text}").value(CTX) == "Hello {contact.name} }{ {{"


def test_value_keeps_the_type_of_a_single_expression() -> None:
    assert compile_template("{count}").value(CTX) == 3
    assert compile_template("{count + 1}").value(CTX) == 4
    assert compile_template("{contact.groups}").value(CTX) == ["vip", "paris"]
    assert compile_template("{nothing}").value(CTX) is None
    assert compile_template("{flag}").value(CTX) is True
    assert compile_template("{[1, 'a']}").value(CTX) == [1, "a"]
    assert compile_template(" {count}").value(CTX) == " 3"
    assert compile_template("{count}{count}").value(CTX) == "33"
    assert compile_template("confirmed").value(CTX) == "confirmed"
    assert compile_template("{{x}}").value(CTX) == "{x}"


def test_static_templates() -> None:
    static = compile_template("Plain text, {{braces}} too")
    assert static.is_static
    assert static.names == frozenset()
    assert static.render({}) == "Plain text, {braces} too"
    dynamic = compile_template("Hi {contact.name}, {now.hour|default(0)}")
    assert not dynamic.is_static
    assert dynamic.names == frozenset({"contact", "now"})
    assert dynamic.source == "Hi {contact.name}, {now.hour|default(0)}"


def test_render_errors() -> None:
    with pytest.raises(EvalError) as caught:
        render("Hi {contact.surname}")
    assert caught.value.message == "unknown name 'contact.surname'"
    with pytest.raises(EvalError, match="cannot read text 'soon' as a date"):
        render("{x|date}", {"x": "soon"})
    with pytest.raises(EvalError, match="unknown name 'x'"):
        compile_template("{x}").value({})


def test_allowed_names_in_templates() -> None:
    template = compile_template("Hi {contact.name}", names={"contact"})
    assert isinstance(template, Template)
    with pytest.raises(DslError) as caught:
        compile_template("Hi {contcat.name}", names={"contact"})
    error = caught.value
    assert (error.code, error.message, error.offset, error.length, error.hint) == (
        "E305",
        "unknown name 'contcat'",
        4,
        7,
        "did you mean 'contact'?",
    )


def test_offsets_point_into_the_template() -> None:
    source = "Dear {contact.name}, see {x +}"
    with pytest.raises(DslError) as caught:
        compile_template(source)
    error = caught.value
    assert error.code == "E302"
    assert source[error.offset] == "}"
    assert error.offset == len(source) - 1
