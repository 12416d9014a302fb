"""Own the console's words and the language it speaks to one person: the notices after an act,
the errors and the ``gettext`` its templates call (Jinja2's i18n extension: ``{% trans %}`` and
``_()``), in English and French from ``engine.i18n.console``.

The language of a page: the ``lang`` cookie (set by ``/language/LANG``), else the browser's
``Accept-Language`` (its first English or French range), else the engine's own (``--lang``,
``TWOWAY_LANG``, the locale: ``engine.i18n.current``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup

from engine.i18n import LANGUAGES, current
from engine.i18n.console import CONSOLE

__all__ = ["LANG_COOKIE", "NOTICES", "THROTTLED", "Words", "language_of", "notice", "words"]

LANG_COOKIE = "twoway_lang"

NOTICES = {
    "sent": "Your reply is on its way.",
    "assigned": "The thread is yours.",
    "closed": "The thread is closed.",
    "released": "The conversation is back with the rules.",
    "opted-out": "This contact opted out of this number: no message can go to them.",
    "thread-closed": "This thread is closed: nothing more can be done in it.",
    "empty": "Write something first.",
    "too-long": "This text cannot go as one reply",
    "bad-login": "Wrong name, password or token.",
    "link-used": "This log-in link was used already, or is not one of this engine's.",
    "logged-out": "You are logged out.",
    "no-session": "Log in first.",
    "csrf": "This form is out of date: reload the page and send it again.",
    "unavailable": "The engine is not taking messages now (starting or stopping).",
    "campaign-started": "The campaign is started: the engine sends at its pace.",
    "campaign-paused": "The campaign is paused.",
    "campaign-resumed": "The campaign goes on.",
    "campaign-cancelled": "The campaign is cancelled: who has not had it gets nothing.",
    "started-once": "This campaign was started already: a campaign starts once.",
    "not-started": "This campaign was never started.",
    "campaign-state": "The campaign cannot do that in its status now.",
    "unreadable-audience": "The campaign's audience file cannot be read.",
    "no-reading": "Results and campaigns are for those who may read them (a token's read scope).",
}
"""A notice's name (in a page's address: ``?notice=sent``) → its English words."""
THROTTLED = "Too many failed log-ins: wait %(minutes)s minutes, then try again."


def language_of(cookies: Mapping[str, str], accept: str | None) -> str:
    """The language of the person who sent these cookies and this ``Accept-Language``."""
    chosen = cookies.get(LANG_COOKIE, "")
    if chosen in LANGUAGES:
        return chosen
    ranges: list[tuple[float, int, str]] = []
    for position, part in enumerate((accept or "")[:512].split(",")):
        name, _, params = part.strip().partition(";")
        weight = 1.0
        if params.strip().startswith("q="):
            try:
                weight = float(params.strip()[2:])
            except ValueError:
                weight = 0.0
        short = name.strip().lower()[:2]
        if short in LANGUAGES and weight > 0:
            ranges.append((-weight, position, short))
    return min(ranges)[2] if ranges else current()


class Words:
    """What one page says in one language: ``say(english, **values)`` for the code,
    ``gettext``/``ngettext`` for the templates (new-style: ``%(name)s`` filled, escaped)."""

    def __init__(self, language: str) -> None:
        self.language = language
        self._table: Mapping[str, str] = CONSOLE if language == "fr" else {}

    def say(self, english: str, /, **values: Any) -> str:
        text = self._table.get(english, english)
        return text % values if values else text

    def templates(self) -> dict[str, Callable[..., str]]:
        table = self._table

        @pass_context
        def gettext(context: Context, english: str, /, **values: Any) -> str:
            text = table.get(english, english)
            if context.eval_ctx.autoescape:
                text = Markup(text)
            return text % values

        @pass_context
        def ngettext(context: Context, one: str, other: str, count: int, /, **values: Any) -> str:
            english = one if count == 1 else other
            if self.language == "fr":
                english = one if count in (0, 1) else other
            text = table.get(english, english)
            if context.eval_ctx.autoescape:
                text = Markup(text)
            return text % {"num": count, **values}

        return {"gettext": gettext, "ngettext": ngettext, "_": gettext}


_WORDS = {language: Words(language) for language in LANGUAGES}


def words(language: str) -> Words:
    """The words of ``language`` (English for one twoway does not speak)."""
    return _WORDS.get(language, _WORDS[LANGUAGES[0]])


def notice(key: str | None, said: Words) -> str | None:
    """The words of a notice named in a page's address (an unknown name: none)."""
    english = NOTICES.get(key or "")
    return said.say(english) if english is not None else None
