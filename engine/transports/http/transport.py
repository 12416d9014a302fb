"""Own the http connector: a provider reached over HTTP, its webhook for MOs and delivery
reports (mounted by ``engine.web`` at ``/hooks/{connector}``), its REST API for sending.

MOs are committed through ``on_inbound`` before the webhook answers 200; a provider id posted
again is a re-delivery (the store's unique (connector, provider id), in the same transaction),
answered 200 and processed once. Delivery reports posted together are recorded together
(``Batcher``: one transaction) through ``on_receipt``, by the provider's message id, like SMPP
receipts. Every send carries ``Idempotency-Key: <outbox row>``, so a row sent again after a
crash is one message at a provider that honours the key.
"""

from __future__ import annotations

from collections.abc import Sequence

from aiohttp import web

from engine.core.batching import Batcher
from engine.core.clock import Clock, SystemClock
from engine.core.messages import Inbound, Outgoing
from engine.transports.base import TransportBase
from engine.transports.http.client import ProviderClient
from engine.transports.http.settings import HttpSettings
from engine.transports.http.webhook import Webhook
from engine.types import InboundHandler, LinkStats, PartStore, Receipt, ReceiptHandler

__all__ = ["HttpTransport"]


class HttpTransport(TransportBase):
    name = "http"

    def __init__(self, name: str, settings: HttpSettings, *, clock: Clock | None = None) -> None:
        super().__init__(name)
        self.settings = settings
        self.clock: Clock = clock or SystemClock()
        self.client = ProviderClient(self.name, settings.outbound)
        self.webhook = Webhook(self.name, settings.inbound, self.clock, self._commit, self._record)
        self._receipts: Batcher[Receipt, None] = Batcher(self._write_receipts)

    @property
    def state(self) -> str:
        """``down`` while the provider's API does not answer at all (refused, timed out)."""
        if self.on_inbound is None or self.client.problem is not None:
            return "down"
        return "up"

    @property
    def link_error(self) -> str | None:
        return self.client.problem

    async def start(
        self,
        on_inbound: InboundHandler,
        on_receipt: ReceiptHandler | None = None,
        *,
        parts: PartStore | None = None,
    ) -> None:
        await self.client.open()
        await super().start(on_inbound, on_receipt, parts=parts)

    async def handle(self, request: web.Request) -> web.Response:
        """The webhook: ``POST /hooks/{connector}`` (``engine.web`` routes it here)."""
        return await self.webhook.handle(request)

    async def _commit(self, message: Inbound) -> object:
        handler = self.on_inbound
        if handler is None:
            raise RuntimeError("the connector is not started")
        return await handler(message)

    async def _record(self, receipt: Receipt) -> None:
        if self.on_inbound is None:
            raise RuntimeError("the connector is not started")
        await self._receipts.put(receipt)

    async def _write_receipts(self, receipts: Sequence[Receipt]) -> None:
        if self.on_receipt is not None:
            await self.on_receipt(receipts)

    def link_stats(self) -> list[LinkStats]:
        """One link, the provider: requests in flight, the API's failures and the webhook's
        refusals by kind (``twoway_link_errors_total``)."""
        errors = {**self.client.errors, **self.webhook.refused}
        up = self.state == "up"
        return [LinkStats(self.name, up, self.client.in_flight, connects=1, errors=errors)]

    async def send(self, message: Outgoing, reference: int) -> str | None:
        return await self.client.send(message, reference)

    async def aclose(self) -> None:
        await super().aclose()
        await self.client.close()
