"""Groups in the runtime: tag, untag and set change them, with an event per change, and every
later condition and template of the step sees the change."""

from __future__ import annotations

from collections.abc import Callable

from engine.core.model import Contact, Event
from engine.ruleset.ruleset import RuleSet
from tests.runtime.conftest import PHONE, message, texts

CLUB = """
autoreply:
  - keyword: JOIN
    tag: [vip, newsletter]
    reply: "You are in: {contact.groups|join(', ')}"
  - keyword: LEAVE
    untag: vip
    reply: "Left. Still in: {contact.groups|join(', ')}"
  - keyword: ONLY
    set: {contact.groups: [trial], contact.city: Paris}
    reply: "Now in: {contact.groups|join(', ')}"
  - match: "GROUPS {names:text}"
    set: {contact.groups: "{names}"}
    reply: "Groups: {contact.groups|join(' / ')}"
  - when: 'text ~ /^status$/i and "vip" in contact.groups'
    reply: "VIP line"
  - when: 'text ~ /^status$/i'
    reply: "Standard line"
"""


def test_tag_adds_groups_and_the_reply_sees_them(rules: Callable[..., RuleSet]) -> None:
    sprint = message(rules(club=CLUB), "join", contact=Contact(PHONE, groups=("paris",)))
    assert texts(sprint) == ["You are in: newsletter, paris, vip"]
    assert sprint.groups == ("newsletter", "paris", "vip")
    changes = [e for e in sprint.events if e.type in ("tagged", "untagged")]
    assert changes == [Event("tagged", {"group": "newsletter"}), Event("tagged", {"group": "vip"})]


def test_tagging_a_group_the_contact_is_in_changes_nothing(rules: Callable[..., RuleSet]) -> None:
    contact = Contact(PHONE, groups=("newsletter", "vip"))
    sprint = message(rules(club=CLUB), "join", contact=contact)
    assert texts(sprint) == ["You are in: newsletter, vip"]
    assert sprint.groups is None
    assert [e.type for e in sprint.events if e.type.endswith("tagged")] == []


def test_untag_removes_a_group(rules: Callable[..., RuleSet]) -> None:
    sprint = message(rules(club=CLUB), "leave", contact=Contact(PHONE, groups=("paris", "vip")))
    assert texts(sprint) == ["Left. Still in: paris"]
    assert sprint.groups == ("paris",)
    assert Event("untagged", {"group": "vip"}) in sprint.events


def test_set_replaces_the_groups_and_keeps_them_out_of_the_fields(
    rules: Callable[..., RuleSet],
) -> None:
    sprint = message(rules(club=CLUB), "only", contact=Contact(PHONE, groups=("vip",)))
    assert texts(sprint) == ["Now in: trial"]
    assert sprint.groups == ("trial",)
    assert dict(sprint.contact_fields) == {"city": "Paris"}
    assert [(e.type, e.data["group"]) for e in sprint.events if e.type.endswith("tagged")] == [
        ("tagged", "trial"),
        ("untagged", "vip"),
    ]


def test_set_from_a_text_reads_names_separated_by_commas(rules: Callable[..., RuleSet]) -> None:
    sprint = message(rules(club=CLUB), "groups vip, gold ,vip")
    assert texts(sprint) == ["Groups: gold / vip"]
    assert sprint.groups == ("gold", "vip")


def test_a_bad_group_name_computed_at_run_time_is_an_error_event(
    rules: Callable[..., RuleSet],
) -> None:
    sprint = message(rules(club=CLUB), "groups vip; gold")
    assert sprint.groups is None
    errors = [e.data["message"] for e in sprint.events if e.type == "error"]
    assert errors == [
        "cannot set 'contact.groups': the group name 'vip; gold' has a comma or a semicolon"
    ]


def test_conditions_read_the_contacts_groups(rules: Callable[..., RuleSet]) -> None:
    ruleset = rules(club=CLUB)
    assert texts(message(ruleset, "status", contact=Contact(PHONE, groups=("vip",)))) == [
        "VIP line"
    ]
    assert texts(message(ruleset, "status")) == ["Standard line"]
