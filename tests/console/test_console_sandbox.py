"""The pieces behind the rules page and the simulator, in process: a flow's ways and its drawing
(escaped, one node per state), the simulator's steps read back only as this page wrote them and
played deterministically, and the reloader's ``rules`` signal after every compile, good or
broken (``build_reloader`` wires it to ``Service.changed``)."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from pathlib import Path

from engine.reload import Reloader
from engine.ruleset.compiler import compile_rules
from engine.ruleset.ruleset import RuleSet
from engine.web.console.diagram import ENTRY, EXIT, Edge, draw, edges_of
from engine.web.console.sandbox import MOST, Step, play, read_steps, write_steps
from tests.support.console import write_order_rules

START = datetime(2026, 12, 3, 8, 0, tzinfo=UTC)
PHONE = "+33600000009"


def order_rules(tmp_path: Path) -> RuleSet:
    return compile_rules(write_order_rules(tmp_path)).raise_for_errors()


def test_a_flows_ways_are_its_triggers_cases_timeouts_and_ends(tmp_path: Path) -> None:
    flow = order_rules(tmp_path).flows["order"]
    assert set(edges_of(flow)) == {
        Edge(ENTRY, "size", "pizza"),
        Edge("size", "confirm", "match: {size:word}"),
        Edge("size", EXIT, "otherwise × 2"),
        Edge("size", "forgot", "after 2h"),
        Edge("confirm", EXIT, "when: yes"),
        Edge("forgot", EXIT, "goto"),
    }
    drawn = str(draw(flow, 3))
    assert drawn.startswith('<svg class="diagram"') and 'id="arrow-3"' in drawn
    for state in ("size", "confirm", "forgot", EXIT):
        assert drawn.count(f'data-state="{state}"') == 1, state
    assert draw(flow, 3) == draw(flow, 3)  # the same drawing every time


def test_a_drawing_escapes_what_the_rules_say(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "odd.yaml").write_text(
        'flow: Odd\ntrigger: {keyword: ODD}\nstates:\n  ask:\n    say: "?"\n    wait:\n'
        '      - when: "length(text) < 3"\n        goto: done\n  done:\n    say: "<b>"\n'
        "    end: true\n",
        encoding="utf-8",
    )
    flow = compile_rules(rules).raise_for_errors().flows["odd"]
    drawn = str(draw(flow, 0))
    assert "when: length(text) &lt; 3" in drawn and "< 3" not in drawn


def test_the_simulators_steps_are_read_only_as_the_page_wrote_them() -> None:
    steps = [Step("send", phone=PHONE, number="36111", text='PIZZA "L" <3'),
             Step("wait", seconds=7200), Step("now", at=START)]  # fmt: skip
    assert read_steps(write_steps(START, steps)) == (START, steps)
    written = json.loads(write_steps(START, []))
    bad = [
        "", "[1, 2", "__import__('os')", json.dumps({"start": "2026-12-03T08:00:00"}),
        json.dumps({**written, "steps": [{"kind": "exec"}]}),
        json.dumps({**written, "steps": [{"kind": "send", "phone": PHONE, "number": "36111",
                                          "text": "x" * 641}]}),
        json.dumps({**written, "steps": [{"kind": "wait", "seconds": -5}]}),
        json.dumps({**written, "steps": [{"kind": "now", "at": "2026-12-03T09:00:00"}]}),
        json.dumps({**written, "steps": [{"kind": "wait", "seconds": 60}] * (MOST + 1)}),
        json.dumps({**written, "start": "2026-12-03T08:00:00"}),
    ]  # fmt: skip
    for given in bad:
        assert read_steps(given) is None, given


async def test_the_sandbox_plays_the_same_steps_the_same_way(tmp_path: Path) -> None:
    ruleset = order_rules(tmp_path)
    steps = [Step("send", phone=PHONE, number="36111", text="PIZZA"),
             Step("wait", seconds=2 * 3600),
             Step("send", phone=PHONE, number="36111", text="HUMAN"),
             Step("send", phone=PHONE, number="36111", text="anyone?")]  # fmt: skip
    turns = asyncio.Semaphore(1)
    lines, now = await play(ruleset, START, steps, turns)
    assert [(line.kind, line.text) for line in lines] == [
        ("in", "PIZZA"),
        ("out", "Which size: S, M or L?"),
        ("moved", ""),
        ("out", "Your order is cancelled: no size came."),
        ("in", "HUMAN"),
        ("out", "A person from our team will text you back."),
        ("in", "anyone?"),
    ]
    assert now == datetime(2026, 12, 3, 10, 0, tzinfo=UTC)
    assert lines[1].why is not None and lines[1].why.step == "trigger"
    assert lines[1].why.rule is not None and lines[1].why.rule.endswith("order.yaml:2")
    assert lines[3].why is None  # a timer's
    assert lines[4].notes == (("handoff", {"team": "support"}),)
    last = lines[6]
    assert last.why is not None and last.why.step == "held"  # no reply: the message says why
    again, _ = await play(ruleset, START, steps, turns)
    assert again == lines


async def test_the_reloader_says_rules_after_a_good_and_a_broken_compile(tmp_path: Path) -> None:
    rules = write_order_rules(tmp_path)
    ruleset = compile_rules(rules).raise_for_errors()

    class Holder:
        def __init__(self) -> None:
            self.ruleset = ruleset

        def swap_ruleset(self, new: RuleSet) -> RuleSet:
            old, self.ruleset = self.ruleset, new
            return old

    told: list[str | None] = []
    reloader = Reloader(rules, Holder(), on_changed=lambda: told.append(reloader.errors))
    (rules / "broken.yaml").write_text("flow: [unclosed\n", encoding="utf-8")
    assert await reloader.reload(["broken.yaml"]) is False
    (rules / "broken.yaml").unlink()
    assert await reloader.reload(["broken.yaml"]) is True
    assert len(told) == 2
    assert told[0] is not None and "broken.yaml:2:1: error[E101]" in told[0] and told[1] is None
