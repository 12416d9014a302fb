"""Conversation tests check replies, recipients and state (session, vars, contact, handoff)."""

from __future__ import annotations

import textwrap
from pathlib import Path

from engine.ruleset.compiler import compile_rules
from engine.ruleset.conversations import load_tests
from engine.testing import run_test

RULES = """
flow: Order
trigger: {keyword: ORDER}
states:
  ask:
    say: "How many?"
    wait:
      - match: "{n:number}"
        set: {qty: "{n}", contact.city: Paris}
        send: {to: "+33611111111", text: "order {n}"}
        say: "ok"
        handoff: kitchen
"""


async def _run(tmp_path: Path, steps: str) -> list[str]:
    text = (
        RULES
        + "tests:\n  - name: t\n    steps:\n"
        + textwrap.indent(textwrap.dedent(steps), "      ")
    )
    (tmp_path / "order.yaml").write_text(text, encoding="utf-8")
    compiled = compile_rules(tmp_path)
    assert compiled.ruleset is not None, compiled.errors
    tests, errors, _ = load_tests(tmp_path, compiled.documents)
    assert errors == []
    result = await run_test(compiled.ruleset, tests[0])
    if result.failure is None:
        return []
    return list(result.failure.problems) or ["messages differ"]


async def test_checks_that_hold_pass(tmp_path: Path) -> None:
    problems = await _run(
        tmp_path,
        """
        - send: order
          expect: "How many?"
          check: {session: order.ask}
        - send: "3"
          expect: [{to: "+33611111111", text: "order 3"}, ok]
          check:
            session: ask
            vars: {qty: 3}
            contact: {city: Paris}
            handoff: kitchen
            opted_out: false
        """,
    )
    assert problems == []


async def test_checks_that_fail_say_what_differs(tmp_path: Path) -> None:
    problems = await _run(
        tmp_path,
        """
        - send: order
          expect: "How many?"
        - send: "3"
          expect: [order 3, ok]
          check: {session: none, vars: {qty: 4}, contact: {city: Lyon}, handoff: bar}
        """,
    )
    assert problems == [
        "session is order.ask, expected none",
        "variable qty is 3, expected 4",
        "contact.city is 'Paris', expected 'Lyon'",
        "not handed to bar (but to kitchen)",
    ]


async def test_a_recipient_that_differs_fails_the_step(tmp_path: Path) -> None:
    problems = await _run(
        tmp_path,
        """
        - send: order
          expect: "How many?"
        - send: "3"
          expect: [{to: "+33622222222", text: "order 3"}, ok]
        """,
    )
    assert problems == ["messages differ"]
