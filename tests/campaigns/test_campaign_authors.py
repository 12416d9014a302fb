"""Who started a campaign and who last paused, resumed or cancelled it, as the store records
them for the REST API and the console (``engine.campaigns.control``): its end by the engine
keeps the last person's name; a campaign starts once."""

from __future__ import annotations

import textwrap
from datetime import UTC, datetime
from pathlib import Path

from engine.campaigns.control import change_status, preview_now, start
from engine.core.clock import FixedClock
from engine.ruleset.compiler import compile_rules
from engine.testing import Harness

NOW = datetime(2027, 1, 11, 9, 0, tzinfo=UTC)
CAMPAIGN = """
campaign: Promo
audience: {file: clients.csv}
number: "36111"
say: "Bonjour {contact.name}"
kind: transactional
"""


async def test_start_and_changes_are_recorded_with_their_author(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "promo.yaml").write_text(textwrap.dedent(CAMPAIGN), encoding="utf-8")
    (rules / "clients.csv").write_text("phone;name\n+33612345601;Ana\n+33612345602;Bob\n")
    ruleset = compile_rules(rules).raise_for_errors()
    campaign = ruleset.campaigns["promo"]
    async with Harness(ruleset, db=str(tmp_path / "t.db"), clock=FixedClock(NOW)) as harness:
        store = harness.store
        shown = await preview_now(store, ruleset, campaign, "FR", NOW, ())
        assert len(shown.plan.waiting) == 2 and await store.campaign("promo") is None

        done = await start(store, ruleset, campaign, "FR", NOW, (), "user:carol")
        assert done.plan is not None and done.before is None
        row = await store.campaign("promo")
        assert row is not None and (row.started_by, row.changed_by) == ("user:carol", None)
        again = await start(store, ruleset, campaign, "FR", NOW, (), "token:crm")
        assert again.plan is None and again.before is not None
        assert again.before.started_by == "user:carol"

        assert (await change_status(store, "promo", "paused", "token:crm")).done
        row = await store.campaign("promo")
        assert row is not None and (row.status, row.changed_by) == ("paused", "token:crm")
        assert not (await change_status(store, "promo", "paused", "user:alice")).done
        await store.set_campaign_status("promo", "done")  # the engine's doing
        row = await store.campaign("promo")
        assert row is not None and (row.status, row.changed_by) == ("done", "token:crm")
