"""The rule-language additions of issue 12 (match + when, interrupt on autoreply entries,
fall_through, digits captures, choose, a schedule's declared params) as conversation tests:
tests/testing/language is a rule set whose ``tests:`` run through ``twoway test``, and it
checks clean."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from engine.cli.main import cli

REPO = Path(__file__).resolve().parents[2]
LANGUAGE = "tests/testing/language"
TESTS = [
    "booking.yaml: a flow trigger's guard reads the capture",
    "booking.yaml: fall_through lets the FAQ answer and the session keeps waiting",
    "booking.yaml: a flow trigger met while falling through starts that flow",
    "confirm.yaml: an interrupting FAQ entry answers while a flow waits, which keeps waiting",
    "faq.yaml: a guard decides between two entries with the same pattern",
    "faq.yaml: digits captures keep leading zeros and their length",
    "reminder.yaml: a start with the declared parameters runs",
    "reminder.yaml: a start missing or mistyping a declared parameter is refused",
    "welcome.yaml: choose takes the first true case",
    "welcome.yaml: choose goes to another state",
    "welcome.yaml: choose's otherwise",
]


def test_the_language_rules_check_clean(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    result = CliRunner().invoke(cli, ["check", "--strict", LANGUAGE])
    assert result.exit_code == 0, result.output


def test_every_language_conversation_passes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    result = CliRunner().invoke(cli, ["test", LANGUAGE])
    assert result.exit_code == 0, result.output
    for name in TESTS:
        assert f"PASS {LANGUAGE}/{name}\n" in result.output
    assert f"{len(TESTS)} passed, 0 failed" in result.output
