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


def test_autoreply_entries_polls_and_survey_questions_are_states(tmp_path: Path) -> None:
    """An entry is a state, a poll is one (`vote`, at `poll:`), a survey's questions are states
    (`q_<id>`) and its generated `start`, `done` and `gave_up_<id>` are not counted."""
    (tmp_path / "info.yaml").write_text(
        'number: "36111"\n'
        "autoreply:\n"
        "  - keyword: HOURS\n"
        '    reply: "9 to 5."\n'
        "  - keyword: WHERE\n"
        '    reply: "Paris."\n',
        encoding="utf-8",
    )
    (tmp_path / "poll.yaml").write_text(
        'poll: Best song\nnumber: "36111"\ntrigger: {keyword: VOTE}\nchoices: {A: One, B: Two}\n',
        encoding="utf-8",
    )
    (tmp_path / "survey.yaml").write_text(
        'survey: Feedback\nnumber: "36111"\ntrigger: {keyword: SURVEY}\nquestions:\n'
        '  - id: score\n    ask: "Score?"\n    type: number\n'
        '  - id: why\n    ask: "Why?"\n    type: text\n',
        encoding="utf-8",
    )
    (tmp_path / "all.test.yaml").write_text(
        "tests:\n"
        "  - name: hours\n    steps:\n      - send: HOURS\n        expect: 9 to 5.\n"
        "  - name: votes\n    steps:\n      - send: VOTE A\n        expect: /One/\n"
        "  - name: scores\n    steps:\n      - send: SURVEY\n        expect: Score?\n",
        encoding="utf-8",
    )
    result = twoway("test", "--coverage", str(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines()[-5:] == [
        f"2 of 5 states of {tmp_path} not reached:",
        f"  info.entry_2  {tmp_path}/info.yaml:5",
        f"  survey.q_why  {tmp_path}/survey.yaml:8",
        "3 passed, 0 failed",
        "coverage: 3 of 5 states reached (60%)",
    ]
