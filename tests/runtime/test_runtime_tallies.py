"""Poll tallies in expressions: the runtime reads the counts the input carries, adds the votes
its own step records, and never reads a store (pure: the tallies are given in the Input)."""

from __future__ import annotations

from datetime import timedelta

from engine.core.messages import Inbound
from engine.core.model import Contact, Input, Tallies
from engine.runtime import step
from tests.runtime.conftest import NOW, NUMBER, PHONE, events, texts

FINALE = """
poll: Grande finale
trigger: {keyword: [VOTE, VOTER]}
choices: {A: Awa, B: Bruno, C: Chloé}
change: allowed
closes: 2026-03-02T11:00:00+00:00
reply: >-
  Vote for {choice.label}: {poll.finale.count.A}/{poll.finale.count.B}/{poll.finale.count.C},
  leader {poll.finale.leader.label} ({poll.finale.leader.count}), total {poll.finale.total}
changed: >-
  Now {choice.label}: {poll.finale.count.A}/{poll.finale.count.B}/{poll.finale.count.C},
  total {poll.finale.total}
already_voted: "Already {vote.label}: total {poll.finale.total}"
closed: >-
  Closed. Winner {poll.finale.leader.label} with {poll.finale.leader.count} of {poll.finale.total}
"""

SCORE = """
autoreply:
  - keyword: SCORE
    reply: >-
      {poll.finale.title}: {poll.finale.leader.label|default('nobody yet')} leads,
      {poll.finale.total} votes
  - when: "has_any_word(text, 'tight') and poll.finale.count.A == poll.finale.count.B"
    reply: "A and B tie at {poll.finale.count.A}"
  - when: "has_any_word(text, 'tight')"
    reply: "not tied"
"""


def send(rs, text, tallies: Tallies, contact: Contact | None = None, at=NOW):
    inp = Input(
        "message",
        contact or Contact(PHONE),
        NUMBER,
        message=Inbound(PHONE, NUMBER, text, at),
        session_id="s_1",
        tallies=tallies,
    )
    return step(rs, None, inp, at)


def test_the_compiler_records_the_polls_the_rules_read(rules):
    assert rules(finale=FINALE, score=SCORE).tallied == frozenset({"finale"})


def test_rules_that_read_no_poll_count_nothing(rules):
    rs = rules(plain="poll: Plain\ntrigger: {keyword: VOTE}\nchoices: {A: Awa, B: Bruno}\n")
    assert rs.tallied == frozenset()


def test_a_vote_reply_counts_the_vote_it_records(rules):
    rs = rules(finale=FINALE)
    sprint = send(rs, "VOTE B", {"finale": {"A": 3, "B": 3}})
    assert texts(sprint) == ["Vote for Bruno: 3/4/0, leader Bruno (4), total 7"]


def test_the_first_vote_makes_its_choice_the_leader(rules):
    rs = rules(finale=FINALE)
    sprint = send(rs, "voter chloe", {})
    assert texts(sprint) == ["Vote for Chloé: 0/0/1, leader Chloé (1), total 1"]


def test_a_tie_goes_to_the_first_choice_in_the_poll_order(rules):
    rs = rules(finale=FINALE, score=SCORE)
    assert texts(send(rs, "SCORE", {"finale": {"C": 2, "B": 2}})) == [
        "Grande finale: Bruno leads, 4 votes"
    ]
    assert texts(send(rs, "TIGHT", {"finale": {"A": 2, "B": 2}})) == ["A and B tie at 2"]
    assert texts(send(rs, "TIGHT", {"finale": {"A": 2}})) == ["not tied"]


def test_no_votes_yet_leaves_the_leader_empty(rules):
    rs = rules(finale=FINALE, score=SCORE)
    assert texts(send(rs, "SCORE", {})) == ["Grande finale: nobody yet leads, 0 votes"]
    assert texts(send(rs, "SCORE", {"finale": {}})) == ["Grande finale: nobody yet leads, 0 votes"]


def test_a_changed_vote_moves_from_the_earlier_choice(rules):
    rs = rules(finale=FINALE)
    voter = Contact(PHONE, votes={"finale": "A"})
    sprint = send(rs, "VOTE C", {"finale": {"A": 5, "B": 1}}, voter)
    assert texts(sprint) == ["Now Chloé: 4/1/1, total 6"]


def test_a_refused_vote_counts_nothing(rules):
    rs = rules(finale=FINALE.replace("change: allowed\n", ""))
    voter = Contact(PHONE, votes={"finale": "A"})
    sprint = send(rs, "VOTE C", {"finale": {"A": 5, "B": 1}}, voter)
    assert texts(sprint) == ["Already Awa: total 6"]
    assert sprint.votes == ()


def test_the_closed_message_can_name_the_winner(rules):
    rs = rules(finale=FINALE)
    sprint = send(rs, "VOTE A", {"finale": {"A": 1, "B": 9}}, at=NOW + timedelta(hours=2))
    assert texts(sprint) == ["Closed. Winner Bruno with 9 of 10"]
    assert "vote_refused" in events(sprint)


def test_a_session_variable_named_poll_does_not_hide_the_tallies(rules):
    rs = rules(
        finale=FINALE,
        ask="""
        flow: Ask
        trigger: {keyword: ASK}
        states:
          start:
            say: "{poll.finale.total} votes so far"
            end: true
        """,
    )
    inp = Input(
        "start",
        Contact(PHONE),
        NUMBER,
        flow="ask",
        params={"poll": "x"},
        session_id="s_1",
        tallies={"finale": {"A": 2}},
    )
    assert texts(step(rs, None, inp, NOW)) == ["2 votes so far"]
