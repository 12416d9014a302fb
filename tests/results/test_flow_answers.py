"""A flow's ``answer:`` actions are in its results: each question's answers, in every format."""

from __future__ import annotations

import json
from pathlib import Path

from engine.core.clock import FixedClock
from engine.results import FlowResult, compute_results, render_csv, render_json, render_table
from engine.ruleset.compiler import compile_rules
from engine.testing import Harness
from tests.results.helpers import START
from tests.support.rule_texts import FEEDBACK_FLOW


async def test_a_flow_lists_the_answers_it_recorded(tmp_path: Path) -> None:
    (tmp_path / "feedback.yaml").write_text(FEEDBACK_FLOW, encoding="utf-8")
    ruleset = compile_rules(tmp_path).raise_for_errors()
    async with Harness(ruleset, clock=FixedClock(START)) as h:
        for phone, score in (("+33600000001", "8"), ("+33600000002", "8"), ("+33600000003", "3")):
            await h.send(phone, "twoway", "FEEDBACK")
            await h.send(phone, "twoway", score)
        (result,) = await compute_results(h.store, ruleset)
    assert isinstance(result, FlowResult)
    assert result.answers == (("score", ((8, 2), (3, 1))),)
    assert json.loads(render_json([result]))["results"][0]["answers"] == {
        "score": [{"value": 8, "count": 2}, {"value": 3, "count": 1}]
    }
    assert "feedback,score,8,2\nfeedback,score,3,1\n" in render_csv([result])
    assert "answers per question" in render_table([result])
