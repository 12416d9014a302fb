"""Own text normalisation (case, accents, punctuation) and the intent tables (yes, no, stop, help).

``normalize`` is what keyword and pattern matching compare; ``intent`` reads a whole reply.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = [
    "HELP_WORDS",
    "NO_WORDS",
    "STOP_WORDS",
    "YES_WORDS",
    "fold_for_match",
    "intent",
    "intent_of_normalized",
    "is_separator",
    "normalize",
]

# Emoji skin-tone modifiers are category Sk, so folding keeps them; intents ignore them so that
# a thumbs up of any colour still means yes.
_EMOJI_MODIFIERS = re.compile("[\U0001f3fb-\U0001f3ff]")
_ASCII_SEPARATORS = re.compile(r"[\W_]+", re.ASCII)


def is_separator(char: str) -> bool:
    """Return whether ``char`` separates words: punctuation, space, control, ASCII symbol.

    Non-ASCII symbols (emoji, currency) are kept so that 👍 survives normalisation.
    """
    if char < "\x80":
        return not char.isalnum()
    category = unicodedata.category(char)
    return category[0] in "PZ" or category in ("Cc", "Cf")


def _fold(char: str) -> str:
    """Return ``char`` decomposed (NFKD), without combining marks, case-folded, to a fixpoint."""
    text = char
    # A few characters need a second round (NFKD can yield upper case, casefold can yield marks);
    # iterating to a fixpoint is what makes normalize() idempotent.
    for _ in range(4):
        decomposed = unicodedata.normalize("NFKD", text)
        stripped = "".join(c for c in decomposed if unicodedata.category(c) not in ("Mn", "Me"))
        folded = stripped.casefold()
        if folded == text:
            break
        text = folded
    return text


class _FoldTable(dict[int, str]):
    """A ``str.translate`` table filled on first use, one code point at a time."""

    __slots__ = ("irregular", "separators_to_space")

    def __init__(self, *, separators_to_space: bool) -> None:
        super().__init__()
        self.separators_to_space = separators_to_space
        # Code points whose fold is not exactly one character: their presence means offsets in
        # the folded text differ from offsets in the original.
        self.irregular: set[int] = set()

    def __missing__(self, key: int) -> str:
        folded = _fold(chr(key))
        if self.separators_to_space:
            folded = "".join(" " if is_separator(c) else c for c in folded)
        if len(folded) != 1:
            self.irregular.add(key)
        self[key] = folded
        return folded


_NORMALIZE_TABLE = _FoldTable(separators_to_space=True)
_MATCH_TABLE = _FoldTable(separators_to_space=False)


def normalize(text: str) -> str:
    """Return ``text`` without case, accents or punctuation, words separated by one space.

    >>> normalize("  Vote:  A! ")
    'vote a'
    >>> normalize("Arrêt!")
    'arret'
    """
    if text.isascii():
        return _ASCII_SEPARATORS.sub(" ", text.lower()).strip()
    return " ".join(text.translate(_NORMALIZE_TABLE).split())


def fold_for_match(text: str) -> tuple[str, list[int] | None]:
    """Return ``text`` case- and accent-folded with punctuation kept, and an offset map.

    The map gives, for each folded character, the index of the original character it came from;
    it is None when the two texts line up one to one (the common case).
    """
    if text.isascii():
        return text.lower(), None
    folded = text.translate(_MATCH_TABLE)
    irregular = _MATCH_TABLE.irregular
    if len(folded) == len(text) and irregular.isdisjoint(map(ord, text)):
        return folded, None
    origin: list[int] = []
    for index, char in enumerate(text):
        origin.extend([index] * len(_MATCH_TABLE[ord(char)]))
    return folded, origin


# The intent tables hold normalize()d forms: "d'accord" is "d accord", "sí" is "si",
# "arrêt" is "arret". Emoji survive normalize() (they are symbols, not punctuation).
YES_WORDS: frozenset[str] = frozenset(
    {
        # English
        "yes", "y", "yeah", "yep", "yup", "ok", "okay", "sure", "confirm", "confirmed",
        # French
        "oui", "o", "ouais", "d accord", "daccord",
        # Spanish
        "si", "claro", "vale",
        # German
        "ja", "jawohl", "jep", "genau",
        # Emoji
        "👍", "✅", "✔", "👌", "☑",
    }
)  # fmt: skip
NO_WORDS: frozenset[str] = frozenset(
    {
        # English
        "no", "n", "nope", "nah",
        # French
        "non", "nan",
        # Spanish
        "no gracias",
        # German
        "nein", "nee",
        # Emoji
        "👎", "❌",
    }
)  # fmt: skip
STOP_WORDS: frozenset[str] = frozenset(
    {
        "stop", "stop sms", "stopall", "stop all", "unsubscribe", "end", "quit", "cancel",
        "arret", "desabonner",
    }
)  # fmt: skip
HELP_WORDS: frozenset[str] = frozenset({"help", "aide", "info", "ayuda", "hilfe"})

# Whole-text tables, tried in this order: opting out wins over everything else.
_WHOLE: tuple[tuple[str, frozenset[str]], ...] = (
    ("stop", STOP_WORDS),
    ("help", HELP_WORDS),
    ("yes", YES_WORDS),
    ("no", NO_WORDS),
)


def intent(text: str) -> str | None:
    """Return "yes", "no", "stop" or "help" when the whole reply means so, else None.

    The whole normalised text is looked up in the tables; for yes and no, a reply of at most
    three words is also read by its first word ("yes please", "oui merci", "👍 thanks").

    >>> intent("Oui, merci !")
    'yes'
    >>> intent("ARRÊT")
    'stop'
    >>> intent("maybe later") is None
    True
    """
    return intent_of_normalized(normalize(_EMOJI_MODIFIERS.sub("", text)))


def intent_of_normalized(words: str) -> str | None:
    """Return what ``intent`` returns for a text whose ``normalize()``d form is ``words``.

    Only for texts without emoji skin-tone modifiers (an ASCII text has none): a caller that has
    normalised the text already skips doing it again.
    """
    if not words:
        return None
    for name, table in _WHOLE:
        if words in table:
            return name
    split = words.split(" ", 3)
    if len(split) <= 3:
        first = split[0]
        if first in YES_WORDS:
            return "yes"
        if first in NO_WORDS:
            return "no"
    return None
