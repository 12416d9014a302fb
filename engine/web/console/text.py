"""Own the console's words that are not in its templates: the notices after an act, the errors
and the titles. One place, in English, so that another language can come from the project's
message catalogue later (the templates hold the rest of the page's words)."""

from __future__ import annotations

__all__ = ["NOTICES", "notice"]

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
}


def notice(key: str | None) -> str | None:
    """The words of a notice named in a page's address (an unknown name: none)."""
    return NOTICES.get(key or "")
