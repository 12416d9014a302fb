"""A reply or send over settings.max_reply_parts is not sent: an error event names its rule.
The runtime's count of SMS parts agrees with the SMPP encoder's."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from engine.core.sms import sms_parts
from engine.transports.smpp.gsm7 import encode_parts
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


@settings(max_examples=300, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from("ab €{}[]^~|\\\fé\nç😀中"),  # GSM-7, its extension, UCS-2
        max_size=700,
    )
)
def test_the_runtime_counts_parts_as_the_smpp_encoder_cuts_them(text):
    assert sms_parts(text) == len(encode_parts(text))


def test_counting_stops_early_on_a_huge_text():
    assert sms_parts("x" * 6_000_000, stop=11) == 11
    assert sms_parts("€" * 80) == 1  # 160 septets
    assert sms_parts("€" * 81) == 2  # 162 septets: two parts, a pair never split
