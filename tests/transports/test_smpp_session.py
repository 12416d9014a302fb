"""The SMPP protocol core without a socket or a clock: bytes in, typed events and bytes out.

``Session`` is fed bytes and told the time; nothing here waits. The node-smpp tests check the
same link end to end; the decisions that hang on time (enquire_link, a quiet or stalled link,
an unanswered submit_sm) are checked here, at the exact instants.
"""

from __future__ import annotations

import struct

import pytest

from engine.transports.smpp import pdu as codec
from engine.transports.smpp.session import (
    Alert,
    Answered,
    Bound,
    Broken,
    Phase,
    Refused,
    Request,
    Session,
    StrayNack,
    TimedOut,
    Unbound,
    Undecodable,
    Write,
)
from engine.transports.smpp.status import (
    ESME_RINVBNDSTS,
    ESME_RINVCMDID,
    ESME_RINVCMDLEN,
    ESME_RINVPASWD,
    ESME_RTHROTTLED,
    ESME_RX_P_APPN,
    ESME_RX_T_APPN,
)

BIND = 100  # the sequence number of the bind: the session starts at 99


def session(*, enquire_link: float = 30.0, timeout: float = 10.0) -> Session:
    return Session(
        "transceiver", sequence=99, enquire_link=enquire_link, response_timeout=timeout, now=0.0
    )


def bound(**options: float) -> Session:
    s = session(**options)
    s.bind(0.0, "twoway", "secret")
    assert s.feed(codec.encode("bind_transceiver_resp", BIND, system_id="SMSC"), 0.0) == [
        Bound("SMSC")
    ]
    return s


def mo(sequence: int, text: bytes = b"HOURS") -> bytes:
    return codec.encode(
        "deliver_sm",
        sequence,
        source_addr="33600000001",
        destination_addr="36111",
        short_message=text,
    )


def requests(events: list[object]) -> list[tuple[int, bytes]]:
    return [
        (e.pdu.sequence, e.pdu.fields["short_message"]) for e in events if isinstance(e, Request)
    ]


# --- bind ------------------------------------------------------------------------------------


def test_bind_writes_the_bind_and_its_response_binds() -> None:
    s = session()
    raw = s.bind(0.0, "twoway", "secret", "VMA")
    assert raw == codec.encode(
        "bind_transceiver", BIND, system_id="twoway", password="secret", system_type="VMA"
    )
    assert s.phase is Phase.BINDING
    assert s.feed(codec.encode("bind_transceiver_resp", BIND, system_id="SMSC"), 1.0) == [
        Bound("SMSC")
    ]
    assert s.phase is Phase.BOUND


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        (codec.encode("bind_transceiver_resp", BIND, ESME_RINVPASWD), "ESME_RINVPASWD (0xe)"),
        (codec.encode("generic_nack", BIND, ESME_RINVCMDID), "generic_nack ESME_RINVCMDID (0x3)"),
    ],
)
def test_a_refused_bind_ends_the_session(answer: bytes, reason: str) -> None:
    s = session()
    s.bind(0.0, "twoway", "wrong")
    [event] = s.feed(answer, 0.1)
    assert isinstance(event, Refused) and event.reason.startswith(reason)
    assert s.phase is Phase.ENDED and s.next_tick() is None
    assert s.feed(mo(5), 0.2) == []  # nothing more comes from an ended session


def test_no_bind_resp_in_time_breaks_the_session() -> None:
    s = session(timeout=10.0)
    s.bind(0.0, "twoway", "secret")
    assert s.next_tick() == 10.0
    assert s.tick(10.0) == []
    assert s.tick(10.01) == [Broken("no bind_transceiver_resp in 10s")]


def test_a_deliver_sm_before_the_bind_resp_is_told_to_come_again_and_one_after_it_is_kept() -> None:
    s = session()
    s.bind(0.0, "twoway", "secret")
    early = s.feed(mo(7), 0.0)
    assert early == [Write(codec.encode("deliver_sm_resp", 7, ESME_RX_T_APPN))]
    events = s.feed(codec.encode("bind_transceiver_resp", BIND) + mo(8), 0.0)
    assert events[0] == Bound("") and requests(events) == [(8, b"HOURS")]


# --- framing ---------------------------------------------------------------------------------


def test_pdus_are_cut_by_command_length_whatever_the_reads() -> None:
    s = bound()
    stream = mo(1, b"VOTE A") + codec.encode("enquire_link", 2) + mo(3, b"VOTE B")
    events = []
    for octet in range(len(stream)):  # one octet at a time
        events += s.feed(stream[octet : octet + 1], 1.0)
    assert requests(events) == [(1, b"VOTE A"), (3, b"VOTE B")]
    assert Write(codec.encode("enquire_link_resp", 2)) in events
    assert s.next_tick() == 31.0  # nothing partial waits any more


@pytest.mark.parametrize(
    ("garbage", "reason"),
    [
        (b"hello, this is not SMPP", "a PDU with command_length 1751477356"),
        (b"\xff" * 16, "a PDU with command_length 4294967295"),
        (struct.pack(">LLLL", 8, 4, 0, 1), "a PDU with command_length 8"),
    ],
)
def test_a_stream_out_of_step_breaks_after_the_pdus_before_it(garbage: bytes, reason: str) -> None:
    s = bound()
    events = s.feed(mo(1) + garbage + mo(2), 1.0)
    assert requests(events) == [(1, b"HOURS")]
    assert isinstance(events[-1], Broken) and events[-1].reason.startswith(reason)
    assert events[-1].reason.endswith("the stream is out of step")
    assert s.phase is Phase.ENDED


def test_a_pdu_that_stops_arriving_breaks_the_session_after_the_response_timeout() -> None:
    s = bound(enquire_link=30.0, timeout=0.5)
    assert s.feed(struct.pack(">LLLL", 1000, 4, 0, 1) + b"\x00" * 4, 2.0) == []
    assert s.next_tick() == 2.5
    assert s.tick(2.5) == []
    assert s.tick(2.6) == [
        Broken("a PDU of 1000 octets announced, 20 arrived in 0.5s: the stream is out of step")
    ]


def test_a_pdu_still_arriving_is_not_stalled() -> None:
    s = bound(timeout=0.5)
    raw = mo(1)
    assert s.feed(raw[:10], 1.0) == []
    assert s.feed(raw[10:20], 1.4) == []  # more of the same PDU: its clock does not restart
    assert s.tick(1.45) == []
    assert requests(s.feed(raw[20:], 1.45)) == [(1, b"HOURS")]
    assert s.tick(1.6) == []


# --- what the SMSC asks ----------------------------------------------------------------------


def test_a_request_we_cannot_read_is_refused_for_good_and_the_session_goes_on() -> None:
    raw = mo(77)
    body = bytearray(raw[16:])
    body[-6] = 200  # sm_length: 200 octets announced, 5 follow
    broken = raw[:16] + bytes(body)
    s = bound()
    events = s.feed(broken + struct.pack(">LLLL", 16, 0x777, 0, 5) + mo(78), 1.0)
    assert events[0] == Write(codec.encode("deliver_sm_resp", 77, ESME_RX_P_APPN))
    assert isinstance(events[1], Undecodable) and events[1].sequence is None
    assert events[2] == Write(codec.encode("generic_nack", 5, ESME_RINVCMDID))
    assert requests(events[3:]) == [(78, b"HOURS")]
    assert s.phase is Phase.BOUND


def test_an_undecodable_request_of_another_kind_is_answered_generic_nack() -> None:
    raw = codec.encode("submit_sm", 9, short_message=b"HOURS")
    body = bytearray(raw[16:])
    body[-6] = 200  # sm_length past the end
    s = bound()
    events = s.feed(raw[:16] + bytes(body), 1.0)
    assert events[0] == Write(codec.encode("generic_nack", 9, ESME_RINVCMDLEN))
    assert isinstance(events[1], Undecodable) and len(events) == 2


def test_the_smsc_unbind_is_answered_and_ends_the_session_after_the_pdus_read_with_it() -> None:
    s = bound()
    events = s.feed(codec.encode("unbind", 4) + mo(5), 1.0)
    assert events[0] == Write(codec.encode("unbind_resp", 4))
    assert requests(events) == [(5, b"HOURS")]
    assert events[-1] == Broken("the SMSC unbound")


def test_an_alert_is_told_and_an_enquire_link_answered() -> None:
    s = bound()
    alert = codec.smpplib_encode("alert_notification", 6, source_addr="33600000001", esme_addr="x")
    events = s.feed(alert + codec.encode("enquire_link", 7), 1.0)
    assert events == [Alert("33600000001"), Write(codec.encode("enquire_link_resp", 7))]


def test_respond_answers_a_request() -> None:
    s = bound()
    [request] = s.feed(mo(11), 1.0)
    assert isinstance(request, Request)
    raw = s.respond("deliver_sm_resp", request.pdu.sequence, 0, 1.0)
    assert raw == codec.encode("deliver_sm_resp", 11)


# --- submit_sm -------------------------------------------------------------------------------


def test_a_submit_is_answered_by_its_sequence_in_any_order() -> None:
    s = bound()
    first, raw = s.submit({"destination_addr": "33600000001", "short_message": b"A"}, 1.0)
    second, _ = s.submit({"destination_addr": "33600000002", "short_message": b"B"}, 1.0)
    assert (first, second) == (BIND + 1, BIND + 2)
    assert codec.decode(raw).fields["short_message"] == b"A"
    events = s.feed(
        codec.encode("submit_sm_resp", second, ESME_RTHROTTLED)
        + codec.encode("submit_sm_resp", first, message_id="ab12"),
        1.5,
    )
    assert events == [Answered(second, ESME_RTHROTTLED, ""), Answered(first, 0, "ab12")]
    assert s.pending == {}


def test_generic_nack_answers_a_submit_and_a_stray_one_is_told() -> None:
    s = bound()
    sequence, _ = s.submit({"short_message": b"A"}, 1.0)
    events = s.feed(
        codec.encode("generic_nack", sequence, ESME_RINVCMDID)
        + codec.encode("generic_nack", 4242, ESME_RINVCMDLEN),
        1.1,
    )
    assert events == [Answered(sequence, ESME_RINVCMDID, "", nack=True), StrayNack(ESME_RINVCMDLEN)]


def test_not_bound_says_the_smsc_so_the_session_ends() -> None:
    s = bound()
    sequence, _ = s.submit({"short_message": b"A"}, 1.0)
    events = s.feed(codec.encode("generic_nack", sequence, ESME_RINVBNDSTS), 1.1)
    assert events[0] == Answered(sequence, ESME_RINVBNDSTS, "", nack=True)
    assert isinstance(events[1], Broken) and "not bound" in events[1].reason


def test_an_undecodable_response_fails_its_submit() -> None:
    s = bound()
    sequence, _ = s.submit({"short_message": b"A"}, 1.0)
    raw = codec.encode("submit_sm_resp", sequence, message_id="ab")
    cut = struct.pack(">L", len(raw) - 1) + raw[4:-1]  # message_id without its NUL
    [event] = s.feed(cut, 1.1)
    assert isinstance(event, Undecodable) and event.sequence == sequence
    assert s.pending == {}


def test_a_submit_without_an_answer_times_out_at_its_deadline() -> None:
    s = bound(enquire_link=30.0, timeout=5.0)
    first, _ = s.submit({"short_message": b"A"}, 1.0)
    second, _ = s.submit({"short_message": b"B"}, 2.0)
    assert s.next_tick() == 6.0
    assert s.tick(5.9) == []
    assert s.tick(6.0) == [TimedOut(first)]
    assert s.next_tick() == 7.0
    assert s.tick(7.5) == [TimedOut(second)]
    assert s.feed(codec.encode("submit_sm_resp", first, message_id="late"), 8.0) == []


def test_a_submit_the_codec_cannot_encode_raises_and_waits_for_nothing() -> None:
    s = bound()
    with pytest.raises(UnicodeEncodeError):  # an address is Latin-1
        s.submit({"source_addr": "€", "short_message": b"A"}, 1.0)
    assert s.pending == {}


# --- enquire_link ----------------------------------------------------------------------------


def test_a_quiet_link_is_asked_whether_it_is_alive_and_an_answer_keeps_it() -> None:
    s = bound(enquire_link=2.0, timeout=0.5)
    assert s.next_tick() == 2.0
    assert s.tick(1.9) == []
    [ask] = s.tick(2.0)
    assert ask == Write(codec.encode("enquire_link", BIND + 1))
    assert s.tick(2.1) == []  # one question at a time
    assert s.feed(codec.encode("enquire_link_resp", BIND + 1), 2.2) == []
    assert s.tick(2.7) == []
    assert s.next_tick() == 4.2  # quiet again from the answer on
    assert s.tick(4.2) == [Write(codec.encode("enquire_link", BIND + 2))]


def test_traffic_postpones_the_enquire_link() -> None:
    s = bound(enquire_link=2.0)
    s.feed(mo(1), 1.5)
    assert s.tick(2.0) == [] and s.next_tick() == 3.5


def test_an_unanswered_enquire_link_breaks_the_session() -> None:
    s = bound(enquire_link=0.2, timeout=0.5)
    assert s.tick(0.2) == [Write(codec.encode("enquire_link", BIND + 1))]
    assert s.next_tick() == 0.7
    assert s.tick(0.7) == []
    assert s.tick(0.71) == [Broken("no enquire_link_resp in 0.5s")]
    assert s.phase is Phase.ENDED and s.tick(5.0) == []


def test_a_nacked_enquire_link_still_proves_the_link_alive() -> None:
    s = bound(enquire_link=0.2, timeout=0.5)
    s.tick(0.2)
    assert s.feed(codec.encode("generic_nack", BIND + 1, ESME_RINVCMDID), 0.3) == []
    assert s.tick(1.0) == [Write(codec.encode("enquire_link", BIND + 2))]


# --- unbind ----------------------------------------------------------------------------------


def test_our_unbind_is_confirmed_and_a_deliver_sm_meanwhile_comes_again_later() -> None:
    s = bound()
    assert s.unbind(1.0) == codec.encode("unbind", BIND + 1)
    events = s.feed(mo(9) + codec.encode("unbind_resp", BIND + 1), 1.1)
    assert events == [Write(codec.encode("deliver_sm_resp", 9, ESME_RX_T_APPN)), Unbound()]
    assert s.phase is Phase.ENDED


def test_the_sequence_wraps_before_the_sign_bit() -> None:
    s = Session("transmitter", sequence=0x7FFFFFFF, enquire_link=30, response_timeout=10, now=0)
    s.bind(0.0, "a", "b")
    assert s.sequence == 1
