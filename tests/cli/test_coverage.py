"""`twoway test --coverage`: the states no conversation test reached, per rule set, and the
summary; the exit status stays the tests' own."""

from __future__ import annotations

from pathlib import Path

from tests.support.cli import twoway

REPO = Path(__file__).resolve().parents[2]

RULES = """\
flow: Confirm
number: "36111"
trigger: {keyword: CONFIRM}
states:
  ask:
    say: "Reply YES or NO."
    wait:
      - when: yes
        goto: thanks
      - when: no
        goto: bye
  thanks:
    say: "Confirmed."
    end: true
  bye:
    say: "Cancelled."
    end: true
tests:
  - name: confirms
    steps:
      - send: CONFIRM
        expect: "Reply YES or NO."
      - send: "yes"
        expect: "Confirmed."
"""


def test_coverage_lists_the_state_no_test_reached(tmp_path: Path) -> None:
    (tmp_path / "confirm.yaml").write_text(RULES, encoding="utf-8")
    result = twoway("test", "--coverage", str(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines() == [
        f"PASS {tmp_path}/confirm.yaml: confirms",
        f"1 of 3 states of {tmp_path} not reached:",
        f"  confirm.bye  {tmp_path}/confirm.yaml:15",
        "1 passed, 0 failed",
        "coverage: 2 of 3 states reached (66%)",
    ]


def test_coverage_leaves_the_exit_status_to_the_tests(tmp_path: Path) -> None:
    (tmp_path / "confirm.yaml").write_text(
        RULES.replace('expect: "Confirmed."', 'expect: "Thanks."'), encoding="utf-8"
    )
    result = twoway("test", "--coverage", str(tmp_path))
    assert result.returncode == 1
    assert result.stdout.splitlines()[-2:] == [
        "0 passed, 1 failed",
        "coverage: 2 of 3 states reached (66%)",
    ]


def test_without_the_option_no_coverage_is_printed(tmp_path: Path) -> None:
    (tmp_path / "confirm.yaml").write_text(RULES, encoding="utf-8")
    result = twoway("test", str(tmp_path))
    assert result.returncode == 0
    assert "coverage" not in result.stdout and "not reached" not in result.stdout


def test_coverage_of_the_rules_and_the_examples() -> None:
    """Every form counts: flows, autoreply entries, polls, surveys' questions."""
    result = twoway("test", "--coverage", "rules", "examples", cwd=REPO)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 of 11 states of rules not reached:" in result.stdout
    assert "  info.entry_2  rules/info.yaml:6" in result.stdout
    assert result.stdout.splitlines()[-1].startswith("coverage: ")
