"""Precedence (docs/rules.md): compliance, waiting session, triggers, catch-all, inbox."""

from __future__ import annotations

from datetime import timedelta

from engine.core.model import Contact
from tests.runtime.conftest import NOW, NUMBER, PHONE, events, message, texts

INFO = """
autoreply:
  - keyword: [HOURS, HORAIRES, OPENING HOURS]
    reply: "9-18"
  - keyword: OPENING
    reply: "opening soon"
  - match: "PRICE {product:word}"
    reply: "price of {product}"
  - when: "has_number(text)"
    reply: "a number!"
  - otherwise: "sorry"
"""

ASK = """
flow: Ask
trigger: {keyword: ASK}
states:
  q:
    say: "Yes or no?"
    wait:
      - when: yes
        say: "great"
        end: true
      - keyword: HOURS
        say: "hours inside the flow"
"""


def test_keywords_ignore_case_accents_and_punctuation(rules):
    rs = rules(info=INFO)
    for text in ("HOURS", "hours", "  Hours!! ", "horaires?", "HORAIRES."):
        assert texts(message(rs, text)) == ["9-18"], text


def test_the_longest_keyword_wins(rules):
    rs = rules(info=INFO)
    assert texts(message(rs, "opening hours please")) == ["9-18"]
    assert texts(message(rs, "opening")) == ["opening soon"]


def test_pattern_then_condition_then_otherwise(rules):
    rs = rules(info=INFO)
    assert texts(message(rs, "price Guitar")) == ["price of Guitar"]
    assert texts(message(rs, "I want 3")) == ["a number!"]
    assert texts(message(rs, "hello")) == ["sorry"]


def test_a_keyword_does_not_match_inside_a_word(rules):
    rs = rules(info=INFO)
    assert texts(message(rs, "HOURSTREAM")) == ["sorry"]


def test_one_typo_in_a_long_keyword_is_forgiven(rules):
    rs = rules(info=INFO)
    for typed in ("HORAIRS", "horaries", "HORRAIRES", "hoaires?", "OPENNING hours"):
        sprint = message(rs, typed)
        assert texts(sprint) == ["9-18"], typed
        assert "keyword_corrected" in events(sprint)
    # short keywords must be exact, and two typos are too many
    assert texts(message(rs, "HOUR")) == ["sorry"]
    assert texts(message(rs, "HRAIRS")) == ["sorry"]


def test_a_typo_close_to_two_keywords_is_not_guessed(rules):
    rs = rules(
        two="""
        autoreply:
          - keyword: PRICES
            reply: "prices"
          - keyword: PRIZES
            reply: "prizes"
          - otherwise: "sorry"
        """
    )
    assert texts(message(rs, "PRIZES")) == ["prizes"]
    assert texts(message(rs, "PRIXES")) == ["sorry"]


def test_typo_tolerance_can_be_turned_off(rules):
    rs = rules(info=INFO, settings="settings:\n  typo_tolerance: false\n")
    assert texts(message(rs, "HORAIRS")) == ["sorry"]


def test_without_any_rule_the_message_goes_to_the_inbox(rules):
    rs = rules(ask=ASK)
    sprint = message(rs, "hello there")
    assert texts(sprint) == []
    assert sprint.handoff == "inbox"
    assert "unhandled" in events(sprint)


def test_a_waiting_session_takes_the_message_before_triggers(rules):
    rs = rules(info=INFO, ask=ASK)
    first = message(rs, "ask")
    assert texts(first) == ["Yes or no?"]
    assert first.session is not None and first.session.state == "q"
    second = message(rs, "hours", first.session)
    assert texts(second) == ["hours inside the flow"]
    assert second.session is not None  # no goto/end: keeps waiting


def test_unmatched_message_in_a_wait_without_otherwise_goes_to_inbox_and_keeps_waiting(rules):
    rs = rules(info=INFO, ask=ASK)
    session = message(rs, "ask").session
    sprint = message(rs, "what?", session)
    assert texts(sprint) == []
    assert sprint.handoff == "inbox"
    assert sprint.session is not None and sprint.session.state == "q"


def test_compliance_keywords_act_before_a_waiting_session(rules):
    rs = rules(ask=ASK)
    session = message(rs, "ask").session
    sprint = message(rs, "STOP", session)
    assert sprint.opt == "out"
    assert sprint.session is None
    assert sprint.ended is not None and sprint.ended.id == session.id
    assert [m.kind for m in sprint.outbound] == ["compliance"]


def test_arret_with_or_without_accent_opts_out_in_french(rules):
    rs = rules(ask=ASK)
    for text in ("ARRÊT", "arret", "Arrêt !"):
        sprint = message(rs, text)
        assert sprint.opt == "out", text
        assert texts(sprint)[0].startswith("Vous êtes désinscrit"), text


def test_stop_inside_a_sentence_is_not_an_opt_out(rules):
    rs = rules(info=INFO)
    sprint = message(rs, "stop by the shop")
    assert sprint.opt is None
    assert texts(sprint) == ["sorry"]


def test_an_opted_out_contact_starts_nothing(rules):
    rs = rules(info=INFO)
    contact = Contact(PHONE, opted_out=frozenset({NUMBER}))
    sprint = message(rs, "HOURS", contact=contact)
    assert texts(sprint) == []
    assert "ignored" in events(sprint)
    # ... but opting out of another number does not matter here
    other = Contact(PHONE, opted_out=frozenset({"+33999999999"}))
    assert texts(message(rs, "HOURS", contact=other)) == ["9-18"]


def test_help_answers_even_when_opted_out_and_start_opts_in(rules):
    rs = rules(info=INFO)
    contact = Contact(PHONE, opted_out=frozenset({NUMBER}))
    assert texts(message(rs, "HELP", contact=contact))[0].startswith("Reply STOP")
    assert texts(message(rs, "AIDE", contact=contact))[0].startswith("Répondez STOP")
    sprint = message(rs, "START", contact=contact)
    assert sprint.opt == "in"
    assert texts(sprint) == ["You are subscribed again. Reply STOP to unsubscribe."]


def test_a_second_stop_sends_no_second_confirmation(rules):
    rs = rules(info=INFO)
    contact = Contact(PHONE, opted_out=frozenset({NUMBER}))
    sprint = message(rs, "STOP", contact=contact)
    assert texts(sprint) == []
    assert events(sprint)[-1] == "opt_out_repeated"


def test_an_interrupting_trigger_replaces_the_waiting_session(rules):
    rs = rules(
        ask=ASK,
        menu="""
        flow: Menu
        trigger: {keyword: MENU, interrupt: true}
        states:
          show:
            say: "menu"
            end: true
        """,
    )
    session = message(rs, "ask").session
    sprint = message(rs, "MENU", session)
    assert texts(sprint) == ["menu"]
    assert sprint.ended is not None and sprint.ended.id == session.id
    assert "session_ended" in events(sprint)


def test_a_keyword_scoped_to_a_number_answers_only_there(rules):
    rs = rules(
        shop="""
        number: "+33611111111"
        autoreply:
          - keyword: HOURS
            reply: "shop hours"
        """
    )
    assert texts(message(rs, "HOURS", number="+33611111111")) == ["shop hours"]
    sprint = message(rs, "HOURS", number=NUMBER)
    assert texts(sprint) == [] and sprint.handoff == "inbox"


def test_idle_sessions_expire(rules):
    rs = rules(ask=ASK)
    session = message(rs, "ask").session
    assert session.deadline_kind == "expire"
    assert session.deadline == NOW + timedelta(days=7)
