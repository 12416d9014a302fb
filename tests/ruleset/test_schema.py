"""The rule-file schema and its errors: E201-E206, one per place, all reported, caret in place."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from engine.errors import RuleError, Span, render, render_all
from engine.resources import load_schema
from engine.ruleset.loader import FORMS, Document, load, load_path
from engine.ruleset.schema import validate

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs" / "rules.md"
BROKEN = ROOT / "tests" / "rules" / "broken"
F = "rules/x.yaml"


def check(text: str, file: str = F) -> list[RuleError]:
    document, errors = load(file, text)
    assert errors == [], errors
    assert document is not None
    return validate(document)


def one(text: str, file: str = F) -> RuleError:
    errors = check(text, file)
    assert len(errors) == 1, errors
    return errors[0]


def summary(errors: list[RuleError]) -> list[tuple[str, str, int, int]]:
    return [(e.code, e.message, e.span.line, e.span.col) for e in errors if e.span]


# --- the schema itself ----------------------------------------------------------------------------


def test_schema_is_valid_draft_2020_12() -> None:
    schema = load_schema("rules")
    Draft202012Validator.check_schema(schema)
    assert schema["$id"] == "https://twoway.dev/schemas/rules.schema.json"
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_schema_forms_are_the_loaders_forms() -> None:
    assert tuple(load_schema("rules")["x-discriminator"]) == FORMS


def _closed(node: object, where: str = "#") -> list[str]:
    """Every object schema that lists properties also closes them."""
    found: list[str] = []
    if isinstance(node, dict):
        is_object = node.get("type") in ("object", ["string", "object"])
        if "properties" in node and is_object and node.get("additionalProperties") is not False:
            found.append(where)
        for key, value in node.items():
            found += _closed(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _closed(value, f"{where}/{index}")
    return found


def test_every_object_is_closed() -> None:
    assert _closed(load_schema("rules")) == []


# --- every example of docs/rules.md validates -----------------------------------------------------


def _doc_examples() -> list[str]:
    return re.findall(r"```yaml\n(.*?)```", DOCS.read_text(encoding="utf-8"), re.S)


def test_docs_have_the_examples() -> None:
    firsts = [block.split(":", 1)[0] for block in _doc_examples()]
    assert firsts == ["autoreply", "poll", "survey", "flow", "campaign", "settings", "tests"]


@pytest.mark.parametrize("block", _doc_examples(), ids=lambda b: b.split(":", 1)[0])
def test_doc_example_validates(block: str) -> None:
    file = "rules/example.test.yaml" if block.startswith("tests:") else "rules/example.yaml"
    assert check(block, file) == []


def test_doc_tests_example_validates_inside_a_rule_file() -> None:
    blocks = {block.split(":", 1)[0]: block for block in _doc_examples()}
    assert check(blocks["poll"] + blocks["tests"]) == []


# --- E201 unknown key, E204 unknown action --------------------------------------------------------


def test_unknown_key_names_the_object_and_suggests() -> None:
    text = "poll: Contest\ntrigger: {keyword: VOTE}\nchoices: {A: a}\n"
    text += "closess: 2026-12-24T20:00:00Z\n"
    assert one(text) == RuleError(
        "E201", "unknown key 'closess' in a poll", Span(F, 4, 1, 7), "did you mean 'closes'?"
    )


@pytest.mark.parametrize(
    ("text", "message", "span"),
    [
        (
            "survey: S\nquestions:\n  - id: a\n    ask: b\n    typ: text\n",
            "unknown key 'typ' in a question",
            Span(F, 5, 5, 3),
        ),
        (
            "flow: F\nstates: {a: {end: true}}\ntests:\n  - steps:\n      - send: hi\n"
            "        expct: hello\n",
            "unknown key 'expct' in a test step",
            Span(F, 6, 9, 5),
        ),
        (
            "poll: P\ntrigger: {keyword: V, interupt: true}\nchoices: {A: a}\n",
            "unknown key 'interupt' in a trigger",
            Span(F, 2, 23, 8),
        ),
        (
            "settings:\n  optout: Bye\n",
            "unknown key 'optout' in 'settings'",
            Span(F, 2, 3, 6),
        ),
    ],
)
def test_unknown_key_in_each_kind_of_object(text: str, message: str, span: Span) -> None:
    error = one(text)
    assert (error.code, error.message, error.span) == ("E201", message, span)
    assert error.hint is not None and error.hint.startswith("did you mean")


def test_unknown_key_without_a_close_match_lists_what_is_allowed() -> None:
    error = one("settings:\n  colour: red\n")
    assert error.hint == (
        "allowed in 'settings': help, opt_out, opt_in, language, timezone, session_expiry, "
        "reply_limit, typo_tolerance, max_reply_parts, quiet_hours, hold_replies, marketing_cap"
    )


def test_unknown_action_in_a_state_renders_like_the_manual() -> None:
    text = (
        "flow: Order pickup\n"
        "states:\n"
        "  confirm:\n"
        '    sned: "Thanks {contact.name}"\n'
        "    end: true\n"
    )
    error = one(text)
    assert render(error, {F: text}) == (
        "rules/x.yaml:4:5: error[E204]: unknown action 'sned'\n"
        "  |\n"
        '4 |     sned: "Thanks {contact.name}"\n'
        "  |     ^^^^\n"
        "  = hint: did you mean 'send'?"
    )


def test_unknown_action_in_a_case_list_item() -> None:
    text = (
        "flow: F\nstates:\n  a:\n    wait:\n      - when: yes\n        end: true\n"
        '      - sned: "Thanks {contact.name}"\n'
    )
    error = one(text)
    assert (error.code, error.message, error.span, error.hint) == (
        "E204",
        "unknown action 'sned'",
        Span(F, 7, 9, 4),
        "did you mean 'send'?",
    )


def test_unknown_action_without_a_close_match_lists_the_state_keys() -> None:
    error = one("flow: F\nstates:\n  a:\n    retires: 2\n    end: true\n")
    assert (error.code, error.message) == ("E204", "unknown action 'retires'")
    assert error.hint == (
        "allowed in a state: say, reply, send, set, vote, answer, handoff, log, tag, untag, wait, "
        "fall_through, choose, goto, end, timeout"
    )


def test_actions_written_next_to_otherwise_belong_inside_it() -> None:
    text = "flow: F\nstates:\n  a:\n    wait:\n      - otherwise:\n        say: Please\n"
    assert summary(check(text)) == [
        ("E203", "'otherwise' must be a map of actions, not empty", 5, 19),
        ("E201", "'say' belongs inside 'otherwise'", 6, 9),
    ]


def test_autoreply_entries_have_no_goto() -> None:
    error = one("autoreply:\n  - keyword: A\n    goto: b\n")
    assert (error.code, error.message, error.span) == (
        "E204",
        "unknown action 'goto'",
        Span(F, 3, 5, 4),
    )


def test_min_is_only_for_number_questions() -> None:
    text = "survey: S\nquestions:\n  - {id: a, ask: b, type: text, min: 1}\n"
    error = one(text)
    assert (error.code, error.message, error.span) == (
        "E201",
        "'min' is only for questions of type number",
        Span(F, 3, 33, 3),
    )


# --- E202 missing key -----------------------------------------------------------------------------


def test_missing_key_at_the_first_key_of_the_object() -> None:
    error = one("poll: Contest\ntrigger: {keyword: VOTE}\nreply: Thanks\n")
    assert error == RuleError(
        "E202",
        "a poll needs 'choices'",
        Span(F, 1, 1, 4),
        'add it, for example: choices: {A: "Song A", B: "Song B"}',
    )


def test_missing_keys_at_the_parent_key() -> None:
    error = one("flow: F\nstates:\n  a:\n    send: {to: '+33611111111'}\n    end: true\n")
    assert (error.code, error.message, error.span) == (
        "E202",
        "'send' needs 'text'",
        Span(F, 4, 5, 4),
    )
    assert error.hint == (
        'for example: send: {to: "+33611111111", text: "New order from {contact.phone}"}'
    )


def test_several_missing_keys_in_one_message() -> None:
    error = one("survey: S\nquestions:\n  - type: text\n")
    assert (error.code, error.message, error.span) == (
        "E202",
        "a question needs 'id' and 'ask'",
        Span(F, 3, 5, 4),
    )


def test_a_case_needs_a_test() -> None:
    error = one("flow: F\nstates:\n  a:\n    wait:\n      - say: hi\n")
    assert (error.code, error.message, error.span) == (
        "E202",
        "a case needs one of 'when', 'keyword', 'match' or 'otherwise'",
        Span(F, 5, 9, 3),
    )


def test_choice_questions_need_choices() -> None:
    error = one("survey: S\nquestions:\n  - {id: a, ask: b, type: choice}\n")
    assert (error.code, error.message) == ("E202", "a choice question needs 'choices'")


def test_a_misspelt_key_is_not_also_reported_missing() -> None:
    errors = check("poll: P\ntrigger: {keyword: V}\nchioces: {A: a}\n")
    assert summary(errors) == [("E201", "unknown key 'chioces' in a poll", 3, 1)]
    errors = check("survey: S\nquestions:\n  - {id: a, ask: b, type: choice, choises: {A: a}}\n")
    assert summary(errors) == [("E201", "unknown key 'choises' in a question", 3, 35)]


# --- E203 wrong type or value ---------------------------------------------------------------------


def test_end_must_be_a_boolean() -> None:
    text = "flow: F\nstates:\n  a:\n    end: yes\n"
    assert one(text) == RuleError(
        "E203",
        "'end' must be true or false, not 'yes'",
        Span(F, 4, 10, 3),
        "write true or false (yes, no, on and off are text in rule files)",
    )


def test_a_number_where_text_is_expected_says_to_quote_it() -> None:
    error = one("poll: P\nnumber: 36111\ntrigger: {keyword: V}\nchoices: {A: a}\n")
    assert (error.code, error.message, error.span, error.hint) == (
        "E203",
        "'number' must be text (a number in quotes, like \"36111\") or a list of them, not 36111",
        Span(F, 2, 9, 5),
        'put quotes around it: "36111"',
    )
    error = one(
        "flow: F\nstates: {a: {end: true}}\ntests:\n  - from: +33600000001\n"
        "    steps: [{send: hi}]\n"
    )
    assert error.message == "'from' must be text, not +33600000001"
    assert error.hint == 'put quotes around it: "+33600000001"'


def test_enum_suggests_the_closest() -> None:
    error = one("survey: S\nquestions:\n  - {id: a, ask: b, type: numeric}\n")
    assert (error.code, error.message, error.hint) == (
        "E203",
        "'type' must be one of choice, number, yes_no, date, text, not 'numeric'",
        "did you mean 'number'?",
    )
    assert error.span == Span(F, 3, 27, 7)


def test_list_items_are_named_by_position() -> None:
    error = one("autoreply:\n  - keyword: [HOURS, 5]\n    reply: x\n")
    assert (error.code, error.message, error.span) == (
        "E203",
        "item 2 of 'keyword' must be text, not 5",
        Span(F, 2, 22, 1),
    )


def test_a_map_where_a_list_is_expected() -> None:
    error = one("autoreply:\n  keyword: HOURS\n  reply: x\n")
    assert (error.code, error.message, error.hint) == (
        "E203",
        "'autoreply' must be a list of entries, not a map",
        "write it as a list: start each item with '- '",
    )


def test_two_tests_in_one_case() -> None:
    error = one("flow: F\nstates:\n  a:\n    wait:\n      - keyword: OUI\n        match: '{x}'\n")
    assert (error.code, error.message, error.span) == (
        "E203",
        "a case has exactly one test; this one has both 'keyword' and 'match'",
        Span(F, 6, 9, 5),
    )


def test_when_beside_a_keyword_or_match_is_a_guard() -> None:
    for test in ("keyword: OUI", "match: '{n:number}'"):
        text = f"flow: F\nstates:\n  a:\n    wait:\n      - {test}\n        when: yes\n"
        assert check(text) == [], test


def test_bad_names_and_ranges() -> None:
    text = "flow: F\nstates:\n  a:\n    set: {appt status: x}\n    end: true\nsettings_like: 1\n"
    errors = check(text)
    assert summary(errors)[0] == (
        "E203",
        "key 'appt status' in 'set' must be a name made of letters, digits, _ and dots, "
        "like appt.status",
        4,
        11,
    )
    error = one("survey: S\nquestions: [{id: a, ask: b}]\nretries: -1\n")
    assert (error.message, error.span) == ("'retries' must be 0 or more, not -1", Span(F, 3, 10, 2))


def test_only_one_otherwise_entry() -> None:
    text = "autoreply:\n  - otherwise: Sorry\n  - keyword: A\n    reply: b\n"
    error = one(text + "  - otherwise: Oops\n")
    assert (error.code, error.message, error.span) == (
        "E203",
        "an autoreply file has a single 'otherwise' entry",
        Span(F, 5, 5, 9),
    )


def test_once_per_contact_is_the_only_mode() -> None:
    error = one("poll: P\ntrigger: {keyword: V}\nchoices: {A: a}\nonce_per: message\n")
    assert (error.code, error.message, error.span) == (
        "E203",
        "'once_per' must be contact, not 'message'",
        Span(F, 4, 11, 7),
    )
    assert (
        error.hint == "one vote per phone number is the only mode for now: write once_per: contact"
    )


def test_settings_language_and_timezone() -> None:
    assert check("settings:\n  language: fr\n  timezone: Europe/Paris\n") == []
    error = one("settings:\n  language: French\n")
    assert error.message == "'language' must be a language code like en or fr, not 'French'"


def test_a_send_step_may_come_from_another_phone() -> None:
    text = "flow: F\nstates: {a: {end: true}}\ntests:\n  - steps:\n"
    assert check(text + "      - {send: hi, from: '+33600000002'}\n") == []
    error = one(text + "      - {wait: 1h, from: '+33600000002'}\n")
    assert (error.code, error.message) == ("E201", "unknown key 'from' in a test step")


# --- E205 forms -----------------------------------------------------------------------------------


def test_no_form() -> None:
    error = one("description: hello\nnumber: '36111'\n")
    assert error == RuleError(
        "E205",
        "a rule file needs one of: autoreply, flow, poll, survey, campaign, settings",
        Span(F, 1, 1, 11),
        "start the file with its form, e.g. 'autoreply:' or 'flow: <a title>'",
    )


def test_no_form_guesses_from_a_misspelling_or_the_keys() -> None:
    error = one("# vote\npol: Contest\nchoices: {A: a}\n")
    assert (error.code, error.span) == ("E205", Span(F, 2, 1, 3))
    assert error.hint == "did you mean 'poll'?"
    error = one("description: x\nstates: {a: {end: true}}\n")
    assert error.hint == "this file has 'states', like a flow: add 'flow: <a title>' at the top"


def test_two_forms() -> None:
    assert one("poll: X\nflow: Y\n") == RuleError(
        "E205",
        "a rule file has exactly one form; this one has both 'poll' and 'flow'",
        Span(F, 2, 1, 4),
        "put each form in its own file",
    )


def test_only_the_errors_of_the_form_present_are_reported() -> None:
    errors = check("poll: P\ntrigger: {keyword: V}\nchoices: {A: a}\nstates: {}\nquestions: []\n")
    assert summary(errors) == [
        ("E201", "unknown key 'states' in a poll", 4, 1),
        ("E201", "unknown key 'questions' in a poll", 5, 1),
    ]


# --- E206 durations -------------------------------------------------------------------------------


def test_bad_duration() -> None:
    text = "flow: F\nstates:\n  a:\n    wait: [{when: yes, end: true}]\n"
    text += "    timeout: {after: tomorrow, then: end}\n"
    assert one(text) == RuleError(
        "E206",
        "'after' must be a duration like 90s, 15m, 24h, 2d or 2 heures, not 'tomorrow'",
        Span(F, 5, 22, 8),
        "a duration is a number followed by s, m, h, d or w (or hours, heures, jours…), e.g. 90s,"
        " 24h, 1h30m or 2 heures",
    )


@pytest.mark.parametrize(
    ("value", "hint"),
    [
        (
            "1 month",
            "a duration is a number followed by s, m, h, d or w (or hours, heures, "
            "jours…), e.g. 90s, 24h, 1h30m or 2 heures",
        ),
        ("90", "add a unit: 90s, 90m, 90h or 90d"),
    ],
)
def test_bad_duration_hints(value: str, hint: str) -> None:
    error = one(f"settings:\n  session_expiry: {value}\n")
    assert (error.code, error.hint) == ("E206", hint)


@pytest.mark.parametrize(
    "value",
    ["90s", "15m", "24h", "2d", "1w", "1h30m", "1h 30m", "1 day", "2 hours 30 minutes",
     "2 heures", "1 jour et 12 heures", "1h30"],
)  # fmt: skip
def test_good_durations(value: str) -> None:
    assert check(f"settings:\n  session_expiry: {value}\n") == []


# --- all errors, one per place, in order ----------------------------------------------------------


def test_every_error_is_reported_in_file_order() -> None:
    text = (
        "flow: Appointment\n"
        "expire: soon\n"
        "states:\n"
        "  remind:\n"
        "    say: Hello\n"
        "    wait:\n"
        "      - when: yes\n"
        "        sned: x\n"
        "        end: yes\n"
        "      - keyword: NO\n"
        "        goto: 3\n"
        "    timeout: {after: 1 month}\n"
        "  cancel:\n"
        "    set: {appt.status: cancelled}\n"
        "    ned: true\n"
    )
    assert summary(check(text)) == [
        (
            "E206",
            "'expire' must be a duration like 90s, 15m, 24h, 2d or 2 heures, not 'soon'",
            2,
            9,
        ),
        ("E204", "unknown action 'sned'", 8, 9),
        ("E203", "'end' must be true or false, not 'yes'", 9, 14),
        ("E203", "'goto' must be the name of a state, not 3", 11, 15),
        (
            "E206",
            "'after' must be a duration like 90s, 15m, 24h, 2d or 2 heures, not '1 month'",
            12,
            22,
        ),
        ("E204", "unknown action 'ned'", 15, 5),
    ]


def test_one_error_per_place() -> None:
    errors = check("survey: S\nquestions:\n  - idd: a\n    ask: b\n")
    assert summary(errors) == [("E201", "unknown key 'idd' in a question", 3, 5)]
    spans = [(e.span.line, e.span.col) for e in errors if e.span]
    assert len(spans) == len(set(spans))


# --- test files -----------------------------------------------------------------------------------


def test_a_test_file_holds_only_tests() -> None:
    file = "rules/vote.test.yaml"
    assert check("tests:\n  - steps: [{send: VOTE A, expect: Thanks}]\n", file) == []
    error = one("tests: []\npoll: X\n", file)
    assert (error.code, error.message, error.span) == (
        "E201",
        "unknown key 'poll' in a test file",
        Span(file, 2, 1, 4),
    )


def test_test_steps() -> None:
    text = (
        "flow: F\nstates: {a: {end: true}}\ntests:\n  - name: t\n    steps:\n"
        "      - send: hi\n        wait: 1h\n      - wait: 25 years\n      - start: a\n"
        "        params: {x: 1}\n        expect: [a, /b/]\n"
    )
    assert summary(check(text)) == [
        (
            "E203",
            "a test step has exactly one of 'send', 'wait' or 'start'; this one has both "
            "'send' and 'wait'",
            7,
            9,
        ),
        (
            "E206",
            "'wait' must be a duration like 90s, 15m, 24h, 2d or 2 heures, not '25 years'",
            8,
            15,
        ),
    ]


# --- the broken corpus ----------------------------------------------------------------------------


CORPUS = sorted(
    p for p in BROKEN.glob("E[12]*.yaml") if p.name[:4] != "E207"
)  # loader+schema codes


def test_the_corpus_has_one_file_per_code() -> None:
    codes = [path.name.split("_", 1)[0] for path in CORPUS]
    assert codes == ["E101", "E102", "E103", "E201", "E202", "E203", "E204", "E205", "E206"]


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.stem)
def test_broken_file_renders_as_expected(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    relative = path.relative_to(ROOT)
    document, errors = load_path(relative)
    text = path.read_text(encoding="utf-8")
    if document is not None:
        errors = errors + validate(document)
        text = document.text
    assert [e.code for e in errors] == [path.name.split("_", 1)[0]]
    rendered = render_all(errors, {str(relative): text})
    assert rendered == path.with_suffix(".expected").read_text(encoding="utf-8")


def test_validate_takes_a_document() -> None:
    document = Document(F, "flow: F\n", {"flow": "F", "states": {"a": {"end": True}}}, {})
    assert validate(document) == []


# --- issue 12: guards, interrupt, fall_through, choose --------------------------------------------


def test_a_when_guard_goes_with_a_match_entry_not_a_keyword_entry() -> None:
    assert check("autoreply:\n  - match: 'ORDER {n:number}'\n    when: 'n > 0'\n") == []
    error = one("autoreply:\n  - keyword: HOURS\n    when: 'now.hour < 18'\n    reply: x\n")
    assert (error.code, error.message) == ("E204", "unknown action 'when'")


def test_interrupt_is_for_keyword_and_match_entries() -> None:
    assert check("autoreply:\n  - keyword: HOURS\n    interrupt: true\n    reply: x\n") == []
    error = one("autoreply:\n  - when: 'text ~ /x/'\n    interrupt: true\n    reply: x\n")
    assert (error.code, error.message) == ("E204", "unknown action 'interrupt'")


def test_a_match_trigger_takes_a_guard_and_a_state_takes_choose_and_fall_through() -> None:
    text = (
        "flow: F\ntrigger: {match: 'ORDER {n:number}', when: 'n > 0'}\nstates:\n"
        "  a:\n    choose:\n      - when: 'n > 5'\n        goto: b\n"
        "      - otherwise: {say: small, goto: b}\n"
        "  b:\n    wait: [{when: yes, end: true}]\n    fall_through: true\n"
    )
    assert check(text) == []
