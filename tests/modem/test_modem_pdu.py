"""The emulator's PDU builder (tests/support/modem_pdu.py), against spec vectors and an independent
decoder (smspdudecoder, when installed)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from tests.support import modem_pdu as p

ZONE_545 = timezone(timedelta(hours=5, minutes=45))


def test_gsm7_packing_vector() -> None:
    assert p.pack_septets(p.gsm7_septets("hellohello")).hex().upper() == "E8329BFD4697D9EC37"
    assert p.unpack_septets(bytes.fromhex("E8329BFD4697D9EC37"), 10) == p.gsm7_septets("hellohello")


def test_extension_characters_cost_two_septets() -> None:
    assert p.gsm7_septets("€[") == [0x1B, 0x65, 0x1B, 0x3C]
    assert not p.is_gsm7("ç")  # lower-case c-cedilla is not in the default alphabet
    with pytest.raises(ValueError):
        p.gsm7_septets("\t")


def test_addresses() -> None:
    assert p.address("+33612345678").hex().upper() == "0B913316325476F8"
    assert p.address("0612345678").hex().upper() == "0A816021436587"
    assert p.address("Free").hex().upper() == "07D04679B90C"


def test_timestamp_zone_sign_and_quarter_hours() -> None:
    plus = p.timestamp(datetime(2026, 12, 4, 21, 5, 9, tzinfo=ZONE_545))
    minus = p.timestamp(datetime(2026, 12, 4, 21, 5, 9, tzinfo=timezone(-timedelta(hours=1))))
    assert plus.hex().upper() == "62214012509032"  # 23 quarters
    assert minus.hex().upper() == "62214012509048"  # 4 quarters, sign bit 0x08


def test_deliver_layout_and_length() -> None:
    pdu = p.deliver("+33612345678", "hellohello", when=datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC))
    assert pdu == "07913306091093F0" + "04" + "0B913316325476F8" + "0000" + "62102030405000" + (
        "0AE8329BFD4697D9EC37"
    )
    assert p.tpdu_length(pdu) == len(bytes.fromhex(pdu)) - 8


def test_concatenated_parts_never_split_an_escape_or_a_surrogate() -> None:
    gsm = p.deliver_parts("+33612345678", "a" * 151 + "€" * 5, reference=300, ref16=True)
    # 16-bit reference 300 = 0x012C; part 1 holds 151 septets, not 151 and half a "€":
    # UDL 0x9F = 8 septets of header (7 octets and a fill bit) + 151
    assert "9F060804012C0201" in gsm[0]
    assert "060804012C0202" in gsm[1]
    ucs = p.deliver_parts("+33612345678", "😀" * 40, reference=7)
    # 67 code units a part: 33 emoji (66 units) then 7; UDL 0x8A = 6 + 132, 0x22 = 6 + 28
    assert "8A050003070201" in ucs[0]
    assert "22050003070202" in ucs[1]


def test_submit_round_trip_with_udh_fill_bits() -> None:
    udh = bytes([0x00, 0x03, 0x2A, 0x02, 0x01])
    pdu = p.submit("+33611111111", "Hello [world] €", udh=udh, status_report_request=True)
    sub = p.parse_submit(pdu)
    assert sub.text == "Hello [world] €"
    assert sub.recipient == "+33611111111"
    assert sub.concat == (0x2A, 2, 1)
    assert sub.status_report_request
    assert p.parse_submit(p.submit("Free", "ça")).text == "ça"  # UCS-2


def test_status_report_layout() -> None:
    when = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    pdu = p.status_report(255, "+33611111111", status=0x20, submitted=when)
    tpdu = bytes.fromhex(pdu)[8:]
    assert tpdu[0] == 0x06 and tpdu[1] == 255
    assert tpdu[-1] == 0x20


def test_an_independent_decoder_agrees() -> None:
    easy = pytest.importorskip("smspdudecoder.easy")
    when = datetime(2026, 12, 4, 21, 5, 9, tzinfo=ZONE_545)
    got = easy.read_incoming_sms(p.deliver("+33612345678", "héllo € [x]", when=when))
    assert got["sender"] == "+33612345678"
    assert got["content"] == "héllo € [x]"
    assert got["date"] == when
    assert easy.read_incoming_sms(p.deliver("Free", "ok"))["sender"] == "Free"
    # (smspdudecoder reads 7 spare bits at the end of the last octet as one more "@": it
    # ignores the UDL; the lengths here avoid that case, see the test below)
    text = "b" * 149 + "€[]" + "c" * 20
    parts = [easy.read_incoming_sms(x) for x in p.deliver_parts("+336", text, reference=9)]
    assert "".join(x["content"] for x in parts) == text
    assert [x["partial"]["part_number"] for x in parts] == [1, 2]
    emoji = [easy.read_incoming_sms(x) for x in p.deliver_parts("+336", "😀" * 40, ref16=True)]
    assert "".join(x["content"] for x in emoji) == "😀" * 40


def test_seven_spare_bits_are_not_a_character() -> None:
    """150 b + € after a 6-octet UDH: 7 + 152 = 159 septets in 140 octets, 7 spare zero bits
    that a decoder ignoring the UDL reads as "@" (PITFALLS: stop at the declared length)."""
    [first, _] = p.deliver_parts("+336", "b" * 150 + "€[]" + "c" * 20, reference=9)
    tpdu = bytes.fromhex(first)[8:]
    udl_at = 1 + 4 + 2 + 7  # first octet, address of "+336", PID and DCS, time stamp
    assert tpdu[udl_at] == 159
    ud = tpdu[udl_at + 1 :]
    assert len(ud) == 140
    septets = p.unpack_septets(ud[6:], 159 - 7, fill_bits=1)
    assert septets[-2:] == [0x1B, 0x65]
