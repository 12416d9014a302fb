"""Quiet hours: the window, days off and public holidays, in the recipient's time zone."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from engine.core.quiet import PRESETS, parse_quiet_hours, recipient_zone

PARIS = ZoneInfo("Europe/Paris")
FR = PRESETS["fr-marketing"]


def paris(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=PARIS)


@pytest.mark.parametrize(
    ("when", "allowed"),
    [
        ("2027-01-08 19:59", "2027-01-08 19:59"),  # Friday evening, still allowed
        ("2027-01-08 20:00", "2027-01-09 08:00"),  # Friday 20:00 → Saturday 08:00
        ("2027-01-09 07:59", "2027-01-09 08:00"),
        ("2027-01-09 20:30", "2027-01-11 08:00"),  # Saturday night → Sunday off → Monday
        ("2027-01-10 12:00", "2027-01-11 08:00"),  # Sunday noon
        ("2026-12-24 21:00", "2026-12-26 08:00"),  # Christmas Day is a public holiday
        ("2027-05-01 10:00", "2027-05-03 08:00"),  # 1 May (a Saturday), then Sunday
        ("2027-07-14 09:00", "2027-07-15 08:00"),  # Bastille Day
    ],
)
def test_fr_marketing_holds_until_the_next_allowed_moment(when: str, allowed: str) -> None:
    assert FR.next_allowed(paris(when), PARIS) == paris(allowed).astimezone(UTC)


def test_a_window_within_one_day_and_named_days_off() -> None:
    lunch = parse_quiet_hours({"from": "12:00", "to": "14:00", "days_off": ["samedi", "Sunday"]})
    assert lunch.quiet(paris("2027-01-08 12:30"))
    assert not lunch.quiet(paris("2027-01-08 14:00"))
    # Saturday and Sunday off: Monday from midnight.
    assert lunch.next_allowed(paris("2027-01-09 10:00"), PARIS) == paris("2027-01-11 00:00")


def test_the_window_follows_the_recipients_zone() -> None:
    new_york = ZoneInfo("America/New_York")
    # 02:00 in Paris is 20:00 in New York: quiet for a New Yorker until 08:00 their time.
    moment = paris("2027-01-12 02:00")
    assert FR.next_allowed(moment, new_york) == datetime(2027, 1, 12, 13, 0, tzinfo=UTC)


def test_a_clock_change_night_does_not_hold_longer() -> None:
    # 29 March 2026: clocks go from 02:00 to 03:00 in Paris; Sunday is off, so Monday 08:00
    # (summer time: 06:00 UTC, not 07:00).
    assert FR.next_allowed(paris("2026-03-28 22:00"), PARIS) == datetime(
        2026, 3, 30, 6, 0, tzinfo=UTC
    )
    # 2027: Easter Monday, 29 March, is a public holiday too.
    assert FR.next_allowed(paris("2027-03-27 22:00"), PARIS) == paris("2027-03-30 08:00")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("uk-marketing", "no quiet-hours preset named 'uk-marketing' (presets: fr-marketing)"),
        ({"from": "20:00"}, "give both 'from' and 'to', or neither"),
        (
            {"from": "25:00", "to": "08:00"},
            "'from' must be a time of day like \"20:00\", not '25:00'",
        ),
        ({"days_off": ["funday"]}, "'funday' is not a day of the week (monday … sunday)"),
        ({"holidays": "XQ"}, "no public holiday calendar for 'XQ' (use a country code: FR)"),
    ],
)
def test_a_bad_window_is_refused_with_a_reason(value: object, message: str) -> None:
    with pytest.raises(ValueError) as caught:
        parse_quiet_hours(value)
    assert str(caught.value) == message


def test_the_recipients_zone_comes_from_the_contact_then_the_number_then_the_deployment() -> None:
    utc = ZoneInfo("UTC")
    assert recipient_zone("+33612345678", {"timezone": "America/Cayenne"}, utc).key == (
        "America/Cayenne"
    )
    assert recipient_zone("+33612345678", {"timezone": "Mars/Olympus"}, utc).key == "Europe/Paris"
    assert recipient_zone("+14155550100", {}, utc).key == "America/Los_Angeles"
    assert recipient_zone("+4915112345678", {}, utc).key == "Europe/Berlin"
    # A mobile number of a country of many zones says none: the deployment's.
    assert recipient_zone("+79161234567", {}, PARIS).key == "Europe/Paris"
    assert recipient_zone("36111", {}, PARIS).key == "Europe/Paris"
