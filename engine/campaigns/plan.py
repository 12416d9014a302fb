"""Own a campaign's plan: its recipients, each with the moment they may get it, and those it
leaves out with the reason (opted out, invalid number, duplicate, a country the number cannot
reach, no date for a per-recipient time).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

import phonenumbers

from engine.core.model import EMPTY
from engine.core.quiet import UTC_ZONE, recipient_zone, zone_named
from engine.ruleset.campaigns import Campaign
from engine.ruleset.model import Settings
from engine.store.campaigns import Recipient

__all__ = ["Candidate", "Plan", "make_plan", "pace"]


class Candidate(NamedTuple):
    """Someone the audience names: a stored contact, or a row of the audience file (a named
    tuple: a campaign makes 100,000 of them at once)."""

    phone: str
    fields: Mapping[str, Any] = EMPTY
    groups: tuple[str, ...] = ()
    params: Mapping[str, Any] = EMPTY
    """Flow parameters (the audience file's columns)."""


@dataclass(frozen=True, slots=True, repr=False)
class Plan:
    campaign: Campaign
    recipients: list[Recipient]
    """Those who wait (``reason`` None) and those excluded, one row per number."""
    candidates: Mapping[str, Candidate]
    """The waiting recipients' contacts, by number (to render their messages)."""
    excluded: Counter[str]
    """Reason → how many, duplicates and refused rows of a file included."""

    def __repr__(self) -> str:
        # Short: asyncio.run (3.11) formats the repr of its main task's result when it ends,
        # and a plan of 100,000 recipients took a second to print in full.
        return f"Plan({self.campaign.id!r}, {len(self.recipients):,} recipients)"

    @property
    def waiting(self) -> list[Recipient]:
        return [r for r in self.recipients if r.reason is None]


@lru_cache(maxsize=64)
def _calling_code(country: str) -> tuple[str, bool]:
    """``+33`` for FR, and whether no other country shares it (``+1`` and ``+7`` are shared)."""
    code = phonenumbers.country_code_for_region(country)
    if not code:
        return "", False
    return f"+{code}", len(phonenumbers.COUNTRY_CODE_TO_REGION_CODE.get(code, ())) == 1


def reachable(sender: str, phone: str, country: str | None) -> bool:
    """A short code (no ``+``, at most 8 digits) reaches its own country only."""
    if sender.startswith("+") or len(sender) > 8 or country is None:
        return True
    prefix, alone = _calling_code(country.upper())
    if not prefix or not phone.startswith(prefix):
        return False
    if alone:
        return True  # the country has its calling code to itself: no need to parse
    try:  # a shared calling code (+1, +7…): which country of it
        region = phonenumbers.region_code_for_number(phonenumbers.parse(phone, None))
    except phonenumbers.NumberParseException:
        return False
    return region == country.upper()


def _when(value: Any, zone: ZoneInfo) -> datetime | None:
    """A contact field holding a date and time (ISO 8601, with or without offset: without, in
    the recipient's zone), as written by a spreadsheet or an import."""
    if isinstance(value, datetime):
        moment = value
    else:
        text = str(value or "").strip()
        if not text:
            return None
        try:
            moment = datetime.fromisoformat(text.replace("/", "-"))
        except ValueError:
            return None
    return moment if moment.tzinfo else moment.replace(tzinfo=zone)


def make_plan(
    campaign: Campaign,
    settings: Settings,
    candidates: Iterable[Candidate],
    *,
    opted_out: set[str],
    now: datetime,
    country: str | None,
    refused: Sequence[tuple[str, str]] = (),
    duplicates: int = 0,
) -> Plan:
    """Who gets ``campaign`` and from when; ``refused`` are (value, reason) of unreadable rows."""
    default = zone_named(settings.timezone) or UTC_ZONE
    window = campaign.window(settings)
    recipients: list[Recipient] = []
    kept: dict[str, Candidate] = {}
    excluded: Counter[str] = Counter()
    excluded["duplicate"] += duplicates
    for value, why in refused:
        excluded[why] += 1
        recipients.append(Recipient(value[:64] or "?", "UTC", reason=why))
    base = max(now, campaign.at) if campaign.at else now
    allowed: dict[tuple[str, datetime], datetime] = {}
    for candidate in candidates:
        phone = candidate.phone
        if phone in kept:
            excluded["duplicate"] += 1
            continue
        zone = recipient_zone(phone, candidate.fields, default)
        reason: str | None = None
        due = base
        if phone in opted_out:
            reason = "opted out"
        elif not reachable(campaign.number, phone, country):
            reason = f"a country {campaign.number} cannot reach"
        elif campaign.at_field is not None:
            field_value = candidate.fields.get(
                campaign.at_field, candidate.params.get(campaign.at_field)
            )
            moment = _when(field_value, zone)
            if moment is None:
                reason = f"no date in '{campaign.at_field}'"
            else:
                due = moment + campaign.at_offset
                if due < now - timedelta(minutes=1):
                    reason = "its time has passed"
                due = max(due, now)
        if reason is not None:
            excluded[reason] += 1
            recipients.append(Recipient(phone, zone.key, reason=reason))
            continue
        if window is not None:
            key = (zone.key, due)
            if key not in allowed:  # most recipients share a zone and a time
                allowed[key] = window.next_allowed(due, zone)
            due = allowed[key]
        kept[phone] = candidate
        recipients.append(Recipient(phone, zone.key, due.astimezone(UTC), candidate.params))
    return Plan(campaign, recipients, kept, excluded)


def pace(dues: Iterable[datetime], rate: float | None) -> tuple[datetime | None, datetime | None]:
    """When the first and the last message go: each no sooner than its due time, and no two
    closer than ``1 / rate`` seconds (as fast as due when there is no rate)."""
    first = last = None
    gap = timedelta(seconds=1 / rate) if rate else timedelta()
    for due in sorted(dues):
        slot = due if last is None else max(due, last + gap)
        first = first or slot
        last = slot
    return first, last
