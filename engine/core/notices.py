"""Own the values of event notifications: the events a subscriber may ask for, who subscribed to
what, and a notification row as it crosses the store boundary.

A subscriber is a URL of ``notify:`` in twoway.yaml (``engine.config``); the store writes one
row per (event, subscriber) in the transaction of what caused it, and the notifier
(``engine.notify``) posts the rows. Secrets stay in memory: the store keeps the URL only.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from engine.core.model import EMPTY

__all__ = [
    "EVENTS",
    "NONE",
    "Notification",
    "NotifyStatus",
    "Outcome",
    "Subscriber",
    "Subscriptions",
]

EVENTS = ("handoff", "opt_out", "unmatched", "campaign_finished", "rules_failed")
"""The events a subscriber may ask for, in the order the documentation lists them."""

NotifyStatus = Literal["pending", "sent", "failed"]


@dataclass(frozen=True, slots=True)
class Subscriber:
    """One entry of ``notify:``: where to post, which events, the secret that signs them."""

    url: str
    events: frozenset[str]
    secret: str = field(repr=False)


@dataclass(frozen=True, slots=True)
class Subscriptions:
    """Event → the URLs subscribed to it, as the store needs them to write the rows."""

    by_event: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: EMPTY)

    @classmethod
    def of(cls, subscribers: Iterable[Subscriber]) -> Subscriptions:
        found: dict[str, list[str]] = {}
        for subscriber in subscribers:
            for event in EVENTS:
                if event in subscriber.events:
                    found.setdefault(event, []).append(subscriber.url)
        return cls({event: tuple(urls) for event, urls in found.items()})

    def targets(self, event: str) -> tuple[str, ...]:
        return tuple(self.by_event.get(event, ()))

    def __bool__(self) -> bool:
        return any(self.by_event.values())


NONE = Subscriptions()
"""Nobody subscribed: the store writes no notification."""


@dataclass(frozen=True, slots=True)
class Notification:
    """One notification to one subscriber, as the store keeps it."""

    id: int
    target: str
    """The subscriber's URL."""
    type: str
    at: datetime
    """When the event happened (the engine's clock)."""
    data: Mapping[str, Any]
    status: NotifyStatus = "pending"
    attempts: int = 0
    """Posts tried so far that failed."""
    next_at: datetime | None = None
    """When the next post is due (pending rows)."""
    last_error: str | None = None

    @property
    def event_id(self) -> str:
        """The id the receiver dedupes by: the same at every attempt, unique per row."""
        return f"ntf_{self.id}"


Outcome = tuple[int, NotifyStatus, datetime | None, str | None]
"""What became of one post: (row id, ``sent`` / ``pending`` (to retry) / ``failed`` (given up),
when to try again for a pending one, the error of a failed attempt)."""
