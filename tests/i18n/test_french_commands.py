"""The commands other than ``check`` and ``test`` speak French with ``--lang fr`` (or a French
locale): `explain` (and the chat's ``/why``), `replay`, `status`, `results`' table, `report`'s
line and page, `campaign`'s views, `chat`'s ``/help`` and ``/state``, `contacts`; their English
is pinned by their own tests, and the exported CSV keeps its English column names."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from engine.cli.main import cli
from tests.campaigns.test_campaign_cli import deployment  # noqa: F401  (a fixture)
from tests.i18n.test_language_choice import UNSET
from tests.replay.test_replay import NOW, SHOP, TRAFFIC, record, write_rules
from tests.results.helpers import RULES, Made, make_store

AT = "2026-12-01T10:00:00+01:00"


def french(*args: str, stdin: str | None = None) -> Result:
    return CliRunner().invoke(cli, ["--lang", "fr", *args], input=stdin)


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> Made:
    """A store the real engine filled from the demo rules (as in tests/results)."""
    return make_store(tmp_path_factory.mktemp("results") / "twoway.db")


@pytest.fixture
def rules(tmp_path: Path) -> Path:
    return write_rules(tmp_path / "rules")


def test_explain_speaks_french(rules: Path) -> None:
    result = french("explain", "--at", AT, str(rules), "--", "horaire")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        f"message : 'horaire' de +15550000001 à 36000 le {AT}",
        "normalisé : 'horaire'",
        "session avant : (aucune)",
        "décidé par : tolérance aux fautes de frappe ('horaire' lu comme 'horaires')",
        f"règle : {rules}/shop.yaml:3 (parcours shop, état entry_1, déclencheur keyword)",
        "captures : (aucune)",
        "réponse 1 : 'Ouvert de 9h à 18h.'",
        "  GSM-7, 19 caractères, 1 segment SMS",
        "coût : 1 segment SMS",
        "session après : (aucune)",
    ]


def test_explain_says_in_french_why_a_case_failed(rules: Path, tmp_path: Path) -> None:
    db = tmp_path / "twoway.db"
    record(rules, db, TRAFFIC[:2])  # B waits in note.demande
    said = french(
        "explain", "--at", AT, "--from", "+15550000002", "--db", str(db), str(rules), "--", "9"
    )
    assert said.exit_code == 0, said.output
    lines = said.output.splitlines()
    assert "session avant : note.demande" in lines
    assert "décidé par : session en attente (cas otherwise)" in lines
    assert "essayés :" in lines
    assert any(line.endswith("when : note <= 5 est faux") for line in lines), lines


def test_a_french_locale_makes_explain_speak_french(rules: Path) -> None:
    args = ["explain", "--at", AT, str(rules), "--", "HORAIRES"]
    result = CliRunner().invoke(cli, args, env={**UNSET, "LANG": "fr_FR.UTF-8"})
    assert result.exit_code == 0, result.output
    assert "décidé par : déclencheur" in result.output.splitlines()
    english = CliRunner().invoke(cli, args, env={**UNSET, "LANG": "C.UTF-8"})
    assert "decided by: trigger" in english.output.splitlines()


def test_replay_speaks_french(rules: Path, tmp_path: Path) -> None:
    db = tmp_path / "twoway.db"
    record(rules, db, TRAFFIC)
    candidate = write_rules(tmp_path / "candidate", SHOP.replace("18h", "19h"))
    result = french("replay", "--now", NOW, "--db", str(db), str(candidate))
    assert result.exit_code == 1, result.output
    shop = f"{candidate}/shop.yaml:3"
    assert result.output.splitlines()[:6] == [
        "rejoué 9 messages de 3 conversations (tout ce qui est stocké) jusqu'au "
        "2026-12-10T09:00:00+00:00 ; état reconstruit avec 0 message antérieur ; "
        "2 réponses diffèrent",
        "",
        "2026-12-01T09:00:00+00:00 +15550000001 -> 36000: 'HORAIRES'",
        "  envoyée : 'Ouvert de 9h à 18h.'",
        "  nouvelle : 'Ouvert de 9h à 19h.'",
        f"  règle : {shop} (déclencheur)",
    ]
    assert result.output.splitlines()[-2:] == ["par règle :", f"  {shop} : 2 messages"]


HEALTH = {
    "status": "degraded",
    "problems": ["connector smsc is connecting"],
    "version": "0.1.0",
    "started_at": "2026-03-02T09:00:00+00:00",
    "uptime_seconds": 7322.5,
    "rules": {"version": "abc123", "files": 5, "flows": 4, "loaded_at": "2026-03-02T09:00:01Z"},
    "connectors": {
        "console": {"type": "jsonl", "state": "up"},
        "smsc": {"type": "smpp", "state": "connecting"},
    },
    "queues": {"intake": 0, "work": 2, "outbox": 40},
    "store": "twoway.db",
}


@pytest.fixture
def engine_health() -> Iterator[str]:
    """A /health that answers ``HEALTH`` (503: degraded), as a running engine would."""

    class Health(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = json.dumps(HEALTH).encode()
            self.send_response(503)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Health)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/health"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_status_speaks_french_but_the_engine_s_problems_are_its_own(engine_health: str) -> None:
    result = french("status", "--url", engine_health)
    assert result.exit_code == 2, result.output
    assert result.output == (
        f"twoway 0.1.0 sur {engine_health.removesuffix('/health')} : DÉGRADÉ\n"
        "  - connector smsc is connecting\n"
        "  en marche   2h 02m, depuis le 2026-03-02T09:00:00+00:00\n"
        "  règles      version abc123, 5 fichiers, 4 parcours\n"
        "              chargées le 2026-03-02T09:00:01Z\n"
        "  connecteurs console (jsonl) : connecté\n"
        "              smsc (smpp) : connexion en cours\n"
        "  files       intake 0, work 2, outbox 40\n"
        "  base        twoway.db\n"
    )


def test_results_table_speaks_french_and_its_csv_stays_english(made: Made) -> None:
    source = ["--db", str(made.db), "--rules", str(RULES)]
    table = french("results", "contest", "survey", *source)
    assert table.exit_code == 0, table.output
    lines = [line.strip() for line in table.output.splitlines()]
    assert "votes par choix" in lines and "votes par heure" in lines
    assert "choix   libellé           votes" in lines
    assert any(line.startswith("téléphone      début") for line in lines)
    assert "répondants   terminés   taux de complétion" in lines
    csv = french("results", "contest", "--format", "csv", *source)
    assert csv.output.splitlines()[0] == "result,choice,label,votes"


def test_report_speaks_french(made: Made, tmp_path: Path) -> None:
    target = tmp_path / "report.html"
    result = french("report", "--db", str(made.db), "--rules", str(RULES), "--html", str(target))
    assert result.exit_code == 0, result.output
    assert result.output == f"rapport écrit dans {target}\n"
    page = target.read_text(encoding="utf-8")
    assert '<html lang="fr">' in page and "<h1>rapport twoway</h1>" in page
    for words in ("Sondages", "Questionnaires", "Aucune campagne.", "<dt>votants</dt>"):
        assert words in page, words
    assert "<title>Votes par choix</title>" in page  # a chart's own title
    assert "No polls." not in page and "Generated" not in page


def test_campaign_views_speak_french(deployment: Path) -> None:  # noqa: F811
    config = ["--config", str(deployment)]
    preview = french("campaign", "preview", "janvier", *config)
    assert preview.exit_code == 0, preview.output
    assert "  destinataires 4\n" in preview.output
    assert "  premier       2027-01-08 19:59:00 CET\n" in preview.output
    assert "  à +33612345678 :\n" in preview.output
    listed = french("campaign", "list", *config)
    assert "non lancée" in listed.output
    started = french("campaign", "start", "janvier", *config)
    assert started.output == (
        "janvier lancée : 4 destinataires, 2 exclus ; premier message le 2027-01-08 19:59:00 "
        "CET, dernier vers le 2027-01-08 19:59:03 CET\n"
    )
    status = french("campaign", "status", "janvier", *config)
    assert status.output.startswith("janvier: ")
    assert status.output.splitlines()[0].endswith(" — en cours")
    assert "  destinataires                4\n" in status.output
    again = french("campaign", "start", "janvier", "--yes", *config)
    assert again.output.startswith(
        "erreur : la campagne janvier a été lancée le 2027-01-08 10:00:00 CET et est en cours ;"
    )
    assert french("campaign", "pause", "janvier", *config).output == "janvier en pause\n"


def test_chat_help_and_state_speak_french(rules: Path) -> None:
    result = french("chat", str(rules), "--now", AT, stdin="/help\nNOTE\n/state\n/nope\n")
    assert result.exit_code == 1  # /nope was refused
    lines = result.output.splitlines()
    assert "  /help                           cette liste" in lines
    assert "  //texte                         envoyer « /texte » comme message" in lines
    assert "  session : note.demande" in lines
    assert "  groupes : aucun" in lines
    assert "erreur : aucune commande /nope" in lines


def test_contacts_speak_french(tmp_path: Path) -> None:
    table = tmp_path / "clients.csv"
    table.write_text("phone,name\n+33612345678,Ana\nnot a phone,Bob\n", encoding="utf-8")
    db = ["--db", str(tmp_path / "twoway.db")]
    imported = french("contacts", "import", str(table), "--country", "FR", *db)
    assert imported.exit_code == 0, imported.output
    assert imported.output.splitlines()[0] == "importés 1, mis à jour 0, refusés 1"
    assert imported.output.splitlines()[1].startswith("ligne 3 : 'not a phone' : ")
    forgot = french("contacts", "forget", "+33612345678", *db)
    assert forgot.output.startswith("+33612345678 oublié : supprimé 1 contact (1 champ, 0 groupe)")
    assert "effacé les textes de 0 messages reçus et de 0 messages sortants" in forgot.output
