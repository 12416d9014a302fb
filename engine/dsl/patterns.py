"""Own message patterns such as ``VOTE {choice:A|B|C}``: their syntax, compilation and matching.

A pattern compiles to one regex over the message folded by ``fold_for_match`` (no case, no
accents, punctuation kept), so literal words compare as ``normalize()`` does while captures
still return the text as typed. A pattern matches from the start of the message; words after it
are ignored. Captures (``{name}`` alone is a word):

- ``word``: one space-separated token as typed, without the punctuation around it;
- ``number``: "3", "-2", "4.5" or "4,5", returned as int or float;
- ``text``: the rest of the message as typed, trimmed ("" when nothing is left); a text capture
  that is not last takes the shortest non-empty run that lets the rest match;
- ``date``: dd/mm/yyyy, dd/mm/yy, dd.mm.yyyy, dd-mm-yyyy or yyyy-mm-dd, returned in ISO form
  ("2026-12-03"); dd/mm without a year gives ISO 8601's month-day form "--12-03"; an impossible
  date does not match;
- ``phone``: an optional "+" and 6 to 15 digits, with spaces, dashes, dots or parentheses between
  them, returned as "+33612345678";
- ``digits``: a run of digits 0-9, returned as text with its leading zeros ("007");
  ``digits(5)`` exactly 5 digits, ``digits(5,8)`` 5 to 8 (a longer run does not match, nor
  a decimal number such as "12.5");
- ``A|B|C``: one of the alternatives (each may be several words), returned as written in the
  pattern.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from types import MappingProxyType
from typing import Any

import regex

from engine.dsl.budget import run_regex
from engine.dsl.errors import DslError
from engine.dsl.scanners import DATE_REGEX, NUMBER_REGEX, PHONE_REGEX, parse_date, parse_phone
from engine.dsl.text import fold_for_match, normalize
from engine.dsl.values import parse_number
from engine.errors import did_you_mean
from engine.i18n import msg

__all__ = ["CAPTURE_TYPES", "Pattern", "compile_pattern"]

CAPTURE_TYPES = ("word", "number", "text", "date", "phone", "digits")
_DIGITS = re.compile(r"digits\s*\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\)", re.IGNORECASE)
"""``digits(5)`` or ``digits(5,8)``: a digits capture with its length (the source is short)."""
_MAX_DIGITS = 64

# What separates words, as text.is_separator() says: punctuation, spaces, controls, ASCII symbols.
_SEPARATOR_CLASS = r"\p{P}\p{Z}\p{Cc}\p{Cf}\x00-\x2f\x3a-\x40\x5b-\x60\x7b-\x7f"
_SEP = f"[{_SEPARATOR_CLASS}]"
_WORD_CHAR = f"[^{_SEPARATOR_CLASS}]"
# Every element ends where a word ends: "VOTE" does not match the start of "VOTER".
_END = f"(?!{_WORD_CHAR})"
# Between elements, separators are optional and lazy, so that a number capture keeps its sign.
_JOIN = f"{_SEP}*?"
# What a text capture skips before the text: spaces, a colon, a dash used as a separator ...
_TEXT_LEAD = r"(?:[\s:;,.!?=>]|[\-–—](?=\s))*"

_CAPTURE_REGEX = {
    "word": f"({_WORD_CHAR}(?:\\S*{_WORD_CHAR})?){_END}",
    "number": f"({NUMBER_REGEX}){_END}",
    "date": f"({DATE_REGEX})(?![./\\-]\\d){_END}",
    "phone": f"({PHONE_REGEX}){_END}",
}
_NAME = re.compile(r"[^\W\d]\w*")
_NO_MATCH = object()


@dataclass(frozen=True, slots=True)
class _Literal:
    words: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _Capture:
    name: str
    kind: str
    # Where the name starts in the pattern, to underline a duplicate.
    offset: int
    # The alternatives of a choice capture, as written in the pattern.
    alternatives: tuple[str, ...] = ()
    # The regex quantifier of a digits capture: "+" or "{5,8}".
    length: str = "+"


_Converter = Callable[[str, str], Any]


@dataclass(frozen=True, slots=True)
class Pattern:
    """A compiled pattern: ``match`` a message and get its captures, typed."""

    source: str
    captures: tuple[str, ...]
    first_word: str | None
    _regex: Any = field(repr=False, compare=False)
    _converters: tuple[_Converter, ...] = field(repr=False, compare=False)

    def match(self, text: str) -> dict[str, Any] | None:
        """Return the captures when ``text`` starts with the pattern, else None.

        Raise EvalError if matching takes longer than the regex time limit.
        """
        folded, origin = fold_for_match(text)
        too_long = (
            f"the pattern {self.source!r} ran out of time; the other regexes of this message "
            "count as no match"
        )
        found = run_regex(self._regex, folded, too_long, match=True)
        if found is None:
            return None
        result: dict[str, Any] = {}
        for group, (name, convert) in enumerate(
            zip(self.captures, self._converters, strict=True), start=1
        ):
            start, end = found.span(group)
            if start < 0:
                start = end = len(folded)
            if origin is None:
                original = text[start:end]
            else:
                original = text[
                    _original_start(origin, start, text) : _original_end(origin, end, text)
                ]
            value = convert(folded[start:end], original)
            if value is _NO_MATCH:
                return None
            result[name] = value
        return result


def _original_start(origin: list[int], index: int, text: str) -> int:
    return origin[index] if index < len(origin) else len(text)


def _original_end(origin: list[int], index: int, text: str) -> int:
    """Return where a capture ending at folded ``index`` ends in the original text.

    A capture takes the combining marks that follow its last letter: "cafe" + U+0301 stays whole.
    """
    if index == 0:
        return 0
    after_last = origin[index - 1] + 1
    following = origin[index] if index < len(origin) else len(text)
    return max(after_last, following)


def compile_pattern(source: str) -> Pattern:
    """Compile a pattern, or raise DslError E303 (syntax, capture type, duplicate name)."""
    return _compile(source)


@lru_cache(maxsize=4096)
def _compile(source: str) -> Pattern:
    elements = _parse(source)
    if not elements:
        raise DslError(
            "E303",
            msg("E303.empty"),
            length=max(1, len(source)),
            hint=msg("E303.empty.hint"),
        )
    pieces: list[str] = []
    converters: list[_Converter] = []
    names: list[str] = []
    for position, element in enumerate(elements):
        last = position == len(elements) - 1
        if isinstance(element, _Literal):
            pieces.append(_JOIN + f"{_SEP}+".join(map(regex.escape, element.words)) + _END)
            continue
        names.append(element.name)
        if element.kind == "text":
            # The rest of the message when last (maybe empty); else the shortest non-empty run.
            body = "(.*)" if last else "(.+?)"
            pieces.append(_TEXT_LEAD + body + ("" if last else _END))
            converters.append(_convert_text)
        elif element.kind == "choice":
            by_folded: dict[str, str] = {}
            for alternative in element.alternatives:
                # Two alternatives may fold alike ("e|é"): the first written wins.
                by_folded.setdefault(normalize(alternative), alternative)
            ordered = sorted(by_folded, key=len, reverse=True)
            options = "|".join(
                f"{_SEP}+".join(map(regex.escape, key.split(" "))) for key in ordered
            )
            pieces.append(f"{_JOIN}({options}){_END}")
            converters.append(_choice_converter(MappingProxyType(by_folded)))
        elif element.kind == "digits":
            # "12.5" is a number, not the digits 12 followed by other words
            pieces.append(f"{_JOIN}([0-9]{element.length})(?![.,][0-9]){_END}")
            converters.append(_convert_word)
        else:
            pieces.append(_JOIN + _CAPTURE_REGEX[element.kind])
            converters.append(_CONVERTERS[element.kind])
    first = elements[0]
    first_word = first.words[0] if isinstance(first, _Literal) else None
    compiled = regex.compile("".join(pieces), regex.DOTALL | regex.V0)
    return Pattern(source, tuple(names), first_word, compiled, tuple(converters))


def _convert_word(folded: str, original: str) -> Any:
    return original


def _convert_text(folded: str, original: str) -> Any:
    return original.strip()


def _convert_number(folded: str, original: str) -> Any:
    number = parse_number(folded)
    return _NO_MATCH if number is None else number


def _convert_date(folded: str, original: str) -> Any:
    date = parse_date(folded)
    return _NO_MATCH if date is None else date


def _convert_phone(folded: str, original: str) -> Any:
    phone = parse_phone(folded)
    return _NO_MATCH if phone is None else phone


_CONVERTERS: dict[str, _Converter] = {
    "word": _convert_word,
    "number": _convert_number,
    "date": _convert_date,
    "phone": _convert_phone,
}


def _choice_converter(choices: Mapping[str, str]) -> _Converter:
    def convert(folded: str, original: str) -> Any:
        return choices.get(normalize(folded), _NO_MATCH)

    return convert


def _parse(source: str) -> list[_Literal | _Capture]:
    """Split a pattern into literal words and captures, checking every capture."""
    elements: list[_Literal | _Capture] = []
    seen: set[str] = set()
    index = 0
    literal_start = 0

    def flush(end: int) -> None:
        words = normalize(source[literal_start:end])
        if words:
            elements.append(_Literal(tuple(words.split(" "))))

    while index < len(source):
        char = source[index]
        if char == "}":
            raise DslError(
                "E303",
                msg("E303.unmatched"),
                offset=index,
                hint=msg("E303.unmatched.hint"),
            )
        if char != "{":
            index += 1
            continue
        flush(index)
        closing = source.find("}", index + 1)
        reopening = source.find("{", index + 1)
        if closing < 0 or 0 <= reopening < closing:
            raise DslError(
                "E303",
                msg("E303.unclosed"),
                offset=index,
                hint=msg("E303.unclosed.hint"),
            )
        capture = _capture(source, index + 1, closing)
        if capture.name in seen:
            raise DslError(
                "E303",
                msg("E303.duplicate", name=capture.name),
                offset=capture.offset,
                length=len(capture.name),
                hint=msg("E303.duplicate.hint"),
            )
        seen.add(capture.name)
        elements.append(capture)
        index = closing + 1
        literal_start = index
    flush(len(source))
    return elements


def _capture(source: str, start: int, end: int) -> _Capture:
    """Read the capture ``name:type`` written in ``source[start:end]``."""
    body = source[start:end]
    if not body.strip():
        raise DslError(
            "E303",
            msg("E303.empty_capture"),
            offset=start - 1,
            length=end - start + 2,
            hint=msg("E303.empty_capture.hint"),
        )
    name_part, colon, type_part = body.partition(":")
    name = name_part.strip()
    name_offset = start + len(name_part) - len(name_part.lstrip())
    if not name:
        raise DslError(
            "E303",
            msg("E303.no_name"),
            offset=name_offset,
            length=1,
            hint=msg("E303.no_name.hint"),
        )
    if _NAME.fullmatch(name) is None:
        raise DslError(
            "E303",
            msg("E303.bad_name", name=name),
            offset=name_offset,
            length=len(name),
            hint=msg("E303.bad_name.hint"),
        )
    if not colon:
        return _Capture(name, "word", name_offset)
    kind = type_part.strip()
    kind_offset = start + len(name_part) + 1 + len(type_part) - len(type_part.lstrip())
    if "|" in kind:
        alternatives = tuple(alternative.strip() for alternative in kind.split("|"))
        if not all(normalize(alternative) for alternative in alternatives):
            raise DslError(
                "E303",
                msg("E303.empty_alternative"),
                offset=kind_offset,
                length=max(1, len(kind)),
                hint=msg("E303.empty_alternative.hint"),
            )
        return _Capture(name, "choice", name_offset, alternatives)
    if not kind:
        raise DslError(
            "E303",
            msg("E303.no_type"),
            offset=start + len(name_part) + 1,
            length=1,
            hint=msg("E303.no_type.hint"),
        )
    if kind.lower() in CAPTURE_TYPES:
        return _Capture(name, kind.lower(), name_offset)
    if kind.lower().startswith("digits"):
        return _Capture(name, "digits", name_offset, length=_digits_length(kind, kind_offset))
    suggestion = did_you_mean(kind, CAPTURE_TYPES)
    raise DslError(
        "E303",
        msg("E303.unknown_type", kind=kind),
        offset=kind_offset,
        length=len(kind),
        hint=suggestion or msg("E303.types.hint"),
    )


def _digits_length(kind: str, offset: int) -> str:
    """The regex quantifier of ``digits(N)`` or ``digits(MIN,MAX)``, or raise E303."""
    found = _DIGITS.fullmatch(kind)
    low = int(found.group(1)) if found else 0
    high = int(found.group(2)) if found and found.group(2) is not None else low
    if found is None or not 1 <= low <= high <= _MAX_DIGITS:
        raise DslError(
            "E303",
            msg("E303.digits", kind=kind),
            offset=offset,
            length=len(kind),
            hint=msg("E303.digits.hint", most=_MAX_DIGITS),
        )
    return f"{{{low}}}" if low == high else f"{{{low},{high}}}"
