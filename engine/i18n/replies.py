"""Own the built-in replies twoway writes when a rule file gives none (a poll's confirmations and
questions, a survey's re-asks and the
question it gives up), in every language it speaks: one catalogue (the console will
read it too). The contact's ``language`` field chooses, else the rule set's ``settings.language``;
a language it lacks reads English.

A text may hold template expressions (``{choice.label}``): it is template source. Values given
to ``text`` (a list of choices) are plain text, braces escaped, so they are never read as one.
"""

from __future__ import annotations

__all__ = ["LANGUAGES", "TEXTS", "language_of", "or_list", "text"]

LANGUAGES = ("en", "fr")
"""The languages twoway speaks (its built-in texts, its messages); the first is the default."""

TEXTS: dict[str, dict[str, str]] = {
    "vote.counted": {
        "en": "Thank you, your vote for {choice.label} is counted.",
        "fr": "Merci, votre vote pour {choice.label} est enregistré.",
    },
    "vote.already": {
        "en": "You have already voted for {vote.label}. Only one vote per number counts.",
        "fr": "Vous avez déjà voté pour {vote.label}. Un seul vote par numéro est compté.",
    },
    "vote.changed": {
        "en": "Your vote is now for {choice.label}.",
        "fr": "Votre vote est maintenant pour {choice.label}.",
    },
    "vote.closed": {"en": "Sorry, voting is closed.", "fr": "Désolé, le vote est clos."},
    "vote.not_open": {
        "en": "Sorry, voting has not opened yet.",
        "fr": "Désolé, le vote n'est pas encore ouvert.",
    },
    "choice.ask": {"en": "Which one? Reply {choices}.", "fr": "Lequel ? Répondez {choices}."},
    "choice.invalid": {"en": "Please reply {choices}.", "fr": "Merci de répondre {choices}."},
    "answer.yes_no": {"en": "Please reply YES or NO.", "fr": "Merci de répondre OUI ou NON."},
    "answer.date": {
        "en": "Please reply with a date, like 24/12/2026.",
        "fr": "Merci de répondre par une date, comme 24/12/2026.",
    },
    "answer.text": {
        "en": "Please reply with a few words.",
        "fr": "Merci de répondre en quelques mots.",
    },
    "answer.number_between": {
        "en": "Please reply with a number from {low} to {high}.",
        "fr": "Merci de répondre par un nombre de {low} à {high}.",
    },
    "answer.number": {
        "en": "Please reply with a number.",
        "fr": "Merci de répondre par un nombre.",
    },
    "survey.gave_up": {
        "en": "Sorry, we could not understand your answer; let's move on.",
        "fr": "Désolé, nous n'avons pas compris votre réponse ; passons à la suite.",
    },
    "or": {"en": "or", "fr": "ou"},
}


def _escape(value: str) -> str:
    return value.replace("{", "{{").replace("}", "}}")


def language_of(value: object) -> str | None:
    """The language a contact's ``language`` field names, as this catalogue keys it: ``fr``
    for ``fr``, ``FR``, ``fr-FR`` or ``fr_CA``; None when it names none."""
    if not isinstance(value, str):
        return None
    code = value.strip().lower().replace("_", "-").split("-")[0]
    return code or None


def text(key: str, language: str, **values: object) -> str:
    """The template source of ``key`` in ``language`` (else English), ``values`` put in."""
    found = TEXTS[key]
    source = found.get(language) or found["en"]
    for name, value in values.items():
        source = source.replace("{" + name + "}", _escape(str(value)))
    return source


def or_list(items: list[str], language: str) -> str:
    """``A, B or C`` (``A, B ou C``)."""
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + f" {text('or', language)} " + items[-1]
