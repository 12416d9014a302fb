"""Own the in-memory transport used by `twoway chat`, `twoway test` and unit tests."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from engine.core.messages import Inbound, Outgoing
from engine.errors import TransportError
from engine.transports.base import TransportBase

__all__ = ["LoopbackTransport"]


class LoopbackTransport(TransportBase):
    """Messages typed by a person (or a test) in; sent messages kept in ``sent`` and announced."""

    name = "loopback"

    def __init__(
        self, name: str | None = None, on_sent: Callable[[Outgoing, int], None] | None = None
    ) -> None:
        super().__init__(name)
        self.sent: list[tuple[int, Outgoing]] = []
        self.on_sent = on_sent
        self._counter = 0

    async def deliver(
        self, sender: str, recipient: str, text: str, at: datetime, external_id: str | None = None
    ) -> None:
        """Hand one message to the engine as if a phone had sent it; returns once committed."""
        if self.on_inbound is None:
            raise TransportError("the loopback transport is not started", transient=False)
        self._counter += 1
        message = Inbound(
            sender=sender,
            recipient=recipient,
            text=text,
            received_at=at,
            transport=self.name,
            external_id=external_id or f"{self.name}-{at.timestamp():.6f}-{self._counter}",
        )
        await self.on_inbound(message)

    async def send(self, message: Outgoing, reference: int) -> str | None:
        self.sent.append((reference, message))
        if self.on_sent is not None:
            self.on_sent(message, reference)
        return f"lo-{reference}"

    def take(self) -> list[Outgoing]:
        """Return and forget the messages sent so far."""
        taken = [message for _, message in self.sent]
        self.sent.clear()
        return taken
