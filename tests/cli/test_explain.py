"""`twoway explain` and the chat's `/why` (issue 12): the decision path of one message, the
rule at file:line, the cases tried, the replies and their SMS parts; and the event catalogue of
docs/rules.md names every event the runtime emits."""

from __future__ import annotations

import asyncio
import json
import re
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from engine.cli.main import cli
from engine.core.clock import FixedClock
from engine.core.events import EventType
from engine.core.messages import Inbound
from engine.core.model import Contact, Input
from engine.ruleset.compiler import compile_files, find_rule_files
from engine.runtime.step import step
from engine.testing import Harness

REPO = Path(__file__).resolve().parents[2]
RULES = REPO / "rules"
PHONE = "+15550000001"
AT = "2026-12-01T10:00:00+01:00"

SHOP = """\
number: "36000"
autoreply:
  - keyword: HORAIRES
    reply: "Ouvert de 9h à 18h."
  - when: yes
    reply: "Merci, noté."
  - match: "ECHO {said:text}"
    reply: "{said}"
  - keyword: CONSEILLER
    reply: "Un conseiller vous répond."
    handoff: accueil
"""

NOTE = """\
flow: Note
number: "36000"
trigger: {keyword: NOTE}
start: demande
states:
  demande:
    say: "Une note de 1 à 5 ?"
    wait:
      - match: "{note:number}"
        when: "note <= 5"
        say: "Merci pour {note} !"
        end: true
      - keyword: AIDE
        say: "Un chiffre, svp."
      - otherwise: {say: "Un chiffre de 1 à 5, svp."}
"""


def explain(*args: str) -> list[str]:
    result = CliRunner().invoke(cli, ["explain", "--at", AT, *args])
    assert result.exit_code == 0, result.output
    return result.output.splitlines()


@pytest.fixture
def rules(tmp_path: Path) -> Path:
    folder = tmp_path / "rules"
    folder.mkdir()
    (folder / "shop.yaml").write_text(SHOP)
    (folder / "note.yaml").write_text(NOTE)
    return folder


def waiting(rules: Path, db: Path, number: str, *texts: str) -> None:
    """Leave the conversation of PHONE with ``number`` as ``texts`` leave it, in ``db``."""
    ruleset = compile_files(find_rule_files(rules)).ruleset
    assert ruleset is not None

    async def run() -> None:
        clock = FixedClock(datetime.fromisoformat(AT))
        async with Harness(ruleset, db=str(db), clock=clock) as harness:
            for text in texts:
                await harness.send(PHONE, number, text)

    asyncio.run(run())


def test_a_stop_word_is_decided_by_compliance() -> None:
    out = explain(str(RULES), "--", "STOP")
    assert "normalised: 'stop'" in out
    assert "decided by: compliance word (STOP: 'stop')" in out
    assert "rule: (built-in)" in out
    assert any(line.startswith("reply 1: 'ACME Music: you are unsubscribed") for line in out)
    assert "  GSM-7, 95 characters, 1 SMS part" in out


def test_a_typo_is_forgiven_and_named() -> None:
    out = explain(str(RULES), "--", "HORAIRS")
    assert "decided by: typo forgiveness (read 'horairs' as 'horaires')" in out
    assert f"rule: {RULES}/info.yaml:4 (flow info, state entry_1, keyword trigger)" in out
    assert "cost: 1 SMS part" in out


def test_a_waiting_survey_takes_the_answer(tmp_path: Path) -> None:
    db = tmp_path / "twoway.db"
    waiting(RULES, db, "36111", "SURVEY")
    before = db.read_bytes()
    out = explain("--db", str(db), str(RULES), "--", "7")
    assert "session before: survey.q_score" in out
    assert "decided by: waiting session" in out
    assert f"rule: {RULES}/survey.yaml:6 (flow survey, state q_score)" in out
    assert "captures: answer=7" in out
    assert "session after: survey.q_first_visit" in out
    out = explain("--db", str(db), str(RULES), "--", "eleven")
    assert "decided by: waiting session (otherwise)" in out
    assert (
        f"  ✗ {RULES}/survey.yaml:6 an answer (number): the text is not a valid number answer"
        in out
    )
    assert db.read_bytes() == before  # nothing written


def test_a_waiting_case_tells_why_it_failed(rules: Path, tmp_path: Path) -> None:
    db = tmp_path / "twoway.db"
    waiting(rules, db, "36000", "NOTE")
    out = explain("--db", str(db), str(rules), "--", "9")
    assert "session before: note.demande" in out
    assert "decided by: waiting session (otherwise)" in out
    assert f"rule: {rules}/note.yaml:15 (flow note, state demande)" in out
    assert f"  ✗ {rules}/note.yaml:9 match: {{note:number}}: its when: note <= 5 is false" in out
    assert (
        f"  ✗ {rules}/note.yaml:13 keyword: aide: the message does not start with the keyword"
        in out
    )
    out = explain("--db", str(db), str(rules), "--", "4")
    assert f"rule: {rules}/note.yaml:9 (flow note, state demande)" in out
    assert "captures: note=4" in out
    assert "reply 1: 'Merci pour 4 !'" in out


def test_a_message_no_rule_takes_goes_to_the_inbox(rules: Path) -> None:
    out = explain(str(rules), "--", "bonjour")
    assert "decided by: inbox" in out
    assert "rule: (built-in)" in out
    assert f"  ✗ {rules}/shop.yaml:5 when: yes: the condition is false" in out
    assert "reply: (none)" in out


def test_a_trigger_and_a_ucs2_reply_in_parts(rules: Path) -> None:
    out = explain(str(rules), "--", "NOTE")
    assert "decided by: trigger" in out
    assert f"rule: {rules}/note.yaml:3 (flow note, state demande, keyword trigger)" in out
    out = explain(str(rules), "--", "HORAIRES")
    assert "  UCS-2, 19 characters, 1 SMS part" not in out  # à is in GSM-7
    assert "  GSM-7, 19 characters, 1 SMS part" in out


def test_a_ucs2_reply_in_two_parts_and_its_captures(rules: Path) -> None:
    out = explain(str(rules), "--", "ECHO " + "Привет " * 12)
    assert "decided by: trigger" in out
    assert f"rule: {rules}/shop.yaml:7 (flow shop, state entry_3, match trigger)" in out
    assert "captures: said='" + ("Привет " * 12).strip() + "'" in out
    assert "  UCS-2, 83 characters, 2 SMS parts" in out
    assert "cost: 2 SMS parts" in out


def test_a_held_conversation_is_named_with_its_team(rules: Path, tmp_path: Path) -> None:
    db = tmp_path / "twoway.db"
    waiting(rules, db, "36000", "CONSEILLER")
    out = explain("--db", str(db), str(rules), "--", "HORAIRES")
    assert "decided by: held hand-off (team accueil)" in out
    assert "reply: (none)" in out


def test_json(rules: Path) -> None:
    result = CliRunner().invoke(cli, ["explain", "--json", str(rules), "--", "oui"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["step"] == "catchall"
    assert data["rule"] == f"{rules}/shop.yaml:5"
    assert data["replies"][0]["coding"] == "GSM-7"
    assert any(event["type"] == "decided" for event in data["events"])


def test_chat_why_explains_the_last_message_and_a_text_unsent() -> None:
    piped = "SURVEY\neleven\n/why\n/why 7\n/state\n"
    result = subprocess.run(
        [sys.executable, "-m", "engine", "chat", "--now", AT, str(RULES)],
        input=piped,
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout.splitlines()
    why = out.index("~ /why")
    assert out[why + 1] == "  message: 'eleven' from +15550000001 to 36111 at " + AT
    assert "  decided by: waiting session (otherwise)" in out[why:]
    again = out.index("~ /why 7")
    assert "  session before: survey.q_score" in out[again:]
    assert "  captures: answer=7" in out[again:]
    # /why 7 sent nothing: the survey still waits for the score
    assert "  session: survey.q_score" in out[out.index("~ /state") :]


def _emitted() -> set[str]:
    names: set[str] = set()
    for path in [*(REPO / "engine" / "runtime").glob("*.py"), REPO / "engine" / "service.py"]:
        source = path.read_text()
        for member in re.findall(r"(?:emit|\bEvent)\(\s*EventType\.(\w+)", source):
            names.add(EventType[member].value)
    return names


def test_every_event_the_runtime_emits_is_in_the_catalogue() -> None:
    docs = (REPO / "docs" / "rules.md").read_text()
    catalogue = docs.split("## Event catalogue", 1)[1].split("\n## ", 1)[0]
    documented = set(re.findall(r"^\| `(\w+)`(?: / `(\w+)`)?", catalogue, re.M))
    names = {name for pair in documented for name in pair if name}
    emitted = _emitted()
    assert {"decided", "case_failed", "message_received", "error", "vote_refused"} <= emitted
    assert emitted - names == set()


def test_production_steps_emit_no_explanation(rules: Path) -> None:
    ruleset = compile_files(find_rule_files(rules)).ruleset
    assert ruleset is not None
    at = datetime.fromisoformat(AT)
    for explained in (False, True):
        for text in ("bonjour", "HORAIRS", "STOP"):
            inp = Input(
                "message",
                Contact(PHONE),
                "36000",
                message=Inbound(PHONE, "36000", text, at),
                explain=explained,
            )
            types = {event.type for event in step(ruleset, None, inp, at).events}
            assert ("decided" in types) is explained, text
            if not explained:
                assert "case_failed" not in types
