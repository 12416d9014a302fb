"""`--help` and click's usage errors speak French with ``--lang fr`` (before the command),
``TWOWAY_LANG=fr`` or a French locale: each command's help and its options' help
(``engine.i18n.HELP``), click's own words (``engine.i18n.CLICK_WORDS``: "Utilisation :",
"Erreur : …"); English stays click's, byte for byte, also after a French run in the same
process. Every command and option of `twoway` has its French here, or this file fails."""

from __future__ import annotations

import inspect
import os
import string
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result

import engine.i18n as i18n
from engine.cli.helptext import Command, Group
from engine.cli.main import cli
from tests.i18n.test_language_choice import UNSET
from tests.support.cli import REPO

CHECK_HELP_EN = """\
Usage: twoway check [OPTIONS] [PATHS]...

  Check rule files and their tests, or a deployment file; print every error
  with file:line:col.

  With --config FILE and no PATH, the rules FILE points to are checked too.
  Exit 0 when everything is right (warnings are printed, and do not fail
  unless --strict), 1 otherwise.

Options:
  --config FILE  Check this deployment file (twoway.yaml) too, and the rules
                 it points to.
  --no-rules     With --config and no PATH: check the deployment file only,
                 not its rules.
  --strict       Warnings are errors: exit 1 on any.
  -h, --help     Show this message and exit.
"""


def run(*args: str, **env: str) -> Result:
    """``twoway ARGS`` under ``env``, written 78 columns wide (an 80-column terminal)."""
    runner = CliRunner()
    return runner.invoke(
        cli, list(args), prog_name="twoway", env={**UNSET, **env}, terminal_width=78
    )


def test_lang_fr_check_help_is_french() -> None:
    result = run("--lang", "fr", "check", "--help", LANG="C.UTF-8")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "Utilisation : twoway check [OPTIONS] [PATHS]..."
    assert lines[2] == "  Vérifie des fichiers de règles et leurs tests, ou un fichier de"
    assert lines[3] == "  déploiement ; affiche chaque erreur avec fichier:ligne:col."
    assert "Options :" in lines
    assert "  --strict       Les avertissements comptent comme des erreurs : sort avec 1" in lines
    assert lines[-1] == "  -h, --help     Affiche ce message et quitte."
    assert not any(line.lstrip().startswith((";", ":")) for line in lines)


def test_a_french_locale_makes_results_help_french() -> None:
    out = run("results", "--help", LANG="fr_FR.UTF-8").output
    assert out.startswith("Utilisation : twoway results [OPTIONS] [NAME]...\n")
    assert "Montre les résultats des votes, des enquêtes et des parcours" in out
    assert "table (texte aligné), csv (sections séparées" in out
    assert "[par défaut : table]" in out
    assert "Show" not in out and "Usage" not in out


def test_twoway_lang_fr_and_the_group_help_list_the_commands_in_french() -> None:
    out = run("--help", TWOWAY_LANG="fr", LANG="C").output
    assert "Commandes :\n" in out and "Options :\n" in out
    assert "  check          Vérifie des fichiers de règles et leurs tests, ou un..." in out
    assert "  --version       Affiche la version et quitte." in out
    assert run("--lang", "fr", "--help", LANG="C").output == out


def test_a_usage_error_is_french() -> None:
    result = run("--lang", "fr", "check", "--nope", LANG="C.UTF-8")
    assert result.exit_code == 2
    assert result.output == (
        "Utilisation : twoway check [OPTIONS] [PATHS]...\n"
        "Essayez 'twoway check --help' pour obtenir de l'aide.\n"
        "\n"
        "Erreur : Option inconnue : '--nope'. Vouliez-vous dire '--no-rules' ?\n"
    )
    missing = run("--lang", "fr", "campaign", "start").output
    assert "Erreur : Argument manquant 'NAME'." in missing
    choice = run("--lang", "fr", "results", "--format", "pdf").output
    assert "Erreur : Valeur invalide pour '--format' : 'pdf' n'est pas l'une des valeurs" in choice
    assert "Erreur : Commande inconnue : 'chekc'." in run("--lang", "fr", "chekc").output


def test_english_is_clicks_byte_for_byte_also_after_french() -> None:
    before = run("check", "--help", LANG="C.UTF-8").output
    assert before == CHECK_HELP_EN
    run("--lang", "fr", "check", "--help")
    run("--lang", "fr", "check", "--nope")
    assert run("check", "--help", LANG="C.UTF-8").output == CHECK_HELP_EN
    assert run("--lang", "en", "check", "--help", LANG="fr_FR.UTF-8").output == CHECK_HELP_EN
    error = run("check", "--nope", LANG="C.UTF-8").output
    assert error.endswith("Error: No such option '--nope'. Did you mean '--no-rules'?\n")
    assert i18n.current() == i18n.choose()  # the language of a run ends with it


def _process(lang: str) -> str:
    """``twoway check --help`` in a child process under ``LANG=lang``."""
    env = {k: v for k, v in os.environ.items() if k not in UNSET} | {"LANG": lang, "COLUMNS": "80"}
    done = subprocess.run(
        [sys.executable, "-m", "engine", "check", "--help"],
        capture_output=True,
        text=True,
        cwd=REPO,
        env=env,
        timeout=60,
        check=True,
    )
    return done.stdout


def test_the_real_command_follows_the_locale() -> None:
    french, english = _process("fr_FR.UTF-8"), _process("C.UTF-8")
    assert "Utilisation :" in french and "Vérifie des fichiers" in french
    assert english.replace("python -m engine", "twoway") == CHECK_HELP_EN


def _commands(command: click.Command, path: str = "twoway") -> Iterator[tuple[str, click.Command]]:
    yield path, command
    if isinstance(command, click.Group):
        for name, sub in sorted(command.commands.items()):
            yield from _commands(sub, f"{path} {name}")


def _texts() -> Iterator[tuple[str, str]]:
    """(where, English) of every command's help and every option's, --help's and --version's
    included."""
    for path, command in _commands(cli):
        if command.help:
            yield path, inspect.cleandoc(command.help).partition("\f")[0]
        for param in command.get_params(click.Context(command)):
            text = getattr(param, "help", None)
            if text:
                yield f"{path} {max(param.opts, key=len)}", text


def test_every_command_and_option_has_its_french() -> None:
    untranslated = [where for where, english in _texts() if english not in i18n.HELP]
    assert untranslated == [], "give engine/i18n/help.py the French of these"
    assert all(french.strip() for french in i18n.HELP.values())


def test_every_command_is_twoways_and_every_french_help_is_used() -> None:
    plain = [path for path, command in _commands(cli) if not isinstance(command, Command)]
    assert plain == [], "make them cls=Command (or cls=Group) of engine.cli.helptext"
    assert isinstance(cli, Group)
    used = {english for _, english in _texts()}
    assert sorted(set(i18n.HELP) - used) == [], "no command says these any more"


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_clicks_words_are_clicks_and_keep_their_placeholders() -> None:
    source = "".join(
        path.read_text(encoding="utf-8") for path in Path(click.__file__).parent.glob("*.py")
    )
    for english, french in i18n.CLICK_WORDS.items():
        assert f'"{english}"' in source, english
        assert _fields(french) <= _fields(english), english
    for english, (one, other) in i18n.CLICK_PLURALS.items():
        assert f'"{english}"' in source, english
        assert _fields(one) <= _fields(english), english
        assert one.strip() and other.strip(), english


@pytest.mark.parametrize("cached", ["Show this message and exit.", "Show the version and exit."])
def test_the_words_click_keeps_are_translated_when_written(cached: str) -> None:
    assert cached not in i18n.CLICK_WORDS and cached in i18n.HELP
