"""A reply or send over settings.max_reply_parts is not sent: an error event names its rule.
The runtime counts parts with the splitter (engine.sms, tested in tests/sms)."""

from __future__ import annotations

from tests.runtime.conftest import message, texts

SETTINGS = "settings:\n  max_reply_parts: 2\n"
ECHO = """\
autoreply:
  - keyword: ECHO
    reply: "You said: {text}"
  - keyword: FORWARD
    send: {to: "+33611111111", text: "{text}"}
    reply: "Forwarded."
"""


def test_a_reply_within_the_limit_is_sent(rules):
    rs = rules(settings=SETTINGS, echo=ECHO)
    sprint = message(rs, "echo " + "x" * 290)  # 300 characters: 2 parts of GSM-7
    assert texts(sprint) == ["You said: echo " + "x" * 290]
    assert [e for e in sprint.events if e.type == "error"] == []


def test_a_longer_reply_is_not_sent_and_an_error_names_its_rule(rules, tmp_path):
    rs = rules(settings=SETTINGS, echo=ECHO)
    sprint = message(rs, "echo " + "x" * 300)  # 315 characters: 3 parts
    assert texts(sprint) == []
    [error] = [e.data for e in sprint.events if e.type == "error"]
    assert error["message"] == (
        "the reply needs more than 2 SMS parts (settings.max_reply_parts): it is not sent"
    )
    assert error["rule"] == f"{tmp_path}/echo.yaml:3:5"


def test_a_longer_send_is_not_sent_and_the_reply_still_is(rules, tmp_path):
    rs = rules(settings=SETTINGS, echo=ECHO)
    sprint = message(rs, "forward " + "é" * 400)
    assert [(m.recipient, m.text) for m in sprint.outbound] == [("+33600000001", "Forwarded.")]
    [error] = [e.data for e in sprint.events if e.type == "error"]
    assert error["rule"] == f"{tmp_path}/echo.yaml:5:5"
    assert error["message"].startswith("the send needs more than 2 SMS parts")


def test_the_default_limit_is_10_parts(rules):
    rs = rules(echo=ECHO)
    assert texts(message(rs, "echo " + "x" * 1515)) != []  # 1530 characters: 10 parts
    assert texts(message(rs, "echo " + "x" * 1516)) == []


def test_one_part_is_the_160_characters_of_one_sms(rules):
    """With max_reply_parts: 1, a text of one SMS is sent though it is longer than a part of a
    long message (153 characters of GSM-7, 67 of UCS-2)."""
    rs = rules(settings="settings:\n  max_reply_parts: 1\n", echo=ECHO)
    assert texts(message(rs, "echo " + "x" * 145)) == ["You said: echo " + "x" * 145]  # 160
    assert texts(message(rs, "echo " + "x" * 146)) == []  # 161 characters: 2 parts
    assert texts(message(rs, "echo ç" + "x" * 54)) == ["You said: echo ç" + "x" * 54]  # 70
    assert texts(message(rs, "echo ç" + "x" * 55)) == []  # 71 characters of UCS-2: 2 parts
