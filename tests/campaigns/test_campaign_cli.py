"""`twoway campaign` as an owner runs it: preview, start (once, confirmed above 1,000), pause,
resume, cancel, status, test, and the audiences: a group, a file, those who did not reply."""

from __future__ import annotations

import json
import sqlite3
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from engine.cli.main import cli

# Friday 8 January 2027, 10:00 in Paris.
NOW = "2027-01-08T10:00:00+01:00"

SETTINGS = """
settings:
  timezone: Europe/Paris
  language: fr
"""

SURVEY = """
survey: Avis
trigger: {keyword: AVIS}
number: "36111"
questions:
  - id: note
    ask: >-
      Bonjour {contact.name|default('cher client')}, quelle note sur 10
      pour votre visite du {contact.visite} ?
    type: number
outro: "Merci !"
"""

CAMPAIGN = """
campaign: Avis de janvier
audience: {file: clients.csv}
number: "36111"
start: avis
at: 2027-01-08T19:59:00+01:00
throughput: 1/s
quiet_hours: fr-marketing
"""

# A BOM, semicolons, national numbers; a duplicate, a bad number and one opted out.
CSV = (
    "\ufeffphone;name;visite\n"
    "06 12 34 56 78;Ana;2 janvier\n"
    "06 12 34 56 79;Bob;3 janvier\n"
    "0033612345678;Ana Bis;4 janvier\n"
    "06 00;Bad;5 janvier\n"
    "06 12 34 56 80;Chloé;6 janvier\n"
    "06 12 34 56 81;Dan;7 janvier\n"
)


@pytest.fixture
def deployment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    rules = tmp_path / "rules"
    rules.mkdir()
    for name, text in {"settings": SETTINGS, "avis": SURVEY, "janvier": CAMPAIGN}.items():
        (rules / f"{name}.yaml").write_text(textwrap.dedent(text), encoding="utf-8")
    (rules / "clients.csv").write_text(CSV, encoding="utf-8")
    config = tmp_path / "twoway.yaml"
    config.write_text(
        f"store: {tmp_path / 'twoway.db'}\nrules: {rules}\ncountry: FR\n", encoding="utf-8"
    )
    clock = tmp_path / "clock"
    clock.write_text(NOW, encoding="utf-8")
    monkeypatch.setenv("TWOWAY_TEST_CLOCK", str(clock))
    return config


def run(config: Path, *args: str, stdin: str | None = None) -> Result:
    return CliRunner().invoke(cli, [*args, "--config", str(config)], input=stdin)


def opt_out(config: Path, phone: str) -> None:
    listed = config.parent / "optouts.csv"
    listed.write_text(f"phone\n{phone}\n", encoding="utf-8")
    result = CliRunner().invoke(
        cli,
        ["contacts", "import-optouts", str(listed), "--number", "36111", "--config", str(config)],
    )
    assert result.exit_code == 0, result.output


def test_preview_counts_excludes_renders_and_times(deployment: Path) -> None:
    opt_out(deployment, "+33612345681")
    result = run(deployment, "campaign", "preview", "janvier", "--json")
    assert result.exit_code == 0, result.output
    shown = json.loads(result.output)
    assert shown["recipients"] == 3
    assert shown["excluded"] == {
        "duplicate": 1,
        "invalid number (not a valid phone number for FR)": 1,
        "opted out": 1,
    }
    assert shown["samples"] == [
        {
            "phone": "+33612345678",
            "text": "Bonjour Ana Bis, quelle note sur 10 pour votre visite du 4 janvier ?",
        },
        {
            "phone": "+33612345679",
            "text": "Bonjour Bob, quelle note sur 10 pour votre visite du 3 janvier ?",
        },
        {
            "phone": "+33612345680",
            "text": "Bonjour Chloé, quelle note sur 10 pour votre visite du 6 janvier ?",
        },
    ]
    assert shown["encodings"] == {"GSM-7": 3}
    assert (shown["parts_per_message"], shown["parts_total"]) == ({"min": 1, "max": 1}, 3)
    # 19:59:00, 19:59:01, 19:59:02 at one a second: all before 20:00.
    assert (shown["first"], shown["last"]) == (
        "2027-01-08T18:59:00+00:00",
        "2027-01-08T18:59:02+00:00",
    )
    text = run(deployment, "campaign", "preview", "janvier")
    assert "  recipients   3\n" in text.output
    assert "fr-marketing (20:00–08:00, Sundays, French public holidays)" in text.output
    assert "first        2027-01-08 19:59:00 CET" in text.output
    # Nothing was written: the campaign is not started.
    listed = run(deployment, "campaign", "list", "--json")
    assert json.loads(listed.output)[0]["status"] == "not started"


def test_start_records_once_and_imports_the_file(deployment: Path) -> None:
    result = run(deployment, "campaign", "start", "janvier")
    assert result.exit_code == 0, result.output
    assert result.output == (
        "started janvier: 4 recipients, 2 excluded; first message 2027-01-08 19:59:00 CET, "
        "last about 2027-01-08 19:59:03 CET\n"
    )
    again = run(deployment, "campaign", "start", "janvier", "--yes")
    assert again.exit_code == 1
    assert again.output.startswith(
        "error: campaign janvier was started on 2027-01-08 10:00:00 CET and is running;"
    )
    db = deployment.parent / "twoway.db"
    with sqlite3.connect(db) as conn:
        names = dict(conn.execute("SELECT phone, json_extract(fields, '$.name') FROM contacts"))
    assert names["+33612345678"] == "Ana Bis"  # the later row of a duplicate wins
    status = json.loads(run(deployment, "campaign", "status", "janvier", "--json").output)
    assert (status["status"], status["recipients"], status["held"], status["queued"]) == (
        "running",
        4,
        4,
        0,
    )
    assert status["held_until"] == "2027-01-08T18:59:00+00:00"
    assert status["excluded"] == {"invalid number (not a valid phone number for FR)": 1}


def test_pause_resume_cancel(deployment: Path) -> None:
    assert run(deployment, "campaign", "pause", "janvier").output.startswith("error: no store at ")
    assert run(deployment, "campaign", "start", "janvier").exit_code == 0
    assert run(deployment, "campaign", "pause", "fevrier").output == (
        "error: campaign fevrier was never started\n"
    )
    assert run(deployment, "campaign", "pause", "janvier").output == "janvier paused\n"
    assert run(deployment, "campaign", "pause", "janvier").output == (
        "error: campaign janvier is paused; it cannot be paused\n"
    )
    assert run(deployment, "campaign", "resume", "janvier").output == "janvier resumed\n"
    assert run(deployment, "campaign", "cancel", "janvier").output == "janvier cancelled\n"
    status = json.loads(run(deployment, "campaign", "status", "janvier", "--json").output)
    assert (status["status"], status["cancelled"], status["held"]) == ("cancelled", 4, 0)
    assert run(deployment, "campaign", "resume", "janvier").exit_code == 1


def test_more_than_1000_recipients_need_a_yes(deployment: Path) -> None:
    rows = "".join(f"06 20 00 {i // 100:02d} {i % 100:02d};C{i};1 janvier\n" for i in range(1001))
    (deployment.parent / "rules" / "clients.csv").write_text("phone;name;visite\n" + rows)
    refused = run(deployment, "campaign", "start", "janvier")
    assert (refused.exit_code, refused.output) == (
        1,
        "error: 1,001 recipients: run it again with --yes to start\n",
    )
    listed = json.loads(run(deployment, "campaign", "list", "--json").output)
    assert listed[0]["status"] == "not started"
    started = run(deployment, "campaign", "start", "janvier", "--yes")
    assert started.output.startswith("started janvier: 1,001 recipients, 0 excluded;")


def test_an_unknown_campaign_names_the_known_ones(deployment: Path) -> None:
    result = run(deployment, "campaign", "preview", "fevrier")
    assert result.exit_code == 1
    assert result.output.startswith("error: no campaign named 'fevrier' in ")
    assert result.output.endswith("(campaigns: janvier)\n")


def test_test_sends_to_one_phone_without_starting(deployment: Path) -> None:
    result = run(deployment, "campaign", "test", "janvier", "--to", "06 99 99 99 99")
    assert result.output == (
        "test of janvier to +33699999999 queued: the running engine sends it within a second\n"
    )
    with sqlite3.connect(deployment.parent / "twoway.db") as conn:
        timers = list(conn.execute("SELECT kind, contact, number, flow FROM timers"))
        assert timers == [("start", "+33699999999", "36111", "avis")]
        assert list(conn.execute("SELECT COUNT(*) FROM campaigns")) == [(0,)]
