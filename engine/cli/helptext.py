"""Own the language of `--help` and of click's usage errors: every twoway command is a
``Command`` or ``Group`` of this module, whose help, option help and list of commands are written
in the language in use (their French is ``engine.i18n.HELP``, by their English); click's own
words ("Usage:", "Options:", "Error: No such option …") come from ``engine.i18n.CLICK_WORDS``
through ``ClickWords``, the translations ``install`` gives click's modules.

Click marks its words with ``from gettext import gettext as _`` (and ``ngettext``): the
stdlib's functions, which read ``.mo`` files of the default domain in the language of the
environment. ``install`` rebinds those two names in click's modules to a ``ClickWords``, which
speaks the language ``--lang``, ``TWOWAY_LANG`` or the locale chose (``engine.i18n.current``)
and hands English back to the stdlib's functions, so English stays byte for byte click's.
Neither a ``.mo`` file (a compile step, the default domain of the whole process, and a language
the stdlib reads from the environment, never from ``--lang``) nor rewriting click's English
after the fact (its errors are formatted when raised) would do.
"""

from __future__ import annotations

import contextvars
import copy
import gettext
import inspect
import re
from collections.abc import Iterable
from typing import Any, TypeVar

import click
import click.core
import click.decorators
import click.exceptions
import click.formatting
import click.parser
import click.termui
import click.types
import click.utils

import engine.i18n as i18n

__all__ = ["ClickWords", "Command", "Context", "Formatter", "Group", "install", "speak", "spoken"]

_Said = TypeVar("_Said", click.Command, click.Parameter)


def spoken(english: str) -> str:
    """``english`` (a command's help, an option's) in the language in use."""
    if i18n.current() == "fr":
        return i18n.HELP.get(english, english)
    return english


def _said(thing: _Said) -> _Said:
    """``thing`` as it reads in the language in use: itself when its help stays as it is,
    else a shallow copy with its help translated (click formats the copy)."""
    english: str | None = getattr(thing, "help", None)
    if not english:
        return thing
    cleaned = inspect.cleandoc(english).partition("\f")[0]
    said = spoken(cleaned)
    if said == cleaned:
        return thing
    told = copy.copy(thing)
    setattr(told, "help", said)  # noqa: B010  (an Argument has no help in click's types)
    return told


def speak(ctx: click.Context, param: click.Parameter, lang: str | None) -> None:
    """The callback of ``--lang`` (an eager option, so that ``--lang fr --help`` is French):
    speak the language it names, else the one ``TWOWAY_LANG`` or the locale names."""
    i18n.use(i18n.choose(lang))


_NBSP = "\N{NO-BREAK SPACE}"
_BEFORE_MARK = re.compile(r" ([;:?!])")


def _bound(text: str) -> str:
    """French ``text`` with the space before ``; : ? !`` made unbreakable while it is wrapped
    (``getvalue`` gives it back as a space)."""
    return _BEFORE_MARK.sub(_NBSP + r"\1", text) if i18n.current() == "fr" else text


class Formatter(click.HelpFormatter):
    """Click's formatter, French: a heading is ``Commandes :``, and a line never starts with
    the ``;`` or ``:`` of the line before. English is click's, untouched."""

    def write_heading(self, heading: str) -> None:
        if i18n.current() != "fr":
            super().write_heading(heading)
            return
        self.write(f"{'':>{self.current_indent}}{heading} :\n")

    def write_text(self, text: str) -> None:
        super().write_text(_bound(text))

    def write_dl(
        self, rows: Iterable[tuple[str, str]], col_max: int = 30, col_spacing: int = 2
    ) -> None:
        super().write_dl([(term, _bound(text)) for term, text in rows], col_max, col_spacing)

    def getvalue(self) -> str:
        written = super().getvalue()
        return written.replace(_NBSP, " ") if i18n.current() == "fr" else written


class Context(click.Context):
    """Click's context, with ``Formatter``."""

    formatter_class = Formatter


class Command(click.Command):
    """A twoway command: its help and its options' help in the language in use."""

    context_class = Context

    def main(self, *args: Any, **kwargs: Any) -> Any:
        """Run in a copy of the current context: the language ``--lang`` chose lasts until
        click has shown the usage error or the help, and is gone afterwards."""
        return contextvars.copy_context().run(super().main, *args, **kwargs)

    def format_help_text(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        click.Command.format_help_text(_said(self), ctx, formatter)

    def get_short_help_str(self, limit: int = 45) -> str:
        return click.Command.get_short_help_str(_said(self), limit)

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """As click's, each option's help record written by its translated copy (arguments
        are not options: click 8.5 gives them a record too)."""
        records = [
            _said(param).get_help_record(ctx)
            for param in self.get_params(ctx)
            if not isinstance(param, click.Argument)
        ]
        rows = [record for record in records if record is not None]
        if rows:
            with formatter.section(WORDS.gettext("Options")):
                formatter.write_dl(rows)


class Group(click.Group, Command):
    """A twoway group: ``Command``'s language, and its subcommands and subgroups are twoway's
    too (``@group.command()``, ``@group.group()``)."""

    command_class = Command
    group_class = type


class ClickWords(gettext.NullTranslations):
    """Click's own words in the language in use; English is the stdlib's ``gettext``'s."""

    def gettext(self, message: str) -> str:
        if i18n.current() == "fr" and message in i18n.CLICK_WORDS:
            return i18n.CLICK_WORDS[message]
        return gettext.gettext(message)

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        french = i18n.CLICK_PLURALS.get(msgid1)
        if i18n.current() == "fr" and french is not None:
            return french[0] if n == 1 else french[1]
        return gettext.ngettext(msgid1, msgid2, n)


WORDS = ClickWords()
_MODULES = (
    click.core,
    click.decorators,
    click.exceptions,
    click.formatting,
    click.parser,
    click.termui,
    click.types,
    click.utils,
)


def install() -> None:
    """Give click's modules ``WORDS`` for the ``_`` and ``ngettext`` they took from gettext;
    a name click no longer takes from gettext is left alone."""
    for module in _MODULES:
        if getattr(module, "_", None) is gettext.gettext:
            vars(module)["_"] = WORDS.gettext
        if getattr(module, "ngettext", None) is gettext.ngettext:
            vars(module)["ngettext"] = WORDS.ngettext


install()
