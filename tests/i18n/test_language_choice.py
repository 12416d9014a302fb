"""Which language twoway speaks: ``--lang`` beats ``TWOWAY_LANG``, which beats the locale
(``LC_ALL``, then ``LC_MESSAGES``, then ``LANG``: ``fr…`` is French); else English, and
``LANG=C`` is English."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from engine.cli.main import cli
from engine.i18n import choose, current
from tests.support.cli import twoway

CASE = "tests/rules/broken/E401_unknown_goto.yaml"
ENGLISH = "error[E401]: no state named 'cancel'"
FRENCH = "erreur[E401] : aucun état nommé 'cancel'"
UNSET = {"LC_ALL": None, "LC_MESSAGES": None, "LANG": None, "TWOWAY_LANG": None}


@pytest.mark.parametrize(
    ("option", "env", "expected"),
    [
        (None, {}, "en"),
        (None, {"LANG": "C"}, "en"),
        (None, {"LANG": "C.UTF-8"}, "en"),
        (None, {"LANG": "fr_FR.UTF-8"}, "fr"),
        (None, {"LANG": "fr"}, "fr"),
        (None, {"LANG": "de_DE.UTF-8"}, "en"),
        (None, {"LANG": "fr_FR.UTF-8", "LC_MESSAGES": "C"}, "en"),
        (None, {"LANG": "C", "LC_MESSAGES": "fr_CA.UTF-8"}, "fr"),
        (None, {"LC_MESSAGES": "fr_FR.UTF-8", "LC_ALL": "en_US.UTF-8"}, "en"),
        (None, {"LANG": "C", "TWOWAY_LANG": "fr"}, "fr"),
        (None, {"LANG": "fr_FR.UTF-8", "TWOWAY_LANG": "en"}, "en"),
        ("en", {"LANG": "fr_FR.UTF-8", "TWOWAY_LANG": "fr"}, "en"),
        ("fr", {"LANG": "C", "TWOWAY_LANG": "en"}, "fr"),
    ],
)
def test_choose(option: str | None, env: dict[str, str], expected: str) -> None:
    assert choose(option, env) == expected


def _check(*options: str, **env: str) -> str:
    result = CliRunner().invoke(cli, [*options, "check", CASE], env={**UNSET, **env})
    assert result.exit_code == 1
    return result.output


def test_lang_option_beats_twoway_lang_which_beats_the_locale() -> None:
    assert FRENCH in _check("--lang", "fr", TWOWAY_LANG="en", LANG="C")
    assert ENGLISH in _check("--lang", "en", TWOWAY_LANG="fr", LANG="fr_FR.UTF-8")
    assert FRENCH in _check(TWOWAY_LANG="fr", LANG="C")
    assert ENGLISH in _check(TWOWAY_LANG="en", LANG="fr_FR.UTF-8")


def test_a_french_locale_speaks_french_and_lang_c_english() -> None:
    french = _check(LANG="fr_FR.UTF-8")
    assert FRENCH in french and "= conseil : vouliez-vous dire 'cancelled' ?" in french
    assert french.endswith("1 erreur trouvée\n")
    english = _check(LANG="C")
    assert ENGLISH in english and english.endswith("1 error found\n")


def test_the_language_goes_back_when_the_command_ends() -> None:
    _check("--lang", "fr")
    assert current() == "en"  # tests run under LC_ALL=C.UTF-8 (tests/conftest.py)


def test_an_unknown_lang_is_refused() -> None:
    result = CliRunner().invoke(cli, ["--lang", "de", "check", CASE])
    assert result.exit_code == 2
    assert "--lang" in result.output


def test_the_installed_command_reads_the_locale(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LC_ALL")
    monkeypatch.setenv("LANG", "fr_FR.UTF-8")
    result = twoway("check", "tests/rules/broken/E203_wrong_type.yaml")
    assert result.returncode == 1
    assert "erreur[E203] : 'end' doit être true ou false, pas 'yes'" in result.stdout
    monkeypatch.setenv("LANG", "C")
    result = twoway("check", "tests/rules/broken/E203_wrong_type.yaml")
    assert "error[E203]: 'end' must be true or false, not 'yes'" in result.stdout


def test_ok_and_test_summaries_in_french() -> None:
    result = CliRunner().invoke(cli, ["--lang", "fr", "check", "examples"], env=UNSET)
    assert result.exit_code == 0, result.output
    assert result.output.startswith("ok : ")
    assert "fichiers" in result.output and "parcours" in result.output


def test_test_summary_in_french() -> None:
    result = CliRunner().invoke(cli, ["--lang", "fr", "test", "examples/pizza"], env=UNSET)
    assert result.exit_code == 0, result.output
    assert "RÉUSSI examples/pizza/" in result.output
    assert result.output.rstrip().splitlines()[-1].endswith("réussis, 0 échoué")
