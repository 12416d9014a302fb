"""Own the rows that cross the store boundary: what is loaded for a step and what a step commits."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from engine.core.messages import Address, Inbound, Outgoing
from engine.core.model import EMPTY, Contact, Session, Sprint, Tallies
from engine.core.quiet import QuietHours

__all__ = [
    "CampaignRow",
    "CampaignState",
    "Conversation",
    "Decide",
    "Handled",
    "HeldPart",
    "Key",
    "Launch",
    "OutboxRow",
    "Received",
    "Step",
    "Timer",
    "Work",
    "WriteTimes",
    "conversation_key",
]

CampaignState = Literal["running", "paused", "cancelled", "done"]

OutboxStatus = Literal[
    "queued",
    "sending",
    "sent",
    "delivered",
    "failed",
    "expired",
    "suppressed",
    "rejected",
    "undeliverable",
]


@dataclass(frozen=True, slots=True)
class Received:
    """The outcome of committing one inbound message."""

    message: Inbound
    """The message with its row ``id`` set."""
    duplicate: bool
    """True when the same message was already committed (a re-delivery): do not process it again."""
    conflict: bool = False
    """For a duplicate by provider id: True when the committed row with that id has another
    sender, recipient or text, so this is not a re-delivery but an id used twice (a transport
    refuses it rather than acknowledge a message it will never process)."""


@dataclass(frozen=True, slots=True)
class Conversation:
    """What the runtime needs to know about one contact × number before a step."""

    contact: Contact
    session: Session | None
    recent_replies: int = 0
    held: str | None = None
    """The team a hand-off gave the conversation to, while its thread is open or assigned."""


@dataclass(frozen=True, slots=True)
class Step:
    """One runtime step to commit: the sprint and what it consumed."""

    contact: Address
    number: Address
    sprint: Sprint
    at: datetime
    ruleset_version: str
    inbound_id: int | None = None
    """The inbound row this step processed (marked processed in the same transaction)."""
    timer_id: int | None = None
    """The timer this step consumed (deleted in the same transaction)."""
    campaign: int | None = None
    """The campaign whose recipient this step started (marked started in the same transaction;
    its messages carry the campaign)."""
    hold_until: datetime | None = None
    """Quiet hours: the step's messages wait in the store until then instead of leaving now."""


@dataclass(frozen=True, slots=True)
class OutboxRow:
    """A committed outbound message waiting to be (or having been) handed to a transport."""

    id: int
    message: Outgoing
    created_at: datetime
    status: OutboxStatus = "queued"
    attempts: int = 0
    contact: Address = ""
    """The conversation's contact (for ``send`` actions the recipient differs)."""
    campaign: int | None = None
    """The campaign whose step wrote it (its first message to a recipient)."""


@dataclass(frozen=True, slots=True)
class HeldPart:
    """One part of a long inbound message, kept in the store until the message is whole: a part
    acknowledged to the provider must survive a crash like any acknowledged message."""

    transport: str
    group: str
    """The transport's name for the message the part belongs to."""
    number: int
    data: str
    """The part as the transport wrote it (the store keeps it as it is)."""
    received_at: datetime
    done_at: datetime | None = None
    """When the message was received, once it is committed (its ``received_at``): its parts are
    kept a while to recognise a part the provider sends again."""


@dataclass(frozen=True, slots=True)
class Timer:
    """A durable scheduled resume: a session's deadline, or a flow to start for a contact."""

    id: int
    due: datetime
    kind: Literal["session", "start"]
    contact: Address
    number: Address
    session_id: str | None = None
    flow: str | None = None
    params: Mapping[str, Any] = field(default_factory=lambda: EMPTY)


@dataclass(frozen=True, slots=True)
class Launch:
    """One recipient of a campaign whose time has come: start the campaign's flow for them."""

    campaign: int
    """The campaign's row id in the store."""
    contact: Address
    number: Address
    flow: str
    params: Mapping[str, Any] = field(default_factory=lambda: EMPTY)


@dataclass(frozen=True, slots=True)
class CampaignRow:
    """A started campaign as the store keeps it: what it started with, not the file now."""

    id: int
    name: str
    title: str
    number: str
    flow: str
    kind: str
    throughput: float | None
    window: QuietHours | None
    status: CampaignState
    recipients: int
    excluded: int
    created_at: datetime
    finished_at: datetime | None
    started_by: str | None = None
    """Who started it (``user:NAME``, ``token:NAME``; None: the ``twoway`` command)."""
    changed_by: str | None = None
    """Who last paused, resumed or cancelled it (None: nobody, or the command)."""


Work = Inbound | Timer | Launch
"""What the service processes: a committed inbound message, a due timer or a campaign's
recipient."""

Key = tuple[Address, Address]
"""A conversation: (contact, number)."""


def conversation_key(work: Work) -> Key:
    """The conversation ``work`` belongs to."""
    if isinstance(work, Inbound):
        return (work.sender, work.recipient)
    return (work.contact, work.number)


Decide = Callable[[dict[Key, Conversation], Sequence[Work], Tallies], list[Step]]
"""The service's decision for a batch: the conversations it touches and the tallies of the polls
it asked for, loaded in the transaction that will commit the steps, and the work in arrival
order → one step per item. Pure: the store calls it inside that transaction, so no other batch
can change those conversations or counts meanwhile."""


@dataclass(frozen=True, slots=True)
class Handled:
    """What one transaction of intake and processing did."""

    received: list[Received]
    """Each message given, committed or recognised as a re-delivery (in the order given)."""
    steps: list[Step]
    """The steps of the fresh messages, committed in the same transaction."""
    rows: list[OutboxRow]
    """The outbox rows those steps queued, already ``sending``: hand them over now."""


@dataclass(slots=True)
class WriteTimes:
    """How much a store's writer has worked since it opened, as ``/metrics`` shows it: added
    to on the store's thread after each write transaction, read on the event loop (each field
    one number, read whole)."""

    transactions: int = 0
    """Write transactions run, committed or rolled back: a batch of messages, the sent marks,
    a campaign's launch, a person's reply…"""
    writing: float = 0.0
    """Seconds in them; with ``workers: N``, from this process's turn at the writer lock to the
    lock let go. Its rate is the share of the time the store's one writer is busy: summed over
    the workers, near 1 means the store is what bounds the throughput."""
    waiting: float = 0.0
    """Seconds waiting for the writer lock while another process wrote (``workers: N``)."""
