"""Own turning a table's rows into contacts: columns, E.164 numbers, merges, refused rows.

A ``phone`` column (or ``telephone``, ``téléphone``, ``mobile``, ``numero``, ``numéro``,
``msisdn``, in any case and with or without accents) is required; ``name``, ``language``,
``timezone`` and ``groups`` (split on ``,`` or ``;``) are understood; any other column is a
contact field named after its header in snake_case. Rows of the same number merge field by
field: a later non-empty cell wins, groups add up.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

import phonenumbers

from engine.contacts.files import Table, TableError

__all__ = ["ImportPlan", "PhoneReader", "Record", "Refused", "field_name", "plan_import"]

PHONE_NAMES = ("phone", "telephone", "mobile", "numero", "msisdn")
KNOWN = ("name", "language", "timezone")
GROUP_NAMES = ("groups", "group")
_NOT_WORD = re.compile(r"[^0-9a-z]+")
_GROUP_SPLIT = re.compile(r"[,;]")
_DIGITS = re.compile(r"[0-9]+")
_SEPARATORS = re.compile(r"[\s.\-/()]+")


def field_name(header: str) -> str:
    """``Date de naissance`` → ``date_de_naissance``; ``Prénom`` → ``prenom``; ``2e`` → ``_2e``."""
    plain = unicodedata.normalize("NFKD", header.strip().lower())
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch))
    name = _NOT_WORD.sub("_", plain).strip("_")
    if name and name[0].isdigit():
        name = "_" + name
    return name


class PhoneReader:
    """Read phone numbers as E.164 with a default country (ISO 3166 alpha-2, or None)."""

    def __init__(self, country: str | None) -> None:
        self.country = country.upper() if country else None

    def where(self) -> str:
        return f"for {self.country}" if self.country else "(give a country, or write it +CC…)"

    def e164(self, raw: str) -> str | None:
        """The number in E.164 (``+33612345678``), or None when phonenumbers says it is not
        valid. ``0033…`` and, failing the country, bare international digits (``33612…``,
        as suppression lists write them) are read too."""
        text = raw.strip()
        if not text:
            return None
        found = self._parse(text, self.country)
        if found is None and text[0] not in "+0":
            compact = _SEPARATORS.sub("", text)
            if _DIGITS.fullmatch(compact) and len(compact) >= 8:
                found = self._parse("+" + compact, None)
        return found

    @staticmethod
    def _parse(text: str, country: str | None) -> str | None:
        if country is None and text.startswith("00"):
            text = "+" + text[2:]
        try:
            number = phonenumbers.parse(text, country)
        except phonenumbers.NumberParseException:
            return None
        if not phonenumbers.is_valid_number(number):
            return None
        return f"+{number.country_code}{phonenumbers.national_significant_number(number)}"


@dataclass(slots=True)
class Record:
    """One contact as the file says it: fields (name, language, timezone among them), groups."""

    phone: str
    fields: dict[str, str] = field(default_factory=dict)
    groups: list[str] = field(default_factory=list)
    row: int = 0

    def merge(self, later: Record) -> None:
        """Take ``later``'s non-empty fields; add its groups."""
        self.fields.update(later.fields)
        for group in later.groups:
            if group not in self.groups:
                self.groups.append(group)


@dataclass(frozen=True, slots=True)
class Refused:
    row: int
    value: str
    reason: str

    def line(self) -> str:
        shown = f"'{self.value}': " if self.value else ""
        return f"row {self.row}: {shown}{self.reason}"


@dataclass(slots=True)
class ImportPlan:
    records: dict[str, Record] = field(default_factory=dict)
    """E.164 number → the contact, merged over every row of that number."""
    refused: list[Refused] = field(default_factory=list)


def _split_groups(text: str) -> list[str]:
    groups: list[str] = []
    for part in _GROUP_SPLIT.split(text):
        name = part.strip()
        if name and name not in groups:
            groups.append(name)
    return groups


def _columns(table: Table, source: str) -> tuple[int, list[str]]:
    """The phone column's index and the field name of every column ('' for an unnamed one)."""
    names = [field_name(header) for header in table.header]
    phone = next((names.index(n) for n in PHONE_NAMES if n in names), None)
    if phone is None:
        shown = ", ".join(h for h in table.header if h) or "none"
        raise TableError(
            f"{source} has no phone column (row 1 names: {shown}); name one of its columns "
            "phone, telephone, mobile, numero or msisdn"
        )
    seen: dict[str, int] = {}
    for index, name in enumerate(names):
        if name and name in seen:
            raise TableError(
                f"{source}: row 1 names the column '{name}' twice "
                f"({_letter(seen[name])} and {_letter(index)})"
            )
        seen[name] = index
    return phone, names


def _letter(index: int) -> str:
    """A spreadsheet's name of the column at ``index`` (0 → A, 26 → AA)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def plan_import(
    table: Table, phones: PhoneReader, source: str, groups: tuple[str, ...] = ()
) -> ImportPlan:
    """Every contact of ``table``, merged by number, and the rows refused with their reason."""
    phone_at, names = _columns(table, source)
    width = len(names)
    plan = ImportPlan()
    for number, cells in table.rows:
        problem = _shape(cells, width, table.short_rows, names)
        raw = cells[phone_at] if phone_at < len(cells) else ""
        if problem is not None:
            plan.refused.append(Refused(number, "", problem))
            continue
        if not raw:
            plan.refused.append(Refused(number, "", "no phone number"))
            continue
        e164 = phones.e164(raw)
        if e164 is None:
            plan.refused.append(Refused(number, raw, f"not a valid phone number {phones.where()}"))
            continue
        record = Record(e164, row=number, groups=list(groups))
        for index, value in enumerate(cells[:width]):
            name = names[index]
            if not value or index == phone_at:
                continue
            if name in GROUP_NAMES:
                record.merge(Record(e164, groups=_split_groups(value)))
            else:
                record.fields[name] = value
        known = plan.records.get(e164)
        if known is None:
            plan.records[e164] = record
        else:
            known.merge(record)
    return plan


def _shape(cells: list[str], width: int, short_ok: bool, names: list[str]) -> str | None:
    """What is wrong with the row's shape, or None."""
    extra = [cell for cell in cells[width:] if cell]
    if extra or (len(cells) < width and not short_ok):
        return f"{len(cells)} cells, but row 1 names {width} columns"
    for index, value in enumerate(cells[:width]):
        if value and not names[index]:
            return f"a value in column {_letter(index)}, which row 1 leaves without a name"
    return None
