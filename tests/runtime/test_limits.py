"""Rules cannot flood a phone: a timeout cycle stops at the reply limit."""

from __future__ import annotations

from engine.core.messages import Inbound
from engine.core.model import Contact, Input
from engine.runtime import step
from tests.runtime.conftest import NOW, NUMBER, PHONE, message, texts
from tests.support.hostile import EVIL, SLOW_REGEXES

NAG = """\
flow: Nag
trigger: {keyword: NAG}
states:
  nag:
    say: "Are you there?"
    wait:
      - when: yes
        say: "Good."
        end: true
    timeout: {after: 1s, then: nag}
"""
SETTINGS = "settings:\n  reply_limit: {count: 3, per: 1h}\n"


def fire(rs, session, recent_replies):
    inp = Input("timeout", Contact(PHONE), NUMBER, session_id=session.id,
                recent_replies=recent_replies)  # fmt: skip
    assert session.deadline is not None
    return step(rs, session, inp, session.deadline)


def test_a_timeout_cycle_runs_until_the_reply_limit_then_the_session_ends(rules, tmp_path):
    rs = rules(nag=NAG, settings=SETTINGS)
    sprint = message(rs, "nag")
    sent = len(sprint.outbound)
    session = sprint.session
    fired = 0
    while session is not None and fired < 100:
        sprint = fire(rs, session, sent)
        sent += len(sprint.outbound)
        session = sprint.session
        fired += 1
    assert (sent, fired) == (3, 3)  # two timeouts nag again; the third is over the limit
    assert texts(sprint) == []
    assert sprint.session is None and sprint.ended is not None
    error = next(e.data for e in sprint.events if e.type == "error")
    assert error == {
        "message": "a timeout keeps the conversation going past the reply limit (3 per "
        "window): the session ends",
        "rule": f"{tmp_path}/nag.yaml:10:5",
    }
    ended = next(e.data for e in sprint.events if e.type == "session_ended")
    assert ended["reason"] == "reply_limit"


def test_a_message_over_the_reply_limit_keeps_its_session(rules):
    rs = rules(
        nag=NAG.replace(
            "        end: true\n", "        end: true\n      - otherwise: {say: Say YES.}\n"
        )
    )
    session = message(rs, "nag").session
    sprint = message(rs, "maybe", session, recent_replies=20)
    assert texts(sprint) == []
    assert "reply_limited" in [e.type for e in sprint.events]
    assert sprint.session is not None  # the contact may still answer: only timers are cut


# --- a hostile text cannot stall the engine: one regex time budget per message ---------------

EVIL_RULES = (
    'autoreply:\n  - keyword: HOURS\n    reply: "Open 9-18."\n'
    + SLOW_REGEXES
    + "  - when: 'text ~ /^a+$/'\n    reply: \"only a's\"\n"
)


def batch(rs, items):
    """Step a batch of (phone, text) as the service's decider does: one after the other."""
    sprints = []
    for phone, text in items:
        inbound = Inbound(phone, NUMBER, text, NOW)
        inp = Input("message", Contact(phone), NUMBER, message=inbound, session_id="s")
        sprints.append(step(rs, None, inp, NOW))
    return sprints


def test_fifty_evil_messages_and_one_good_one_in_a_batch(rules):
    rs = rules(evil=EVIL_RULES)
    phones = [f"+3360000{i:04d}" for i in range(50)]
    items = [(phone, EVIL) for phone in phones[:25]]
    items += [("+33699999999", "hours")]
    items += [(phone, EVIL) for phone in phones[25:]]
    sprints = batch(rs, items)
    good = sprints[25]
    assert texts(good) == ["Open 9-18."]
    for sprint in sprints[:25] + sprints[26:]:
        # the first regex runs out of time and spends the message's budget: it is reported once,
        # and the other regexes count as no match (no reply, the message goes to the inbox)
        errors = [e.data for e in sprint.events if e.type == "error"]
        assert errors == [
            {
                "message": "the regex /(a|aa)+$/ ran out of time and was stopped; the other "
                "regexes of this message count as no match",
                "condition": "text ~ /(a|aa)+$/",
            }
        ]
        assert texts(sprint) == []
        assert sprint.handoff == "inbox"


def test_normal_texts_still_match_every_regex_rule(rules):
    rs = rules(evil=EVIL_RULES)
    assert texts(message(rs, "aaaa")) == ["one"]
    assert texts(message(rs, "aaz")) == ["two"]
    assert texts(message(rs, "b aaa!")) == []  # ends with '!': no regex matches
    assert texts(message(rs, "aaaa")) == ["one"]  # the catch-alls run in order
