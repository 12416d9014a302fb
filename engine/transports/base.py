"""Own the tiny base every transport shares: a name, an inbound handler, an async context."""

from __future__ import annotations

import asyncio
from types import TracebackType

from engine.core.messages import Outgoing, ProviderId
from engine.types import InboundHandler, LinkStats, PartStore, ReceiptHandler

__all__ = ["TransportBase"]


class TransportBase:
    """``start(on_inbound)``, ``send(message, reference) -> external id``, ``aclose()``."""

    name = "transport"

    def __init__(self, name: str | None = None) -> None:
        if name:
            self.name = name
        self.on_inbound: InboundHandler | None = None
        self.on_receipt: ReceiptHandler | None = None
        self.parts: PartStore | None = None
        """Given by the service in ``start``; transports with delivery receipts call it."""

    @property
    def state(self) -> str:
        """The link as /health and /metrics show it: ``up`` while started, else ``down``.

        Connectors with a real link (SMPP binds) say ``connecting`` or ``down`` when it is.
        """
        return "up" if self.on_inbound is not None else "down"

    @property
    def link_error(self) -> str | None:
        """Why the link is not up (a refused bind, a lost connection), or None."""
        return None

    async def start(
        self,
        on_inbound: InboundHandler,
        on_receipt: ReceiptHandler | None = None,
        *,
        parts: PartStore | None = None,
    ) -> None:
        self.on_inbound = on_inbound
        self.on_receipt = on_receipt
        self.parts = parts

    async def send(self, message: Outgoing, reference: int) -> ProviderId | None:
        raise NotImplementedError

    def send_now(
        self, message: Outgoing, reference: int
    ) -> asyncio.Future[ProviderId | None] | None:
        """No hand-over without ``send`` here (see ``Transport.send_now``)."""
        return None

    def link_stats(self) -> list[LinkStats]:
        return []

    async def delivered(self, references: list[int]) -> set[int] | None:
        """Return which of ``references`` the peer already has, or None if it cannot tell.

        The outbox asks this after a restart, for the messages it was handing over when the
        process stopped, and sends only the others again.
        """
        return None

    async def aclose(self) -> None:
        self.on_inbound = None

    async def __aenter__(self) -> TransportBase:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()
