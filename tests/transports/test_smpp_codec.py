"""SMPP codec, level 1: data_coding, reassembly of the splitter's parts, PDUs, receipts.

Table-driven, no sockets. The splitter itself (alphabets, parts, UDH) is tested in
tests/sms/test_sms_split.py; here, what SMPP adds: the data_coding of a part and of an inbound
short message, and long messages put back together from parts out of order.
"""

from __future__ import annotations

import random
import struct
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.sms import Part, parse_udh, split_parts
from engine.transports.smpp import coding
from engine.transports.smpp import pdu as codec
from engine.transports.smpp.coding import DATA_CODING, DC_GSM7, DC_LATIN1, DC_UCS2
from engine.transports.smpp.parts import Reassembler
from engine.transports.smpp.receipts import (
    is_receipt,
    message_type,
    normalize_id,
    parse_receipt,
    parse_receipt_text,
)

ESC = 0x1B


# --- data_coding --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kwargs", "data_coding", "esm_class"),
    [
        ("Hello", {}, DC_GSM7, 0x00),
        ("façade", {}, DC_UCS2, 0x00),
        ("façade", {"latin1": True}, DC_LATIN1, 0x00),
        ("a" * 161, {}, DC_GSM7, 0x40),  # a UDH: the UDH indicator
    ],
)
def test_a_part_in_a_submit_sm(
    text: str, kwargs: dict[str, bool], data_coding: int, esm_class: int
) -> None:
    part = split_parts(text, **kwargs)[0]
    assert (DATA_CODING[part.coding], coding.esm_class(part)) == (data_coding, esm_class)


# --- reassembly ---------------------------------------------------------------------------------


def _fits_one_sms(part: Part) -> bool:
    """TP-UD is 140 octets; SMPP carries GSM-7 unpacked, so count the septets packed."""
    if part.coding == "gsm7":
        return len(part.udh) * 8 + len(part.payload) * 7 <= 140 * 8
    return len(part.user_data) <= 140


def _reassemble(parts: list[Part], order: list[int]) -> tuple[str, bool]:
    buffer = Reassembler(timeout=60)
    group = None
    for index in order:
        part = parts[index]
        concat, payload = parse_udh(part.user_data)
        assert concat is not None
        group = buffer.add(
            "+33600000001",
            "36111",
            concat.reference,
            concat.total,
            concat.number,
            concat.wide,
            payload,
            DATA_CODING[part.coding],
            now=0.0,
        )
    assert group is not None
    return group.text(), group.complete


TEXTS = [
    "a" * 152 + "€" + "b" * 300,
    "[" * 200,
    ("é€😀 " * 30) + "fin",
    "😀" * 100,
    "ç" * 500,
]


@pytest.mark.parametrize("text", TEXTS)
@pytest.mark.parametrize("wide", [False, True])
def test_reassembly_in_any_order(text: str, wide: bool) -> None:
    parts = split_parts(text, reference=513, wide_reference=wide)
    assert len(parts) > 1
    order = list(range(len(parts)))
    random.Random(len(text)).shuffle(order)
    assert _reassemble(parts, order) == (text, True)


def test_reassembly_joins_octets_before_decoding() -> None:
    """A sender that splits an escape pair or a surrogate pair still decodes right."""
    buffer = Reassembler()
    buffer.add("a", "b", 1, 2, 2, False, bytes((0x65,)) + b"!", DC_GSM7, 0.0)
    group = buffer.add("a", "b", 1, 2, 1, False, b"5" + bytes((ESC,)), DC_GSM7, 0.0)
    assert group.text() == "5€!"
    emoji = "😀".encode("utf-16-be")
    buffer.add("a", "b", 2, 2, 1, False, "x".encode("utf-16-be") + emoji[:2], DC_UCS2, 0.0)
    group = buffer.add("a", "b", 2, 2, 2, False, emoji[2:], DC_UCS2, 0.0)
    assert group.text() == "x😀"


def test_reassembly_keys_and_timeout() -> None:
    buffer = Reassembler(timeout=30)
    one = buffer.add("a", "b", 5, 3, 1, False, b"one ", DC_GSM7, 0.0)
    other = buffer.add("a", "b", 5, 3, 1, True, b"wide", DC_GSM7, 0.0)  # 16-bit ref 5 differs
    assert one is not other
    buffer.add("a", "b", 5, 3, 3, False, b"three", DC_GSM7, 10.0)
    buffer.add("a", "b", 5, 3, 3, False, b"three", DC_GSM7, 11.0)  # a repeated part
    assert buffer.expired(29.0) == []
    assert buffer.expired(30.0) == [one, other]
    assert (one.missing, one.text(), one.complete) == ([2], "one three", False)
    buffer.discard(one)
    assert buffer.expired(30.0) == [other]


def test_a_part_of_a_message_committed_lately_is_that_message_again() -> None:
    """A committed message is remembered ``remember`` seconds: a part of it that comes again
    (the same octets) gives the whole message back; another part, a message being put together
    under the same reference, or a part after the window does not."""
    buffer = Reassembler(timeout=30, remember=60)
    buffer.add("a", "b", 7, 2, 1, False, b"VOTE ", DC_GSM7, 0.0)
    group = buffer.add("a", "b", 7, 2, 2, False, b"A", DC_GSM7, 1.0)
    buffer.completed(group, 2.0)
    assert buffer.groups == {}
    again = buffer.again("a", "b", 7, 2, 2, False, b"A", DC_GSM7, 30.0)
    assert again is group and again.text() == "VOTE A"
    assert buffer.again("a", "b", 7, 2, 2, False, b"B", DC_GSM7, 30.0) is None  # other octets
    assert buffer.again("c", "b", 7, 2, 2, False, b"A", DC_GSM7, 30.0) is None  # other sender
    buffer.add("a", "b", 7, 2, 1, False, b"HOURS", DC_GSM7, 40.0)  # a new message, same ref
    assert buffer.again("a", "b", 7, 2, 2, False, b"A", DC_GSM7, 41.0) is None
    assert buffer.again("a", "b", 7, 2, 1, False, b"VOTE ", DC_GSM7, 62.1) is None  # forgotten
    assert not buffer.done
    off = Reassembler(remember=0)  # mo_dedup_window: 0 remembers nothing
    off.completed(off.add("a", "b", 1, 1, 1, False, b"x", DC_GSM7, 0.0), 0.0)
    assert not off.done


def test_parts_taken_back_from_the_store_keep_their_age() -> None:
    """After a restart, held parts join their group with the time they came (the timeout runs
    on), and the parts of a committed message are remembered with its receive time."""
    buffer = Reassembler(timeout=30, remember=60)
    key = ("a", "b", 9, 3, False)
    buffer.restore(key, 3, b" three", DC_GSM7, None, 95.0, None)
    buffer.restore(key, 1, b"one", DC_GSM7, "m1", 90.0, None)
    [group] = buffer.groups.values()
    assert (group.started, group.missing, group.first_id) == (90.0, [2], "m1")
    assert buffer.expired(119.0) == [] and buffer.expired(120.0) == [group]
    at = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    buffer.restore(("a", "b", 5, 2, False), 2, b"A", DC_GSM7, None, 100.0, at)
    buffer.restore(("a", "b", 5, 2, False), 1, b"VOTE ", DC_GSM7, None, 100.0, at)
    again = buffer.again("a", "b", 5, 2, 2, False, b"A", DC_GSM7, 101.0)
    assert again is not None and (again.text(), again.received_at) == ("VOTE A", at)


@settings(max_examples=200, deadline=None)
@given(
    text=st.text(alphabet=st.sampled_from("aZ9 €[]^ç`é😀👍🏽\n@§"), max_size=700),
    wide=st.booleans(),
    latin1=st.booleans(),
)
def test_any_text_round_trips(text: str, wide: bool, latin1: bool) -> None:
    parts = split_parts(text, reference=77, wide_reference=wide, latin1=latin1)
    for part in parts:
        assert _fits_one_sms(part)
    if len(parts) == 1:
        assert coding.decode(parts[0].user_data, DATA_CODING[parts[0].coding]) == text
    else:
        assert _reassemble(parts, list(reversed(range(len(parts))))) == (text, True)


@pytest.mark.parametrize(
    ("data", "data_coding", "text"),
    [
        (b"\x00\x02", 0x00, "@$"),
        (b"Hi", 0x01, "Hi"),
        (b"\xe7a", 0x03, "ça"),
        ("ç😀".encode("utf-16-be"), 0x08, "ç😀"),
        (b"\x00\x02", 0xF0, "@$"),  # message class 0, GSM-7
        (b"\xe7", 0xF4, "ç"),  # message class 0, 8-bit data
        ("é".encode("utf-16-be"), 0x18, "é"),  # general data coding, UCS-2 with a class
        ("é".encode("utf-16-be") + b"\x00", 0x08, "é"),  # an odd octet is dropped
    ],
)
def test_decode_by_data_coding(data: bytes, data_coding: int, text: str) -> None:
    assert coding.decode(data, data_coding) == text


# --- PDUs ---------------------------------------------------------------------------------------


def _deliver_sm(tlvs: dict[int, bytes], short_message: bytes = b"VOTE A", esm: int = 0) -> bytes:
    return codec.encode(
        "deliver_sm",
        42,
        tlvs=tlvs,
        source_addr="33600000001",
        source_addr_ton=1,
        destination_addr="36111",
        esm_class=esm,
        short_message=short_message,
    )


def test_pdu_round_trip_and_strings() -> None:
    raw = codec.encode(
        "submit_sm",
        7,
        source_addr="36111",
        source_addr_ton=3,
        destination_addr="33612345678",
        dest_addr_ton=1,
        dest_addr_npi=1,
        esm_class=0x40,
        registered_delivery=1,
        data_coding=8,
        short_message=b"\x05\x00\x03\x01\x02\x01\x00h",
    )
    assert struct.unpack(">L", raw[:4])[0] == len(raw)
    decoded = codec.decode(raw)
    assert (decoded.command, decoded.sequence, decoded.status) == ("submit_sm", 7, 0)
    assert decoded.text_field("destination_addr") == "33612345678"
    assert decoded.fields["short_message"] == b"\x05\x00\x03\x01\x02\x01\x00h"
    assert decoded.int_field("esm_class") == 0x40


def test_unknown_and_unlisted_tlvs_are_tolerated() -> None:
    """smpplib alone crashes on both: an unknown tag, and ussd_service_op in a deliver_sm."""
    raw = _deliver_sm({0x1403: b"vendor", 0x0501: b"\x01", 0x001E: b"ab12\x00"})
    decoded = codec.decode(raw)
    assert decoded.tlvs == {0x1403: b"vendor", 0x0501: b"\x01", 0x001E: b"ab12\x00"}
    assert codec.tlv_text(decoded, 0x001E) == "ab12"
    assert codec.tlv_int(decoded, 0x0501) == 1
    assert codec.tlv_text(decoded, 0x0424) is None


@pytest.mark.parametrize(
    ("mangle", "message"),
    [
        (lambda raw: raw[:-2], "command_length"),
        (lambda raw: raw + b"\x00\x01\x00", "command_length"),
    ],
)
def test_broken_pdus_raise_pdu_error(mangle: object, message: str) -> None:
    raw = _deliver_sm({0x1403: b"vendor"})
    with pytest.raises(codec.PduError, match=message):
        codec.decode(mangle(raw))  # type: ignore[operator]


@pytest.mark.parametrize(
    ("cut", "damage"),
    [
        (1, "TLV 0x1403 runs past the end of the PDU"),
        (7, "3 trailing octets after the last TLV"),
    ],
)
@pytest.mark.parametrize("decode", [codec.decode, codec.smpplib_decode])
def test_a_damaged_tlv_area_keeps_the_mandatory_fields(
    cut: int, damage: str, decode: object
) -> None:
    raw = _deliver_sm({0x001E: b"ab12\x00", 0x1403: b"vendor"})
    broken = struct.pack(">L", len(raw) - cut) + raw[4:-cut]
    decoded = decode(broken)  # type: ignore[operator]
    assert decoded.damaged == damage
    assert decoded.fields["short_message"] == codec.decode(raw).fields["short_message"]
    assert decoded.tlvs == {0x001E: b"ab12\x00"}  # the TLV before the damage is kept


def test_unknown_command_keeps_its_header() -> None:
    raw = struct.pack(">LLLL", 16, 0x00000222, 0, 9)
    decoded = codec.decode(raw)
    assert (decoded.command, decoded.command_id, decoded.sequence) == ("unknown", 0x222, 9)


@pytest.mark.parametrize(
    ("status", "transient"),
    [
        (0x58, True),  # ESME_RTHROTTLED
        (0x14, True),  # ESME_RMSGQFUL
        (0x08, True),  # ESME_RSYSERR
        (0x45, True),  # ESME_RSUBMITFAIL
        (0x0B, False),  # ESME_RINVDSTADR
        (0x0A, False),  # ESME_RINVSRCADR
        (0x65, False),  # ESME_RX_P_APPN
        (0x104, False),  # ESME_RINVDCS
        (0x4F1, True),  # a vendor code: retried until the validity ends
    ],
)
def test_status_classes(status: int, transient: bool) -> None:
    assert codec.is_transient(status) is transient
    assert f"{status:#x}" in codec.describe(status)


# --- receipts -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("esm_class", "receipt", "kind"),
    [
        (0x00, False, 0x00),
        (0x40, False, 0x00),  # UDHI on an ordinary MO
        (0x04, True, 0x04),
        (0x44, True, 0x04),
        (0x20, True, 0x20),  # intermediate notification
        (0x08, False, 0x08),  # SME delivery ack: not an MO either
        (0x10, False, 0x10),
    ],
)
def test_receipt_esm_class(esm_class: int, receipt: bool, kind: int) -> None:
    assert is_receipt(esm_class) is receipt
    assert message_type(esm_class) == kind


@pytest.mark.parametrize(
    ("raw", "base", "normal"),
    [
        ("00A1B2", "auto", "41394"),
        ("41394", "auto", "41394"),
        ("a1b2", "auto", "41394"),
        ("0000041394", "auto", "41394"),
        ("1234", "hex", "4660"),
        ("4660", "decimal", "4660"),
        ("0x", "auto", "0x"),
        (" Msg-7 ", "auto", "msg-7"),
        ("6f1c0e3a-0b7e-4c5e-9f4e-2b8f0c1d2e3f", "auto", "6f1c0e3a-0b7e-4c5e-9f4e-2b8f0c1d2e3f"),
        (b"ff\x00", "auto", "255"),
        ("", "auto", None),
        (None, "auto", None),
    ],
)
def test_normalize_id(raw: str | bytes | None, base: str, normal: str | None) -> None:
    assert normalize_id(raw, base) == normal


@pytest.mark.parametrize(
    ("text", "fields"),
    [
        (
            "id:0A1B sub:001 dlvrd:001 submit date:2406011200 done date:2406011201 stat:DELIVRD"
            " err:000 text:Thanks! Your vote",
            {
                "id": "0A1B",
                "sub": "001",
                "dlvrd": "001",
                "submit date": "2406011200",
                "done date": "2406011201",
                "stat": "DELIVRD",
                "err": "000",
            },
        ),
        ("ID:77 STAT:UNDELIV ERR:034", {"id": "77", "stat": "UNDELIV", "err": "034"}),
        ("id: 12 stat: EXPIRED", {"id": "12", "stat": "EXPIRED"}),
        ("nothing here", {}),
    ],
)
def test_receipt_text(text: str, fields: dict[str, str]) -> None:
    assert parse_receipt_text(text) == fields


@pytest.mark.parametrize(
    ("text", "tlvs", "expected"),
    [
        ("id:1A2B stat:DELIVRD err:000", {}, ("6699", "DELIVRD", "delivered", None, True)),
        ("id:77 stat:UNDELIV err:034", {}, ("77", "UNDELIV", "undeliverable", "034", True)),
        ("id:77 stat:EXPIRED err:027", {}, ("77", "EXPIRED", "expired", "027", True)),
        ("id:77 stat:REJECTD err:001", {}, ("77", "REJECTD", "rejected", "001", True)),
        ("id:77 stat:ENROUTE err:000", {}, ("77", "ENROUTE", "sent", "000", False)),
        ("id:77 stat:ACCEPTD err:000", {}, ("77", "ACCEPTD", "sent", "000", False)),
        ("id:77 stat:DELETED", {}, ("77", "DELETED", "failed", None, True)),
        # TLVs win over the text; a network error code fills a missing err
        (
            "id:99 stat:DELIVRD",
            {0x001E: b"00FF\x00", 0x0427: b"\x05", 0x0423: b"\x03\x00\x22"},
            ("255", "UNDELIV", "undeliverable", "3:34", True),
        ),
        ("", {0x001E: b"abc\x00", 0x0427: b"\x02"}, ("2748", "DELIVRD", "delivered", None, True)),
    ],
)
def test_parse_receipt(
    text: str, tlvs: dict[int, bytes], expected: tuple[str, str, str, str | None, bool]
) -> None:
    receipt = parse_receipt(codec.decode(_deliver_sm(tlvs, text.encode(), esm=0x04)), text)
    assert receipt is not None
    assert (receipt.message_id, receipt.stat, receipt.status, receipt.error, receipt.final) == (
        expected
    )


def test_a_receipt_without_an_id() -> None:
    assert parse_receipt(codec.decode(_deliver_sm({}, b"stat:DELIVRD", esm=0x04)), "stat:X") is None
