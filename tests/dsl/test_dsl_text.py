"""Normalisation and the intent tables, in English, French, Spanish, German and emoji."""

from __future__ import annotations

import pytest

from engine.dsl import intent, normalize
from engine.dsl.text import HELP_WORDS, NO_WORDS, STOP_WORDS, YES_WORDS


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Arrêt!", "arret"),
        ("  Vote:  A! ", "vote a"),
        ("STOP SMS", "stop sms"),
        ("stop_sms", "stop sms"),
        ("D'ACCORD", "d accord"),
        ("Sí", "si"),
        ("Straße", "strasse"),
        ("ＶＯＴＥ　Ａ", "vote a"),
        ("e\u0301te\u0301", "ete"),
        ("Ça\tva\n?", "ca va"),
        ("👍", "👍"),
        ("✔️", "✔"),
        ("5€ + 3$", "5€ 3"),
        ("", ""),
        ("?!...", ""),
    ],
)
def test_normalize(text: str, expected: str) -> None:
    assert normalize(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "yes", "Y", "Yeah!", "yep", "yup", "OK", "okay", "sure", "confirm", "Confirmed.",
        "oui", "O", "ouais", "d'accord", "D accord", "daccord",
        "sí", "si", "claro", "vale",
        "ja", "jawohl", "jep", "genau",
        "👍", "👍🏽", "✅", "✔", "✔️",
        "yes please", "Oui merci", "ok thanks!", "👍 thanks",
    ],
)  # fmt: skip
def test_yes(text: str) -> None:
    assert intent(text) == "yes"


@pytest.mark.parametrize(
    "text",
    [
        "no", "N", "nope", "nah", "non", "nan", "No gracias", "nein", "nee", "👎", "❌",
        "no thanks", "non merci",
    ],
)  # fmt: skip
def test_no(text: str) -> None:
    assert intent(text) == "no"


@pytest.mark.parametrize(
    "text",
    [
        "STOP", "stop sms", "Stop-SMS", "arret", "ARRÊT", "unsubscribe", "end", "quit",
        "cancel", "stopall", "STOP ALL", "désabonner",
    ],
)  # fmt: skip
def test_stop(text: str) -> None:
    assert intent(text) == "stop"


@pytest.mark.parametrize("text", ["help", "HELP!", "aide", "info", "ayuda", "Hilfe"])
def test_help(text: str) -> None:
    assert intent(text) == "help"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "maybe",
        "yes I will come but later today",
        "not sure",
        "nonsense",
        "stop it now",
        "yesterday",
        "🙂",
    ],
)
def test_no_intent(text: str) -> None:
    assert intent(text) is None


def test_tables_hold_normalised_forms() -> None:
    for table in (YES_WORDS, NO_WORDS, STOP_WORDS, HELP_WORDS):
        assert isinstance(table, frozenset)
        for entry in table:
            assert normalize(entry) == entry, entry
    assert not (YES_WORDS & NO_WORDS)
