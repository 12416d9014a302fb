"""A campaign's preview: the real runtime's first message for each recipient, its SMS parts,
the same whether rendered in this process or shared among forked workers."""

from __future__ import annotations

import textwrap
from datetime import UTC, datetime
from pathlib import Path

import pytest

from engine.campaigns import preview as previews
from engine.campaigns.plan import Candidate, make_plan
from engine.ruleset.compiler import compile_rules

NOW = datetime(2027, 1, 8, 9, 0, tzinfo=UTC)  # Friday 10:00 in Paris

PROMO = """
campaign: Promo
audience: {group: clients}
number: "36111"
say: "Bonjour {contact.name}, {contact.offre|default('-10 %')} ce week-end. STOP au 36111"
kind: transactional
"""


def test_parts_and_encodings_are_the_same_on_one_core_or_many(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "promo.yaml").write_text(textwrap.dedent(PROMO), encoding="utf-8")
    ruleset = compile_rules(tmp_path).raise_for_errors()
    long_offer = "une remise de 20 % sur toute la collection d'hiver " * 3
    candidates = [
        Candidate(
            f"+336{i:08d}", {"name": f"N{i}", **({"offre": long_offer} if i % 7 == 0 else {})}
        )
        for i in range(60)
    ] + [Candidate("+33699999999", {"name": "Zoé €"})]
    plan = make_plan(
        ruleset.campaigns["promo"],
        ruleset.settings,
        candidates,
        opted_out=set(),
        now=NOW,
        country="FR",
    )
    alone = previews.preview(ruleset, plan, NOW, 10.0)
    monkeypatch.setattr(previews, "PARALLEL_FROM", 10)
    shared = previews.preview(ruleset, plan, NOW, 10.0)
    assert shared == alone
    assert alone.samples[0] == (
        "+33600000000",
        f"Bonjour N0, {long_offer} ce week-end. STOP au 36111",
    )
    assert alone.samples[1] == ("+33600000001", "Bonjour N1, -10 % ce week-end. STOP au 36111")
    # 9 long texts of 2 parts (GSM-7), 51 short ones, one with € (GSM-7 extension: 1 part).
    assert (alone.parts_min, alone.parts_max, alone.parts_total) == (1, 2, 9 * 2 + 52)
    assert alone.encodings == {"GSM-7": 61}
    assert (alone.first, alone.last) == (NOW, datetime(2027, 1, 8, 9, 0, 6, tzinfo=UTC))
