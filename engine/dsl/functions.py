"""Own the function library of conditions and templates (and so the filters of templates).

Every function is total over texts and raises EvalError, never TypeError, on a bad value.
"""

from __future__ import annotations

import datetime as dt
import inspect
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from types import MappingProxyType
from typing import Any

from engine.dsl.errors import EvalError
from engine.dsl.scanners import find_dates, find_numbers, find_phones, parse_date
from engine.dsl.text import is_separator, normalize
from engine.dsl.values import describe, parse_number, to_text

__all__ = ["FUNCTIONS", "SIGNATURES", "Signature"]


def _text(value: Any, function: str) -> str:
    """Return ``value`` as text for a text function: None is "", numbers print."""
    if isinstance(value, str):
        return value
    if value is None or isinstance(value, (int, float)):
        return to_text(value)
    raise EvalError(f"{function}() needs a text, not {describe(value)}")


@lru_cache(maxsize=512)
def _normalized_words(words: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(filter(None, (normalize(word) for word in words)))


def _word_list(words: Any, function: str) -> tuple[str, ...]:
    """Return the normalised entries of a list of words or of a space-separated text."""
    if isinstance(words, str):
        return _normalized_words(tuple(words.split()))
    if isinstance(words, (list, tuple)):
        return _normalized_words(tuple(_text(word, function) for word in words))
    raise EvalError(f"{function}() needs a list of words or a text, not {describe(words)}")


def _has(padded_text: str, normalized_entry: str) -> bool:
    # Padding with spaces makes "in" compare whole words: " no " is not in " non ".
    return f" {normalized_entry} " in padded_text


def has_any_word(text: Any, words: Any) -> bool:
    """Return whether ``text`` contains at least one of ``words`` as a whole word.

    ``words`` is a list or a space-separated text; case, accents and punctuation do not matter.

    >>> has_any_word("Oui, d'accord!", ["yes", "oui"])
    True
    >>> has_any_word("nonsense", "no non")
    False
    """
    padded = f" {normalize(_text(text, 'has_any_word'))} "
    return any(_has(padded, entry) for entry in _word_list(words, "has_any_word"))


def has_all_words(text: Any, words: Any) -> bool:
    """Return whether ``text`` contains every one of ``words`` as a whole word, in any order.

    >>> has_all_words("Room for 2, with breakfast", "breakfast room")
    True
    >>> has_all_words("Room for 2", ["room", "breakfast"])
    False
    """
    padded = f" {normalize(_text(text, 'has_all_words'))} "
    entries = _word_list(words, "has_all_words")
    return bool(entries) and all(_has(padded, entry) for entry in entries)


def has_phrase(text: Any, phrase: Any) -> bool:
    """Return whether ``text`` contains the words of ``phrase`` together and in order.

    >>> has_phrase("I want to CANCEL my order!", "cancel my order")
    True
    >>> has_phrase("cancel the order", "cancel order")
    False
    """
    entry = normalize(_text(phrase, "has_phrase"))
    return bool(entry) and _has(f" {normalize(_text(text, 'has_phrase'))} ", entry)


def has_number(text: Any) -> bool:
    """Return whether ``text`` contains a number ("3", "-2", "4.5", "4,5").

    >>> has_number("I give it 4 stars")
    True
    >>> has_number("four stars")
    False
    """
    return next(find_numbers(_text(text, "has_number")), None) is not None


def has_number_between(text: Any, low: Any, high: Any) -> bool:
    """Return whether ``text`` contains a number from ``low`` to ``high`` (both included).

    >>> has_number_between("I give it 4 stars", 1, 5)
    True
    >>> has_number_between("I give it 14 stars", 1, 5)
    False
    """
    low_number = number(low)
    high_number = number(high)
    return any(
        low_number <= found <= high_number
        for found in find_numbers(_text(text, "has_number_between"))
    )


def has_date(text: Any) -> bool:
    """Return whether ``text`` contains a valid date (dd/mm/yyyy, dd/mm, dd.mm.yyyy, yyyy-mm-dd).

    >>> has_date("Can we move it to 03/12?")
    True
    >>> has_date("on 31/02/2026")
    False
    """
    return next(find_dates(_text(text, "has_date")), None) is not None


def has_phone(text: Any) -> bool:
    """Return whether ``text`` contains a phone number: an optional "+" and 6 to 15 digits.

    >>> has_phone("call me on +33 6 12 34 56 78")
    True
    >>> has_phone("room 12")
    False
    """
    return next(find_phones(_text(text, "has_phone")), None) is not None


def _strip_punctuation(token: str) -> str:
    start, end = 0, len(token)
    while start < end and is_separator(token[start]):
        start += 1
    while end > start and is_separator(token[end - 1]):
        end -= 1
    return token[start:end]


def word(text: Any, index: Any) -> str:
    """Return the word at ``index`` (0 is the first, -1 the last) as typed, or "" if absent.

    Words are separated by spaces; punctuation around a word is dropped.

    >>> word("Vote: A!", 1)
    'A'
    >>> word("Vote: A!", 5)
    ''
    """
    position = number(index)
    if not isinstance(position, int):
        raise EvalError(f"word() needs a whole number as index, not {describe(index)}")
    tokens = [t for t in map(_strip_punctuation, _text(text, "word").split()) if t]
    if -len(tokens) <= position < len(tokens):
        return tokens[position]
    return ""


def lower(value: Any) -> str:
    """Return ``value`` as text in lower case.

    >>> lower("T-Shirt")
    't-shirt'
    """
    return _text(value, "lower").lower()


def upper(value: Any) -> str:
    """Return ``value`` as text in upper case.

    >>> upper("abc 1")
    'ABC 1'
    """
    return _text(value, "upper").upper()


def title(value: Any) -> str:
    """Return ``value`` as text with each word capitalised.

    >>> title("jean-paul DUPONT")
    'Jean-Paul Dupont'
    """
    return _text(value, "title").title()


def trim(value: Any) -> str:
    """Return ``value`` as text without spaces at either end.

    >>> trim("  hello  ")
    'hello'
    """
    return _text(value, "trim").strip()


def length(value: Any) -> int:
    """Return the number of characters of a text, or of items of a list or map; null is 0.

    >>> length("hello"), length([1, 2]), length(None)
    (5, 2, 0)
    """
    if value is None:
        return 0
    if isinstance(value, (str, list, tuple, Mapping, set, frozenset)):
        return len(value)
    raise EvalError(f"length() needs a text, a list or a map, not {describe(value)}")


def default(value: Any, fallback: Any) -> Any:
    """Return ``fallback`` when ``value`` is null or "", else ``value``.

    In conditions and templates, an unknown name as first argument also gives the fallback:
    ``default(contact.nickname, 'friend')`` and ``{contact.nickname|default('friend')}`` work
    for contacts without a nickname (any other evaluation error still raises).

    >>> default("", "friend"), default("Ann", "friend"), default(0, 5)
    ('friend', 'Ann', 0)
    """
    if value is None or value == "":
        return fallback
    return value


_NAMES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "en": (
        ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
        ("January", "February", "March", "April", "May", "June",
         "July", "August", "September", "October", "November", "December"),
    ),
    "fr": (
        ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"),
        ("janvier", "février", "mars", "avril", "mai", "juin",
         "juillet", "août", "septembre", "octobre", "novembre", "décembre"),
    ),
    "es": (
        ("lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo"),
        ("enero", "febrero", "marzo", "abril", "mayo", "junio",
         "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre"),
    ),
    "de": (
        ("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag"),
        ("Januar", "Februar", "März", "April", "Mai", "Juni",
         "Juli", "August", "September", "Oktober", "November", "Dezember"),
    ),
}  # fmt: skip
"""Day and month names by language, spelled here so that the process locale changes nothing."""
_DIRECTIVE = re.compile(r"%(-?)(.)", re.DOTALL)
_UNPADDED = frozenset("dmHIMSjy")
_MONTH_DAY_DIRECTIVES = frozenset("dmbBe%")


@dataclass(frozen=True, slots=True)
class _MonthDay:
    """A day of a month without a year ("--12-03"), as a date capture without a year gives."""

    month: int
    day: int


def _read_date(value: Any) -> dt.date | _MonthDay:
    """Return ``value`` (a datetime, a date, or an ISO 8601 or dd/mm/yyyy text) as a date."""
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("--") and len(text) == 7:
            try:
                month, day = int(text[2:4]), int(text[5:7])
                dt.date(2000, month, day)
            except ValueError:
                pass
            else:
                return _MonthDay(month, day)
        try:
            return dt.datetime.fromisoformat(text)
        except ValueError:
            pass
        iso = parse_date(text)
        if iso is not None and not iso.startswith("--"):
            return dt.date.fromisoformat(iso)
        if iso is not None:
            return _read_date(iso)
    raise EvalError(f"cannot read {describe(value)} as a date")


def in_zone(value: str | dt.datetime, zone: dt.tzinfo) -> Any:
    """Return a date-time that carries its own offset moved to ``zone``; anything else as is.

    >>> import datetime as dt
    >>> in_zone("2026-01-08T13:30:00Z", dt.timezone(dt.timedelta(hours=1))).isoformat()
    '2026-01-08T14:30:00+01:00'
    >>> in_zone("2026-01-08", dt.timezone.utc)
    '2026-01-08'
    """
    when = value
    if isinstance(value, str):
        try:
            when = dt.datetime.fromisoformat(value.strip())
        except ValueError:
            return value
    if isinstance(when, dt.datetime) and when.tzinfo is not None:
        return when.astimezone(zone)
    return value


def date(value: Any, fmt: Any = "%d/%m/%Y", language: Any = "en") -> str:
    """Return the date ``value`` written with ``fmt`` (strftime codes), names in ``language``.

    ``value`` is a datetime, a date, or a text in ISO 8601 ("2026-12-03T10:00:00+01:00") or
    dd/mm/yyyy. ``%-d`` and friends drop the leading zero. A month-day ("--12-03") formats only
    days and months. Day and month names exist in en, fr, es and de.

    >>> date("2026-12-03T10:00:00+01:00", "%A %d %B at %H:%M")
    'Thursday 03 December at 10:00'
    >>> date("2026-12-03T10:00:00+01:00", "%A %-d %B à %Hh%M", "fr")
    'jeudi 3 décembre à 10h00'
    >>> date("2026-12-03")
    '03/12/2026'
    >>> date("--12-03", "%-d %b")
    '3 Dec'
    """
    if not isinstance(fmt, str):
        raise EvalError(f"date() needs a format text, not {describe(fmt)}")
    names = _NAMES.get(str(language).lower())
    if names is None:
        raise EvalError(
            f"date() knows the names of days and months in {', '.join(_NAMES)}, "
            f"not {to_text(language)!r}"
        )
    weekdays, months = names
    when = _read_date(value)

    def directive(match: re.Match[str]) -> str:
        unpadded, code = match[1] == "-", match[2]
        if code == "%":
            return "%"
        if isinstance(when, _MonthDay):
            if code not in _MONTH_DAY_DIRECTIVES:
                raise EvalError(f"cannot format the date {to_text(value)!r} without a year")
            if code in "de":
                return str(when.day) if unpadded or code == "e" else f"{when.day:02d}"
            if code == "m":
                return str(when.month) if unpadded else f"{when.month:02d}"
            name = months[when.month - 1]
            return name if code == "B" else name[:3]
        # Names are spelled here, not by strftime, so that the process locale cannot change them.
        if code == "A":
            return weekdays[when.weekday()]
        if code == "a":
            return weekdays[when.weekday()][:3]
        if code == "B":
            return months[when.month - 1]
        if code == "b":
            return months[when.month - 1][:3]
        written = when.strftime(f"%{code}")
        if unpadded and code in _UNPADDED:
            return str(int(written))
        return written

    return _DIRECTIVE.sub(directive, fmt)


def number(value: Any) -> int | float:
    """Return ``value`` as a number: numbers stay, texts like "12", "-2", "4,5" are read.

    >>> number("4,5"), number(" 12 "), number(3)
    (4.5, 12, 3)
    """
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    if isinstance(value, str):
        found = parse_number(value)
        if found is not None:
            return found
    raise EvalError(f"{describe(value)} is not a number")


def join(items: Any, separator: Any = ", ") -> str:
    """Return the items of a list as text, separated by ``separator``.

    >>> join(["a", 1, 2.0], " / ")
    'a / 1 / 2'
    >>> join([])
    ''
    """
    if items is None:
        return ""
    if isinstance(items, str):
        return items
    if isinstance(items, (list, tuple)):
        return _text(separator, "join").join(to_text(item) for item in items)
    raise EvalError(f"join() needs a list, not {describe(items)}")


FUNCTIONS: Mapping[str, Callable[..., Any]] = MappingProxyType(
    {
        function.__name__: function
        for function in (
            has_any_word,
            has_all_words,
            has_phrase,
            has_number,
            has_number_between,
            has_date,
            has_phone,
            word,
            lower,
            upper,
            title,
            trim,
            length,
            default,
            date,
            number,
            join,
        )
    }
)


@dataclass(frozen=True, slots=True)
class Signature:
    """How many arguments a function takes, and how to write a call to it."""

    least: int
    most: int
    usage: str


def _signature(name: str, function: Callable[..., Any]) -> Signature:
    parameters = inspect.signature(function).parameters.values()
    required = [p.name for p in parameters if p.default is inspect.Parameter.empty]
    optional = [p.name for p in parameters if p.default is not inspect.Parameter.empty]
    shown = ", ".join([*required, *(f"[{o}]" for o in optional)])
    return Signature(len(required), len(required) + len(optional), f"{name}({shown})")


SIGNATURES: Mapping[str, Signature] = MappingProxyType(
    {name: _signature(name, function) for name, function in FUNCTIONS.items()}
)
