"""`twoway chat` as a user drives it (issue 12): piped stdin, or a terminal (a pseudo-terminal),
and what it prints: the transcript on stdout, refused commands on stderr."""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from engine.cli.chat_commands import _COMMANDS, HELP
from tests.support.cli import twoway

REPO = Path(__file__).resolve().parents[2]
RULES = str(REPO / "rules")

RAPPELS = """\
flow: Rappels
trigger: {schedule: rappels}
number: "36000"
start: rappel
states:
  rappel:
    say: "Bonjour {contact.name|default('vous')}, rendez-vous avec {medecin} le {quand}."
    wait:
      - when: yes
        say: "Merci, à bientôt."
        end: true
    timeout: {after: 24h, then: relance}
  relance:
    say: "Rappel : rendez-vous avec {medecin}."
    end: true
"""

HEURE = """\
autoreply:
  - keyword: HEURE
    reply: "Il est {now|date('%d/%m/%Y %H:%M:%S')}."
"""


@pytest.fixture
def rules(tmp_path: Path) -> Path:
    folder = tmp_path / "rules"
    folder.mkdir()
    (folder / "rappels.yaml").write_text(RAPPELS, encoding="utf-8")
    (folder / "heure.yaml").write_text(HEURE, encoding="utf-8")
    (folder / "settings.yaml").write_text("settings:\n  timezone: Europe/Paris\n")
    return folder


def on_a_terminal(*args: str, lines: list[str]) -> tuple[str, str]:
    """Run `twoway chat` with a pseudo-terminal as stdin, type ``lines``, then Ctrl-D."""
    master, slave = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "engine", "chat", *args],
        stdin=slave,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=REPO,
        text=True,
    )
    os.close(slave)
    try:
        for line in lines:
            os.write(master, (line + "\n").encode())
            time.sleep(0.3)
        os.write(master, b"\x04")
        out, err = process.communicate(timeout=60)
    finally:
        os.close(master)
        if process.poll() is None:
            process.kill()
    return out, err


# 1. /start with no argument ---------------------------------------------------------------


def test_start_without_a_flow_prints_the_usage_and_the_flows_not_a_traceback() -> None:
    result = twoway("chat", RULES, stdin="/start\nVOTE A\n")
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines() == [
        "error: usage: /start FLOW [key=value …]",
        "  flows you can start: appointment, appointments, contest, info, survey",
    ]
    assert result.stdout.splitlines() == [
        "~ /start",
        "> VOTE A",
        "< Thanks! Your vote for Moonlight Drive is counted.",
    ]
    assert result.returncode == 1  # from a pipe, a refused command fails the run


def test_start_without_a_flow_on_a_terminal() -> None:
    out, err = on_a_terminal(RULES, lines=["/start", "VOTE A"])
    assert "Traceback" not in err
    assert "error: usage: /start FLOW [key=value …]" in err
    assert "flows you can start: appointment, appointments, contest, info, survey" in err
    assert out.splitlines() == ["< Thanks! Your vote for Moonlight Drive is counted."]


def test_start_of_an_unknown_flow_says_which_it_probably_meant() -> None:
    result = twoway("chat", RULES, stdin="/start apointments\n")
    assert result.stderr.splitlines()[0] == (
        "error: no flow or schedule named 'apointments': did you mean 'appointments'?"
    )
    assert result.returncode == 1


# 2. commands from a pipe, each line echoed ----------------------------------------------


def test_commands_work_from_a_pipe_and_each_line_is_echoed_before_its_replies() -> None:
    stdin = "/start appointments appt.at=2026-12-03T10:00:00+01:00\n/wait 24h\n\nno\nVOTE A\n"
    result = twoway("chat", "--now", "2026-12-01T09:00:00+01:00", RULES, stdin=stdin)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "~ /start appointments appt.at=2026-12-03T10:00:00+01:00",
        "< Hello there, your appointment is on Thursday 03 December at 10:00. "
        "Reply YES to confirm or NO to cancel.",
        "~ /wait 24h",
        "< Reminder: please confirm your appointment of 03/12 at 10:00 with YES or NO.",
        "> no",
        "< Your appointment is cancelled. Call us on 01 23 45 67 89 to book another.",
        "> VOTE A",
        "< Thanks! Your vote for Moonlight Drive is counted.",
    ]


def test_a_double_slash_sends_a_text_that_starts_with_a_slash(tmp_path: Path) -> None:
    (tmp_path / "echo.yaml").write_text(
        'autoreply:\n  - otherwise: "you said {text}"\n', encoding="utf-8"
    )
    result = twoway("chat", str(tmp_path), stdin="//hello there\n")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["> /hello there", "< you said /hello there"]


def test_an_unknown_command_is_refused_with_the_list(rules: Path) -> None:
    result = twoway("chat", str(rules), stdin="/bogus\nHEURE\n")
    assert result.stderr.splitlines()[0] == "error: no command /bogus"
    assert "/state" in result.stderr
    assert result.stdout.splitlines()[0] == "~ /bogus"
    assert result.stdout.splitlines()[1] == "> HEURE"


# 3. /start arguments: shell quoting, contact.* -------------------------------------------


def test_start_reads_quotes_as_a_shell_would_and_sets_contact_fields(rules: Path) -> None:
    stdin = (
        "/start rappels medecin=\"Dr Roux\" 'quand=le 3 décembre' contact.name=Alice "
        "contact.groups=vip,paris\n"
        "/state\n"
    )
    result = twoway("chat", str(rules), stdin=stdin)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[1] == "< Bonjour Alice, rendez-vous avec Dr Roux le le 3 décembre."
    assert '  variables: {"medecin": "Dr Roux", "quand": "le 3 décembre"}' in lines
    assert '  contact: {"name": "Alice"}' in lines
    assert "  groups: paris, vip" in lines


def test_start_refuses_unbalanced_quotes_and_words_without_equals(rules: Path) -> None:
    result = twoway(
        "chat", str(rules), stdin='/start rappels medecin="Dr Roux\n/start rappels medecin\n'
    )
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert errors == [
        "error: cannot read the arguments: No closing quotation",
        "error: 'medecin' is not key=value",
    ]
    assert "< " not in result.stdout


# 4. --now, /now, /from, /state, /wait, /help ----------------------------------------------


def test_now_without_an_offset_is_read_in_the_rules_timezone(rules: Path) -> None:
    result = twoway("chat", "--now", "2026-12-01T09:00", str(rules), stdin="HEURE\n/now\n")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "> HEURE",
        "< Il est 01/12/2026 09:00:00.",
        "~ /now",
        "  now: 2026-12-01T09:00:00+01:00",
    ]


def test_now_with_an_offset_and_the_clock_standing_still_between_lines(rules: Path) -> None:
    result = twoway(
        "chat",
        "--now",
        "2026-07-01T07:00:00Z",
        str(rules),
        stdin="HEURE\nHEURE\n/wait 90s\nHEURE\n",
    )
    replies = [line for line in result.stdout.splitlines() if line.startswith("< ")]
    assert replies == [
        "< Il est 01/07/2026 09:00:00.",
        "< Il est 01/07/2026 09:00:00.",
        "< Il est 01/07/2026 09:01:30.",
    ]


def test_a_bad_now_option_is_a_usage_error(rules: Path) -> None:
    result = twoway("chat", "--now", "tomorrow", str(rules), stdin="HEURE\n")
    assert result.returncode == 2
    assert "'tomorrow' is not a date and time" in result.stderr
    assert "Traceback" not in result.stderr


def test_now_command_moves_the_clock_and_fires_the_timers_due(rules: Path) -> None:
    stdin = (
        "/start rappels medecin=Roux quand=mardi\n"
        "/now 2026-12-02T10:00\n"
        "HEURE\n"
        "/now 2026-11-30T08:00:00+01:00\n"
        "HEURE\n"
        "/now demain\n"
    )
    result = twoway("chat", "--now", "2026-12-01T09:00", str(rules), stdin=stdin)
    assert result.stdout.splitlines() == [
        "~ /start rappels medecin=Roux quand=mardi",
        "< Bonjour vous, rendez-vous avec Roux le mardi.",
        "~ /now 2026-12-02T10:00",
        "  now: 2026-12-02T10:00:00+01:00",
        "< Rappel : rendez-vous avec Roux.",
        "> HEURE",
        "< Il est 02/12/2026 10:00:00.",
        "~ /now 2026-11-30T08:00:00+01:00",
        "  now: 2026-11-30T08:00:00+01:00",
        "> HEURE",
        "< Il est 30/11/2026 08:00:00.",
        "~ /now demain",
    ]
    assert result.stderr.splitlines()[0] == "error: 'demain' is not a date and time"
    assert result.returncode == 1


def test_from_switches_the_phone() -> None:
    stdin = "VOTE A\n/from +33 6 11 11 11 11\nVOTE A\n/from\n"
    result = twoway("chat", "--from", "+33600000001", RULES, stdin=stdin)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "> VOTE A",
        "< Thanks! Your vote for Moonlight Drive is counted.",
        "~ /from +33 6 11 11 11 11",
        "  you are +33611111111, texting 36111",
        "> VOTE A",
        "< Thanks! Your vote for Moonlight Drive is counted.",
        "~ /from",
        "  you are +33611111111, texting 36111",
    ]


def test_state_shows_the_session_and_the_contact(rules: Path) -> None:
    stdin = (
        '/state\n/start rappels medecin="Dr Roux" quand=mardi contact.name=Alice '
        "contact.groups=vip\n/state\nSTOP\n/state\n"
    )
    result = twoway("chat", "--now", "2026-12-01T09:00", str(rules), stdin=stdin)
    assert result.returncode == 0, result.stderr
    out = result.stdout.splitlines()
    first = out[out.index("~ /state") + 1 : out.index("~ /state") + 8]
    assert first == [
        "  now: 2026-12-01T09:00:00+01:00",
        "  you are +15550000001, texting 36000",
        "  session: none",
        "  contact: {}",
        "  groups: none",
        "  opted out of: none",
        "  votes: none",
    ]
    states = [i for i, line in enumerate(out) if line == "~ /state"]
    assert out[states[1] + 1 : states[1] + 10] == [
        "  now: 2026-12-01T09:00:00+01:00",
        "  you are +15550000001, texting 36000",
        "  session: rappels.rappel",
        '  variables: {"medecin": "Dr Roux", "quand": "mardi"}',
        "  deadline: 2026-12-02T09:00:00+01:00 (timeout)",
        '  contact: {"name": "Alice"}',
        "  groups: vip",
        "  opted out of: none",
        "  votes: none",
    ]
    assert out[states[2] + 1 :][2:] == [
        "  session: none",
        '  contact: {"name": "Alice"}',
        "  groups: vip",
        "  opted out of: 36000",
        "  votes: none",
    ]


def test_wait_still_moves_the_clock_and_refuses_a_bad_duration(rules: Path) -> None:
    stdin = "/start rappels medecin=Roux quand=mardi\n/wait\n/wait 2 months\n/wait 1d\n"
    result = twoway("chat", str(rules), stdin=stdin)
    assert result.stdout.splitlines()[-2:] == ["~ /wait 1d", "< Rappel : rendez-vous avec Roux."]
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert errors[0] == "error: usage: /wait DURATION (like 25h, 1d 2h, 90s)"
    assert errors[1].startswith("error: invalid duration '2 months'")


def test_help_lists_every_command(rules: Path) -> None:
    result = twoway("chat", str(rules), stdin="/help\n")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == "~ /help"
    shown = result.stdout
    for name in [*_COMMANDS, "quit"]:
        if name != "?":
            assert re.search(rf"^  /{re.escape(name)}\b", shown, re.M), name
    assert "//text" in shown


def test_every_command_is_in_the_chat_section_of_the_docs() -> None:
    docs = (REPO / "docs" / "rules.md").read_text(encoding="utf-8")
    section = docs.split("## Talking to the rules: `twoway chat`")[1].split("\n## ")[0]
    for line in HELP.splitlines():
        command = line.split()[0]
        if command.startswith("/"):
            assert f"`{command}" in section, command
    assert "--now" in section and "--record" in section


# 5. --record pins now: and replays green ------------------------------------------------


def test_a_recorded_chat_pins_its_start_time_and_replays_green(rules: Path, tmp_path: Path) -> None:
    recorded = rules / "recorded.test.yaml"
    stdin = (
        "HEURE\n"
        '/start rappels medecin="Dr Roux" quand=mardi contact.name=Alice contact.groups=vip\n'
        "/state\n"
        "/wait 1h\n"
        "/now 2026-12-02T09:30\n"
        "/from +33611111111\n"
        "HEURE\n"
    )
    result = twoway(
        "chat", "--now", "2026-12-01T09:00", "--record", str(recorded), str(rules), stdin=stdin
    )
    assert result.returncode == 0, result.stderr
    test = yaml.safe_load(recorded.read_text(encoding="utf-8"))["tests"][0]
    assert test["now"] == "2026-12-01T09:00:00+01:00"
    assert test["contact"] == {"name": "Alice", "groups": "vip"}
    assert test["steps"][1] == {
        "start": "rappels",
        "params": {"medecin": "Dr Roux", "quand": "mardi"},
        "expect": "Bonjour Alice, rendez-vous avec Dr Roux le mardi.",
    }
    assert test["steps"][3] == {"wait": "23h 30m", "expect": "Rappel : rendez-vous avec Dr Roux."}
    assert test["steps"][4]["from"] == "+33611111111"
    assert test["steps"][4]["expect"] == "Il est 02/12/2026 09:30:00."
    ran = twoway("test", "-v", str(recorded))
    assert ran.returncode == 0, ran.stdout
    assert ran.stdout.splitlines()[-1] == "1 passed, 0 failed"


def test_a_chat_recorded_at_the_current_time_replays_later(rules: Path) -> None:
    recorded = rules / "now.test.yaml"
    result = twoway("chat", "--record", str(recorded), str(rules), stdin="HEURE\n")
    assert result.returncode == 0, result.stderr
    test = yaml.safe_load(recorded.read_text(encoding="utf-8"))["tests"][0]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0[12]:00", test["now"]), test["now"]
    time.sleep(1.1)  # a second later, the replay still answers with the recorded time
    ran = twoway("test", str(recorded))
    assert ran.returncode == 0, ran.stdout


def test_a_recorded_chat_refuses_to_go_back_in_time(rules: Path) -> None:
    recorded = rules / "back.test.yaml"
    result = twoway(
        "chat",
        "--now",
        "2026-12-01T09:00",
        "--record",
        str(recorded),
        str(rules),
        stdin="/now 2026-11-01T09:00\nHEURE\n",
    )
    assert result.returncode == 1
    assert "error: a recorded chat cannot go back in time" in result.stderr
    assert twoway("test", str(recorded)).returncode == 0


def test_a_recorded_chat_replays_texts_yaml_would_misread(tmp_path: Path) -> None:
    (tmp_path / "echo.yaml").write_text('autoreply:\n  - otherwise: "{text}"\n', encoding="utf-8")
    recorded = tmp_path / "echo.test.yaml"
    stdin = "0o17\n1e3\nyes\n//^x$/\n"
    result = twoway("chat", "--record", str(recorded), str(tmp_path), stdin=stdin)
    assert result.stdout.splitlines() == [
        "> 0o17",
        "< 0o17",
        "> 1e3",
        "< 1e3",
        "> yes",
        "< yes",
        "> /^x$/",
        "< /^x$/",
    ]
    ran = twoway("test", "-v", str(recorded))
    assert ran.returncode == 0, ran.stdout
    assert "      > 0o17" in ran.stdout.splitlines()


def test_recording_over_a_db_file_warns_that_the_test_starts_empty(
    rules: Path, tmp_path: Path
) -> None:
    db = tmp_path / "chat.db"
    twoway("chat", "--db", str(db), str(rules), stdin="HEURE\n")
    recorded = tmp_path / "r.test.yaml"
    result = twoway("chat", "--db", str(db), "--record", str(recorded), str(rules), stdin="HEURE\n")
    assert f"warning: the recorded test starts from an empty store, without what {db} holds" in (
        result.stderr
    )


def test_every_command_on_a_terminal(rules: Path) -> None:
    out, err = on_a_terminal(
        "--now",
        "2026-12-01T09:00",
        str(rules),
        lines=[
            "/help",
            '/start rappels medecin="Dr Roux" quand=mardi contact.name=Alice',
            "/state",
            "/wait 23h",
            "/now 2026-12-02T09:00",
            "/from +33611111111",
            "HEURE",
            "/quit",
            "HEURE",
        ],
    )
    assert "Traceback" not in err
    assert "/help for commands" in err
    lines = out.splitlines()
    assert lines[: len(HELP.splitlines())] == [f"  {line}" for line in HELP.splitlines()]
    rest = lines[len(HELP.splitlines()) :]
    assert rest == [
        "< Bonjour Alice, rendez-vous avec Dr Roux le mardi.",
        "  now: 2026-12-01T09:00:00+01:00",
        "  you are +15550000001, texting 36000",
        "  session: rappels.rappel",
        '  variables: {"medecin": "Dr Roux", "quand": "mardi"}',
        "  deadline: 2026-12-02T09:00:00+01:00 (timeout)",
        '  contact: {"name": "Alice"}',
        "  groups: none",
        "  opted out of: none",
        "  votes: none",
        "  now: 2026-12-02T09:00:00+01:00",
        "< Rappel : rendez-vous avec Dr Roux.",
        "  you are +33611111111, texting 36000",
        "< Il est 02/12/2026 09:00:00.",
    ]
