"""Own the recognition of numbers, dates and phone numbers in message text.

Patterns capture them and the ``has_number``/``has_date``/``has_phone`` functions look for them.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

from engine.dsl.values import parse_number

__all__ = [
    "DATE_REGEX",
    "NUMBER_REGEX",
    "PHONE_REGEX",
    "find_dates",
    "find_numbers",
    "find_phones",
    "parse_date",
    "parse_phone",
]

# Sources shared with the pattern compiler (which embeds them in bigger regexes); they use no
# groups, so embedding cannot shift anyone's group numbers.
NUMBER_REGEX = r"[-+]?\d+(?:[.,]\d+)?"
DATE_REGEX = (
    r"\d{4}-\d{1,2}-\d{1,2}"  # 2026-12-03
    r"|\d{1,2}/\d{1,2}(?:/(?:\d{4}|\d{2}))?"  # 03/12/2026, 03/12/26, 03/12
    r"|\d{1,2}\.\d{1,2}\.(?:\d{4}|\d{2})"  # 03.12.2026
    r"|\d{1,2}-\d{1,2}-\d{4}"  # 03-12-2026
)
PHONE_REGEX = r"\+?(?:\(\d{1,4}\)|\d)(?:[ \-.]?(?:\(\d{1,4}\)|\d))*"

_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_DAY_FIRST = re.compile(r"(\d{1,2})([/.\-])(\d{1,2})(?:\2(\d{4}|\d{2}))?")
_FIND_NUMBER = re.compile(rf"(?<![\w.,]){NUMBER_REGEX}(?![\w]|[.,]\d)")
_FIND_DATE = re.compile(rf"(?<![\w./\-])(?:{DATE_REGEX})(?![\w]|[./\-]\d)")
_FIND_PHONE = re.compile(rf"(?<![\w+]){PHONE_REGEX}(?!\w)")
_TRUNK_ZERO = re.compile(r"^(\+\d{1,4})[ \-.]?\(0\)")
_DIGITS = re.compile(r"\d")


def parse_date(text: str) -> str | None:
    """Return the ISO form of a date written dd/mm/yyyy, dd.mm.yyyy, dd-mm-yyyy or yyyy-mm-dd.

    A two-digit year is in 2000-2099. Without a year (dd/mm) the result is ISO 8601's
    month-day form "--MM-DD". An impossible date (31/02) is None.

    >>> parse_date("3/12/2026"), parse_date("2026-12-03"), parse_date("03/12"), parse_date("31/02")
    ('2026-12-03', '2026-12-03', '--12-03', None)
    """
    text = text.strip()
    iso = _ISO.fullmatch(text)
    if iso is not None:
        year, month, day = (int(part) for part in iso.groups())
    else:
        day_first = _DAY_FIRST.fullmatch(text)
        if day_first is None:
            return None
        day, separator, month = int(day_first[1]), day_first[2], int(day_first[3])
        if day_first[4] is None:
            if separator != "/":
                return None
            # 2000 is a leap year: 29/02 without a year is a real day.
            return f"--{month:02d}-{day:02d}" if _is_date(2000, month, day) else None
        year = int(day_first[4])
        if len(day_first[4]) == 2:
            year += 2000
    if not _is_date(year, month, day):
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


def _is_date(year: int, month: int, day: int) -> bool:
    try:
        dt.date(year, month, day)
    except ValueError:
        return False
    return True


def parse_phone(text: str) -> str | None:
    """Return the digits of a phone number (with its leading "+"), or None unless 6-15 digits.

    >>> parse_phone("+33 (0)6 12-34.56 78"), parse_phone("12345")
    ('+33612345678', None)
    """
    text = _TRUNK_ZERO.sub(r"\1", text.strip())
    digits = "".join(_DIGITS.findall(text))
    if not 6 <= len(digits) <= 15:
        return None
    return "+" + digits if text.startswith("+") else digits


def find_numbers(text: str) -> Iterator[int | float]:
    """Yield every number written in ``text``, in order."""
    for match in _FIND_NUMBER.finditer(text):
        number = parse_number(match[0])
        if number is not None:
            yield number


def find_dates(text: str) -> Iterator[str]:
    """Yield the ISO form of every valid date written in ``text``, in order."""
    for match in _FIND_DATE.finditer(text):
        date = parse_date(match[0])
        if date is not None:
            yield date


def find_phones(text: str) -> Iterator[str]:
    """Yield every phone number (6-15 digits) written in ``text``, in order."""
    for match in _FIND_PHONE.finditer(text):
        phone = parse_phone(match[0])
        if phone is not None:
            yield phone
