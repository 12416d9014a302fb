"""The guess that a regex can backtrack badly (W408): a table of bad regexes, each with the part
named and why, and of safe ones, common in rule files, that must not be warned about."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from engine.cli.main import cli
from engine.dsl.backtracking import backtracking

REPO = Path(__file__).resolve().parents[2]

BAD = [
    (r"(a+)+", "(a+)+", "nested"),
    (r"^(a+)+$", "(a+)+", "nested"),
    (r"(\w+\s?)+$", r"(\w+\s?)+", "nested"),
    (r"^(\s*\w+)*$", r"(\s*\w+)*", "nested"),
    (r"(\d+\d)+", r"(\d+\d)+", "nested"),
    (r"^(\w+|\d+)*$", r"(\w+|\d+)*", "nested"),
    (r"(\d+(\.\d+)?)+x", r"(\d+(\.\d+)?)+", "nested"),
    (r"(\d{1,3}\.?)+$", r"(\d{1,3}\.?)+", "nested"),
    (r"x(?:[a-z]+\d?)+y", r"(?:[a-z]+\d?)+", "nested"),
    (r"^((a+)b?)+$", "((a+)b?)+", "nested"),
    (r"(.+)+!", "(.+)+", "nested"),
    (r"(a|a)*", "(a|a)*", "alternatives"),
    (r"^(a|aa)+$", "(a|aa)+", "alternatives"),
    (r"(oui|o|ouais|o)+", "(oui|o|ouais|o)+", "alternatives"),
    (r"(\w\d|\d\w)*$", r"(\w\d|\d\w)*", "alternatives"),
    (r"(\w+|\w+)+", r"(\w+|\w+)+", "alternatives"),
    (r"(.*)*", "(.*)*", "empty"),
    (r"(a?)+b", "(a?)+", "empty"),
    (r"^(\s*)*$", r"(\s*)*", "empty"),
    (r"(?x) ( a+ )+ $  # spaced out", "( a+ )+", "nested"),
]

SAFE = [
    r"^\d{5,8}$",
    r"(\d+)",
    r"[A-Z]+\s*\d*",
    r"^(R|RESCHEDULE)\b",
    r"\bvip\b",
    r"(\d+,)+",
    r"^(\w+\s)*\w+$",
    r"(?:\s+\w+)*",
    r"(?:,\s*\d+)*",
    r"(a|ab)*",
    r"(yes|no|y|n)+",
    r"^(oui|o|non|n)$",
    r"^(\d{1,3}\.){3}\d{1,3}$",
    r"(\d{3})+",
    r"(a+){2}",
    r"(a+)++",
    r"(?>a+)+",
    r"^(?>\w+\s?)+$",  # atomic: what the hint suggests
    r"^(\w++\s?)+$",  # possessive: likewise
    r"\((a+)\)+",
    r"[(]a+[)]+",
    r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$",
    r"(?:(?:\+|00)33|0)\s*[1-9](?:[\s.-]*\d{2}){4}",
    r"\p{L}+",  # the regex module's: Python's parser cannot read it, so no guess
    r"(a)(\1+)+",  # a reference to a group outside the repeated one: no guess
    r"(",  # not a regex at all (E307 says so)
]


@pytest.mark.parametrize(("pattern", "part", "kind"), BAD, ids=[b[0] for b in BAD])
def test_a_regex_that_can_backtrack_badly_is_found(pattern: str, part: str, kind: str) -> None:
    found = backtracking(pattern)
    assert found is not None
    assert (found.part, found.kind) == (part, kind)
    assert pattern[found.start : found.end] == part


@pytest.mark.parametrize("pattern", SAFE)
def test_a_safe_regex_is_not(pattern: str) -> None:
    assert backtracking(pattern) is None


def test_ignore_case_is_taken_into_account() -> None:
    assert backtracking(r"(a+A)+") is None
    found = backtracking(r"(a+A)+", "i")
    assert found is not None and found.kind == "nested"


def test_the_outermost_group_is_named() -> None:
    found = backtracking(r"x((a+)+)+y")
    assert found is not None and found.part == "((a+)+)+"


def test_check_warns_and_strict_makes_it_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    case = "tests/rules/broken/W408_regex_backtracking"
    relaxed = CliRunner().invoke(cli, ["check", case])
    assert relaxed.exit_code == 0
    assert "warning[W408]: this regex can backtrack badly: (\\w+\\s?)+" in relaxed.output
    strict = CliRunner().invoke(cli, ["check", "--strict", case])
    assert strict.exit_code == 1
    assert "error[W408]: this regex can backtrack badly: (\\w+\\s?)+" in strict.output
    assert strict.output.endswith("3 errors found\n")
