"""The SMS splitter (engine.sms): GSM 03.38 / UCS-2 / Latin-1, parts with their UDH, the count.

Table-driven, then properties over any text. The edge cases are the ones of shared PITFALLS: an
extension character (``€``, ``[``…) costs two septets and must not straddle parts, nor may an
emoji's surrogate pair; backtick and lower-case ``ç`` are not GSM-7; 16-bit references.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine import sms
from engine.sms import Coding, Concat, Part, count_parts, split_parts
from engine.sms.alphabet import ESC

# --- the alphabet -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "fits", "septets"),
    [
        ("VOTE A", True, 6),
        ("", True, 0),
        ("@£$¥èéùìòÇØøÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ¤¡ÄÖÑÜ§¿äöñüà", True, 42),
        ("€", True, 2),
        ("[]{}~^|\\\f", True, 18),
        ("price: 5€ [promo]", True, 20),
        ("ç", False, None),  # lower-case c cedilla: only the capital is in GSM 03.38
        ("`", False, None),  # backtick: smpplib's table has it where GSM 03.38 has §
        ("\t", False, None),
        ("\x1b", False, None),  # the escape is no character of its own
        ("\u00a0", False, None),  # no-break space
        ("é€😀", False, None),
    ],
)
def test_gsm7_alphabet(text: str, fits: bool, septets: int | None) -> None:
    assert sms.is_gsm7(text) is fits
    if fits:
        assert sms.septets(text) == septets
        assert len(sms.gsm7_encode(text)) == septets
        assert sms.gsm7_decode(sms.gsm7_encode(text)) == text
    else:
        with pytest.raises(ValueError, match=r"not in the GSM 03\.38 alphabet"):
            sms.gsm7_encode(text)


def test_gsm7_code_points() -> None:
    assert sms.gsm7_encode("@§Ç€[") == bytes((0x00, 0x5F, 0x09, ESC, 0x65, ESC, 0x3C))
    assert sms.gsm7_decode(bytes((ESC, 0x41))) == "A"  # unknown extension: the basic char
    assert sms.gsm7_decode(bytes((0x41, ESC))) == "A"  # a lone escape at the end is dropped
    assert sms.gsm7_decode(bytes((0xC1, 0x80, 0x9B, 0x65))) == "A@€"  # the eighth bit ignored


@given(st.binary(max_size=60))
def test_gsm7_decode_reads_any_octets_as_their_septets(data: bytes) -> None:
    """Any octets decode, each as its septet (the eighth bit ignored) — with or without an
    escape in them, which the decoder reads another way."""
    septets = bytes(octet & 0x7F for octet in data)
    assert sms.gsm7_decode(data) == sms.gsm7_decode(septets)
    if ESC not in septets:
        assert sms.gsm7_decode(data) == "".join(sms.gsm7_decode(bytes((s,))) for s in septets)
        assert len(sms.gsm7_decode(data)) == len(data)


@pytest.mark.parametrize(
    ("text", "latin1", "coding"),
    [
        ("Hello", False, "gsm7"),
        ("5€", False, "gsm7"),
        ("façade", False, "ucs2"),
        ("façade", True, "latin1"),
        ("`quoted`", True, "latin1"),
        ("5€ façade", True, "ucs2"),  # € is GSM but not Latin-1: neither fits alone
        ("😀", True, "ucs2"),
    ],
)
def test_choose(text: str, latin1: bool, coding: Coding) -> None:
    assert sms.choose(text, latin1=latin1) == coding


@pytest.mark.parametrize(
    ("data", "coding", "text"),
    [
        (b"\x00\x02", "gsm7", "@$"),
        (b"\xe7a", "latin1", "ça"),
        ("ç😀".encode("utf-16-be"), "ucs2", "ç😀"),
        ("é".encode("utf-16-be") + b"\x00", "ucs2", "é"),  # an odd octet is dropped
        ("😀".encode("utf-16-be")[:2], "ucs2", "\ufffd"),  # a lone surrogate
    ],
)
def test_decode(data: bytes, coding: Coding, text: str) -> None:
    assert sms.decode(data, coding) == text


# --- splitting ----------------------------------------------------------------------------------


def _fits_one_sms(part: Part) -> bool:
    """TP-UD is 140 octets; the splitter carries GSM-7 unpacked, so count the septets packed."""
    if part.coding == "gsm7":
        return len(part.udh) * 8 + len(part.payload) * 7 <= 140 * 8
    return len(part.user_data) <= 140


def _units(part: Part) -> int:
    if part.coding == "ucs2":
        return len(part.payload) // 2
    return len(part.payload)


@pytest.mark.parametrize(
    ("text", "kwargs", "coding", "sizes"),
    [
        ("", {}, "gsm7", [0]),
        ("a" * 160, {}, "gsm7", [160]),
        ("a" * 161, {}, "gsm7", [153, 8]),
        ("€" * 80, {}, "gsm7", [160]),
        ("€" * 81, {}, "gsm7", [152, 10]),  # 76 € then 5: a pair never straddles
        ("a" * 152 + "€" + "a" * 10, {}, "gsm7", [152, 12]),
        ("a" * 153 * 3, {}, "gsm7", [153, 153, 153]),
        ("a" * 161, {"wide_reference": True}, "gsm7", [152, 9]),
        ("ç" * 70, {}, "ucs2", [70]),
        ("ç" * 71, {}, "ucs2", [67, 4]),
        ("ç" * 66 + "😀x", {}, "ucs2", [69]),
        ("ç" * 66 + "😀" * 3, {}, "ucs2", [66, 6]),  # the pair goes whole to part 2
        ("ç" * 66 + "\U000e0067" * 3, {}, "ucs2", [66, 6]),  # high surrogate DB40
        ("ç" * 71, {"wide_reference": True}, "ucs2", [66, 5]),
        ("ç" * 140, {"latin1": True}, "latin1", [140]),
        ("ç" * 141, {"latin1": True}, "latin1", [134, 7]),
        ("ç" * 141, {"latin1": True, "wide_reference": True}, "latin1", [133, 8]),
        ("abc", {"coding": "ucs2"}, "ucs2", [3]),
    ],
)
def test_parts(text: str, kwargs: dict[str, object], coding: Coding, sizes: list[int]) -> None:
    parts = split_parts(text, reference=0x1234, **kwargs)  # type: ignore[arg-type]
    assert [p.coding for p in parts] == [coding] * len(parts)
    assert [_units(p) for p in parts] == sizes
    counted = {k: v for k, v in kwargs.items() if k != "reference"}
    assert count_parts(text, **counted) == len(parts)  # type: ignore[arg-type]
    if len(parts) == 1:
        assert parts[0].udh == b"" and parts[0].user_data == parts[0].payload
        return
    wide = bool(kwargs.get("wide_reference"))
    for number, part in enumerate(parts, start=1):
        concat, payload = sms.parse_udh(part.user_data)
        assert concat == Concat(0x1234 if wide else 0x34, len(parts), number, wide=wide)
        assert payload == part.payload
        assert _fits_one_sms(part)
        if coding == "gsm7":
            assert part.payload[-1:] != bytes((ESC,)), "an escape pair straddles two parts"
        if coding == "ucs2":
            part.payload.decode("utf-16-be", errors="strict")  # no lone surrogate


@pytest.mark.parametrize(
    ("lead", "char"),
    [("a", "€"), ("a", "["), ("ç", "😀"), ("ç", "𠀀"), ("ç", "\U000e0067"), ("ç", "€")],
)
@pytest.mark.parametrize("wide", [False, True])
def test_no_part_cuts_a_character_in_two(lead: str, char: str, wide: bool) -> None:
    """Every phase: 0 to 160 lead characters, then two-unit characters (an escape pair, a
    surrogate pair with a high half D83D, D840 or DB40): each part decodes on its own."""
    for offset in range(161):
        text = lead * offset + char * 200
        parts = split_parts(text, wide_reference=wide)
        assert "".join(sms.decode(part.payload, part.coding) for part in parts) == text, offset


def test_a_coding_that_cannot_carry_the_text() -> None:
    with pytest.raises(ValueError, match=r"not in the GSM 03\.38 alphabet"):
        split_parts("façade", coding="gsm7")
    with pytest.raises(ValueError, match="latin-1"):
        split_parts("5€", coding="latin1")


def test_udh_bytes() -> None:
    assert sms.make_udh(0xAB, 3, 2) == bytes.fromhex("050003ab0302")
    assert sms.make_udh(0xABCD, 3, 2, wide=True) == bytes.fromhex("060804abcd0302")


def test_too_long_for_255_parts() -> None:
    assert len(split_parts("a" * 153 * 255)) == 255
    with pytest.raises(ValueError, match="at most 255"):
        split_parts("a" * (153 * 255 + 1))
    with pytest.raises(ValueError, match="at most 255"):
        split_parts("€" * (153 * 255 // 2 + 1))  # few characters, twice the septets
    with pytest.raises(ValueError, match="at most 255"):
        split_parts("x" * 6_000_000)  # said from the length alone
    assert count_parts("a" * (153 * 256)) == 256  # counting has no such limit


@pytest.mark.parametrize(
    ("user_data", "concat", "payload"),
    [
        (bytes.fromhex("050003070201") + b"hi", Concat(7, 2, 1), b"hi"),
        (bytes.fromhex("06080412340302") + b"hi", Concat(0x1234, 3, 2, wide=True), b"hi"),
        # a port-addressing IE first, then the concatenation IE
        (
            bytes.fromhex("0b0504158a0000") + bytes.fromhex("0003090301") + b"x",
            Concat(9, 3, 1),
            b"x",
        ),
        (bytes.fromhex("0500030a0203") + b"bad", None, b"bad"),  # part 3 of 2: not a part
        (bytes.fromhex("0a0003") + b"short", None, bytes.fromhex("0a0003") + b"short"),
        (b"", None, b""),
    ],
)
def test_parse_udh(user_data: bytes, concat: Concat | None, payload: bytes) -> None:
    assert sms.parse_udh(user_data) == (concat, payload)


# --- counting -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("char", "length", "stop", "count"),
    [
        ("x", 0, None, 1),
        ("€", 80, None, 1),  # 160 septets
        ("€", 81, None, 2),  # 162 septets: two parts, a pair never split
        ("x", 160, 2, 1),  # one SMS, though longer than a part of a long message
        ("x", 161, 2, 2),
        ("ç", 70, 2, 1),
        ("ç", 71, 2, 2),
        ("x", 1530, 11, 10),
        ("x", 1531, 11, 11),
        ("x", 1531, 1, 1),
        ("ç", 1000, 11, 11),
        ("😀", 330, None, 10),  # 33 a part: 66 of the 67 UTF-16 units, a pair never split
        ("😀", 331, None, 11),
        ("x", 6_000_000, 11, 11),
    ],
)
def test_count(char: str, length: int, stop: int | None, count: int) -> None:
    assert count_parts(char * length, stop=stop) == count


def test_counting_a_huge_text_encodes_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    """6 MB of text is over any limit from its length alone: it is neither checked against the
    alphabet nor encoded (which would cost tens of milliseconds on the runtime's path)."""
    seen: list[int] = []

    def spy(text: str, *args: object, **kwargs: object) -> object:
        seen.append(len(text))
        raise AssertionError("the text was looked at")

    monkeypatch.setattr("engine.sms.split.encode", spy)
    monkeypatch.setattr("engine.sms.split.choose", spy)
    for text in ("x" * 6_000_000, "ç" * 6_000_000, "😀" * 3_000_000):
        assert count_parts(text, stop=11) == 11
        assert count_parts(text, coding="ucs2", stop=256) == 256
    assert seen == []


def _texts(chars: str) -> st.SearchStrategy[str]:
    alphabet = st.sampled_from(chars)
    return st.one_of(
        st.text(alphabet, max_size=900),
        # long texts too (plain st.text draws mostly short ones): a run repeated, then a tail
        st.builds(
            lambda run, times, tail: run * times + tail,
            st.text(alphabet, min_size=1, max_size=30),
            st.integers(1, 60),
            st.text(alphabet, max_size=30),
        ),
    )


GSM7 = "aZ9 €[]^{}~|\\\f\n@§é¤"
# Astral characters: high surrogates D83D, D83C, D840 and DB40 (a tag of a flag such as 🏴󠁧󠁢󠁳󠁣󠁴󠁿).
TEXT = st.one_of(_texts(GSM7), _texts(GSM7 + "`çñ😀👍🏽𠀀\U000e0067中\x1b"))


@settings(max_examples=300, deadline=None, derandomize=True)  # the same texts on every run
@given(text=TEXT, wide=st.booleans(), latin1=st.booleans(), reference=st.integers(0, 0xFFFF))
def test_any_text_splits_into_parts_that_join_back(
    text: str, wide: bool, latin1: bool, reference: int
) -> None:
    """The parts, each decoded on its own, join back to the text; each fits 140 octets with its
    UDH, which numbers it; the count is the number of parts, with ``stop`` the smaller of two."""
    parts = split_parts(text, reference=reference, wide_reference=wide, latin1=latin1)
    [coding] = {part.coding for part in parts}
    assert coding == sms.choose(text, latin1=latin1)
    pieces = [sms.decode(part.payload, coding) for part in parts]  # each on its own
    assert "".join(pieces) == text  # so no character is cut in two
    for number, part in enumerate(parts, start=1):
        assert _fits_one_sms(part)
        assert pieces[number - 1] != "" or text == ""  # no empty part
        if len(parts) > 1:
            ref = reference if wide else reference & 0xFF
            assert sms.parse_udh(part.user_data) == (
                Concat(ref, len(parts), number, wide),
                part.payload,
            )
    assert count_parts(text, wide_reference=wide, latin1=latin1) == len(parts)
    for stop in (1, 2, 3, 10):
        assert count_parts(text, wide_reference=wide, latin1=latin1, stop=stop) == min(
            len(parts), stop
        )


@settings(max_examples=200, deadline=None, derandomize=True)
@given(text=TEXT, wide=st.booleans())
def test_each_part_holds_as_much_as_it_can(text: str, wide: bool) -> None:
    """Every part but the last is full: the next character would not have fitted."""
    parts = split_parts(text, wide_reference=wide)
    if len(parts) == 1:
        assert len(parts[0].payload) <= sms.ONE_SMS[parts[0].coding]
        return
    room = sms.per_part(parts[0].coding, wide_reference=wide)
    offset = 0
    for part in parts[:-1]:
        offset += len(sms.decode(part.payload, part.coding))
        nxt = sms.encode(text[offset], part.coding)
        assert len(part.payload) <= room < len(part.payload) + len(nxt)
