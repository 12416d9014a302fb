"""Plain data shared by every layer: messages, contacts, sessions, events, sprints, clock, ids."""

from __future__ import annotations

from engine.core.clock import Clock, FixedClock, SystemClock
from engine.core.ids import IdSource, RandomIds, SequentialIds
from engine.core.messages import (
    Address,
    Inbound,
    Outgoing,
    normalize_address,
)
from engine.core.model import (
    Answer,
    Contact,
    Event,
    Input,
    Session,
    Sprint,
    Vote,
)

__all__ = [
    "Address",
    "Answer",
    "Clock",
    "Contact",
    "Event",
    "FixedClock",
    "IdSource",
    "Inbound",
    "Input",
    "Outgoing",
    "RandomIds",
    "SequentialIds",
    "Session",
    "Sprint",
    "SystemClock",
    "Vote",
    "normalize_address",
]
