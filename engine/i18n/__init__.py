"""Own the language twoway speaks and its one message catalogue: every built-in text (the
replies of polls and surveys, the messages of ``twoway check``, the command line's words) by
key, in English and French, with ``{name}`` placeholders.

The catalogue is plain Python dicts (``engine.i18n.replies``, ``check``, ``check_expressions``,
``check_rulesets``, ``check_config``, ``cli``, ``commands``: the bodies of `explain`,
`replay` and `status`, ``commands_data``: those of `results`, `campaign` and `contacts`,
``chat``, ``report`` (the HTML report's words, by their English), ``phrases``, ``help``: the
French of `--help`, by its English, and ``usage``: click's own words, by their English)
rather than gettext ``.po`` files: the wheel ships no compile step and the console reads the
same dicts; ``tests/i18n`` fails when a key lacks a language or a placeholder.

``msg(key, **values)`` returns a ``Msg``: a ``str`` whose value is the English text (so every
comparison, log line and pinned English output is unchanged) which also remembers its key and
values, so ``localize`` can write it in the language chosen (``--lang``, ``TWOWAY_LANG``, the
locale). ``phrase(english)`` does the same for a text known by its English words (the ``x-``
annotations of the schemas, which stay English in their files).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from contextvars import ContextVar, Token

from engine.i18n.chat import CHAT
from engine.i18n.check import CHECK
from engine.i18n.check_config import CONFIG
from engine.i18n.check_expressions import EXPRESSIONS
from engine.i18n.check_rulesets import RULESETS
from engine.i18n.cli import CLI
from engine.i18n.commands import COMMANDS
from engine.i18n.commands_data import DATA
from engine.i18n.help import HELP
from engine.i18n.phrases import PHRASES
from engine.i18n.replies import LANGUAGES, TEXTS
from engine.i18n.usage import CLICK_PLURALS, CLICK_WORDS

__all__ = [
    "CATALOGUE",
    "CLICK_PLURALS",
    "CLICK_WORDS",
    "HELP",
    "LANGUAGES",
    "PARTS",
    "PHRASES",
    "Msg",
    "choose",
    "current",
    "joined",
    "localize",
    "msg",
    "phrase",
    "placeholders",
    "plural",
    "reason",
    "reset",
    "say",
    "use",
]

PARTS: tuple[dict[str, dict[str, str]], ...] = (
    TEXTS,
    CHECK,
    EXPRESSIONS,
    RULESETS,
    CONFIG,
    CLI,
    COMMANDS,
    DATA,
    CHAT,
)
"""The catalogue's parts, one per domain; no key is in two of them."""

CATALOGUE: dict[str, dict[str, str]] = {k: v for part in PARTS for k, v in part.items()}
"""Every keyed text: key → {language: text}."""

_PLACEHOLDER = re.compile(r"\{([A-Za-z_][\w.]*)\}")
_chosen: ContextVar[str | None] = ContextVar("twoway_language", default=None)


def placeholders(text: str) -> set[str]:
    """The ``{name}`` placeholders of ``text``."""
    return set(_PLACEHOLDER.findall(text))


def choose(option: str | None = None, environ: Mapping[str, str] | None = None) -> str:
    """The language to speak: ``option`` (``--lang``), else ``TWOWAY_LANG``, else the locale
    (``LC_ALL``, ``LC_MESSAGES``, ``LANG``: a value starting with ``fr`` is French), else
    English."""
    env = os.environ if environ is None else environ
    for given in (option, env.get("TWOWAY_LANG")):
        if given:
            return _known(given)
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(name)
        if value:  # the first one set decides, as in POSIX
            return _known(value)
    return LANGUAGES[0]


def _known(value: str) -> str:
    short = value.strip().lower()[:2]
    return short if short in LANGUAGES else LANGUAGES[0]


def current() -> str:
    """The language in use: the one ``use`` set, else what ``choose`` reads from the
    environment."""
    return _chosen.get() or choose()


def use(language: str) -> Token[str | None]:
    """Speak ``language`` from now on (until ``reset`` with the token returned)."""
    return _chosen.set(_known(language))


def reset(token: Token[str | None]) -> None:
    """Go back to the language in use before ``use`` returned ``token``."""
    _chosen.reset(token)


def _fill(text: str, values: Mapping[str, str]) -> str:
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text)


class Msg(str):
    """A text of the catalogue: its ``str`` value is English; ``localize`` writes it in
    another language. Values may be ``Msg`` too (written in the same language)."""

    key: str
    values: dict[str, object]
    table: Mapping[str, Mapping[str, str]]
    args: tuple[object, ...]

    def __new__(
        cls,
        key: str,
        values: Mapping[str, object],
        table: Mapping[str, Mapping[str, str]],
        args: tuple[object, ...] = (),
    ) -> Msg:
        english = _fill(table[key]["en"], {k: str(v) for k, v in values.items()})
        made = super().__new__(cls, english.format(*args) if args else english)
        made.key = key
        made.values = dict(values)
        made.table = table
        made.args = args
        return made

    def __reduce__(self) -> tuple[type[Msg], tuple[object, ...]]:
        """Pickled (and copied) as what it is, not as its English ``str``."""
        return (Msg, (self.key, self.values, self.table, self.args))

    def written_in(self, language: str) -> str:
        texts = self.table[self.key]
        source = texts.get(language) or texts["en"]
        written = _fill(source, {k: localize(v, language) for k, v in self.values.items()})
        return written.format(*(localize(a, language) for a in self.args)) if self.args else written


def msg(key: str, /, **values: object) -> Msg:
    """The text ``key`` of the catalogue, ``values`` put in its ``{name}`` placeholders."""
    return Msg(key, values, CATALOGUE)


_PHRASE_TABLE: dict[str, dict[str, str]] = {en: {"en": en, "fr": fr} for en, fr in PHRASES.items()}


def phrase(english: str, *args: object) -> str:
    """``english`` as a ``Msg`` when ``PHRASES`` has it in French, else as it is; ``args`` fill
    its ``{0}``, ``{1}``."""
    if english in _PHRASE_TABLE:
        return Msg(english, {}, _PHRASE_TABLE, args)
    return english.format(*args) if args else english


def joined(items: Sequence[object], last: str = "and") -> str:
    """``a, b and c`` (``a, b et c``); ``last="or"``: ``a, b or c`` (``a, b ou c``). Items that
    are ``Msg`` are written in the language of the whole."""
    if len(items) < 2:
        return str(items[0]) if items else ""
    head: object = items[0]
    for item in items[1:-1]:
        head = msg("list.comma", a=head, b=item)
    return msg(f"list.{last}", first=head, last=items[-1])


def localize(text: object, language: str | None = None) -> str:
    """``text`` in ``language`` (default: ``current()``): a ``Msg`` is translated, anything else
    is written as it is (a name, a number, a library's own message)."""
    if isinstance(text, Msg):
        return text.written_in(language or current())
    return str(text)


def say(key: str, /, **values: object) -> str:
    """The text ``key`` written now, in the language in use."""
    return localize(msg(key, **values))


def plural(stem: str, count: int, language: str | None = None, **values: object) -> str:
    """``stem.one`` or ``stem.other`` as ``count`` asks in ``language`` (French says 0 and 1 in
    the singular), written in it with ``count`` and ``values``."""
    spoken = language or current()
    one = count in (0, 1) if spoken == "fr" else count == 1
    key = f"{stem}.{'one' if one else 'other'}"
    return localize(msg(key, count=count, **values), spoken)


def reason(exc: BaseException) -> str:
    """What ``exc`` says: its ``Msg`` when it was raised with one (``str(exc)`` would be plain
    English), else ``str(exc)``."""
    said = exc.args[0] if len(exc.args) == 1 else None
    return said if isinstance(said, Msg) else str(exc)
