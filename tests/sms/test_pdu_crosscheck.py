"""The PDU codec against two independent decoders, installed for the tests only.

``smspdudecoder`` (PyPI, Qotto; DELIVER and SUBMIT, no STATUS-REPORT) and ``python-gsmmodem-new``
(``gsmmodem.pdu``: all three). Every PDU of ``test_pdu``'s tables is decoded by ours and by each of
them, and the fields compared: address, text, time stamp (its instant; its zone too for
gsmmodem), message reference, concatenation (reference, total, number), status, discharge time.

Where they disagree, TS 23.040 / 23.038 decided who is right; each such case is in
``DISAGREEMENTS`` with the other library's (wrong) answer, asserted as it is, so that a fix on
their side shows up here as a failure to look at.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from io import StringIO
from typing import Any

import pytest

from engine.sms import Deliver, StatusReport, Submit, decode_pdu, encode_submit
from engine.sms.pdu import encode_deliver
from tests.sms import test_pdu as table

smspdu_fields = pytest.importorskip("smspdudecoder.fields")
gsmmodem_pdu = pytest.importorskip("gsmmodem.pdu")

Fields = dict[str, Any]


def _cases() -> dict[str, list[str]]:
    """Every PDU of test_pdu's tables, by case name."""
    cases: dict[str, list[str]] = {}
    for name, known in table.KNOWN_DELIVERS.items():
        cases[f"known: {name}"] = [known.hex]
    cases["known: dreamfabric hellohello"] = [table.HELLOHELLO]
    for name, out in table.SUBMITS.items():
        pdus = encode_submit(out.recipient, out.text, **out.options)  # type: ignore[arg-type]
        cases[f"submit: {name}"] = [pdu.hex for pdu in pdus]
    for name, inbound in table.DELIVERS.items():
        hexes = encode_deliver(inbound.sender, inbound.text, timestamp=inbound.timestamp,
                               **inbound.options)  # type: ignore[arg-type]  # fmt: skip
        cases[f"deliver: {name}"] = hexes
    for name, (status, _) in table.STATUS_REPORTS.items():
        cases[f"status report: {name}"] = [table.status_report(0xFF, status)]
    for dcs in (0x00, 0x04, 0x08, 0x10, 0x18, 0x48, 0xF0, 0xF6, 0xE0, 0xC0):
        body = "020048" if dcs in (0x08, 0x18, 0x48, 0xE0) else "0148"
        cases[f"dcs {dcs:02X}"] = [f"00040481214300{dcs:02X}62214012035040{body}"]
    cases["escape before an unknown code"] = ["00040481214300006221401203504003B64D10"]
    return cases


CASES = _cases()


def ours(hex_: str) -> Fields:
    pdu = decode_pdu(hex_)
    concat = None if pdu.__class__ is StatusReport else getattr(pdu, "concat", None)
    fields: Fields = {}
    if isinstance(pdu, Deliver | Submit):
        fields["text"] = pdu.text
        fields["concat"] = concat and (concat.reference, concat.total, concat.number)
    if isinstance(pdu, Deliver):
        fields.update(address=pdu.sender, time=pdu.timestamp, zone=pdu.timestamp.utcoffset())
    elif isinstance(pdu, Submit):
        fields.update(address=pdu.recipient, reference=pdu.reference, validity=pdu.validity)
    else:
        fields.update(address=pdu.recipient, reference=pdu.reference, time=pdu.timestamp,
                      zone=pdu.timestamp.utcoffset(), discharge=pdu.discharge,
                      status=pdu.status)  # fmt: skip
    return fields


def smspdudecoder(hex_: str) -> Fields | None:
    """smspdudecoder's reading, None for a STATUS-REPORT (which it does not decode)."""
    mti = int(hex_[2 + 2 * int(hex_[:2], 16) :][:2], 16) & 3
    if mti == 2:
        return None
    decoded = (smspdu_fields.SMSSubmit if mti == 1 else smspdu_fields.SMSDeliver).decode(
        StringIO(hex_)
    )
    party = decoded["recipient" if mti == 1 else "sender"]
    data = decoded["user_data"]["data"]
    fields: Fields = {
        "address": ("+" if party["toa"]["ton"] == "international" else "") + party["number"],
        "text": data.decode("latin-1") if isinstance(data, bytes) else data,
        "concat": None,
    }
    for element in (decoded["user_data"]["header"] or {}).get("elements", []):
        if element["iei"] in (0x00, 0x08):
            got = element["data"]
            fields["concat"] = (got["reference"], got["parts_count"], got["part_number"])
    if mti == 1:
        fields["reference"] = decoded["message-ref"]
        if "vp" in decoded:
            minutes = decoded.get("validity-minutes", 0) + 60 * decoded.get("validity-hours", 0)
            days = decoded.get("validity-days", 0) + 7 * decoded.get("validity-weeks", 0)
            fields["validity"] = timedelta(minutes=minutes, days=days)
        else:
            fields["validity"] = None
    else:
        fields["time"] = decoded["scts"]  # converted to UTC: compared as an instant
    return fields


def gsmmodem(hex_: str) -> Fields:
    decoded = gsmmodem_pdu.decodeSmsPdu(hex_)
    fields: Fields = {"address": decoded["number"]}
    if decoded["type"] != "SMS-STATUS-REPORT":
        fields["text"] = decoded["text"]
        fields["concat"] = None
        for element in decoded.get("udh", []):
            if isinstance(element, gsmmodem_pdu.Concatenation):
                fields["concat"] = (element.reference, element.parts, element.number)
    if decoded["type"] == "SMS-SUBMIT":
        fields["reference"] = decoded["reference"]
        fields["validity"] = decoded.get("validity")
    else:
        fields["time"] = decoded["time"]
        fields["zone"] = decoded["time"].utcoffset()
    if decoded["type"] == "SMS-STATUS-REPORT":
        fields.update(reference=decoded["reference"], discharge=decoded["discharge"],
                      status=decoded["status"])  # fmt: skip
    return fields


LIBRARIES: dict[str, Callable[[str], Fields | None]] = {
    "smspdudecoder": smspdudecoder,
    "gsmmodem": gsmmodem,
}

_FILL = "stops decoding at the septet count of TP-UDL but slices the decoded *characters* with it:"
_NO_FILL = (
    "with a 7-octet UDH (16-bit reference) there are no fill bits (TS 23.040 §9.2.3.24); it skips "
)
_UTF16 = "decodes UCS-2 code unit by code unit: an emoji's surrogate pair stays two lone surrogates"
_GROUP = "TS 23.038 §4: coding group "
_UNKNOWN_ESCAPE = (
    "TS 23.038 §6.2.1.1: an escape before a code the extension table lacks shows the basic "
)

DISAGREEMENTS: dict[tuple[str, str, str], tuple[object, str]] = {
    ("smspdudecoder", "deliver: alphanumeric 7 septets", "address"): (
        "Twoway1@",
        "TP-OA length 13 semi-octets = 7 septets; it decodes the 3 padding bits as @",
    ),
    ("smspdudecoder", "deliver: 4 parts, 16-bit ref", "text"): (
        "q€" * 50 + "q@",
        _FILL + " each escape lets one septet of padding in, read as @",
    ),
    ("smspdudecoder", "dcs E0", "text"): ("@Δ", _GROUP + "1110 (message waiting, store) is UCS-2"),
    ("smspdudecoder", "escape before an unknown code", "text"): (
        "6 ",
        _UNKNOWN_ESCAPE + "character (A), not a space",
    ),
    ("gsmmodem", "submit: escape at the 16-bit boundary", "text"): (
        "a" * 150,
        _NO_FILL + "a bit octet and loses the first septet",
    ),
    ("gsmmodem", "submit: 3 parts, 16-bit ref", "text"): (
        "y" * 151,
        _NO_FILL + "a bit octet and loses the first septet",
    ),
    ("gsmmodem", "deliver: 4 parts, 16-bit ref", "text"): (
        "€q" * 50,
        _NO_FILL + "a bit octet and loses the first septet",
    ),
    ("gsmmodem", "submit: emoji at the boundary", "text"): ("\ud83d\ude00" + "b" * 10, _UTF16),
    ("gsmmodem", "submit: emoji at the 16-bit boundary", "text"): (
        "\ud83d\ude00" + "b" * 5,
        _UTF16,
    ),
    ("gsmmodem", "submit: ucs2 one part", "text"): ("Привет \ud83d\ude00", _UTF16),
    ("gsmmodem", "deliver: ucs2 emoji", "text"): ("Salut \ud83d\ude00\ud83d\udc4d", _UTF16),
    ("gsmmodem", "deliver: 2 parts ucs2, emoji at the boundary", "text"): (
        "\ud83d\ude00bbbbb",
        _UTF16,
    ),
    ("gsmmodem", "dcs 48", "text"): (
        "@Δ",
        _GROUP + "01xx (automatic deletion) is coded as 00xx: 0x48 is UCS-2",
    ),
    ("gsmmodem", "dcs E0", "text"): ("@Δ", _GROUP + "1110 (message waiting, store) is UCS-2"),
    ("gsmmodem", "escape before an unknown code", "text"): (
        "6",
        _UNKNOWN_ESCAPE + "character (A); it drops both septets",
    ),
}
"""Cases where an independent decoder is wrong per TS 23.040 / 23.038: its answer (for the first
part where it differs from ours) and why. Ours is asserted right in test_pdu."""


def _compare(library: str, case: str, hexes: list[str]) -> list[tuple[str, str]]:
    """Every (field, problem) where ``library`` disagrees with ours other than as recorded."""
    problems = []
    differing: dict[str, list[object]] = {}
    for hex_ in hexes:
        theirs = LIBRARIES[library](hex_)
        if theirs is None:
            continue
        mine = ours(hex_)
        for name, value in theirs.items():
            if value == mine[name]:
                continue
            if (library, case, name) in DISAGREEMENTS:
                differing.setdefault(name, []).append(value)
            else:
                problems.append((name, f"theirs {value!r}, ours {mine[name]!r}"))
    for (lib, name, field), (wrong, _) in DISAGREEMENTS.items():
        if lib == library and name == case:
            got = differing.get(field, [])
            if not got or got[0] != wrong:
                problems.append((field, f"recorded {wrong!r}, now {got[:1]!r}: fixed upstream?"))
    return problems


@pytest.mark.parametrize("library", LIBRARIES)
@pytest.mark.parametrize("case", CASES)
def test_independent_decoders_agree(library: str, case: str) -> None:
    assert _compare(library, case, CASES[case]) == []


def test_disagreements_name_real_cases() -> None:
    for library, case, _ in DISAGREEMENTS:
        assert library in LIBRARIES and case in CASES


def test_there_are_enough_cases() -> None:
    kinds = {type(decode_pdu(h)).__name__ for hexes in CASES.values() for h in hexes}
    assert kinds == {"Deliver", "Submit", "StatusReport"}
    assert len(CASES) >= 60


def test_gsmmodem_encoder_makes_our_single_part_submits() -> None:
    """A second, independent encoder: gsmmodem's SMS-SUBMIT for the one-part GSM-7 and UCS-2
    cases is ours octet for octet (its concatenated parts use a random reference)."""
    checked = 0
    for out in table.SUBMITS.values():
        if out.parts != 1 or isinstance(out.text, bytes) or set(out.options) - {"reference"}:
            continue
        if not out.recipient.startswith("+"):
            continue  # it types a national number TON national (A1), we unknown (81): both valid
        if max(map(ord, out.text)) > 0xFFFF:
            continue  # see test_gsmmodem_encoder_refuses_an_emoji
        [mine] = encode_submit(out.recipient, out.text, **out.options)  # type: ignore[arg-type]
        [theirs] = gsmmodem_pdu.encodeSmsSubmitPdu(
            out.recipient,
            out.text,
            reference=int(out.options.get("reference", 0)),  # type: ignore[call-overload]
        )
        assert (mine.hex, mine.length) == (str(theirs).upper(), theirs.tpduLength), out
        checked += 1
    assert checked >= 12


def test_gsmmodem_encoder_refuses_an_emoji() -> None:
    """Its UCS-2 encoder takes ``ord(char) >> 8`` as an octet: beyond the BMP it raises."""
    with pytest.raises(ValueError, match="byte must be in range"):
        gsmmodem_pdu.encodeSmsSubmitPdu("+33612345678", "Salut 😀")
    assert len(encode_submit("+33612345678", "Salut 😀")) == 1
