"""The `twoway` command as a user runs it: real processes, real pipes, real SQLite files."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from engine.cli.main import cli
from tests.support.cli import twoway

REPO = Path(__file__).resolve().parents[2]
RULES = str(REPO / "rules")


def test_check_the_default_rules() -> None:
    result = twoway("check", "rules")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == "ok: 5 files, 4 flows\n"


def test_check_a_path_that_does_not_exist() -> None:
    result = twoway("check", "rulez")
    assert result.returncode == 1
    assert result.stdout == (
        "error[E100]: no such file or folder: rulez\n"
        "  = hint: give the folder that holds your rule files, like rules/\n\n"
        "1 error found\n"
    )


def test_check_strict_makes_warnings_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    """A warning (W301) is printed and `check` succeeds; with --strict it is an error."""
    monkeypatch.chdir(REPO)
    case = "tests/rules/broken/W301_variable_set_nowhere"
    relaxed = CliRunner().invoke(cli, ["check", case])
    assert relaxed.exit_code == 0
    assert "warning[W301]: 'apt' is set nowhere in this flow" in relaxed.output
    strict = CliRunner().invoke(cli, ["check", "--strict", case])
    assert strict.exit_code == 1
    assert "error[W301]: 'apt' is set nowhere in this flow" in strict.output
    assert strict.output.endswith("3 errors found\n")
    assert "ok:" not in strict.output
    assert (
        CliRunner().invoke(cli, ["check", "--strict", "rules"]).output == "ok: 5 files, 4 flows\n"
    )


def test_chat_vote_is_accepted_then_refused_and_stored_once(tmp_path: Path) -> None:
    db = tmp_path / "v.db"
    result = twoway(
        "chat", "--from", "+33600000001", "--db", str(db), RULES, stdin="VOTE A\nVOTE B\n"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "> VOTE A",
        "< Thanks! Your vote for Moonlight Drive is counted.",
        "> VOTE B",
        "< You already voted for Moonlight Drive. Only one vote per number counts.",
    ]
    with sqlite3.connect(db) as conn:
        votes = conn.execute("SELECT poll, contact, choice FROM votes").fetchall()
    assert votes == [("contest", "+33600000001", "A")]


def test_chat_stop_silences_until_start() -> None:
    result = twoway("chat", "--from", "+33600000002", RULES, stdin="STOP\nVOTE A\nSTART\nVOTE A\n")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "> STOP",
        "< ACME Music: you are unsubscribed and will get no more messages. "
        "Reply START to subscribe again.",
        "> VOTE A",
        "> START",
        "< ACME Music: you are subscribed again. Reply STOP to unsubscribe.",
        "> VOTE A",
        "< Thanks! Your vote for Moonlight Drive is counted.",
    ]


@pytest.mark.parametrize("word", ["ARRÊT", "arret", "Arret", "stop", "STOP SMS"])
def test_chat_french_and_english_stop_words(word: str) -> None:
    result = twoway("chat", "--from", "+33600000003", RULES, stdin=f"{word}\nHOURS\n")
    lines = [line for line in result.stdout.splitlines() if line.startswith("< ")]
    assert len(lines) == 1, lines
    assert "unsubscribed" in lines[0] or "désinscrit" in lines[0]


def test_chat_persists_across_runs_with_a_db(tmp_path: Path) -> None:
    db = str(tmp_path / "chat.db")
    first = twoway("chat", "--db", db, RULES, stdin="STOP\n")
    assert "unsubscribed" in first.stdout
    second = twoway("chat", "--db", db, RULES, stdin="VOTE A\n")
    assert second.stdout == "> VOTE A\n"


def test_chat_prints_newlines_inside_a_message_escaped(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "multi.yaml").write_text(
        'autoreply:\n  - keyword: MENU\n    reply: "1. Pizza\\n2. Pasta"\n', encoding="utf-8"
    )
    result = twoway("chat", str(rules), stdin="menu\n")
    assert result.stdout == "> menu\n< 1. Pizza\\n2. Pasta\n"


def test_chat_refuses_broken_rules_with_the_errors_on_stderr(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text("autoreply:\n  - keyword: HI\n    sned: x\n")
    result = twoway("chat", str(tmp_path), stdin="HI\n")
    assert result.returncode == 1
    assert result.stdout == ""
    assert "error[E204]: unknown action 'sned'" in result.stderr


def test_chat_record_writes_a_test_that_passes(tmp_path: Path) -> None:
    recorded = tmp_path / "recorded.test.yaml"
    rules = tmp_path / "rules"
    rules.mkdir()
    for file in (REPO / "rules").glob("*.yaml"):
        text = file.read_text(encoding="utf-8")
        # keep the rules, drop their own tests: only the recorded one should run
        (rules / file.name).write_text(text.split("\ntests:")[0] + "\n", encoding="utf-8")
    result = twoway("chat", "--record", str(recorded), str(rules), stdin="SURVEY\n7\nyes\nok\n")
    assert result.returncode == 0, result.stderr
    (rules / recorded.name).write_text(recorded.read_text(encoding="utf-8"), encoding="utf-8")
    ran = twoway("test", str(rules))
    assert ran.returncode == 0, ran.stdout
    assert ran.stdout.splitlines()[-1] == "1 passed, 0 failed"


def test_test_command_runs_the_default_rules_tests() -> None:
    result = twoway("test", "rules")
    assert result.returncode == 0, result.stdout
    assert result.stdout.splitlines()[-1] == "13 passed, 0 failed"


def test_test_command_shows_a_readable_diff(tmp_path: Path) -> None:
    (tmp_path / "hi.yaml").write_text(
        "autoreply:\n"
        "  - keyword: HI\n"
        '    reply: "Hello!"\n'
        "tests:\n"
        "  - name: greets\n"
        "    steps:\n"
        "      - send: hi\n"
        '        expect: "Hello there!"\n',
        encoding="utf-8",
    )
    result = twoway("test", str(tmp_path))
    assert result.returncode == 1
    assert f"FAIL {tmp_path}/hi.yaml: greets" in result.stdout
    assert "✗ expected: 'Hello there!'" in result.stdout
    assert "got:      'Hello!'" in result.stdout
    assert result.stdout.splitlines()[-1] == "0 passed, 1 failed"


def test_every_command_has_help_and_is_in_the_readme() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for name, command in cli.commands.items():
        result = CliRunner().invoke(cli, [name, "--help"])
        assert result.exit_code == 0, name
        assert command.help, name
        assert f"`twoway {name}" in readme, f"document `twoway {name}` in README.md"


def test_version() -> None:
    result = twoway("--version")
    assert result.stdout.strip() == "twoway, version 0.1.0"


def test_functions_lists_the_library_and_explains_one() -> None:
    listing = twoway("functions")
    assert listing.returncode == 0
    assert "has_number_between(text, low, high)" in listing.stdout
    one = twoway("functions", "date")
    assert '>>> date("2026-12-03")' in one.stdout
    wrong = twoway("functions", "dat")
    assert wrong.returncode == 1
    assert wrong.stderr == "error: no function named 'dat' (did you mean 'date'?)\n"


def test_a_test_file_given_alone_runs_against_its_folders_rules(tmp_path: Path) -> None:
    (tmp_path / "hi.yaml").write_text('autoreply:\n  - keyword: HI\n    reply: "Hello!"\n')
    (tmp_path / "hi.test.yaml").write_text(
        "tests:\n  - name: greets\n    steps:\n      - send: hi\n        expect: Hello!\n"
    )
    result = twoway("test", str(tmp_path / "hi.test.yaml"))
    assert result.returncode == 0, result.stdout
    assert result.stdout.splitlines()[-1] == "1 passed, 0 failed"


def test_a_start_step_naming_no_flow_is_an_error_with_a_hint(tmp_path: Path) -> None:
    (tmp_path / "remind.yaml").write_text(
        "flow: Reminder\ntrigger: {schedule: reminders}\nstates:\n"
        '  s:\n    say: "Hi"\n    end: true\n'
        "tests:\n  - name: t\n    steps:\n      - start: remindrs\n        expect: Hi\n"
    )
    result = twoway("check", str(tmp_path))
    assert result.returncode == 1
    assert "error[E502]: no flow or schedule named 'remindrs'" in result.stdout
    assert "= hint: did you mean 'reminders'?" in result.stdout


def test_chat_on_a_folder_of_rule_sets_says_where_they_are(tmp_path: Path) -> None:
    (tmp_path / "shop").mkdir()
    (tmp_path / "shop" / "hi.yaml").write_text('autoreply:\n  - keyword: HI\n    reply: "x"\n')
    result = twoway("chat", str(tmp_path), stdin="HI\n")
    assert result.returncode == 1
    assert result.stderr == (
        f"error: no rule files in {tmp_path} (rule sets below it: {tmp_path / 'shop'})\n"
    )
