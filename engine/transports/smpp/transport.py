"""Own the SMPP connector: Outgoing → submit_sm parts, deliver_sm → Inbound or delivery receipt.

- One ``Link`` (a connection on the event loop) per bind: a transceiver, or a transmitter plus a
  receiver.
- Outbound: up to ``window`` submit_sm in flight; ``ESME_RTHROTTLED`` / ``ESME_RMSGQFUL`` pause
  every submit of the connector (doubling, up to 5 s) and fail the message as transient so the
  outbox retries it. A long text goes as concatenated parts; when only some parts were accepted,
  the retry sends only the others, with the same reference (with ``long_messages:
  message_payload``, whole in one submit_sm instead). ``send`` returns the SMSC id of the first
  part; every part's id is remembered to correlate receipts.
- Inbound: a deliver_sm is answered only after ``on_inbound`` returned, i.e. once the message is
  committed; a failure answers ``ESME_RX_T_APPN`` so the SMSC retries. The parts of a long
  message are answered once committed to the store's held parts, the last one once the whole
  message is committed (which marks its parts done in the same transaction); a restart takes
  the held parts back, so a crash between parts loses nothing that was answered.
- Receipts (``esm_class`` type 0x04/0x20) go to ``on_receipt`` (the store), never to the rules.
  A receipt that cannot be read (``receipts.BadReceipt``) changes no row; it is logged once per
  minute per kind of problem, with a count, and answered ``ESME_ROK`` like any receipt: an
  error status would only make the SMSC deliver the same unreadable octets again.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import random
import time
from collections import OrderedDict
from typing import Any

from engine.core.clock import Clock, SystemClock, wait_set
from engine.core.messages import Outgoing, ProviderId
from engine.errors import TransportError
from engine.sms import ONE_SMS, Coding, Part, choose, encode, split_parts
from engine.transports.base import TransportBase
from engine.transports.smpp import pdu as codec
from engine.transports.smpp.coding import DATA_CODING, esm_class
from engine.transports.smpp.inbound import Long, Receiver
from engine.transports.smpp.link import Link, LinkSettings, SubmitResult
from engine.transports.smpp.receipts import (
    normalize_id,
)
from engine.transports.smpp.settings import SmppSettings, submit_addressing
from engine.transports.smpp.status import (
    ESME_ROK,
    THROTTLING,
    describe,
    is_transient,
)
from engine.types import InboundHandler, LinkStats, PartStore, ReceiptHandler

__all__ = ["SmppTransport"]

log = logging.getLogger(__name__)

_PARTS_REMEMBERED = 200_000
_SHORT_MESSAGE_MAX = 254
"""Octets short_message can hold; a longer payload goes in the message_payload TLV."""
_PAYLOAD_MAX = 0xFFFF
"""Octets a TLV value can hold."""


class SmppTransport(TransportBase):
    name = "smpp"

    def __init__(
        self,
        name: str | None = None,
        settings: SmppSettings | None = None,
        *,
        clock: Clock | None = None,
    ) -> None:
        super().__init__(name)
        self.clock: Clock = clock or SystemClock()
        """Business time: ``received_at`` of MOs and of held parts (a test clock's time under
        one). The link's timeouts and the reassembly's stay on ``time.monotonic()``: they are
        about the link, not business time."""
        self.settings = settings or SmppSettings()
        s = self.settings
        if s.bind not in ("transceiver", "transmitter+receiver"):
            raise ValueError("bind must be transceiver or transmitter+receiver")
        if s.data_coding not in ("gsm7", "latin1", "ucs2"):
            raise ValueError("data_coding must be gsm7, latin1 or ucs2")
        if s.concat_reference not in (8, 16):
            raise ValueError("concat_reference must be 8 or 16")
        if s.long_messages not in ("udh", "message_payload"):
            raise ValueError("long_messages must be udh or message_payload")
        self.links: list[Link] = []
        self._tx: Link | None = None
        self._window = asyncio.Semaphore(max(1, s.window))
        self._pause_until = 0.0
        self._throttle_delay = 0.0
        self._reference = random.randrange(1 << 16)
        self._partial: OrderedDict[int, tuple[int, dict[int, str], Long]] = OrderedDict()
        """Outbox reference → (concatenation reference, part number → SMSC id, tracker) of a
        long message some of whose parts were accepted: a retry sends only the others."""
        self._parts: OrderedDict[str, tuple[Long, int]] = OrderedDict()
        """SMSC id of a part of a long message → (its message, part number)."""
        self._closing = False
        self.stats = {"submitted": 0, "throttled": 0, "received": 0, "receipts": 0}
        self.receiver = Receiver(self, s, clock=self.clock, stats=self.stats, sent=self._parts)
        """The inbound side: deliver_sm → committed messages, held parts, receipts."""

    # --- life cycle ------------------------------------------------------------------------

    async def start(
        self,
        on_inbound: InboundHandler,
        on_receipt: ReceiptHandler | None = None,
        *,
        parts: PartStore | None = None,
    ) -> None:
        await super().start(on_inbound, on_receipt, parts=parts)
        self._closing = False
        await self.receiver.start()
        loop = asyncio.get_running_loop()
        s = self.settings
        modes = ["transceiver"] if s.bind == "transceiver" else ["transmitter", "receiver"]
        for mode in modes:
            link = Link(
                f"{self.name}/{mode}" if len(modes) > 1 else self.name,
                LinkSettings(
                    host=s.host,
                    port=s.port,
                    system_id=s.system_id,
                    password=s.password,
                    bind=mode,
                    system_type=s.system_type,
                    enquire_link=s.enquire_link,
                    response_timeout=s.response_timeout,
                    tls=self._tls_context() if s.tls else None,
                    reconnect_min=s.reconnect_min,
                    reconnect_max=s.reconnect_max,
                ),
                loop,
                self.receiver.on_requests,
                self._on_state,
            )
            self.links.append(link)
            if mode != "receiver":
                self._tx = link
            link.start()

    def _tls_context(self) -> Any:
        import ssl

        context = ssl.create_default_context()
        if not self.settings.tls_verify:
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
        return context

    async def wait_bound(self, timeout: float | None = None) -> None:
        """Return once every link is bound (tests and start-up logs use it)."""
        await asyncio.wait_for(asyncio.gather(*(link.bound.wait() for link in self.links)), timeout)

    async def aclose(self) -> None:
        self._closing = True
        for link in self.links:
            await link.close()
        await self.receiver.aclose()
        self.links.clear()
        await super().aclose()

    def _on_state(self, link: Link, bound: bool) -> None:
        if bound:
            link.bound.set()
        else:
            link.bound.clear()

    @property
    def state(self) -> str:
        """``up`` while every bind is bound; ``connecting`` before the first attempt ended;
        ``down`` otherwise (``link_error`` says why). /health and /metrics read it."""
        if not self.links:
            return "down"
        if all(link.bound.is_set() for link in self.links):
            return "up"
        if any(link.binds or link.last_error for link in self.links):
            return "down"
        return "connecting"

    def link_stats(self) -> list[LinkStats]:
        """Each bind: bound, submit_sm in flight, binds, errors (throttling counts on the
        bind that sends)."""
        stats = []
        for link in self.links:
            errors = dict(link.errors)
            if link is self._tx and self.stats["throttled"]:
                errors["throttled"] = self.stats["throttled"]
            stats.append(
                LinkStats(link.name, link.bound.is_set(), link.in_flight, link.binds, errors)
            )
        return stats

    @property
    def link_error(self) -> str | None:
        """Why a bind is not up (the last failure: a refused bind, a lost link), or None."""
        for link in self.links:
            if not link.bound.is_set() and link.last_error:
                return link.last_error
        return None

    # --- outbound --------------------------------------------------------------------------

    def _encode(self, text: str, reference: int) -> list[Part]:
        s = self.settings
        latin1 = s.data_coding == "latin1"
        coding: Coding | None = "ucs2" if s.data_coding == "ucs2" else None
        if s.long_messages == "message_payload":
            chosen = choose(text, latin1=latin1) if coding is None else coding
            payload = encode(text, chosen)
            if len(payload) > ONE_SMS[chosen]:  # one submit_sm, the text in the TLV
                if len(payload) > _PAYLOAD_MAX:
                    raise TransportError(
                        f"the text is {len(payload):,} octets; message_payload holds "
                        f"{_PAYLOAD_MAX:,}",
                        transient=False,
                    )
                return [Part(chosen, b"", payload)]
        try:
            return split_parts(
                text,
                coding=coding,
                latin1=latin1,
                reference=reference,
                wide_reference=s.concat_reference == 16,
            )
        except ValueError as exc:
            raise TransportError(str(exc), transient=False) from exc

    async def send(self, message: Outgoing, reference: int) -> str | None:
        if self._closing or self._tx is None:
            raise TransportError("the SMPP connector is not running", transient=True)
        addressing = submit_addressing(self.settings, message)
        partial = self._partial.pop(reference, None)
        if partial is None:
            self._reference = (self._reference + 1) & 0xFFFF
            parts = self._encode(message.text, self._reference)
            accepted: dict[int, str] = {}
            concat, long = self._reference, Long(len(parts))
        else:
            concat, accepted, long = partial
            parts = self._encode(message.text, concat)
        todo = [(n, part) for n, part in enumerate(parts, start=1) if n not in accepted]
        outcomes: list[str | BaseException]
        if len(todo) == 1:  # most messages: no gather, no task
            try:
                outcomes = [await self._submit(addressing, todo[0][1], todo[0][0], long)]
            except Exception as exc:
                outcomes = [exc]
        else:
            outcomes = await asyncio.gather(
                *(self._submit(addressing, part, number, long) for number, part in todo),
                return_exceptions=True,
            )
        errors: list[BaseException] = []
        for (number, _), outcome in zip(todo, outcomes, strict=True):
            if isinstance(outcome, BaseException):
                errors.append(outcome)
            else:
                accepted[number] = outcome
        if errors:
            if accepted and len(parts) > 1:
                self._partial[reference] = (concat, accepted, long)
                while len(self._partial) > 10_000:
                    self._partial.popitem(last=False)
            permanent = [e for e in errors if isinstance(e, TransportError) and not e.transient]
            first = (permanent or errors)[0]
            if isinstance(first, TransportError):
                raise first
            raise TransportError(f"submit_sm failed: {first}") from first
        long.first_id = accepted[1]
        if long.states:  # receipts of some parts came before the last submit_sm_resp
            await self.receiver.report_long(long)
        return long.first_id

    def send_now(
        self, message: Outgoing, reference: int
    ) -> asyncio.Future[ProviderId | None] | None:
        """``send`` without a coroutine, for most replies: a one-part message while a link is
        bound, not paused by throttling, with room in the window. The submit_sm is written now;
        the future gives what ``send`` would return, or raises what it would raise. None when
        the message needs ``send`` (several parts, a full window, a link down, a retry of a
        partly sent message, or one ``send`` refuses)."""
        link = self._tx
        if (
            self._closing
            or link is None
            or len(message.text) > _ONE_PART_MOST  # surely several parts: do not encode twice
            or reference in self._partial
            or self._window.locked()
            or not link.bound.is_set()
            or self._pause_until > time.monotonic()
        ):
            return None
        try:
            addressing = submit_addressing(self.settings, message)
            self._reference = (self._reference + 1) & 0xFFFF
            parts = self._encode(message.text, self._reference)
        except TransportError:
            return None  # ``send`` says why
        if len(parts) != 1 or len(parts[0].payload) > _SHORT_MESSAGE_MAX:
            return None
        taken = _take_now(self._window)
        assert taken, "an unlocked window has room"
        sent = link.submit(_submit_fields(addressing, parts[0]))
        outcome: asyncio.Future[ProviderId | None] = asyncio.get_running_loop().create_future()
        sent.add_done_callback(functools.partial(self._sent_now, outcome))
        return outcome

    def _sent_now(
        self, outcome: asyncio.Future[ProviderId | None], sent: asyncio.Future[SubmitResult]
    ) -> None:
        self._window.release()
        if outcome.done():  # its caller is gone
            return
        try:
            if sent.cancelled():
                raise TransportError("the submit_sm was cancelled", transient=True)
            outcome.set_result(self._accepted(sent.result(), Long(1), 1))
        except TransportError as exc:
            outcome.set_exception(exc)
        except Exception as exc:  # as ``send`` words what is not a TransportError
            outcome.set_exception(TransportError(f"submit_sm failed: {exc}"))

    async def _submit(self, addressing: dict[str, Any], part: Part, number: int, long: Long) -> str:
        link = self._tx
        assert link is not None
        async with self._window:
            while (pause := self._pause_until - time.monotonic()) > 0:
                await asyncio.sleep(pause)
            if not await wait_set(link.bound, self.settings.bind_wait):
                raise TransportError("the SMPP link is not bound", transient=True)
            result: SubmitResult = await link.submit(_submit_fields(addressing, part))
        return self._accepted(result, long, number)

    def _accepted(self, result: SubmitResult, long: Long, number: int) -> str:
        """The message id of one part the SMSC answered, or the TransportError its answer is
        (a refusal; throttling also pauses the next submits)."""
        if result.nack:  # the SMSC could not take the PDU: no verdict on the message
            raise TransportError(
                f"submit_sm answered with generic_nack: {describe(result.status)}",
                transient=True,
            )
        if result.status != ESME_ROK:
            if result.status in THROTTLING:
                self.stats["throttled"] += 1
                now = time.monotonic()
                if now >= self._pause_until:  # one doubling per episode, not per response
                    self._throttle_delay = min(5.0, max(0.05, self._throttle_delay * 2))
                    self._pause_until = now + self._throttle_delay
            raise TransportError(
                f"submit_sm refused: {describe(result.status)}",
                transient=is_transient(result.status),
            )
        self._throttle_delay = 0.0
        self.stats["submitted"] += 1
        message_id = normalize_id(result.message_id, self.settings.submit_id_base)
        if message_id is None:
            raise TransportError("submit_sm_resp without a message id", transient=False)
        if long.total > 1:
            # Registered before any receipt for it can be handled: the loop runs this
            # continuation before the task of a deliver_sm read after the response.
            self._parts[message_id] = (long, number)
            while len(self._parts) > _PARTS_REMEMBERED:
                self._parts.popitem(last=False)
        return message_id


_ONE_PART_MOST = max(ONE_SMS.values())
"""Characters beyond which a text is never one part (160 GSM 7-bit characters; fewer in UCS-2
or Latin-1): ``send_now`` leaves it to ``send`` without encoding it first."""


def _submit_fields(addressing: dict[str, Any], part: Part) -> dict[str, Any]:
    """The submit_sm of one part: its addressing, its coding and its octets (in the
    ``message_payload`` TLV when they are too many for ``short_message``)."""
    fields = {
        **addressing,
        "esm_class": esm_class(part),
        "data_coding": DATA_CODING[part.coding],
        "short_message": part.user_data,
    }
    if len(part.payload) > _SHORT_MESSAGE_MAX:  # long_messages: message_payload
        fields["short_message"] = b""
        fields["tlvs"] = {codec.TLV_MESSAGE_PAYLOAD: part.payload}
    return fields


def _take_now(window: asyncio.Semaphore) -> bool:
    """Take a place in ``window`` without waiting, if it has one: its ``acquire`` then returns
    at its first step (asyncio's own code, driven by hand)."""
    if window.locked():
        return False
    step = window.acquire()
    try:
        step.send(None)
    except StopIteration:
        return True
    step.close()  # it would have waited: not taken  # pragma: no cover
    return False
