"""Contact groups end to end: set by rules, kept by the store, seen by later messages."""

from __future__ import annotations

import asyncio
import textwrap
from datetime import UTC, datetime
from pathlib import Path

from engine.core.clock import FixedClock
from engine.ruleset.compiler import compile_rules
from engine.ruleset.ruleset import RuleSet
from engine.testing import Harness

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
PHONE = "+33600000001"
NUMBER = "36111"

RULES = """
autoreply:
  - keyword: JOIN
    set: {contact.groups: [vip]}
    reply: "Welcome to the club."
  - when: 'text ~ /^status$/i and "vip" in contact.groups'
    reply: "VIP line: {contact.groups|join(', ')}"
  - when: 'text ~ /^status$/i'
    reply: "Standard line ({contact.groups|length} groups)"
"""


def _rules(tmp_path: Path, text: str = RULES) -> RuleSet:
    folder = tmp_path / "rules"
    folder.mkdir()
    (folder / "club.yaml").write_text(textwrap.dedent(text), encoding="utf-8")
    return compile_rules(folder).raise_for_errors()


async def test_groups_set_by_a_rule_are_seen_by_a_later_message_of_another_batch(
    tmp_path: Path,
) -> None:
    db = str(tmp_path / "t.db")
    async with Harness(_rules(tmp_path), db=db, clock=FixedClock(START)) as harness:
        assert [m.text for m in await harness.send(PHONE, NUMBER, "STATUS")] == [
            "Standard line (0 groups)"
        ]
        assert [m.text for m in await harness.send(PHONE, NUMBER, "JOIN")] == [
            "Welcome to the club."
        ]
        assert [m.text for m in await harness.send(PHONE, NUMBER, "STATUS")] == ["VIP line: vip"]
        stored = await harness.store.contact(PHONE)
        assert stored is not None and stored.groups == ("vip",)
        assert "groups" not in stored.fields


async def test_groups_set_by_a_rule_are_seen_by_the_next_message_of_the_same_batch(
    tmp_path: Path,
) -> None:
    db = str(tmp_path / "t.db")
    async with Harness(_rules(tmp_path), db=db, clock=FixedClock(START)) as harness:
        await asyncio.gather(
            *(harness.transport.deliver(PHONE, NUMBER, t, START) for t in ("JOIN", "STATUS"))
        )
        await harness.service.idle()
        assert [m.text for m in harness.transport.take()] == [
            "Welcome to the club.",
            "VIP line: vip",
        ]


async def test_groups_saved_in_the_store_are_seen_by_conditions_and_templates(
    tmp_path: Path,
) -> None:
    db = str(tmp_path / "t.db")
    async with Harness(_rules(tmp_path), db=db, clock=FixedClock(START)) as harness:
        await harness.store.save_contact(PHONE, groups=["vip", "paris"])
        assert [m.text for m in await harness.send(PHONE, NUMBER, "STATUS")] == [
            "VIP line: paris, vip"
        ]


TAGS = """
autoreply:
  - keyword: JOIN
    tag: [vip, newsletter]
    reply: "Welcome."
  - keyword: LEAVE
    untag: [vip]
    reply: "Goodbye."
"""


async def test_tag_and_untag_are_stored_with_an_event_each(tmp_path: Path) -> None:
    db = str(tmp_path / "t.db")
    async with Harness(_rules(tmp_path, TAGS), db=db, clock=FixedClock(START)) as harness:
        await harness.store.save_contact(PHONE, groups=["paris"])
        assert [m.text for m in await harness.send(PHONE, NUMBER, "JOIN")] == ["Welcome."]
        stored = await harness.store.contact(PHONE)
        assert stored is not None and stored.groups == ("newsletter", "paris", "vip")
        assert [m.text for m in await harness.send(PHONE, NUMBER, "LEAVE")] == ["Goodbye."]
        stored = await harness.store.contact(PHONE)
        assert stored is not None and stored.groups == ("newsletter", "paris")
        rows = await harness.store.events()
        changes = [(r["type"], r["data"]) for r in rows if r["type"] in ("tagged", "untagged")]
        assert changes == [
            ("tagged", {"group": "newsletter"}),
            ("tagged", {"group": "vip"}),
            ("untagged", {"group": "vip"}),
        ]
