"""Runtime of the issue-12 language additions: guarded triggers, autoreply entries answering
aside a waiting session, fall_through and choose."""

from __future__ import annotations

from tests.runtime.conftest import NOW, events, message, texts

ASK = """
flow: Ask
trigger: {keyword: ASK}
states:
  q:
    say: "Code?"
    wait:
      - match: "{code:digits(5)}"
        say: "code {code}"
        end: true
"""

FAQ = """
autoreply:
  - match: "HOURS {day:word}"
    interrupt: true
    set: {day: "{day}"}
    reply: "hours on {day}"
  - match: "SIZE {n:number}"
    when: "n > 2"
    reply: "big"
"""


def test_an_interrupting_entry_answers_aside_and_the_session_is_untouched(rules):
    rs = rules(ask=ASK, faq=FAQ)
    session = message(rs, "ASK").session
    assert session is not None
    sprint = message(rs, "HOURS monday", session)
    assert texts(sprint) == ["hours on monday"]
    assert "answered_aside" in events(sprint) and "session_ended" not in events(sprint)
    assert sprint.ended is None and sprint.session is not None
    assert (sprint.session.id, sprint.session.state) == (session.id, "q")
    assert sprint.session.deadline == session.deadline
    assert "day" not in sprint.session.vars  # the entry's variables stay its own


def test_a_false_guard_lets_the_message_go_on(rules):
    rs = rules(faq=FAQ)
    assert texts(message(rs, "SIZE 3")) == ["big"]
    sprint = message(rs, "SIZE 1")
    assert texts(sprint) == [] and sprint.handoff == "inbox"


def test_fall_through_without_any_rule_or_otherwise_goes_to_the_inbox_and_keeps_waiting(rules):
    rs = rules(ask=ASK.replace("    wait:", "    fall_through: true\n    wait:"))
    session = message(rs, "ASK").session
    sprint = message(rs, "hello", session)
    assert texts(sprint) == [] and sprint.handoff == "inbox"
    assert sprint.session is not None and sprint.session.state == "q"


def test_choose_reads_the_trigger_captures(rules):
    rs = rules(
        size="""
        flow: Size
        trigger: {match: "TABLE {n:number}"}
        states:
          pick:
            choose:
              - when: "n > 6"
                say: "large table"
                end: true
              - otherwise: {say: "small table", end: true}
        """
    )
    assert texts(message(rs, "TABLE 8", now=NOW)) == ["large table"]
    assert texts(message(rs, "TABLE 2", now=NOW)) == ["small table"]


REMINDER = """
flow: Reminder
trigger: {schedule: rappels, params: {appt.at: datetime, seats: number}}
states:
  remind:
    say: "{appt.at|date('%d/%m')} for {seats}"
    end: true
"""


def _start(rs, params):
    from engine.core.model import Contact, Input
    from engine.runtime import step
    from tests.runtime.conftest import NUMBER, PHONE

    inp = Input("start", Contact(PHONE), NUMBER, flow="rappels", params=params, session_id="s_2")
    return step(rs, None, inp, NOW)


def test_a_start_with_the_declared_parameters_runs(rules):
    rs = rules(reminder=REMINDER)
    sprint = _start(rs, {"appt": {"at": "2026-01-08T13:30:00Z"}, "seats": 2})
    assert texts(sprint) == ["08/01 for 2"]
    assert texts(_start(rs, {"appt": {"at": "2026-01-08T13:30:00Z"}, "seats": "3"})) == [
        "08/01 for 3"
    ]


def test_a_start_missing_or_mistyping_a_declared_parameter_is_refused(rules):
    rs = rules(reminder=REMINDER)
    sprint = _start(rs, {"appt": {"at": "2026-01-08"}, "seats": "many"})
    assert texts(sprint) == [] and sprint.session is None
    (error,) = [e for e in sprint.events if e.type == "error"]
    assert error.data["message"] == (
        "the flow 'reminder' was not started: the parameter 'appt.at' must be a date and time "
        "(2026-12-03T10:00:00+01:00), not '2026-01-08'; the parameter 'seats' must be a number, "
        "not 'many'"
    )
    sprint = _start(rs, {})
    assert "the parameter 'appt.at' (datetime) is missing" in sprint.events[-1].data["message"]
