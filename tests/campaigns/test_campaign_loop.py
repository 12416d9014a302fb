"""Campaigns in the engine: recipients started at the campaign's pace, held by quiet hours and let
go when they end, skipped when opted out or over the marketing cap, replies credited."""

from __future__ import annotations

import textwrap
from datetime import UTC, datetime, timedelta
from pathlib import Path

from engine.campaigns.plan import Candidate, make_plan
from engine.core.clock import FixedClock
from engine.results import compute_campaigns
from engine.ruleset.compiler import compile_rules
from engine.ruleset.ruleset import RuleSet
from engine.testing import Harness

NUMBER = "36111"
# Friday 8 January 2027, 19:59:57 in Paris: three seconds before fr-marketing's quiet hours.
FRIDAY_EVENING = datetime(2027, 1, 8, 18, 59, 57, tzinfo=UTC)
SATURDAY_8AM = datetime(2027, 1, 9, 7, 0, tzinfo=UTC)
MONDAY_8AM = datetime(2027, 1, 11, 7, 0, tzinfo=UTC)
PHONES = [f"+3361234{i:04d}" for i in range(10)]

SETTINGS = """
settings:
  timezone: Europe/Paris
"""

SURVEY = """
survey: Avis
trigger: {keyword: AVIS}
number: "36111"
questions:
  - id: note
    ask: "Bonjour {contact.name}, quelle note sur 10 ?"
    type: number
    min: 0
    max: 10
outro: "Merci !"
"""

CAMPAIGN = """
campaign: Avis de janvier
audience: {group: clients}
number: "36111"
start: avis
throughput: 2/s
quiet_hours: fr-marketing
"""


def rules(tmp_path: Path, **files: str) -> RuleSet:
    folder = tmp_path / "rules"
    folder.mkdir(exist_ok=True)
    for name, text in files.items():
        (folder / f"{name}.yaml").write_text(textwrap.dedent(text), encoding="utf-8")
    return compile_rules(folder).raise_for_errors()


async def start_campaign(harness: Harness, ruleset: RuleSet, name: str, phones: list[str]) -> int:
    campaign = ruleset.campaigns[name]
    for i, phone in enumerate(phones):
        await harness.store.save_contact(phone, fields={"name": f"N{i}"}, groups=["clients"])
    plan = make_plan(
        campaign,
        ruleset.settings,
        [Candidate(p, {"name": f"N{i}"}) for i, p in enumerate(phones)],
        opted_out=set(),
        now=harness.clock.now(),
        country="FR",
    )
    created = await harness.store.create_campaign(
        name=name,
        title=campaign.title,
        number=campaign.number,
        flow=campaign.flow,
        kind=campaign.kind,
        throughput=campaign.throughput,
        window=campaign.window(ruleset.settings),
        recipients=plan.recipients,
        ruleset_version=ruleset.version,
    )
    assert created is not None
    return created


async def tick(harness: Harness) -> list[tuple[str, str]]:
    await harness.service.campaigns.tick()
    await harness.service.idle()
    return [(m.recipient, m.text) for m in harness.transport.take()]


async def test_recipients_go_at_the_pace_and_the_rest_wait_out_quiet_hours(tmp_path: Path) -> None:
    ruleset = rules(tmp_path, settings=SETTINGS, avis=SURVEY, janvier=CAMPAIGN)
    clock = FixedClock(FRIDAY_EVENING)
    half = timedelta(seconds=0.5)  # 2/s: one recipient every half second
    async with Harness(ruleset, db=str(tmp_path / "t.db"), clock=clock) as harness:
        await start_campaign(harness, ruleset, "janvier", PHONES)
        assert await tick(harness) == [(PHONES[0], "Bonjour N0, quelle note sur 10 ?")]
        for phone in PHONES[1:6]:  # 19:59:57.5 … 19:59:59.5
            clock.advance(half)
            assert [p for p, _ in await tick(harness)] == [phone]
        clock.advance(half)  # 20:00:00 in Paris: quiet until Saturday 08:00
        assert await tick(harness) == []
        status = await harness.store.campaign_status(await harness.store.campaign("janvier"))
        assert (status.started, status.held, status.held_until) == (6, 4, SATURDAY_8AM)
        clock.set(SATURDAY_8AM - timedelta(seconds=1))
        assert await tick(harness) == []
        clock.set(SATURDAY_8AM)
        # No burst after the window: the pace from the first second, no credit saved up.
        assert [p for p, _ in await tick(harness)] == PHONES[6:7]
        assert await tick(harness) == []
        for phone in PHONES[7:]:
            clock.advance(half)
            assert [p for p, _ in await tick(harness)] == [phone]
        clock.advance(half)
        assert await tick(harness) == []
        row = await harness.store.campaign("janvier")
        assert row is not None and row.status == "done"


async def test_replies_and_opt_outs_are_credited_to_the_campaign(tmp_path: Path) -> None:
    ruleset = rules(tmp_path, settings=SETTINGS, avis=SURVEY, janvier=CAMPAIGN)
    clock = FixedClock(MONDAY_8AM)
    async with Harness(ruleset, db=str(tmp_path / "t.db"), clock=clock) as harness:
        await start_campaign(harness, ruleset, "janvier", PHONES[:2])
        assert len(await tick(harness)) == 1
        clock.advance(timedelta(seconds=0.5))
        assert len(await tick(harness)) == 1
        assert [m.text for m in await harness.send(PHONES[0], NUMBER, "9")] == ["Merci !"]
        await harness.send(PHONES[1], NUMBER, "STOP")
        await harness.send(PHONES[1], NUMBER, "STOP")
        status = await harness.store.campaign_status(await harness.store.campaign("janvier"))
        assert (status.started, status.replied, status.opted_out) == (2, 2, 1)
        clock.advance(timedelta(seconds=1))
        assert await tick(harness) == []  # no one waits: the campaign is done
        [result] = await compute_campaigns(harness.store)
        assert (result.name, result.status, result.recipients, result.sent) == (
            "janvier",
            "done",
            2,
            2,
        )
        assert (result.replied, result.opted_out, result.response_rate) == (2, 1, 1.0)


async def test_one_opted_out_after_the_start_and_one_over_the_cap_are_skipped(
    tmp_path: Path,
) -> None:
    capped = SETTINGS + "  marketing_cap: 1/week\n"
    second = CAMPAIGN.replace("Avis de janvier", "Relance").replace("2/s", "10/s")
    ruleset = rules(tmp_path, settings=capped, avis=SURVEY, janvier=CAMPAIGN, relance=second)
    clock = FixedClock(MONDAY_8AM)
    async with Harness(ruleset, db=str(tmp_path / "t.db"), clock=clock) as harness:
        await start_campaign(harness, ruleset, "janvier", PHONES[:1])
        assert len(await tick(harness)) == 1
        await start_campaign(harness, ruleset, "relance", PHONES[:3])
        await harness.send(PHONES[1], NUMBER, "STOP")
        clock.advance(timedelta(seconds=1))
        assert [p for p, _ in await tick(harness)] == [PHONES[2]]
        status = await harness.store.campaign_status(await harness.store.campaign("relance"))
        assert dict(status.skipped) == {"marketing cap": 1, "opted out": 1}
        assert status.started == 1


async def test_a_paused_campaign_starts_no_one_until_resumed(tmp_path: Path) -> None:
    ruleset = rules(tmp_path, settings=SETTINGS, avis=SURVEY, janvier=CAMPAIGN)
    clock = FixedClock(MONDAY_8AM)
    async with Harness(ruleset, db=str(tmp_path / "t.db"), clock=clock) as harness:
        await start_campaign(harness, ruleset, "janvier", PHONES[:3])
        await harness.store.set_campaign_status("janvier", "paused")
        clock.advance(timedelta(seconds=5))
        assert await tick(harness) == []
        await harness.store.set_campaign_status("janvier", "running")
        assert len(await tick(harness)) == 1  # a new bucket: no credit for the pause
        clock.advance(timedelta(seconds=0.5))
        assert len(await tick(harness)) == 1
        await harness.store.set_campaign_status("janvier", "cancelled")
        clock.advance(timedelta(seconds=5))
        assert await tick(harness) == []
        status = await harness.store.campaign_status(await harness.store.campaign("janvier"))
        assert (status.started, status.cancelled) == (2, 1)


SETTINGS_QUIET = SETTINGS + '  quiet_hours: {from: "21:00", to: "08:00"}\n'

REMINDER = """
flow: Rappel
trigger: {keyword: RDV}
number: "36111"
start: demande
states:
  demande:
    say: "Répondez OUI pour confirmer."
    wait:
      - keyword: OUI
        say: "Confirmé."
        end: true
    timeout: {after: 2h, then: relance}
  relance:
    say: "Rappel : répondez OUI pour confirmer."
    end: true
"""


async def test_a_reminder_due_in_quiet_hours_waits_for_the_morning(tmp_path: Path) -> None:
    ruleset = rules(tmp_path, settings=SETTINGS_QUIET, rappel=REMINDER)
    evening = datetime(2027, 1, 11, 19, 30, tzinfo=UTC)  # 20:30 in Paris
    clock = FixedClock(evening)
    async with Harness(ruleset, db=str(tmp_path / "t.db"), clock=clock) as harness:
        # A reply to someone writing now is not held.
        assert [m.text for m in await harness.send(PHONES[0], NUMBER, "RDV")] == [
            "Répondez OUI pour confirmer."
        ]
        assert await harness.advance(timedelta(hours=2)) == []  # 22:30: held
        clock.set(datetime(2027, 1, 12, 6, 59, tzinfo=UTC))
        assert await tick(harness) == []
        clock.set(datetime(2027, 1, 12, 7, 0, tzinfo=UTC))  # 08:00 in Paris
        assert [text for _, text in await tick(harness)] == [
            "Rappel : répondez OUI pour confirmer."
        ]


POLL = """
poll: Sondage
trigger: {keyword: VOTE}
number: "36111"
choices: {A: Oui, B: Non}
"""

TALLY_CAMPAIGN = """
campaign: Relance du sondage
audience: {group: clients}
number: "36111"
kind: transactional
say: "Déjà {poll.sondage.total} votes. Répondez VOTE A ou VOTE B."
"""


async def test_a_campaign_s_first_message_reads_the_poll_counts(tmp_path: Path) -> None:
    ruleset = rules(tmp_path, settings=SETTINGS, sondage=POLL, relance=TALLY_CAMPAIGN)
    clock = FixedClock(MONDAY_8AM)
    async with Harness(ruleset, db=str(tmp_path / "t.db"), clock=clock) as harness:
        await harness.send(PHONES[5], NUMBER, "VOTE A")
        await harness.send(PHONES[6], NUMBER, "VOTE B")
        await start_campaign(harness, ruleset, "relance", PHONES[:1])
        assert await tick(harness) == [(PHONES[0], "Déjà 2 votes. Répondez VOTE A ou VOTE B.")]
