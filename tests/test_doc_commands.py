"""The doc runner's reading of a page (tests/support/doc_commands.py): its commands, their
expected outputs, the clock comments that move the test clock, and what ``…`` matches."""

from __future__ import annotations

from datetime import timedelta

from tests.support.doc_commands import matches, named, not_run, steps


def test_a_console_block_is_commands_outputs_and_clock_moves() -> None:
    body = (
        "$ twoway campaign start a --config twoway.yaml  # a comment\n"
        "started a\n"
        "# 30 minutes later\n"
        "$ twoway campaign status a --config twoway.yaml\n"
        "# 2 hours later\n"
        "# 1 day later\n"
    )
    assert list(steps(body)) == [
        ("twoway campaign start a --config twoway.yaml", "started a\n"),
        timedelta(minutes=30),
        ("twoway campaign status a --config twoway.yaml", ""),
        timedelta(hours=2),
        timedelta(days=1),
    ]


def test_another_comment_is_expected_output() -> None:
    assert list(steps("$ twoway x\n# not a clock\n")) == [("twoway x", "# not a clock\n")]


def test_an_ellipsis_line_indented_or_not_stands_for_any_lines() -> None:
    assert matches("a\nb\nc\nd\n", "a\n…\nd\n")
    assert matches("a\n  b\n  c\nd\n", "a\n  …\nd\n")
    assert matches("a\nd\n", "a\n…\nd\n")
    assert not matches("a\nb\n", "a\nc\n")


def test_blank_lines_at_the_end_of_the_output_are_not_looked_at() -> None:
    assert matches("a\n\n\n", "a\n")
    assert matches("", "")
    assert not matches("a\n", "")


def test_the_commands_a_page_names_are_those_its_steps_do_not_run() -> None:
    page = (
        "Count them with `twoway results nps\n--config twoway.yaml`, or `twoway results` alone;\n"
        "import (`twoway contacts import …`), `twoway chat rules`, serve (`twoway run --config\n"
        "twoway.yaml`), and `twoway check examples`.\n\n"
        "```console\n"
        "$ twoway results nps --config twoway.yaml  # the flow\n"
        "$ printf 'HI\\n' | twoway chat --now 2026-01-01T10:00 rules\n"
        "```\n"
    )
    assert named(page) == [
        "twoway results nps --config twoway.yaml",
        "twoway results",
        "twoway contacts import",
        "twoway chat rules",
        "twoway run --config twoway.yaml",
        "twoway check examples",
    ]
    assert not_run(page) == ["twoway check examples"]
