"""A flow whose first message cannot be written ends at once, naming the rule; a poll's own
keyword sent again while it waits starts it anew."""

from __future__ import annotations

from engine.core.model import Contact, Input
from engine.runtime import step
from tests.runtime.conftest import NOW, NUMBER, PHONE, events, message, texts

REMIND = """
flow: Remind
trigger: {schedule: reminders}
states:
  remind:
    say: "On {appt.at}. OUI?"
    wait:
      - when: yes
        say: "Confirmed."
        end: true
"""


def test_a_start_whose_message_fails_ends_with_an_error_naming_the_say(rules):
    rs = rules(remind=REMIND)
    inp = Input("start", Contact(PHONE), NUMBER, flow="reminders", session_id="s_1")
    sprint = step(rs, None, inp, NOW)
    assert sprint.session is None
    assert sprint.outbound == ()
    errors = [e.data for e in sprint.events if e.type == "error"]
    assert errors[-1]["message"] == (
        "the first message of flow 'remind' could not be written: the session ends"
    )
    assert errors[-1]["rule"].endswith("remind.yaml:6:5")
    ended = [e.data for e in sprint.events if e.type == "session_ended"]
    assert ended == [{"flow": "remind", "state": "remind", "reason": "start_failed"}]


def test_a_start_whose_message_renders_waits(rules):
    rs = rules(remind=REMIND)
    params = {"appt": {"at": "mardi"}}
    inp = Input("start", Contact(PHONE), NUMBER, flow="reminders", session_id="s_1", params=params)
    sprint = step(rs, None, inp, NOW)
    assert texts(sprint) == ["On mardi. OUI?"]
    assert sprint.session is not None and sprint.session.state == "remind"


POLL = """
poll: Contest
trigger: {keyword: VOTE}
number: "36111"
choices: {A: Alpha, B: Beta}
"""


def test_a_polls_keyword_while_it_waits_restarts_it(rules):
    rs = rules(contest=POLL)
    waiting = message(rs, "VOTE").session
    assert waiting is not None
    again = message(rs, "vote: b", waiting)
    assert texts(again) == ["Thank you, your vote for Beta is counted."]
    assert [(v.poll, v.choice) for v in again.votes] == [("contest", "B")]
    assert "session_ended" in events(again)
    ended = next(e.data for e in again.events if e.type == "session_ended")
    assert ended["reason"] == "restarted"
    assert again.session is None


def test_a_polls_keyword_does_not_restart_another_flow(rules):
    rs = rules(
        contest=POLL,
        order="""
        flow: Order
        trigger: {keyword: ORDER}
        states:
          ask:
            say: "How many?"
            wait:
              - match: "{n:number}"
                say: "ok {n}"
                end: true
        """,
    )
    waiting = message(rs, "ORDER").session
    sprint = message(rs, "VOTE B", waiting)
    assert texts(sprint) == []
    assert sprint.votes == ()
    assert sprint.session is not None and sprint.session.flow == "order"
