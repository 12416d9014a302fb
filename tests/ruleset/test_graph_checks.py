"""Whole-flow checks: a loop of states without a wait is refused (E408), a loop through a wait
is a conversation and compiles."""

from __future__ import annotations

import textwrap
from pathlib import Path

from engine.errors import render_all
from engine.ruleset.compiler import compile_rules


def check(tmp_path: Path, text: str) -> str:
    (tmp_path / "f.yaml").write_text(textwrap.dedent(text), encoding="utf-8")
    compiled = compile_rules(tmp_path)
    return render_all(compiled.errors, compiled.sources) if compiled.errors else "ok"


def test_a_state_going_to_itself_is_refused_at_its_goto(tmp_path: Path) -> None:
    out = check(
        tmp_path,
        """\
        flow: Spam
        trigger: {keyword: SPAM}
        states:
          again:
            say: "Hello"
            goto: again
        """,
    )
    assert out.splitlines()[0] == (
        f"{tmp_path}/f.yaml:6:11: error[E408]: state 'again' goes to itself without waiting"
    )


def test_a_loop_through_a_state_that_waits_compiles(tmp_path: Path) -> None:
    out = check(
        tmp_path,
        """\
        flow: Quiz
        trigger: {keyword: QUIZ}
        states:
          ask:
            say: "Capital of France?"
            goto: answer
          answer:
            wait:
              - when: 'text ~ /paris/i'
                say: "Right!"
                end: true
              - otherwise:
                  say: "No, try again."
                  goto: ask
            timeout: {after: 1h, say: "Still there?", then: ask}
        """,
    )
    assert out == "ok"


def test_a_loop_reached_from_no_start_is_refused_too(tmp_path: Path) -> None:
    out = check(
        tmp_path,
        """\
        flow: Orphans
        trigger: {keyword: ORPHANS}
        states:
          start:
            say: "Hi"
            end: true
          ping:
            goto: pong
          pong:
            goto: ping
        """,
    )
    codes = [line.split("error[")[1][:4] for line in out.splitlines() if "error[" in line]
    assert codes == ["E408"]  # the loop is refused; that nothing reaches it is a warning
    warned = compile_rules(tmp_path).warnings
    assert [(w.code, w.span.line if w.span else 0) for w in warned] == [("W407", 7), ("W407", 9)]
