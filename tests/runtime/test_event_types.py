"""The runtime's event names: one ``EventType`` per fact, each told by the console (the catalogue
of docs/rules.md: tests/test_docs_current.py)."""

from __future__ import annotations

from engine.core.events import EXPLAIN_ONLY, EventType
from engine.web.console.story import SENTENCES


def test_the_console_tells_every_stored_event_in_a_sentence() -> None:
    assert set(SENTENCES) == set(EventType) - EXPLAIN_ONLY


def test_an_event_type_is_its_name_where_it_is_stored_and_compared() -> None:
    assert EventType.HANDOFF == "handoff"
    assert f"{EventType.VOTE_REFUSED}" == "vote_refused"
    assert {"handoff": 1}[EventType.HANDOFF] == 1
