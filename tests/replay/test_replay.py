"""`twoway replay` (issue 12): the stored traffic of a window against a candidate rule set, in
a sandbox: exactly the messages whose reply changes, the count per rule, JSON, the store left
byte for byte as it was, the state at the window's start rebuilt, broken rules refused."""

from __future__ import annotations

import asyncio
import hashlib
import json
import shutil
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from engine.cli.main import cli
from engine.core.clock import FixedClock
from engine.testing import Harness
from tests.support.recorded import Sent, load_rules, record

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
NOW = "2026-12-10T09:00:00+00:00"
A, B, C = "+15550000001", "+15550000002", "+15550000003"

SHOP = """\
number: "36000"
autoreply:
  - keyword: HORAIRES
    reply: "Ouvert de 9h à 18h."
  - match: "ECHO {said:text}"
    reply: "{said}"
  - when: yes
    reply: "Désolé, je n'ai pas compris."
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
      - otherwise: {say: "Un chiffre de 1 à 5, svp."}
"""


def at(days: float, minutes: int = 0) -> datetime:
    return T0 + timedelta(days=days, minutes=minutes)


TRAFFIC = [
    Sent(A, "36000", "HORAIRES", at(0)),
    Sent(B, "36000", "NOTE", at(0, 1)),
    Sent(B, "36000", "4", at(0, 2)),
    Sent(C, "36000", "ECHO bonjour", at(0, 3)),
    Sent(A, "36000", "NOTE", at(8)),
    Sent(C, "36000", "horaires", at(8, 1)),
    Sent(A, "36000", "9", at(8, 2)),
    Sent(A, "36000", "2", at(8, 3)),
    Sent(B, "36000", "quoi", at(8, 4)),
]


def write_rules(folder: Path, shop: str = SHOP, note: str = NOTE) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "shop.yaml").write_text(shop)
    (folder / "note.yaml").write_text(note)
    return folder


@pytest.fixture
def store(tmp_path: Path) -> Path:
    db = tmp_path / "twoway.db"
    record(write_rules(tmp_path / "rules"), db, TRAFFIC)
    return db


def replay(*args: str) -> Result:
    return CliRunner().invoke(cli, ["replay", "--now", NOW, *args])


def digest(db: Path) -> dict[str, str]:
    """The store's files, hashed: the database and whatever SQLite keeps beside it."""
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(db.parent.iterdir())
        if p.name.startswith(db.name)
    }


def test_one_changed_reply_reports_exactly_its_messages(store: Path, tmp_path: Path) -> None:
    candidate = write_rules(tmp_path / "candidate", SHOP.replace("18h", "19h"))
    before = digest(store)
    result = replay("--db", str(store), str(candidate))
    assert result.exit_code == 1, result.output
    assert digest(store) == before  # not written: nothing stored, nothing sent
    shop = f"{candidate}/shop.yaml:3"
    assert result.output.splitlines() == [
        "replayed 9 messages of 3 conversations (all stored) until 2026-12-10T09:00:00+00:00;"
        " 0 earlier messages rebuilt their state; 2 replies differ",
        "",
        f"2026-12-01T09:00:00+00:00 {A} -> 36000: 'HORAIRES'",
        "  sent: 'Ouvert de 9h à 18h.'",
        "  new:  'Ouvert de 9h à 19h.'",
        f"  rule: {shop} (trigger)",
        "",
        f"2026-12-09T09:01:00+00:00 {C} -> 36000: 'horaires'",
        "  sent: 'Ouvert de 9h à 18h.'",
        "  new:  'Ouvert de 9h à 19h.'",
        f"  rule: {shop} (trigger)",
        "",
        "by rule:",
        f"  {shop}: 2 messages",
    ]


def test_the_same_rules_change_nothing(store: Path, tmp_path: Path) -> None:
    result = replay("--db", str(store), str(write_rules(tmp_path / "same")))
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "replayed 9 messages of 3 conversations (all stored) until 2026-12-10T09:00:00+00:00;"
        " 0 earlier messages rebuilt their state; 0 replies differ"
    ]


def test_json_names_each_message_and_the_count_per_rule(store: Path, tmp_path: Path) -> None:
    candidate = write_rules(tmp_path / "candidate", SHOP.replace("18h", "19h"))
    result = replay("--db", str(store), "--json", str(candidate))
    assert result.exit_code == 1, result.output
    data = json.loads(result.output)
    assert (data["since"], data["until"]) == (None, NOW)
    assert (data["conversations"], data["replayed"], data["rebuilt"]) == (3, 9, 0)
    shop = f"{candidate}/shop.yaml:3"
    assert data["by_rule"] == [{"rule": shop, "messages": 2}]
    first, second = data["changed"]
    assert first == {
        "inbound_id": 1,
        "at": "2026-12-01T09:00:00+00:00",
        "phone": A,
        "number": "36000",
        "text": "HORAIRES",
        "sent": [{"to": A, "text": "Ouvert de 9h à 18h."}],
        "new": [{"to": A, "text": "Ouvert de 9h à 19h."}],
        "rule": shop,
        "step": "trigger",
    }
    assert (second["phone"], second["text"], second["inbound_id"]) == (C, "horaires", 6)


def test_the_window_leaves_older_messages_out(store: Path, tmp_path: Path) -> None:
    candidate = write_rules(tmp_path / "candidate", SHOP.replace("18h", "19h"))
    result = replay("--db", str(store), "--since", "7d", "--json", str(candidate))
    assert result.exit_code == 1, result.output
    data = json.loads(result.output)
    assert data["since"] == "2026-12-03T09:00:00+00:00"
    # The 5 messages of the last 7 days; the 4 older ones of the same conversations rebuilt
    # their state and are not compared (A's HORAIRES of Dec 1 changed too, out of the window).
    assert (data["replayed"], data["rebuilt"]) == (5, 4)
    assert [(c["phone"], c["text"]) for c in data["changed"]] == [(C, "horaires")]


def test_a_waiting_flow_is_rebuilt_from_before_the_window(store: Path, tmp_path: Path) -> None:
    """A's "NOTE" is before the window: its "9" and "2" are only answers of the waiting state
    because the replay rebuilt that state first."""
    candidate = write_rules(tmp_path / "candidate", note=NOTE.replace("Merci pour", "Merci,"))
    now = "2026-12-09T21:01:30+00:00"
    result = CliRunner().invoke(
        cli, ["replay", "--db", str(store), "--now", now, "--since", "12h", str(candidate)]
    )
    assert result.exit_code == 1, result.output
    note = f"{candidate}/note.yaml:9"
    lines = result.output.splitlines()
    assert lines[0] == (
        "replayed 3 messages of 2 conversations since 2026-12-09T09:01:30+00:00 until"
        f" {now}; 4 earlier messages rebuilt their state; 1 reply differs"
    )
    assert lines[2:] == [
        f"2026-12-09T09:03:00+00:00 {A} -> 36000: '2'",
        "  sent: 'Merci pour 2 !'",
        "  new:  'Merci, 2 !'",
        f"  rule: {note} (waiting session)",
        "",
        "by rule:",
        f"  {note}: 1 message",
    ]


def test_a_broken_candidate_prints_its_errors_and_exits_2(store: Path, tmp_path: Path) -> None:
    broken = SHOP.replace('reply: "{said}"', 'reply: "{said"')
    candidate = write_rules(tmp_path / "candidate", broken)
    result = replay("--db", str(store), str(candidate))
    assert result.exit_code == 2
    assert result.stdout == ""
    check = CliRunner().invoke(cli, ["check", str(candidate)])
    assert check.exit_code == 1
    assert result.stderr == check.stdout  # the errors of `twoway check`, at file:line:col
    assert f"{candidate}/shop.yaml:6:" in result.stderr


def test_usage_errors_exit_2(store: Path, tmp_path: Path) -> None:
    rules = write_rules(tmp_path / "same")
    assert replay("--db", str(store), "--since", "soon", str(rules)).exit_code == 2
    assert replay("--db", str(store), str(tmp_path / "missing")).exit_code == 2
    assert replay(str(rules)).exit_code == 2  # no --db
    not_a_store = tmp_path / "empty.db"
    sqlite3.connect(not_a_store).close()
    result = replay("--db", str(not_a_store), str(rules))
    assert result.exit_code == 2
    assert "cannot read the store" in result.stderr


def test_the_demo_rules_replay_their_own_traffic_unchanged(tmp_path: Path) -> None:
    rules = Path(__file__).resolve().parents[2] / "rules"
    db = tmp_path / "twoway.db"
    texts = ["HOURS", "SURVEY", "7", "yes", "great", "STOP", "hello", "START", "HOURS"]
    record(rules, db, [Sent(A, "36111", text, at(0, i)) for i, text in enumerate(texts)])
    copy = shutil.copytree(rules, tmp_path / "rules")
    result = replay("--db", str(db), str(copy))
    assert result.exit_code == 0, result.output


def test_timeouts_that_fell_due_between_messages_fire_first(tmp_path: Path) -> None:
    """The demo survey times out after 24h: a "8" two days after SURVEY was not an answer, and
    is not one in the replay either; with a 72h timeout it would have been."""
    rules = Path(__file__).resolve().parents[2] / "rules"
    db = tmp_path / "twoway.db"
    record(rules, db, [Sent(A, "36111", "SURVEY", at(0)), Sent(A, "36111", "8", at(2))])
    same = shutil.copytree(rules, tmp_path / "same")
    result = replay("--db", str(db), "--json", str(same))
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["replayed"] == 2
    longer = shutil.copytree(rules, tmp_path / "longer")
    survey = longer / "survey.yaml"
    survey.write_text(survey.read_text().replace("timeout: 24h", "timeout: 72h"))
    result = replay("--db", str(db), "--json", str(longer))
    assert result.exit_code == 1, result.output
    (changed,) = json.loads(result.output)["changed"]
    assert (changed["text"], changed["step"]) == ("8", "wait")
    assert changed["new"] == [{"to": A, "text": "Was this your first visit to our shop? YES or NO"}]


def test_the_sandbox_hands_nothing_to_a_transport(tmp_path: Path) -> None:
    """``Harness.decide`` (``Service.decide``): the message is received and processed, its
    reply is written in the sandbox's own store and no transport is given it."""
    rules = load_rules(write_rules(tmp_path / "rules"))

    async def run() -> tuple[list[str], list[str]]:
        async with Harness(rules, clock=FixedClock(T0), explain=True) as harness:
            sprint = await harness.decide(A, "36000", "HORAIRES")
            assert sprint is not None
            rows = await harness.store.outbox_rows(A)
            assert harness.transport.sent == []
            stored = [f"{r.status}: {r.message.text}" for r in rows]
            return [m.text for m in sprint.outbound], stored

    outbound, rows = asyncio.run(run())
    assert outbound == ["Ouvert de 9h à 18h."]
    assert rows == ["sending: Ouvert de 9h à 18h."]  # written, and left there
