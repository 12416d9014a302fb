"""Own the seams between layers, as Protocols only: the store by role (``Store`` the service's,
``OutboxStore``, ``TimerStore``, ``CampaignStore``, ``PartStore``, ``NotificationStore``) and
``Transport``."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

from engine.core.messages import Address, Inbound, Outgoing, ProviderId
from engine.core.notices import Notification, Outcome
from engine.core.records import (
    CampaignRow,
    Decide,
    Handled,
    HeldPart,
    OutboxRow,
    Received,
    Step,
    Timer,
    Work,
    WriteTimes,
)

__all__ = [
    "CampaignStore",
    "InboundHandler",
    "LinkStats",
    "NotificationStore",
    "OutboxStore",
    "PartStore",
    "Receipt",
    "ReceiptHandler",
    "SendResult",
    "Store",
    "TimerStore",
    "Transport",
]


class PartStore(Protocol):
    """Where a transport keeps the parts of long inbound messages until they are whole."""

    async def hold_parts(self, parts: Sequence[HeldPart], *, forget_before: datetime) -> None:
        """Commit ``parts`` (then they may be acknowledged); drop those of messages committed
        before ``forget_before``."""
        ...

    async def held_parts(self, transport: str) -> list[HeldPart]:
        """What ``transport`` held when it last stopped, and the parts of messages committed
        lately (``done_at``)."""
        ...


class TimerStore(Protocol):
    """What the scheduler reads of the store (``engine.scheduler``): when to look, what is due."""

    async def due_timers(self, now: datetime, limit: int = 1_000) -> list[Timer]: ...
    async def next_timer_due(self) -> datetime | None: ...


class CampaignStore(Protocol):
    """What the campaign loop reads of the store (``engine.campaigns.runner``); the launches
    themselves go through the service, which decides them."""

    async def running_campaigns(self) -> list[CampaignRow]: ...
    async def all_campaigns(self) -> list[CampaignRow]: ...
    async def next_campaign_due(self, campaign: int) -> datetime | None: ...
    async def data_version(self) -> int:
        """Changes when another connection (another process) commits."""
        ...


class OutboxStore(Protocol):
    """What the outbox reads and writes of the store (``engine.outbox``): the rows it hands
    over, their marks, opt-outs checked again, quiet hours' holds."""

    async def writable(self, timeout: float) -> bool:
        """Wait until a write succeeds (at most ``timeout`` s); return whether one did."""
        ...

    async def waiting_outbox(self, ids: Sequence[int]) -> list[OutboxRow]: ...
    async def mark_sending(self, ids: Sequence[int]) -> None: ...
    async def mark_sent(self, results: Sequence[tuple[int, ProviderId | None]]) -> None: ...
    def hurry(self) -> None:
        """Somebody waits for the ``sent`` marks pending and about to come: write them soon."""
        ...

    async def mark_failed(self, outbox_id: int, error: str, *, permanent: bool) -> None: ...
    async def suppress(self, ids: Sequence[int], reason: str) -> None: ...
    async def opted_out(
        self, pairs: Sequence[tuple[Address, Address]]
    ) -> set[tuple[Address, Address]]: ...
    async def hold(self, rows: Sequence[tuple[int, datetime]]) -> None: ...


class Store(OutboxStore, TimerStore, CampaignStore, PartStore, Protocol):
    """Durable state, as the service uses it: the roles above, and the batches of the hot path,
    the claims of several processes, the launches of campaigns. Every method that writes
    commits before it returns. (``SqliteStore`` has more: the reads of the CLI, the console and
    the tests, typed by that class, not by this seam.)"""

    status_listeners: list[Callable[[], None]]
    """Called once outbox rows' statuses changed (committed)."""

    async def open(self) -> None: ...
    async def close(self) -> None: ...
    @property
    def problem(self) -> str | None:
        """Why the store cannot write now, or None while writes succeed."""

    @property
    def writes(self) -> WriteTimes:
        """How much the store's writer has worked: its transactions, the time in them, the
        time waiting for the other processes' (``/metrics``)."""

    async def writer_turn(self) -> None:
        """Wait until this process may write (processes that share the store queue for it);
        the next write goes in that turn. Never raises for the store's trouble."""

    async def receive(self, messages: Sequence[Inbound]) -> list[Received]: ...
    async def pending_inbound(self, limit: int = 10_000) -> list[Inbound]: ...
    async def process(
        self,
        work: Sequence[Work],
        decide: Decide,
        *,
        replies_since: datetime,
        polls: Collection[str] = (),
    ) -> tuple[list[Step], list[OutboxRow]]:
        """Load ``work``'s conversations and the tallies of ``polls``, decide, commit: one
        transaction."""

    async def handle(
        self,
        messages: Sequence[Inbound],
        decide: Decide,
        *,
        replies_since: datetime,
        polls: Collection[str] = (),
    ) -> Handled: ...

    async def claim_outbox(self, limit: int = 1_000) -> list[OutboxRow]:
        """Take the rows still to send that no live process holds (``store.claims``)."""

    async def renew_claims(self, limit: int = 10_000) -> list[OutboxRow]:
        """Renew this process's leases; take the rows whose lease ended."""

    async def release_claims(self) -> int:
        """Give back the rows this process holds (a graceful stop)."""

    @property
    def lease(self) -> timedelta:
        """How long a claim holds without renewal."""

    async def mark_deliveries(self, receipts: Sequence[Receipt]) -> list[bool]: ...
    async def launch(
        self,
        campaign: CampaignRow,
        most: int,
        now: datetime,
        cap: tuple[int, timedelta] | None,
        decide: Decide,
        *,
        replies_since: datetime,
        polls: Collection[str] = (),
    ) -> tuple[list[Step], list[OutboxRow]]: ...
    async def release_held(self, now: datetime, limit: int = 1_000) -> list[OutboxRow]: ...
    async def next_held(self) -> datetime | None: ...
    async def schedule_start(
        self,
        contact: Address,
        number: Address,
        flow: str,
        params: dict[str, Any],
        due: datetime,
    ) -> int: ...


class NotificationStore(Protocol):
    """What the notifier reads and writes of the store (``engine.notify``)."""

    async def add_notification(self, type_: str, at: datetime, data: Any) -> int:
        """Write event ``type_`` for its subscribers, in a transaction of its own."""
        ...

    async def notifications_due(self, now: datetime, limit: int = 100) -> list[Notification]: ...
    async def next_notification_due(self) -> datetime | None: ...
    async def pending_notifications(self) -> int: ...
    async def record_notifications(self, outcomes: Sequence[Outcome]) -> None: ...


class SendResult(Protocol):
    external_id: str | None


InboundHandler = Callable[[Inbound], Awaitable[object]]
"""Called by a transport for every inbound message; returns once the message is committed."""

Receipt = tuple[str, str, str | None]
"""A delivery receipt: (provider message id, outbox status it means, error code)."""

ReceiptHandler = Callable[[Sequence[Receipt]], Awaitable[object]]
"""Called by a transport with delivery receipts (many at once: one commit); returns once they
are recorded. A receipt is never an inbound message."""


@dataclass(frozen=True, slots=True)
class LinkStats:
    """One link of a connector (an SMPP bind, say), as ``/metrics`` shows it."""

    name: str
    up: bool
    in_flight: int = 0
    """Requests sent on it and not answered yet (submit_sm awaiting their response)."""
    connects: int = 0
    """How many times it connected (bound): the reconnects are the others."""
    errors: Mapping[str, int] = field(default_factory=dict)
    """Problems by kind since the start (``link_lost``, ``bind_refused``, ``timeout``, …)."""
    signal: float | None = None
    """A radio link's signal (a modem's ``AT+CSQ``: 0–31), when it has one."""


class Transport(Protocol):
    """A connector: hands inbound messages to the service and sends outbound ones."""

    name: str

    @property
    def state(self) -> str:
        """``up``, ``connecting`` or ``down``: the link as /health and /metrics show it."""
        ...

    @property
    def link_error(self) -> str | None:
        """Why the link is not up, or None."""
        ...

    async def start(
        self,
        on_inbound: InboundHandler,
        on_receipt: ReceiptHandler | None = None,
        *,
        parts: PartStore | None = None,
    ) -> None:
        """Begin: hand inbound messages to ``on_inbound``, delivery receipts to ``on_receipt``;
        keep the parts of long messages in ``parts`` (in memory only without it)."""
        ...

    async def send(self, message: Outgoing, reference: int) -> ProviderId | None:
        """Send; return the provider's message id. Raise TransportError on failure."""
        ...

    def send_now(
        self, message: Outgoing, reference: int
    ) -> asyncio.Future[ProviderId | None] | None:
        """``send`` begun at once without a coroutine, when the connector can (the outbox's
        batches then need no task per message); the future gives what ``send`` would return
        or raise. None: use ``send``."""
        ...

    def link_stats(self) -> list[LinkStats]:
        """Each link of the connector, for ``/metrics`` (none for a connector without)."""
        ...

    async def delivered(self, references: list[int]) -> set[int] | None:
        """Which of ``references`` the peer already received; None when it cannot tell."""
        ...

    async def aclose(self) -> None: ...
