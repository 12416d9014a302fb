"""The lean PDU codec gives what smpplib gives: the same octets out, the same fields in.

``pdu.encode``/``pdu.decode`` take the lean path for the commands of the hot path;
``smpplib_encode``/``smpplib_decode`` are smpplib alone, the reference. Table cases first,
then generated PDUs (hypothesis): fields in, octets compared; octets in (whole, cut short,
or garbage), decodes compared.
"""

from __future__ import annotations

import struct
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.transports.smpp import pdu
from engine.transports.smpp.pdu import PduError, decode, encode, smpplib_decode, smpplib_encode

SM_COMMANDS = ("submit_sm", "deliver_sm")
RESPONSES = ("submit_sm_resp", "deliver_sm_resp", "data_sm_resp")
BARE = ("enquire_link", "enquire_link_resp", "generic_nack", "unbind", "unbind_resp")


def _hex(text: str) -> bytes:
    """A PDU written in hex without its command_length, which is prepended."""
    rest = bytes.fromhex("".join(text.split()))
    return struct.pack(">L", 4 + len(rest)) + rest


def _same_decode(raw: bytes) -> pdu.Pdu:
    lean = decode(raw)
    assert lean == smpplib_decode(raw)
    return lean


# --- table cases ----------------------------------------------------------------------------------

MO = dict(
    source_addr="33600000001",
    source_addr_ton=1,
    source_addr_npi=1,
    destination_addr="36111",
    esm_class=0,
    data_coding=0,
    short_message=b"VOTE A",
)
REPLY = dict(
    service_type="",
    source_addr_ton=3,
    source_addr_npi=0,
    source_addr="36111",
    dest_addr_ton=1,
    dest_addr_npi=1,
    destination_addr="33600000001",
    registered_delivery=1,
    esm_class=0x40,
    data_coding=8,
    short_message=b"\x05\x00\x03\x2a\x02\x01" + "Ça marche 👍".encode("utf-16-be"),
)


@pytest.mark.parametrize(
    ("command", "status", "tlvs", "fields"),
    [
        ("deliver_sm", 0, None, MO),
        ("deliver_sm", 0, {0x001E: b"1a2b\x00", 0x0427: b"\x02", 0x1403: b"vendor"}, MO),
        ("submit_sm", 0, None, REPLY),
        ("submit_sm", 0, {0x020C: b"\x00\x2a"}, {**REPLY, "short_message": b""}),
        ("submit_sm", 0, None, {"destination_addr": "336", "validity_period": "000001000000000R"}),
        ("submit_sm", 0, None, {"source_addr": "A" * 30, "service_type": "CMT-LONG"}),  # cut
        ("deliver_sm", 0, None, {}),
        ("data_sm", 0, {0x0424: b"payload"}, {"source_addr": "336", "destination_addr": "36111"}),
        ("submit_sm_resp", 0, None, {"message_id": "0a1B2c"}),
        ("submit_sm_resp", 0x58, None, {}),
        ("deliver_sm_resp", 0, None, {}),
        ("deliver_sm_resp", 0x64, None, {}),
        ("data_sm_resp", 0, None, {"message_id": "77"}),
        ("enquire_link", 0, None, {}),
        ("enquire_link_resp", 0, None, {}),
        ("generic_nack", 0x03, None, {}),
        ("unbind", 0, None, {}),
        ("unbind_resp", 0, None, {}),
    ],
)
def test_table_encode_and_decode_match_smpplib(
    command: str, status: int, tlvs: dict[int, bytes] | None, fields: dict[str, Any]
) -> None:
    raw = encode(command, 0x7FFFFFFF, status, tlvs, **fields)
    assert raw == smpplib_encode(command, 0x7FFFFFFF, status, tlvs, **fields)
    decoded = _same_decode(raw)
    assert (decoded.command, decoded.status, decoded.sequence) == (command, status, 0x7FFFFFFF)
    assert decoded.tlvs == (tlvs or {})


@pytest.mark.parametrize(
    "raw",
    [
        # deliver_sm as node-smpp writes an MO: "VOTE A" from 33600000001 (TON 1) to 36111
        _hex("00000005 00000000 00000001 00 01 01 333336303030303030303100 00 00"
             "333631313100 00 00 00 00 00 00 00 00 00 06 564f54452041"),
        # a receipt with receipted_message_id and message_state TLVs
        _hex("00000005 00000000 00000002 00 00 00 333631313100 01 01"
             "333336303030303030303100 04 00 00 00 00 00 00 01 00 0b 69643a31413242207374"
             "61 001e 0005 3141324200 0427 0001 02"),
        # submit_sm_resp without a body (refused), and with a message id
        _hex("80000004 00000058 00000003"),
        _hex("80000004 00000000 00000004 3141324200"),
        # deliver_sm_resp and generic_nack
        _hex("80000005 00000000 00000005 00"),
        _hex("80000000 00000003 00000006"),
        # a deliver_sm whose body stops after destination_addr: the other fields are unset
        _hex("00000005 00000000 00000007 00 01 01 333336303030303030303100 00 00"
             "333631313100"),
        # enquire_link with a stray TLV
        _hex("00000015 00000000 00000008 1403 0002 6869"),
    ],
)  # fmt: skip
def test_table_octets_decode_as_smpplib_does(raw: bytes) -> None:
    assert struct.unpack(">L", raw[:4])[0] == len(raw)
    _same_decode(raw)


def test_a_c_string_without_its_nul_is_refused() -> None:
    """smpplib misreads it (it starts parsing over from the first octet); the lean decoder
    refuses it, so the link answers the request as undecodable."""
    raw = _hex("80000004 00000000 00000009 31413242")
    with pytest.raises(PduError, match="NUL"):
        decode(raw)


def test_the_lean_path_is_taken() -> None:
    """The hot commands do not touch smpplib (which would cost about 35 µs each)."""
    assert {"submit_sm", "deliver_sm", "submit_sm_resp", "deliver_sm_resp"} <= set(pdu._LEAN)
    assert "bind_transceiver" not in pdu._LEAN  # binds keep smpplib
    raw = encode("bind_transceiver", 1, system_id="twoway", password="secret")
    assert raw == smpplib_encode("bind_transceiver", 1, system_id="twoway", password="secret")


def test_lean_and_smpplib_refuse_the_same_values() -> None:
    for fields in ({"esm_class": 256}, {"source_addr": b"336"}, {"short_message": "text"}):
        with pytest.raises((ValueError, TypeError, AttributeError, struct.error)):
            smpplib_encode("submit_sm", 1, **fields)
        with pytest.raises((ValueError, TypeError, AttributeError)):
            encode("submit_sm", 1, **fields)


# --- generated PDUs -------------------------------------------------------------------------------

_octet = st.integers(0, 255)
_ascii = st.text(st.characters(min_codepoint=1, max_codepoint=127), max_size=25)
_latin1 = st.text(st.characters(min_codepoint=1, max_codepoint=255), max_size=25)
_tlvs = st.dictionaries(st.integers(0, 0xFFFF), st.binary(max_size=20), max_size=4)


@st.composite
def sm_fields(draw: st.DrawFn) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for key, kind, _, _ in pdu._LEAN["submit_sm"]:
        if key == "sm_length" or not draw(st.booleans()):
            continue  # sm_length is always computed; other fields may be left to defaults
        if kind == pdu._INT:
            fields[key] = draw(_octet)
        elif kind == pdu._CSTR:
            fields[key] = draw(_latin1 if key == "service_type" else _ascii)
        else:
            fields[key] = draw(st.binary(max_size=254))
    return fields


@settings(max_examples=300, deadline=None)
@given(
    command=st.sampled_from(SM_COMMANDS),
    fields=sm_fields(),
    tlvs=_tlvs,
    sequence=st.integers(1, 0x7FFFFFFF),
    status=st.integers(0, 0xFFFFFFFF),
)
def test_generated_messages_match_smpplib(
    command: str, fields: dict[str, Any], tlvs: dict[int, bytes], sequence: int, status: int
) -> None:
    raw = encode(command, sequence, status, tlvs, **fields)
    assert raw == smpplib_encode(command, sequence, status, tlvs, **fields)
    decoded = _same_decode(raw)
    assert decoded.fields["short_message"] == (fields.get("short_message") or b"")
    assert decoded.tlvs == tlvs


@settings(max_examples=200, deadline=None)
@given(
    command=st.sampled_from(RESPONSES + BARE),
    message_id=st.none() | _ascii,
    tlvs=_tlvs,
    status=st.integers(0, 0xFFFFFFFF),
)
def test_generated_responses_match_smpplib(
    command: str, message_id: str | None, tlvs: dict[int, bytes], status: int
) -> None:
    fields = {"message_id": message_id} if command in RESPONSES and message_id else {}
    raw = encode(command, 9, status, tlvs, **fields)
    assert raw == smpplib_encode(command, 9, status, tlvs, **fields)
    _same_decode(raw)


@settings(max_examples=300, deadline=None)
@given(
    command=st.sampled_from(SM_COMMANDS + RESPONSES + ("data_sm",)),
    fields=sm_fields(),
    tlvs=_tlvs,
    cut=st.integers(0, 300),
)
def test_pdus_cut_short_decode_as_smpplib_or_are_refused(
    command: str, fields: dict[str, Any], tlvs: dict[int, bytes], cut: int
) -> None:
    """A body that ends early: where the lean decoder reads it, smpplib reads the same;
    otherwise the lean decoder raises PduError (and nothing else)."""
    if command != "submit_sm" and command != "deliver_sm":
        known = {key for key, _, _, _ in pdu._LEAN[command]}
        fields = {key: value for key, value in fields.items() if key in known}
    whole = smpplib_encode(command, 3, 0, tlvs, **fields)
    body = whole[16 : 16 + cut]
    raw = struct.pack(">L", 16 + len(body)) + whole[4:16] + body
    try:
        lean = decode(raw)
    except PduError:
        return
    assert lean == smpplib_decode(raw)


@settings(max_examples=300, deadline=None)
@given(command=st.sampled_from(SM_COMMANDS + RESPONSES + BARE), body=st.binary(max_size=80))
def test_garbage_bodies_decode_as_smpplib_or_are_refused(command: str, body: bytes) -> None:
    raw = struct.pack(">LLLL", 16 + len(body), pdu.COMMAND_IDS[command], 0, 5) + body
    try:
        lean = decode(raw)
    except PduError:
        return
    assert lean == smpplib_decode(raw)
