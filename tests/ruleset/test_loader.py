"""The YAML loader: plain data, positions of keys and values, offsets inside strings, E101-E103."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.errors import RuleError, Span, render
from engine.ruleset.loader import MAX_NODES, Document, NodePos, load, load_path

F = "rules/x.yaml"


def doc_of(text: str) -> Document:
    document, errors = load(F, text)
    assert errors == []
    assert document is not None
    return document


def errors_of(text: str) -> list[RuleError]:
    _, errors = load(F, text)
    return errors


def one_error(text: str) -> RuleError:
    errors = errors_of(text)
    assert len(errors) == 1, errors
    return errors[0]


def under(document: Document, span: Span) -> str:
    """The text a span covers on its line."""
    line = document.text.splitlines()[span.line - 1]
    return line[span.col - 1 : span.col - 1 + span.length]


# --- values ---------------------------------------------------------------------------------------


def test_yes_no_on_off_stay_text() -> None:
    words = ["yes", "no", "on", "off", "y", "n", "Y", "N", "Yes", "No", "YES", "NO", "On", "OFF"]
    data = doc_of("".join(f"k{i}: {w}\n" for i, w in enumerate(words))).data
    assert list(data.values()) == words


@pytest.mark.parametrize("word", ["true", "True", "TRUE", "tRuE", "false", "False", "FALSE"])
def test_true_and_false_in_any_case_are_booleans(word: str) -> None:
    assert doc_of(f"end: {word}\n").data == {"end": word.lower() == "true"}


def test_quoted_true_is_text() -> None:
    assert doc_of("a: 'true'\nb: \"false\"\n").data == {"a": "true", "b": "false"}


def test_numbers_follow_yaml_1_2_core() -> None:
    data = doc_of(
        "a: 9:00\nb: 1:30\nc: 0777\nd: 0o17\ne: 0x1F\nf: 1.5\ng: -3\nh: 1e3\ni: 1_000\n"
        "j: .inf\nk: +12\nl: 36111\n"
    ).data
    assert data["a"] == "9:00"
    assert data["b"] == "1:30"
    assert data["c"] == 777
    assert data["d"] == 15
    assert data["e"] == 31
    assert data["f"] == 1.5
    assert data["g"] == -3
    assert data["h"] == 1000.0
    assert data["i"] == "1_000"
    assert math.isinf(data["j"])
    assert data["k"] == 12
    assert data["l"] == 36111


def test_null_values() -> None:
    data = doc_of("a:\nb: ~\nc: null\nd: Null\n").data
    assert data == {"a": None, "b": None, "c": None, "d": None}


def test_timestamps_stay_text() -> None:
    data = doc_of("opens: 2026-12-01T08:00:00+01:00\nday: 2026-12-01\n").data
    assert data == {"opens": "2026-12-01T08:00:00+01:00", "day": "2026-12-01"}


def test_explicit_tags() -> None:
    data = doc_of("a: !!str 5\nb: !!int '7'\nc: !!timestamp 2026-01-01\n").data
    assert data == {"a": "5", "b": 7, "c": "2026-01-01"}


def test_non_text_keys_become_text() -> None:
    assert doc_of("1: one\n2.5: two\ntrue: three\nyes: four\n").data == {
        "1": "one",
        "2.5": "two",
        "true": "three",
        "yes": "four",
    }


def test_key_order_is_kept() -> None:
    data = doc_of("say: a\nlog: b\nset: {x: 1}\nsend: {to: a, text: b}\n").data
    assert list(data) == ["say", "log", "set", "send"]


# --- positions ------------------------------------------------------------------------------------


def test_positions_of_keys_and_values() -> None:
    document = doc_of('flow: Appointment\nstates:\n  remind:\n    say: "Hello {contact.name}"\n')
    pos = document.positions[("flow",)]
    assert pos == NodePos(Span(F, 1, 1, 4), Span(F, 1, 7, 11), None)
    say = document.positions[("states", "remind", "say")]
    assert say.key == Span(F, 4, 5, 3)
    assert say.value == Span(F, 4, 10, 22)
    assert say.style == '"'
    assert under(document, say.value) == '"Hello {contact.name}"'
    assert document.positions[()].key is None
    states = document.positions[("states",)]
    assert states.value == Span(F, 3, 3, 1)  # a block map starts at its first key
    assert states.style is None


def test_positions_of_list_items() -> None:
    document = doc_of("keyword: [HOURS, HORAIRES]\nsteps:\n  - send: hi\n  - wait: 1h\n")
    first = document.positions[("keyword", 0)]
    second = document.positions[("keyword", 1)]
    assert first.key is None
    assert first.value == Span(F, 1, 11, 5)
    assert second.value == Span(F, 1, 18, 8)
    assert document.positions[("steps", 1)].value == Span(F, 4, 5, 1)
    assert document.positions[("steps", 1, "wait")].key == Span(F, 4, 5, 4)
    assert document.positions[("steps", 1, "wait")].value == Span(F, 4, 11, 2)


def test_positions_in_flow_style() -> None:
    document = doc_of("trigger: {keyword: VOTE, interrupt: true}\n")
    trigger = document.positions[("trigger",)]
    assert trigger.value == Span(F, 1, 10, 1)
    assert document.positions[("trigger", "keyword")] == NodePos(
        Span(F, 1, 11, 7), Span(F, 1, 20, 4), None
    )
    assert document.positions[("trigger", "interrupt")].value == Span(F, 1, 37, 4)


@pytest.mark.parametrize(
    ("line", "style", "length"),
    [
        ("a: plain text", None, 10),
        ("a: 'single ''quoted'''", "'", 19),
        ('a: "double \\"quoted\\""', '"', 19),
        ("a: |\n  block\n", "|", 1),
        ("a: >-\n  folded\n", ">", 2),
    ],
)
def test_value_span_of_each_style(line: str, style: str | None, length: int) -> None:
    pos = doc_of(line + "\n").positions[("a",)]
    assert pos.style == style
    assert pos.value == Span(F, 1, 4, length)


def test_value_span_of_a_multi_line_scalar_is_its_first_line() -> None:
    document = doc_of('a: "one two\n  three"\nb: four five\n  six\n')
    assert document.positions[("a",)].value == Span(F, 1, 4, 8)
    assert document.positions[("b",)].value == Span(F, 3, 4, 9)


def test_value_span_of_an_empty_value_is_after_its_colon() -> None:
    document = doc_of("a:\nb: 1\n")
    assert document.positions[("a",)].value == Span(F, 1, 3, 1)


def test_span_key_value_and_fallback() -> None:
    document = doc_of("poll: Contest\nsend:\n  to: x\n")
    assert document.span(("send", "to")) == Span(F, 3, 7, 1)
    assert document.span(("send", "to"), key=True) == Span(F, 3, 3, 2)
    # a missing key falls back to its parent, at the parent's key
    assert document.span(("send", "text")) == Span(F, 2, 1, 4)
    assert document.span(("send", "text", 3, "x"), key=True) == Span(F, 2, 1, 4)
    # a list item has no key: key=True gives its value
    assert doc_of("k: [a, b]\n").span(("k", 1), key=True) == Span(F, 1, 8, 1)
    assert document.span(()) == Span(F, 1, 1, 1)
    assert document.span(("nothing",)) == Span(F, 1, 1, 1)


# --- locate: offsets inside strings ---------------------------------------------------------------


def check_locate(text: str, path: tuple[str | int, ...], needle: str, expect: str) -> Span:
    """Locate ``needle`` in the value at ``path``; assert the caret covers ``expect``."""
    document = doc_of(text)
    value = document.data
    for part in path:
        value = value[part]
    offset = value.index(needle)
    span = document.locate(path, offset, len(needle))
    assert under(document, span) == expect, (span, value)
    return span


def test_locate_in_plain_text() -> None:
    span = check_locate("say: Hello {contact.nam}\n", ("say",), "contact.nam", "contact.nam")
    assert span == Span(F, 1, 13, 11)


def test_locate_in_double_quotes_counts_the_quote_and_escapes() -> None:
    text = 'say: "Tab\\there \\"quoted\\" caf\\u00e9 {bad"\n'
    check_locate(text, ("say",), "here", "here")
    check_locate(text, ("say",), "quoted", "quoted")
    check_locate(text, ("say",), "{bad", "{bad")
    check_locate(text, ("say",), "\t", "\\t")
    check_locate(text, ("say",), "é", "\\u00e9")


def test_locate_in_single_quotes_counts_doubled_quotes() -> None:
    text = "when: 'it''s ''x'' {oops'\n"
    check_locate(text, ("when",), "{oops", "{oops")
    check_locate(text, ("when",), "'x'", "''x''")


def test_locate_in_a_literal_block() -> None:
    text = "flow: x\nsay: |\n  Line one\n  Line two {bad}\n    indented {worse}\nend: true\n"
    span = check_locate(text, ("say",), "{bad}", "{bad}")
    assert span == Span(F, 4, 12, 5)
    span = check_locate(text, ("say",), "{worse}", "{worse}")
    assert span == Span(F, 5, 14, 7)


def test_locate_in_a_folded_block() -> None:
    text = "say: >\n  first line\n  second {bad}\n\n  new paragraph {x}\n"
    document = doc_of(text)
    assert document.data["say"] == "first line second {bad}\nnew paragraph {x}\n"
    check_locate(text, ("say",), "{bad}", "{bad}")
    span = check_locate(text, ("say",), "{x}", "{x}")
    assert span.line == 5


def test_locate_in_a_block_with_an_indentation_indicator() -> None:
    text = "states:\n  a:\n    say: |2\n        deep {bad}\n      shallow\n"
    document = doc_of(text)
    assert document.data["states"]["a"]["say"] == "  deep {bad}\nshallow\n"
    check_locate(text, ("states", "a", "say"), "{bad}", "{bad}")


def test_locate_in_multi_line_plain_and_quoted_text() -> None:
    text = 'when: contact.age >= 18\n  and text ~ /oui/\nsay: "one\n   two {bad}"\n'
    span = check_locate(text, ("when",), "text ~", "text ~")
    assert span == Span(F, 2, 7, 6)
    span = check_locate(text, ("say",), "{bad}", "{bad}")
    assert span == Span(F, 4, 8, 5)


def test_locate_past_the_end_points_after_the_value() -> None:
    document = doc_of('say: "Hello {name"\nlog: Hello {x\n')
    assert document.locate(("say",), 11, 1) == Span(F, 1, 18, 1)  # the closing quote
    assert document.locate(("say",), 99) == Span(F, 1, 18, 1)
    assert document.locate(("log",), len("Hello {x")) == Span(F, 2, 14, 1)


def test_locate_on_a_non_text_value_or_a_missing_path() -> None:
    document = doc_of("retries: 12\nstates: {}\n")
    assert document.locate(("retries",), 1) == Span(F, 1, 11, 1)
    assert document.locate(("states", "nope"), 3) == Span(F, 2, 1, 6)


def test_locate_width_stops_at_the_end_of_the_line() -> None:
    document = doc_of("say: >\n  abc def\n  ghi\n")
    span = document.locate(("say",), 4, 10)
    assert span == Span(F, 2, 7, 3)


# --- duplicate keys and keys ----------------------------------------------------------------------


def test_duplicate_key_is_e102_at_the_second_key() -> None:
    error = one_error("flow: x\nstates:\n  a:\n    say: hi\n    say: again\n")
    assert error == RuleError(
        "E102",
        "duplicate key 'say'",
        Span(F, 5, 5, 3),
        "a key may appear only once in a mapping; the first is at line 4",
    )


def test_every_duplicate_key_is_reported_and_the_first_value_kept() -> None:
    document, errors = load(F, "a: 1\nb: 2\na: 3\nm: {x: 1, x: 2}\n")
    assert document is not None
    assert document.data == {"a": 1, "b": 2, "m": {"x": 1}}
    assert [(e.code, e.span) for e in errors] == [
        ("E102", Span(F, 3, 1, 1)),
        ("E102", Span(F, 4, 11, 1)),
    ]


def test_null_and_list_keys_are_e103() -> None:
    assert one_error("flow: x\nnull: 3\n").code == "E103"
    assert one_error("flow: x\nnull: 3\n").message == "a key must be text, not null"
    error = one_error("flow: x\n[a, b]: 3\n")
    assert (error.code, error.message, error.span) == (
        "E103",
        "a key must be text, not a list",
        Span(F, 2, 1, 1),
    )


# --- E103: not a mapping --------------------------------------------------------------------------

NOT_A_MAPPING = (
    "a rule file must be a mapping with one of: autoreply, flow, poll, survey, campaign, settings"
)


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("", Span(F, 1, 1)),
        ("# only a comment\n", Span(F, 1, 1)),
        ("# keywords\n- keyword: A\n  reply: b\n", Span(F, 2, 1, 1)),
        ("hello\n", Span(F, 1, 1, 5)),
    ],
)
def test_a_file_that_is_not_a_mapping_is_e103(text: str, span: Span) -> None:
    document, errors = load(F, text)
    assert document is None
    assert [(e.code, e.message, e.span) for e in errors] == [("E103", NOT_A_MAPPING, span)]


# --- E101: syntax ---------------------------------------------------------------------------------


def test_tab_indentation() -> None:
    text = "flow: x\nstates:\n\tremind:\n    say: hi\n"
    error = one_error(text)
    assert error == RuleError(
        "E101",
        "yaml syntax error: found character '\\t' that cannot start any token",
        Span(F, 3, 1),
        "indent with spaces, not tabs",
    )
    assert render(error, {F: text}) == (
        "rules/x.yaml:3:1: error[E101]: yaml syntax error: found character '\\t' that cannot "
        "start any token\n"
        "  |\n"
        "3 |  remind:\n"
        "  | ^\n"
        "  = hint: indent with spaces, not tabs"
    )


def test_colon_in_plain_text() -> None:
    error = one_error("autoreply:\n  - keyword: HOURS\n    reply: Hours: 9-18\n")
    assert error == RuleError(
        "E101",
        "yaml syntax error: mapping values are not allowed here",
        Span(F, 3, 17),
        "put quotes around text that contains ': '",
    )


def test_unclosed_quote_points_at_the_opening_quote() -> None:
    error = one_error('flow: x\ndescription: "never closed\nstates: {}\n')
    assert (error.code, error.message, error.span) == (
        "E101",
        "yaml syntax error: found unexpected end of stream",
        Span(F, 2, 14),
    )
    assert error.hint == "this quote is never closed; add the closing quote"


@pytest.mark.parametrize(
    ("text", "message", "span"),
    [
        ("flow: x\nstates: *nope\n", "found undefined alias 'nope'", Span(F, 2, 9)),
        (
            "flow: x\n---\nflow: y\n",
            "expected a single document in the stream, but found another document",
            Span(F, 2, 1),
        ),
        (
            "flow: x\nstates:\n  a:\n    say: hi\n   goto: b\n",
            "expected <block end>, but found '<block mapping start>'",
            Span(F, 5, 4),
        ),
        ("a: &x 1\nb: &x 2\n", "anchor '&x' is defined twice", Span(F, 2, 4)),
        (
            "description: *important*\n",
            "expected alphabetic or numeric character, but found '*'",
            Span(F, 1, 14),
        ),
        ("flow: x\x07\n", "unacceptable character #x0007", Span(F, 1, 8)),
    ],
)
def test_syntax_errors(text: str, message: str, span: Span) -> None:
    error = one_error(text)
    assert (error.code, error.span) == ("E101", span)
    assert error.message == f"yaml syntax error: {message}"
    assert error.hint


def test_unsafe_tags_are_refused_and_never_built() -> None:
    document, errors = load(F, "flow: !!python/object/apply:os.system ['echo hacked']\n")
    assert [(e.code, e.message) for e in errors] == [
        ("E101", "yaml tag '!!python/object/apply:os.system' is not supported")
    ]
    assert document is not None
    assert document.data == {"flow": ["echo hacked"]}


# --- aliases --------------------------------------------------------------------------------------


def test_aliases_are_expanded() -> None:
    document = doc_of("a: &t {after: 24h, then: end}\nb: *t\n")
    assert document.data["b"] == {"after": "24h", "then": "end"}
    assert document.positions[("b", "after")].value == Span(F, 1, 15, 3)


def test_anchors_and_tags_are_not_part_of_the_value_span() -> None:
    text = 'a: &x "hi {b"\nb: !!str\n  multi {c\nc: &y |\n  t {d\n'
    document = doc_of(text)
    assert document.positions[("a",)].value == Span(F, 1, 7, 7)
    assert document.locate(("a",), 3) == Span(F, 1, 11, 1)
    assert document.positions[("b",)].value == Span(F, 3, 3, 8)
    assert document.locate(("b",), 6) == Span(F, 3, 9, 1)
    assert document.locate(("c",), 2) == Span(F, 5, 5, 1)


def test_merge_keys_keep_the_order_written_and_explicit_keys_win() -> None:
    text = "base: &b {say: hi, log: x}\nstate:\n  <<: *b\n  say: override\n  end: true\n"
    document = doc_of(text)
    assert document.data["state"] == {"log": "x", "say": "override", "end": True}
    assert list(document.data["state"]) == ["log", "say", "end"]


def test_alias_bomb_is_e101() -> None:
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 10) + "]")
    document, errors = load(F, "\n".join(lines) + "\n")
    assert document is None
    assert [(e.code, e.message) for e in errors] == [
        ("E101", "file too large or too deeply aliased")
    ]
    assert f"{MAX_NODES:,}" in (errors[0].hint or "")


def test_recursive_alias_is_e101() -> None:
    document, errors = load(F, "a: &a [*a]\n")
    assert document is None
    assert [(e.code, e.message) for e in errors] == [("E101", "yaml alias refers to itself")]


def test_deep_nesting_is_e101() -> None:
    document, errors = load(F, "a: " + "[" * 3000 + "]" * 3000 + "\n")
    assert document is None
    assert [(e.code, e.message) for e in errors] == [("E101", "file too deeply nested")]


# --- files: encoding, BOM, line endings -----------------------------------------------------------


def test_load_path_accepts_a_bom_and_crlf(tmp_path: Path) -> None:
    path = tmp_path / "vote.yaml"
    path.write_bytes(b'\xef\xbb\xbfpoll: Contest\r\nreply: "Thanks"\r\n')
    document, errors = load_path(path)
    assert errors == []
    assert document is not None
    assert document.file == str(path)
    assert document.text == 'poll: Contest\nreply: "Thanks"\n'
    assert document.positions[("poll",)].key == Span(str(path), 1, 1, 4)
    assert document.positions[("reply",)].value == Span(str(path), 2, 8, 8)


def test_load_normalises_crlf_and_bom_in_text_too() -> None:
    document, errors = load(F, "\ufeffa: 1\r\nb: 'x'\r\n")
    assert errors == []
    assert document is not None
    assert document.text == "a: 1\nb: 'x'\n"
    assert document.positions[("a",)].key == Span(F, 1, 1, 1)


def test_invalid_utf8_is_e101_at_the_bad_byte(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_bytes('flow: x\nsay: "café '.encode() + b'\xff"\n')
    document, errors = load_path(path)
    assert document is None
    assert errors == [
        RuleError(
            "E101",
            "the file is not valid UTF-8: byte 0xff cannot be read",
            Span(str(path), 2, 12),
            "save the file as UTF-8",
        )
    ]


def test_a_missing_file_is_an_error_not_an_exception(tmp_path: Path) -> None:
    document, errors = load_path(tmp_path / "nope.yaml")
    assert document is None
    assert [e.code for e in errors] == ["E101"]
    assert errors[0].message.startswith("cannot read the file")


# --- robustness -----------------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(list("ab: -\n\t'\"|>{}[],&*!#%@`?~\\01yes\ufeff\r")), max_size=60
    )
)
def test_load_never_raises(text: str) -> None:
    document, errors = load(F, text)
    assert document is not None or errors
    for error in errors:
        assert error.code in {"E101", "E102", "E103"}
        assert error.span is not None


@settings(max_examples=300, deadline=None)
@given(
    value=st.text(alphabet=st.sampled_from(list("ab {}|.:'\"\\é#-\n")), min_size=1, max_size=50),
    style=st.sampled_from([None, "'", '"', "|", ">"]),
    width=st.sampled_from([12, 30, 80]),
)
def test_locate_finds_every_character_whatever_the_style(
    value: str, style: str | None, width: int
) -> None:
    import yaml

    text = yaml.safe_dump({"k": value}, default_style=style, width=width, allow_unicode=True)
    document, errors = load(F, text)
    if document is None or errors or document.data["k"] != value:
        return  # a value PyYAML writes in a way YAML 1.2 reads back differently (e.g. 'null')
    lines = document.text.splitlines()
    for offset, char in enumerate(value):
        if char in " \n\\\"'":
            continue  # written as an escape or folded
        span = document.locate(("k",), offset)
        assert lines[span.line - 1][span.col - 1] == char, (offset, text)
