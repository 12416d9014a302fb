"""Flows: waits, retries, timeouts, actions, loop protection, runtime mistakes as events."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from engine.core.model import Contact, Input
from engine.dsl import compile_template
from engine.runtime import step
from tests.runtime.conftest import NOW, NUMBER, PHONE, events, message, texts

CONFIRM = """
flow: Confirm
trigger: {keyword: BOOK}
states:
  ask:
    say: "Reply YES or NO"
    wait:
      - when: yes
        set: {booking.status: confirmed, contact.city: "{rest}"}
        say: "Confirmed"
        end: true
      - when: no
        goto: cancel
      - otherwise:
          say: "YES or NO please"
          retries: 2
          then: gave_up
    timeout: {after: 2h, say: "Still there?", then: end}
  cancel:
    say: "Cancelled"
    send: {to: "+33 6 99 99 99 99", text: "{contact.phone} cancelled"}
    end: true
  gave_up:
    say: "Never mind"
    handoff: reception
    end: true
"""


def timeout(rs, session, at):
    inp = Input("timeout", Contact(PHONE), NUMBER, session_id=session.id)
    return step(rs, session, inp, at)


def test_yes_in_four_languages(rules):
    rs = rules(confirm=CONFIRM)
    for answer in ("yes", "Oui", "sí", "JA", "ok", "👍"):
        session = message(rs, "BOOK").session
        assert texts(message(rs, answer, session)) == ["Confirmed"], answer


def test_retries_then_the_exhausted_branch(rules):
    rs = rules(confirm=CONFIRM)
    session = message(rs, "BOOK").session
    first = message(rs, "maybe", session)
    assert texts(first) == ["YES or NO please"]
    second = message(rs, "hmm", first.session)
    assert texts(second) == ["YES or NO please"]
    third = message(rs, "dunno", second.session)
    assert texts(third) == ["Never mind"]
    assert third.handoff == "reception"
    assert third.session is None
    assert "retries_exhausted" in events(third)


def test_a_matching_answer_resets_nothing_else(rules):
    rs = rules(confirm=CONFIRM)
    session = message(rs, "BOOK").session
    sprint = message(rs, "no", session)
    assert texts(sprint) == ["Cancelled", "+33600000001 cancelled"]
    assert [m.recipient for m in sprint.outbound] == [PHONE, "+33699999999"]
    assert [m.kind for m in sprint.outbound] == ["reply", "send"]


def test_timeout_runs_its_actions_and_ends(rules):
    rs = rules(confirm=CONFIRM)
    session = message(rs, "BOOK").session
    assert session.deadline == NOW + timedelta(hours=2)
    assert session.deadline_kind == "timeout"
    sprint = timeout(rs, session, session.deadline)
    assert texts(sprint) == ["Still there?"]
    assert sprint.session is None and sprint.ended is not None


def test_set_writes_session_variables_and_contact_fields(rules):
    rs = rules(
        note="""
        flow: Note
        trigger: {keyword: CITY}
        states:
          a:
            set: {city.name: "{rest|title}", contact.city: "{rest|title}", count: "{1 + 1}"}
            say: "{city.name} {contact.city} {count + 1}"
            end: true
        """
    )
    sprint = message(rs, "city  paris")
    assert texts(sprint) == ["Paris Paris 3"]
    assert sprint.contact_fields == {"city": "Paris"}


def test_a_missing_variable_is_an_error_event_and_the_conversation_goes_on(rules):
    rs = rules(
        oops="""
        flow: Oops
        trigger: {keyword: OOPS}
        states:
          a:
            say: "Hello {contact.nickname}"
            goto: b
          b:
            say: "still here"
            end: true
        """
    )
    sprint = message(rs, "oops")
    assert texts(sprint) == ["still here"]
    error = next(e for e in sprint.events if e.type == "error")
    assert "contact.nickname" in error.data["message"]


def test_a_goto_loop_is_cut_and_the_session_ends():
    # `twoway check` refuses such a loop (E408); the runtime's step cap is the second line.
    from engine.ruleset.model import Flow, Goto, Say, Settings, State, Trigger
    from engine.ruleset.ruleset import RuleSet

    a = State("a", (Say(compile_template("again")),), then=Goto("b"))
    b = State("b", then=Goto("a"))
    trigger = Trigger("loop", "a", "keyword", keywords=(("loop",),))
    flow = Flow("loop", "flow", "Loop", {"a": a, "b": b}, "a", (trigger,))
    rs = RuleSet.build("v1", [flow], [], Settings(), ["loop.yaml"])
    sprint = message(rs, "loop")
    assert texts(sprint) == ["again"] * 20  # the reply limit, then the step cap
    assert sprint.session is None
    errors = [e.data["message"] for e in sprint.events if e.type == "error"]
    assert errors == ["more than 100 steps in one go: the flow loops; the session ends"]


def test_replies_per_conversation_are_capped(rules):
    rs = rules(info='autoreply:\n  - keyword: PING\n    reply: "pong"\n')
    assert texts(message(rs, "ping", recent_replies=19)) == ["pong"]
    sprint = message(rs, "ping", recent_replies=20)
    assert texts(sprint) == []
    assert "reply_limited" in events(sprint)


def test_a_state_removed_by_a_reload_ends_the_session_cleanly(rules):
    rs = rules(confirm=CONFIRM)
    session = message(rs, "BOOK").session
    vanished = replace(session, state="no_such_state")
    sprint = message(rs, "yes", vanished)
    assert sprint.session is None
    assert sprint.ended is not None
    assert any("no longer exists" in e.data.get("message", "") for e in sprint.events)
    assert sprint.handoff == "inbox"  # the message then follows the normal precedence


def test_a_poll_vote_is_refused_the_second_time(rules):
    rs = rules(
        contest="""
        poll: Contest
        trigger: {keyword: VOTE}
        choices: {A: Alpha, B: Beta}
        reply: "ok {choice.label}"
        already_voted: "already {vote.label}"
        """
    )
    first = message(rs, "VOTE a")
    assert texts(first) == ["ok Alpha"]
    assert [(v.poll, v.choice) for v in first.votes] == [("contest", "A")]
    contact = Contact(PHONE, votes={"contest": "A"})
    second = message(rs, "vote beta", contact=contact)
    assert texts(second) == ["already Alpha"]
    assert second.votes == ()


def test_a_poll_that_allows_changes_replaces_the_vote(rules):
    rs = rules(
        contest="""
        poll: Contest
        trigger: {keyword: VOTE}
        choices: {A: Alpha, B: Beta}
        change: allowed
        changed: "now {choice.label}, was {vote.label}"
        """
    )
    contact = Contact(PHONE, votes={"contest": "A"})
    sprint = message(rs, "VOTE B", contact=contact)
    assert texts(sprint) == ["now Beta, was Alpha"]
    assert [(v.choice, v.replaces) for v in sprint.votes] == [("B", True)]


def test_survey_answers_are_typed_and_recorded(rules):
    rs = rules(
        survey="""
        survey: S
        trigger: {keyword: SURVEY}
        questions:
          - {id: n, ask: "n?", type: number, min: 1, max: 5, decimals: true}
          - {id: when, ask: "date?", type: date}
          - {id: pick, ask: "pick?", type: choice, choices: {R: Red, G: Green}}
        outro: "done {answers.n} {answers.when} {answers.pick}"
        """
    )
    session = message(rs, "survey").session
    s1 = message(rs, "6", session)
    assert texts(s1) == ["Please reply with a number from 1 to 5."]
    s2 = message(rs, "4,5", s1.session)
    assert texts(s2) == ["date?"]
    s3 = message(rs, "le 24/12/2026", s2.session)
    assert texts(s3) == ["pick?"]
    s4 = message(rs, "green", s3.session)
    assert texts(s4) == ["done 4.5 2026-12-24 G"]
    assert [(a.question, a.value) for a in (*s2.answers, *s3.answers, *s4.answers)] == [
        ("n", 4.5),
        ("when", "2026-12-24"),
        ("pick", "G"),
    ]


def test_inbound_text_is_never_evaluated_as_a_template(rules):
    rs = rules(echo='autoreply:\n  - match: "ECHO {t:text}"\n    reply: "you said {t}"\n')
    assert texts(message(rs, "echo {contact.phone} {1+1}")) == ["you said {contact.phone} {1+1}"]


def test_an_explicit_timeout_longer_than_the_expiry_still_fires(rules):
    rs = rules(
        settings="settings:\n  session_expiry: 2h\n",
        slow="""
        flow: Slow
        trigger: {keyword: SLOW}
        states:
          a:
            say: "waiting"
            wait:
              - when: yes
                end: true
            timeout: {after: 3h, say: "Reminder!", then: end}
        """,
    )
    session = message(rs, "slow").session
    assert (session.deadline, session.deadline_kind) == (NOW + timedelta(hours=3), "timeout")
    assert texts(timeout(rs, session, session.deadline)) == ["Reminder!"]


def test_dates_are_written_in_the_deployment_time_zone(rules):
    rs = rules(
        settings="settings:\n  timezone: Europe/Paris\n",
        appt="""
        flow: Appt
        trigger: {schedule: appointments}
        states:
          remind:
            say: "{appt.at|date('%d/%m %H:%M')} (now {now.hour}h)"
            end: true
        """,
    )
    inp = Input(
        "start",
        Contact(PHONE),
        NUMBER,
        flow="appointments",
        params={"appt": {"at": "2026-01-08T13:30:00Z"}},
        session_id="s_9",
    )
    assert texts(step(rs, None, inp, NOW)) == ["08/01 14:30 (now 11h)"]


def test_a_when_beside_a_match_guards_it_with_the_captures(rules):
    rs = rules(
        qty="""
        flow: Qty
        trigger: {keyword: ORDER}
        states:
          ask:
            say: "How many?"
            wait:
              - match: "{n:number}"
                when: "n >= 1 and n <= 10"
                say: "{n} it is"
                end: true
              - otherwise:
                  say: "From 1 to 10, please"
        """
    )
    session = message(rs, "order").session
    refused = message(rs, "12", session)
    assert texts(refused) == ["From 1 to 10, please"]
    assert "n" not in refused.session.vars  # a refused capture is not kept
    assert texts(message(rs, "3", refused.session)) == ["3 it is"]


POLL = """
poll: Contest
trigger: {keyword: VOTE}
choices: {A: Alpha, B: Beta}
opens: 2026-03-01T00:00:00Z
closes: 2026-03-03T00:00:00Z
closed: "closed!"
not_open: "not yet!"
invalid: "A or B, please."
"""


def test_a_closed_poll_says_so_at_once_even_without_a_choice(rules):
    rs = rules(contest=POLL)
    later = NOW + timedelta(days=2)
    for text in ("VOTE", "VOTE A", "VOTE Z"):
        sprint = message(rs, text, now=later)
        assert texts(sprint) == ["closed!"], text
        assert sprint.session is None and sprint.votes == ()
    assert texts(message(rs, "VOTE", now=NOW - timedelta(days=2))) == ["not yet!"]


def test_every_refused_vote_is_an_event_with_its_reason(rules):
    """Results count refused votes from these events: each one leaves exactly one."""
    rs = rules(contest=POLL)

    def refusals(sprint):
        return [e.data for e in sprint.events if e.type == "vote_refused"]

    later = NOW + timedelta(days=2)
    assert refusals(message(rs, "VOTE A", now=later)) == [
        {"poll": "contest", "choice": "A", "reason": "closed"}
    ]
    assert refusals(message(rs, "VOTE", now=later)) == [
        {"poll": "contest", "choice": None, "reason": "closed"}
    ]
    assert refusals(message(rs, "VOTE b", now=NOW - timedelta(days=2))) == [
        {"poll": "contest", "choice": "B", "reason": "not_open"}
    ]
    second = message(rs, "VOTE B", contact=Contact(PHONE, votes={"contest": "A"}))
    assert refusals(second) == [{"poll": "contest", "choice": "B", "reason": "already_voted"}]
    assert refusals(message(rs, "VOTE A")) == []


def test_a_poll_asks_then_says_its_invalid_text(rules):
    rs = rules(contest=POLL)
    asked = message(rs, "VOTE")
    assert texts(asked) == ["Which one? Reply A or B."]
    assert texts(message(rs, "Z", asked.session)) == ["A or B, please."]
