"""Own a thread's story in plain words: the conversation's flow, state and variables, and each
of its recorded events (the catalogue of ``docs/rules.md``) as a sentence in the person's
language ("Entered state ask_date at 10:02", "Handed to reception at 10:05").

An event this module does not know is told by its type; a value is shown as text, cut at
``LONGEST`` characters.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from engine.core.events import EventType
from engine.store.history import Happened, SessionNow
from engine.web.console.text import Words

__all__ = ["SENTENCES", "told", "variables"]

LONGEST = 200
VARIABLES = 100
"""Variables shown at most."""
SENTENCES: Mapping[str, str] = {
    EventType.MESSAGE_RECEIVED: "Message received",
    EventType.OPTED_OUT: "Opted out with %(keyword)s",
    EventType.OPT_OUT_REPEATED: "Sent a stop word again",
    EventType.OPTED_IN: "Opted back in with %(keyword)s",
    EventType.OPT_IN_REPEATED: "Sent a start word while opted in",
    EventType.HELP: "Asked for help with %(keyword)s",
    EventType.IGNORED: "Ignored: the contact opted out",
    EventType.HELD: "Held for %(team)s",
    EventType.ANSWERED_ASIDE: "Answered aside in flow %(flow)s",
    EventType.KEYWORD_CORRECTED: "Read %(typed)s as %(keyword)s",
    EventType.FLOW_STARTED: "Started flow %(flow)s in state %(state)s",
    EventType.STATE_ENTERED: "Entered state %(state)s",
    EventType.SESSION_ENDED: "Flow %(flow)s ended in state %(state)s (%(reason)s)",
    EventType.SESSION_EXPIRED: "Flow %(flow)s expired in state %(state)s",
    EventType.TIMEOUT: "Waited too long in state %(state)s",
    EventType.UNMATCHED: "No answer matched in state %(state)s",
    EventType.RETRIES_EXHAUSTED: "Ran out of retries in state %(state)s",
    EventType.UNHANDLED: "Nothing answered the message",
    EventType.HANDOFF: "Handed to %(team)s",
    EventType.LOG: "Noted: %(text)s",
    EventType.REPLY_LIMITED: "A reply was not sent: the limit of %(limit)s replies was reached",
    EventType.TAGGED: "Added to the group %(group)s",
    EventType.UNTAGGED: "Removed from the group %(group)s",
    EventType.VOTE_RECORDED: "Voted %(choice)s in %(poll)s",
    EventType.VOTE_CHANGED: "Changed the vote in %(poll)s from %(previous)s to %(choice)s",
    EventType.VOTE_REFUSED: "The vote %(choice)s in %(poll)s was not counted (%(reason)s)",
    EventType.ANSWER_RECORDED: "Answered %(question)s of %(survey)s: %(value)s",
    EventType.ERROR: "A rule could not run: %(message)s",
}
"""An event's type → its sentence, by the English words (``engine.i18n.console``: French)."""
OTHER = "Event %(type)s"
AT = "%(what)s at %(time)s"
IN_STATE = "In flow %(flow)s, waiting in state %(state)s"
ENDED = "Flow %(flow)s ended, in state %(state)s"
VARIABLE = "%(name)s is %(value)s"


def _text(value: Any) -> str:
    text = "" if value is None else str(value)
    return text if len(text) <= LONGEST else text[: LONGEST - 1] + "…"


def told(event: Happened, said: Words) -> str:
    """One event as a sentence with its time (UTC, hours and minutes)."""
    english = SENTENCES.get(event.type)
    if english is None:
        what = said.say(OTHER, type=_text(event.type))
    else:
        names = _names(english)
        what = said.say(english, **{name: _text(event.data.get(name, "?")) for name in names})
    return said.say(AT, what=what, time=event.at.strftime("%H:%M"))


def _names(english: str) -> list[str]:
    names, rest = [], english
    while "%(" in rest:
        rest = rest.split("%(", 1)[1]
        name, rest = rest.split(")s", 1)
        names.append(name)
    return names


def variables(session: SessionNow | None, said: Words) -> tuple[str | None, list[str]]:
    """Where the conversation's last flow is (or ended), and its variables as sentences."""
    if session is None:
        return None, []
    where = said.say(IN_STATE if session.active else ENDED, flow=session.flow, state=session.state)
    listed = [
        said.say(VARIABLE, name=_text(name), value=_text(value))
        for name, value in sorted(_flat(session.vars))
        if not name.startswith("_")
    ]
    return where, listed[:VARIABLES]


def _flat(values: Mapping[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    """``{"booking": {"day": "tuesday"}}`` as ``[("booking.day", "tuesday")]``."""
    out: list[tuple[str, Any]] = []
    for name, value in values.items():
        if isinstance(value, Mapping) and value:
            out.extend(_flat(value, f"{prefix}{name}."))
        else:
            out.append((f"{prefix}{name}", value))
    return out
