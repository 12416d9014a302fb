"""The one message catalogue (engine.i18n) is whole: every text in English and French with the
same placeholders, every key the code asks for exists, and every error and warning of the
broken-rules corpus comes from it (so ``--lang fr`` leaves none in English)."""

from __future__ import annotations

import pickle
import re
from pathlib import Path

import pytest

from engine.i18n import (
    CATALOGUE,
    LANGUAGES,
    PARTS,
    PHRASES,
    Msg,
    localize,
    msg,
    phrase,
    placeholders,
)
from engine.ruleset.compiler import compile_rules, rule_sets
from engine.ruleset.conversations import check_tests, load_tests

ENGINE = Path(__file__).resolve().parents[2] / "engine"
BROKEN = Path(__file__).resolve().parents[1] / "rules" / "broken"
_POSITIONAL = re.compile(r"\{(\d)\}")


def test_no_key_is_in_two_parts_of_the_catalogue() -> None:
    assert sum(len(part) for part in PARTS) == len(CATALOGUE)


@pytest.mark.parametrize("key", sorted(CATALOGUE))
def test_every_text_is_in_every_language_with_the_same_placeholders(key: str) -> None:
    texts = CATALOGUE[key]
    assert set(texts) == set(LANGUAGES), f"{key}: give it in {', '.join(LANGUAGES)}"
    assert all(text.strip() for text in texts.values()), key
    english = placeholders(texts["en"])
    for language, text in texts.items():
        assert placeholders(text) == english, f"{key} [{language}]: placeholders differ"


@pytest.mark.parametrize("english", sorted(PHRASES))
def test_every_phrase_has_its_french_with_the_same_positions(english: str) -> None:
    french = PHRASES[english]
    assert french.strip(), english
    assert set(_POSITIONAL.findall(french)) == set(_POSITIONAL.findall(english)), english


def test_every_key_the_code_asks_for_is_in_the_catalogue() -> None:
    asked: set[str] = set()
    for path in ENGINE.rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        asked.update(re.findall(r'\b(?:msg|say)\(\s*"([\w.]+)"', source))
        for stem in re.findall(r'\bplural\(\s*"([\w.]+)"', source):
            asked.update({f"{stem}.one", f"{stem}.other"})
    assert asked, "the pattern finds no call"
    assert sorted(asked - set(CATALOGUE)) == []
    with_f_strings = ("E407.stop", "E407.start", "E407.help", "W402.one", "W402.many")
    campaigns = ("cli.campaign.paused", "cli.campaign.running", "cli.campaign.cancelled")
    for key in (*with_f_strings, *campaigns):
        assert key in CATALOGUE  # asked for with an f-string key


def test_a_message_is_english_as_a_str_and_french_when_localized() -> None:
    message = msg("E401.no_state", name="relanse")
    assert message == "no state named 'relanse'"
    assert localize(message, "fr") == "aucun état nommé 'relanse'"
    nested = msg("check.hint", hint=msg("did_you_mean", name="relance"))
    assert localize(nested, "fr") == "= conseil : vouliez-vous dire 'relance' ?"
    two = phrase("a rule file has exactly one form; this one has both '{0}' and '{1}'", "a", "b")
    assert two == "a rule file has exactly one form; this one has both 'a' and 'b'"
    assert "à la fois 'a' et 'b'" in localize(two, "fr")
    assert localize("plain words", "fr") == "plain words"
    copied = pickle.loads(pickle.dumps(nested))
    assert copied == nested and localize(copied, "fr") == localize(nested, "fr")


def _findings(case: Path) -> list[tuple[str, str, object]]:
    found = []
    for target in rule_sets([case]):
        compiled = compile_rules(target.rules)
        errors = [*compiled.errors, *compiled.warnings]
        tests, test_errors, _ = load_tests(target.rules, compiled.documents, target.only)
        errors += test_errors
        if compiled.ruleset is not None:
            errors += check_tests(tests, compiled.ruleset)
        found += [(e.code, "message", e.message) for e in errors]
        found += [(e.code, "hint", e.hint) for e in errors if e.hint is not None]
    return found


CASES = sorted(p for p in BROKEN.iterdir() if p.suffix != ".expected")


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_every_error_and_hint_of_the_corpus_comes_from_the_catalogue(case: Path) -> None:
    found = _findings(case)
    assert found
    plain = [(code, what, text) for code, what, text in found if not isinstance(text, Msg)]
    assert plain == []
