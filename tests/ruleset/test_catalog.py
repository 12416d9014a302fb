"""The built-in texts of polls and surveys follow the contact's ``language`` field, else
``settings.language``: a French rule set gets
French questions, re-asks and confirmations it never wrote (one catalogue, engine.i18n.replies),
and a language the catalogue lacks reads English."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from engine.cli.main import cli
from engine.i18n.replies import LANGUAGES, TEXTS

POLL = """\
poll: Meilleur plat
number: "36111"
trigger: {keyword: VOTE}
choices: {A: Couscous, B: Raclette, C: Tartiflette}
tests:
  - name: a poll in the language of the settings
    steps:
      - send: VOTE
        expect: "%(ask)s"
      - send: Z
        expect: "%(invalid)s"
      - send: A
        expect: "%(counted)s"
      - send: VOTE B
        expect: "%(already)s"
"""
SURVEY = """\
survey: Avis
number: "36111"
trigger: {keyword: AVIS}
questions:
  - {id: note, ask: "1-5?", type: number, min: 1, max: 5}
  - {id: revenir, ask: "Again?", type: yes_no}
tests:
  - name: a survey re-asks in the language of the settings
    steps:
      - send: AVIS
        expect: "1-5?"
      - send: "bof"
        expect: "%(number)s"
      - send: "4"
        expect: "Again?"
      - send: "peut-être"
        expect: "%(yes_no)s"
"""
FRENCH = {
    "ask": "Lequel ? Répondez A, B ou C.",
    "invalid": "Merci de répondre A, B ou C.",
    "counted": "Merci, votre vote pour Couscous est enregistré.",
    "already": "Vous avez déjà voté pour Couscous. Un seul vote par numéro est compté.",
    "number": "Merci de répondre par un nombre de 1 à 5.",
    "yes_no": "Merci de répondre OUI ou NON.",
}
ENGLISH = {
    "ask": "Which one? Reply A, B or C.",
    "invalid": "Please reply A, B or C.",
    "counted": "Thank you, your vote for Couscous is counted.",
    "already": "You have already voted for Couscous. Only one vote per number counts.",
    "number": "Please reply with a number from 1 to 5.",
    "yes_no": "Please reply YES or NO.",
}


@pytest.mark.parametrize(("language", "texts"), [("fr", FRENCH), ("en", ENGLISH), ("de", ENGLISH)])
def test_built_in_texts_follow_the_settings_language(
    tmp_path: Path, language: str, texts: dict[str, str]
) -> None:
    (tmp_path / "settings.yaml").write_text(f"settings: {{language: {language}}}\n")
    (tmp_path / "vote.yaml").write_text(POLL % texts, encoding="utf-8")
    (tmp_path / "avis.yaml").write_text(SURVEY % texts, encoding="utf-8")
    result = CliRunner().invoke(cli, ["test", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert result.output.rstrip().endswith("2 passed, 0 failed")


def test_every_text_is_in_every_language_with_the_same_expressions() -> None:
    for key, texts in TEXTS.items():
        assert set(texts) == set(LANGUAGES), key
        braces = {lang: sorted(part.split("}")[0] for part in text.split("{")[1:])
                  for lang, text in texts.items()}  # fmt: skip
        assert len({tuple(found) for found in braces.values()}) == 1, (key, braces)


CONTACTS = """\
poll: Best dish
number: "36111"
trigger: {keyword: VOTE}
choices: {A: Couscous, B: Raclette}
reply: "Noted: {choice.label}."
tests:
  - name: a French contact reads the built-in texts in French
    contact: {language: fr-FR}
    steps:
      - send: VOTE
        expect: "Lequel ? Répondez A ou B."
      - send: Z
        expect: "Merci de répondre A ou B."
      - send: A
        expect: "Noted: Couscous."
  - name: a contact without a language reads the settings' language
    steps:
      - send: VOTE
        expect: "Which one? Reply A or B."
  - name: a language the catalogue lacks reads the settings' language
    contact: {language: de}
    steps:
      - send: VOTE B
        expect: "Noted: Raclette."
      - send: VOTE A
        expect: "You have already voted for Raclette. Only one vote per number counts."
"""


def test_built_in_texts_follow_the_contact_s_language_and_written_ones_do_not(
    tmp_path: Path,
) -> None:
    (tmp_path / "settings.yaml").write_text("settings: {language: en}\n")
    (tmp_path / "vote.yaml").write_text(CONTACTS, encoding="utf-8")
    result = CliRunner().invoke(cli, ["test", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert result.output.rstrip().endswith("3 passed, 0 failed")
