"""The SMS PDU codec (engine.sms.pdu): TS 23.040 / 23.038, table-driven.

Known-good PDUs from public references first (their fields written out), then what
``encode_submit`` makes (fill bits after 8- and 16-bit reference UDHs, an escape or an emoji at a
part boundary, TP-MR wrap, validity, national numbers and short codes), DELIVERs of every kind of
sender and zone, status reports and their outcome, long texts round-tripping, and malformed PDUs
refused with PduError. The same cases are decoded by independent libraries in
``test_pdu_crosscheck.py``.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine import sms
from engine.sms import Concat, Deliver, PduError, StatusReport, Submit, decode_pdu, encode_submit
from engine.sms.alphabet import ESC, pack_septets, unpack_septets
from engine.sms.pdu import encode_deliver


def zone(hours: int, minutes: int = 0) -> timezone:
    sign = -1 if hours < 0 else 1
    return timezone(sign * timedelta(hours=abs(hours), minutes=minutes))


UTC = UTC

# --- known-good PDUs from public references -----------------------------------------------------

HOW_ARE_YOU = "07911326040000F0040B911346610089F60000208062917314080CC8F71D14969741F977FD07"
"""The classic SMS-DELIVER of dreamfabric's "SMS and the PDU format" and many libraries' tests."""
HELLOHELLO = "0011000B916407281553F80000AA0AE8329BFD4697D9EC37"
"""dreamfabric's SMS-SUBMIT: "hellohello" to +46708251358, TP-VP AA (4 days)."""


@dataclass(frozen=True)
class Known:
    hex: str
    sender: str
    text: str
    timestamp: datetime
    smsc: str | None = None
    concat: Concat | None = None
    coding: str = "gsm7"


KNOWN_DELIVERS = {
    "dreamfabric how are you": Known(
        HOW_ARE_YOU, "+31641600986", "How are you?",
        datetime(2002, 8, 26, 19, 37, 41, tzinfo=UTC), smsc="+31624000000",
    ),
    # Addresses and time stamps of smspdudecoder's documentation, in whole PDUs.
    "alphanumeric MMoney, zone -07:00": Known(
        "0004" "0BD0CDE6DB5DCE03" "0000" "3130523210658A" "02" "C834",
        "MMoney", "Hi", datetime(2013, 3, 25, 23, 1, 56, tzinfo=zone(-7)),
    ),
    "alphanumeric Design@Home, zone +08:00": Known(
        "0004" "14D0C4F23C7D760390EF7619" "0000" "70402132522423" "02" "C834",
        "Design@Home", "Hi", datetime(2007, 4, 12, 23, 25, 42, tzinfo=zone(8)),
    ),
    # A UCS-2 part 2 of 2 with an 8-bit reference 0x2A (a handset capture, derived by hand).
    "ucs2 part 2/2 ref 42, zone +05:45": Known(
        "0791448720003023" "440C91447728008066" "0008" "52106101654132"
        "0C" "0500032A0202" "041F04400438",
        "+447782000866", "При", datetime(2025, 1, 16, 10, 56, 14, tzinfo=zone(5, 45)),
        smsc="+447802000332", concat=Concat(42, 2, 2), coding="ucs2",
    ),
}  # fmt: skip


@pytest.mark.parametrize("case", KNOWN_DELIVERS.values(), ids=KNOWN_DELIVERS.keys())
def test_known_delivers(case: Known) -> None:
    pdu = decode_pdu(case.hex)
    assert isinstance(pdu, Deliver)
    assert (pdu.sender, pdu.text, pdu.smsc, pdu.concat, pdu.coding) == (
        case.sender, case.text, case.smsc, case.concat, case.coding,
    )  # fmt: skip
    assert pdu.timestamp == case.timestamp
    assert pdu.timestamp.utcoffset() == case.timestamp.utcoffset()


def test_how_are_you_every_field() -> None:
    pdu = decode_pdu(HOW_ARE_YOU)
    assert isinstance(pdu, Deliver)
    assert (pdu.sender_ton, pdu.pid, pdu.dcs, pdu.udh, pdu.message_class) == (1, 0, 0, b"", None)
    assert pdu.more_messages is False  # TP-MMS set: no more messages waiting
    assert pdu.part_key is None
    assert decode_pdu(HOW_ARE_YOU[16:], smsc=False) == replace(pdu, smsc=None)


def test_hellohello_submit_both_ways() -> None:
    pdu = decode_pdu(HELLOHELLO)
    assert isinstance(pdu, Submit)
    assert (pdu.recipient, pdu.text, pdu.reference, pdu.status_report) == (
        "+46708251358", "hellohello", 0, False,
    )  # fmt: skip
    assert pdu.validity == timedelta(days=4)
    [out] = encode_submit(
        "+46708251358", "hellohello", status_report=False, validity=timedelta(days=4)
    )
    assert (out.hex, out.length, out.reference) == (HELLOHELLO, 23, 0)


# --- SMS-SUBMIT: what encode_submit makes -------------------------------------------------------


@dataclass(frozen=True)
class Out:
    recipient: str
    text: str | bytes
    parts: int
    options: dict[str, object] = field(default_factory=dict)
    coding: str = "gsm7"
    address: str = ""
    """The TP-DA as hex, when the case is about it."""


EXT = "€[]{}^~|\\"
SUBMITS = {
    "plain gsm7": Out("+33612345678", "Votre code: 4242", 1, address="0B913316325476F8"),
    **{f"extension {c}": Out("+33612345678", f"a{c}b", 1) for c in EXT},
    "all extension characters": Out("+33612345678", EXT * 3, 1),
    "escape at the boundary": Out("+33612345678", "a" * 152 + "€" + "b" * 10, 2),
    "escape at the 16-bit boundary": Out(
        "+33612345678", "a" * 151 + "[" + "b" * 10, 2, {"wide_reference": True}
    ),
    "emoji at the boundary": Out("+33612345678", "a" * 66 + "😀" + "b" * 10, 2, coding="ucs2"),
    "emoji at the 16-bit boundary": Out(
        "+33612345678", "é" * 65 + "😀" + "b" * 5, 2, {"wide_reference": True}, coding="ucs2"
    ),
    "ucs2 one part": Out("+33612345678", "Привет 😀", 1, coding="ucs2"),
    "8-bit data": Out("+33612345678", bytes(range(0, 256, 7)), 1, coding="8bit"),
    "8-bit data, 3 parts": Out("+33612345678", bytes(range(256)) * 1 + b"x" * 30, 3, coding="8bit"),
    "odd-length international": Out("+33612345678", "x", 1, address="0B913316325476F8"),
    "even-length international": Out("+447700900123", "x", 1, address="0C91447700091032"),
    "national number": Out("0612345678", "x", 1, address="0A816021436587"),
    "short code, odd": Out("36180", "x", 1, address="05816381F0"),
    "short code, even": Out("1234", "x", 1, address="04812143"),
    "with an SMSC": Out("+33612345678", "x", 1, {"smsc": "+33609001390"}),
    "no status report": Out("+33612345678", "x", 1, {"status_report": False}),
    "2 parts, 8-bit ref": Out("+33612345678", "x" * 161, 2, {"concat_reference": 7}),
    "3 parts, 16-bit ref": Out(
        "+33612345678", "y" * 400, 3, {"concat_reference": 0x1234, "wide_reference": True}
    ),
    "4 parts ucs2": Out("+33612345678", "Ж" * 260, 4, {"concat_reference": 200}, coding="ucs2"),
    "TP-MR wraps at 255": Out("+33612345678", "z" * 459, 3, {"reference": 254}),
    "validity 1 day": Out("+33612345678", "x", 1, {"validity": timedelta(days=1)}),
}


@pytest.mark.parametrize("case", SUBMITS.values(), ids=SUBMITS.keys())
def test_encode_submit(case: Out) -> None:
    pdus = encode_submit(case.recipient, case.text, **case.options)
    assert len(pdus) == case.parts
    first_mr = int(case.options.get("reference", 0))
    smsc = case.options.get("smsc")
    decoded = []
    for index, out in enumerate(pdus):
        assert out.hex == out.hex.upper()
        head = 1 if smsc is None else 1 + int(out.hex[:2], 16)
        assert out.length * 2 == len(out.hex) - 2 * head  # AT+CMGS counts the TPDU only
        assert out.reference == (first_mr + index) % 256
        pdu = decode_pdu(out.hex)
        assert isinstance(pdu, Submit)
        assert (pdu.recipient, pdu.reference, pdu.coding, pdu.smsc) == (
            case.recipient, out.reference, case.coding, smsc,
        )  # fmt: skip
        assert pdu.status_report is case.options.get("status_report", True)
        assert pdu.validity == case.options.get("validity")
        if case.address:
            assert out.hex[2 * head + 4 :].startswith(case.address)
        if case.parts > 1:
            assert pdu.concat is not None
            assert (pdu.concat.total, pdu.concat.number) == (case.parts, index + 1)
            assert pdu.concat.reference == case.options.get("concat_reference", 0)
            assert pdu.concat.wide is case.options.get("wide_reference", False)
        else:
            assert pdu.concat is None and pdu.udh == b""
        decoded.append(pdu)
    joined = b"".join(pdu.payload for pdu in decoded)
    if case.coding == "8bit":
        assert joined == case.text
    else:
        assert sms.decode(joined, case.coding) == case.text
        assert "".join(pdu.text for pdu in decoded) == case.text  # no part cuts a character


def test_tp_mr_wraps_at_255() -> None:
    pdus = encode_submit("+33612345678", "z" * 459, reference=254)
    assert [pdu.reference for pdu in pdus] == [254, 255, 0]
    assert [pdu.hex[4:6] for pdu in pdus] == ["FE", "FF", "00"]


def test_escape_never_ends_a_part() -> None:
    first, second = (decode_pdu(p.hex) for p in encode_submit("1", "a" * 152 + "€" + "b" * 10))
    assert isinstance(first, Submit) and isinstance(second, Submit)
    assert first.payload == b"a" * 152 and first.text == "a" * 152
    assert second.payload[:2] == bytes((ESC, 0x65)) and second.text == "€" + "b" * 10


def test_surrogate_pair_never_ends_a_part() -> None:
    first, second = (decode_pdu(p.hex) for p in encode_submit("1", "a" * 66 + "😀" + "b" * 5))
    assert isinstance(first, Submit) and isinstance(second, Submit)
    assert first.text == "a" * 66 and second.text == "😀" + "b" * 5


@pytest.mark.parametrize(
    ("wide", "udl", "fill_hex"),
    [
        # 6-octet UDH = 48 bits: 1 fill bit, 7 septets of header; "hi" = 68 69 → packed after it.
        (False, 7 + 2, "050003010303" + pack_septets(b"hi", 1).hex().upper()),
        # 7-octet UDH = 56 bits: 8 septets exactly, no fill bit.
        (True, 8 + 2, "06080400010303" + "E834"),
    ],
    ids=["8-bit ref: 1 fill bit", "16-bit ref: no fill bit"],
)
def test_fill_bits_after_the_udh(wide: bool, udl: int, fill_hex: str) -> None:
    pdus = encode_submit(
        "1", "x" * (304 if wide else 306) + "hi", concat_reference=1, wide_reference=wide
    )
    tail = pdus[-1].hex
    assert tail.endswith(f"{udl:02X}{fill_hex}")


@pytest.mark.parametrize(
    ("period", "octet"),
    [
        (timedelta(minutes=1), 0),
        (timedelta(minutes=5), 0),
        (timedelta(minutes=6), 1),
        (timedelta(hours=12), 143),
        (timedelta(hours=12, minutes=1), 144),
        (timedelta(hours=24), 167),
        (timedelta(days=2), 168),
        (timedelta(days=4), 170),
        (timedelta(days=30), 196),
        (timedelta(days=31), 197),
        (timedelta(weeks=63), 255),
        (timedelta(weeks=100), 255),
    ],
)
def test_relative_validity(period: timedelta, octet: int) -> None:
    [out] = encode_submit("1", "x", validity=period)
    assert int(out.hex[16:18], 16) == octet  # 00 SMSC, 31, MR, 01 81 F1, PID, DCS, VP
    pdu = decode_pdu(out.hex)
    assert isinstance(pdu, Submit) and isinstance(pdu.validity, timedelta)
    assert pdu.validity >= min(period, timedelta(weeks=63))


def test_bad_recipients() -> None:
    for bad in ("", "+", "+33 6 12", "hello", "1" * 21):
        with pytest.raises(PduError):
            encode_submit(bad, "x")


# --- SMS-DELIVER of every kind of sender and zone -----------------------------------------------


@dataclass(frozen=True)
class In:
    sender: str
    text: str | bytes
    timestamp: datetime
    options: dict[str, object] = field(default_factory=dict)
    ton: int = 1
    scts: str = ""
    """TP-SCTS as hex, when the case is about the zone octet."""


T0 = datetime(2026, 12, 4, 21, 30, 5)
T1 = T0.replace(tzinfo=zone(1))
DELIVERS = {
    "zone +01:00": In("+33612345678", "Bonjour", T1, scts="62214012035040"),
    "zone +05:45": In("+9779801234567", "Namaste", T0.replace(tzinfo=zone(5, 45)), scts="…32"),
    "zone -03:00": In("+5511987654321", "Ola", T0.replace(tzinfo=zone(-3)), scts="62214012035029"),
    "zone -11:00": In("+6847331234", "Talofa", T0.replace(tzinfo=zone(-11)), scts="6221401203504C"),
    "zone +14:00": In("+68674012345", "Mauri", T0.replace(tzinfo=zone(14)), scts="62214012035065"),
    "zone -03:30": In("+17095551234", "Hi b'y", T0.replace(tzinfo=zone(-3, 30)), scts="…49"),
    "zone +00:00": In("+447700900123", "Hiya", T0.replace(tzinfo=UTC), scts="62214012035000"),
    "odd-length sender": In("+33612345678", "odd", T1),
    "even-length sender": In("+447700900123", "even", T0.replace(tzinfo=UTC)),
    "national sender": In("0612345678", "national", T1, ton=0),
    "short code sender": In("36180", "STOP au 36180", T1, ton=0),
    "alphanumeric 7 septets": In("Twoway1", "alpha", T1, ton=5),
    "alphanumeric 8 septets": In("InfoBank", "alpha", T1, ton=5),
    "alphanumeric 11 septets": In("TwowayAlert", "alpha", T1, ton=5),
    "alphanumeric with an escape": In("A[1]", "alpha", T1, ton=5),
    "extension characters": In("+33612345678", EXT + " " + EXT, T1),
    "ucs2 emoji": In("+33612345678", "Salut 😀👍", T1),
    "8-bit data": In("+33612345678", b"\x00\x01\xfe\xff", T1, {"coding": "8bit"}),
    "with an SMSC": In("+33612345678", "x", T1, {"smsc": "+33609001390"}),
    "2 parts, 8-bit ref": In("+33612345678", "p" * 200, T1, {"concat_reference": 0xAB}),
    "4 parts, 16-bit ref": In(
        "+33612345678", "q€" * 170, T1,
        {"concat_reference": 0xBEEF, "wide_reference": True},
    ),
    "2 parts ucs2, emoji at the boundary": In(
        "+33612345678", "a" * 66 + "😀" + "b" * 5, T1, {"concat_reference": 3}
    ),
}  # fmt: skip


@pytest.mark.parametrize("case", DELIVERS.values(), ids=DELIVERS.keys())
def test_deliver(case: In) -> None:
    hexes = encode_deliver(case.sender, case.text, timestamp=case.timestamp, **case.options)
    parts = []
    for hex_ in hexes:
        pdu = decode_pdu(hex_)
        assert isinstance(pdu, Deliver)
        assert (pdu.sender, pdu.sender_ton, pdu.smsc) == (
            case.sender, case.ton, case.options.get("smsc"),
        )  # fmt: skip
        assert pdu.timestamp == case.timestamp
        assert pdu.timestamp.utcoffset() == case.timestamp.utcoffset()
        if case.scts:  # "…" stands for the date and time of T0
            assert case.scts.replace("…", "622140120350") in hex_
        parts.append(pdu)
    if len(parts) > 1:
        keys = {pdu.part_key for pdu in parts}
        assert keys == {(case.sender, case.options["concat_reference"], len(parts))}
    joined = b"".join(pdu.payload for pdu in parts)
    if isinstance(case.text, bytes):
        assert joined == case.text and parts[0].coding == "8bit"
    else:
        assert sms.decode(joined, parts[0].coding) == case.text


def test_parts_out_of_order_reassemble_on_part_key() -> None:
    text = "Ordre: " + "x€" * 150
    hexes = encode_deliver("+33612345678", text, timestamp=T0.replace(tzinfo=UTC))
    parts = sorted((decode_pdu(h) for h in reversed(hexes)), key=_number)
    assert len(parts) == 3
    assert sms.decode(b"".join(p.payload for p in parts), "gsm7") == text


def _number(pdu: object) -> int:
    assert isinstance(pdu, Deliver) and pdu.concat is not None
    return pdu.concat.number


@pytest.mark.parametrize(
    ("dcs", "coding", "klass"),
    [
        (0x00, "gsm7", None),
        (0x04, "8bit", None),
        (0x08, "ucs2", None),
        (0x10, "gsm7", 0),  # flash
        (0x18, "ucs2", 0),
        (0x48, "ucs2", None),  # marked for automatic deletion
        (0xF0, "gsm7", 0),
        (0xF6, "8bit", 2),  # SIM data download
        (0xE0, "ucs2", None),  # message waiting, UCS-2
        (0xC0, "gsm7", None),  # message waiting, discard
    ],
)
def test_data_coding_schemes(dcs: int, coding: str, klass: int | None) -> None:
    body = {"gsm7": "0148", "8bit": "0148", "ucs2": "020048"}[coding]
    pdu = decode_pdu(f"00040481214300{dcs:02X}62214012035040{body}")
    assert isinstance(pdu, Deliver)
    assert (pdu.coding, pdu.message_class, pdu.dcs) == (coding, klass, dcs)
    assert pdu.text == "H"


def test_escape_before_an_unknown_code_reads_as_the_basic_character() -> None:
    # TS 23.038 §6.2.1.1: no extension character for 0x41, so "A" is shown.
    pdu = decode_pdu("00040481214300006221401203504003B64D10")
    assert isinstance(pdu, Deliver)
    assert pdu.payload == bytes((0x36, ESC, 0x41)) and pdu.text == "6A"


# --- SMS-STATUS-REPORT --------------------------------------------------------------------------

SCTS = "62214012035040"  # 2026-12-04 21:30:05 +01:00
DT = "62214012139540"  # 2026-12-04 21:31:59 +01:00


def status_report(reference: int, status: int, recipient: str = "0B913316325476F8") -> str:
    return f"0006{reference:02X}{recipient}{SCTS}{DT}{status:02X}"


STATUS_REPORTS = {
    "delivered 00": (0x00, "delivered"),
    "forwarded, unconfirmed 01": (0x01, "delivered"),
    "replaced 02": (0x02, "delivered"),
    "SC specific 1F": (0x1F, "delivered"),
    "congestion, still trying 20": (0x20, "pending"),
    "SME busy 21": (0x21, "pending"),
    "SC specific still trying 3F": (0x3F, "pending"),
    "remote procedure error 40": (0x40, "failed"),
    "incompatible destination 41": (0x41, "failed"),
    "validity expired 46": (0x46, "failed"),
    "congestion, gave up 60": (0x60, "failed"),
    "SME busy, gave up 61": (0x61, "failed"),
    "reserved 80": (0x80, "failed"),
}


@pytest.mark.parametrize(("status", "outcome"), STATUS_REPORTS.values(), ids=STATUS_REPORTS.keys())
def test_status_report(status: int, outcome: str) -> None:
    pdu = decode_pdu(status_report(0xFF, status))
    assert isinstance(pdu, StatusReport)
    assert (pdu.reference, pdu.recipient, pdu.status, pdu.outcome, pdu.smsc) == (
        255, "+33612345678", status, outcome, None,
    )  # fmt: skip
    assert pdu.timestamp == datetime(2026, 12, 4, 21, 30, 5, tzinfo=zone(1))
    assert pdu.discharge == datetime(2026, 12, 4, 21, 31, 59, tzinfo=zone(1))


def test_status_report_with_smsc_and_parameter_indicator() -> None:
    hex_ = "07913306091093F0" + status_report(0, 0, "0A816021436587")[2:] + "00"
    pdu = decode_pdu(hex_)
    assert isinstance(pdu, StatusReport)
    assert (pdu.smsc, pdu.recipient, pdu.reference) == ("+33609001390", "0612345678", 0)


# --- malformed PDUs -----------------------------------------------------------------------------

MALFORMED = {
    "empty": ("", "SMSC length"),
    "not hex": ("0791ZZ", "not a hex PDU"),
    "odd number of digits": ("07911", "not a hex PDU"),
    "SMSC only": ("07911326040000F0", "first octet"),
    "SMSC length beyond the data": ("0991132604", "SMSC"),
    "SMSC length absurd": ("FF", "SMSC length 255"),
    "truncated sender": ("00040B9113466100", "sender"),
    "sender length beyond 20 digits": ("0004309113", "sender .*length 48"),
    "truncated time stamp": ("000404812143000062214012", "TP-SCTS"),
    "time stamp not BCD": ("0004048121430000A2214012035040" + "00", "not BCD"),
    "month 13": ("00040481214300006231401203504000", "no date"),
    "no TP-UDL": ("000404812143000062214012035040", "TP-UDL"),
    "TP-UDL beyond the data": ("0004048121430000622140120350400AC8F71D", "TP-UD"),
    "TP-UDL over 160 septets": ("000404812143000062214012035040A1", "TP-UDL 161"),
    "UDH length beyond the user data": ("00440481214300046221401203504003090000", "UDH length 9"),
    "UDH beyond the septets": ("0044048121430000622140120350400605000301020100", "UDH of 6 octets"),
    "empty user data with TP-UDHI": ("00440481214300046221401203504000", "UDH length 0"),
    "compressed": ("00040481214300206221401203504000", "compressed"),
    "TP-MTI 3": ("0003", "TP-MTI 3"),
    "truncated status report": ("0006FF0B913316325476F8622140", "TP-SCTS"),
    "status report without TP-ST": (status_report(1, 0)[:-2], "TP-ST"),
    "truncated submit": ("0011000B91640728", "recipient"),
    "submit without TP-VP": ("0011000B916407281553F80000", "TP-VP"),
    "filler inside a number": ("00040481F1430000", "filler"),
}


@pytest.mark.parametrize(("hex_", "message"), MALFORMED.values(), ids=MALFORMED.keys())
def test_malformed(hex_: str, message: str) -> None:
    with pytest.raises(PduError, match=message):
        decode_pdu(hex_)


@pytest.mark.parametrize(
    "hex_",
    [HOW_ARE_YOU, HELLOHELLO, status_report(9, 0), next(iter(KNOWN_DELIVERS.values())).hex],
    ids=["deliver", "submit", "status report", "deliver with UDH"],
)  # fmt: skip
def test_every_truncation_is_refused(hex_: str) -> None:
    for end in range(0, len(hex_), 2):
        with pytest.raises(PduError):
            decode_pdu(hex_[:end])


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=60))
def test_any_octets_decode_or_raise_pdu_error(data: bytes) -> None:
    with contextlib.suppress(PduError):
        decode_pdu(data.hex())


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=500), st.integers(0, 255), st.booleans())
def test_any_text_round_trips(text: str, reference: int, wide: bool) -> None:
    try:
        pdus = encode_submit("+33612345678", text, reference=reference, wide_reference=wide)
    except ValueError:  # more than 255 parts cannot happen here; a lone surrogate can
        return
    decoded = [decode_pdu(p.hex) for p in pdus]
    assert all(isinstance(p, Submit) for p in decoded)
    coding = decoded[0].coding
    joined = b"".join(p.payload for p in decoded)
    assert sms.decode(joined, coding) == text


def test_septet_packing_inverse() -> None:
    for fill in range(7):
        for septets in (b"", b"\x7f", bytes(range(0, 128, 3))):
            packed = pack_septets(septets, fill)
            assert unpack_septets(packed, len(septets), fill) == septets
    with pytest.raises(ValueError):
        unpack_septets(b"\x00", 2)
