"""Own the SMPP connector: Outgoing → submit_sm parts, deliver_sm → Inbound or delivery receipt.

- One ``Link`` (thread) per bind: a transceiver, or a transmitter plus a receiver.
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
import contextlib
import json
import logging
import random
import time
from collections import OrderedDict
from collections.abc import Awaitable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from engine.core.clock import Clock, SystemClock, wait_set
from engine.core.messages import Inbound, Outgoing, normalize_address
from engine.core.records import HeldPart
from engine.errors import InvalidMessage, StoreError, TransportError
from engine.logs import Repeated
from engine.sms import ONE_SMS, Coding, Concat, Part, choose, encode, parse_udh, split_parts
from engine.transports.base import TransportBase
from engine.transports.batching import Batcher
from engine.transports.smpp import pdu as codec
from engine.transports.smpp.coding import DATA_CODING, DC_LATIN1, DC_UCS2, decode, esm_class
from engine.transports.smpp.link import Link, LinkSettings, SubmitResult
from engine.transports.smpp.parts import Group, Reassembler
from engine.transports.smpp.parts import Key as PartsKey
from engine.transports.smpp.pdu import Pdu
from engine.transports.smpp.receipts import (
    BadReceipt,
    is_receipt,
    message_type,
    normalize_id,
    read_receipt,
)
from engine.transports.smpp.settings import SmppSettings, submit_addressing
from engine.transports.smpp.status import (
    ESME_ROK,
    ESME_RX_P_APPN,
    ESME_RX_T_APPN,
    THROTTLING,
    describe,
    is_transient,
)
from engine.types import InboundHandler, LinkStats, PartStore, Receipt, ReceiptHandler

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
        self._partial: OrderedDict[int, tuple[int, dict[int, str], _Long]] = OrderedDict()
        """Outbox reference → (concatenation reference, part number → SMSC id, tracker) of a
        long message some of whose parts were accepted: a retry sends only the others."""
        self._parts: OrderedDict[str, tuple[_Long, int]] = OrderedDict()
        """SMSC id of a part of a long message → (its message, part number)."""
        self._reassembler = Reassembler(s.reassembly_timeout, remember=s.mo_dedup_window)
        self._tasks: set[asyncio.Task[None]] = set()
        self._receipts: Batcher[Receipt] = Batcher(self._write_receipts)
        self._holds: Batcher[HeldPart] = Batcher(self._write_holds)
        self._sweeper: asyncio.Task[None] | None = None
        self._closing = False
        self._unreadable = Repeated(log)
        self.stats = {"submitted": 0, "throttled": 0, "received": 0, "receipts": 0}

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
        await self._restore()
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
                self._on_requests,
                self._on_state,
            )
            self.links.append(link)
            if mode != "receiver":
                self._tx = link
            link.start()
        self._sweeper = asyncio.create_task(self._sweep())

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
        if self._sweeper is not None:
            self._sweeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._sweeper
        for link in self.links:
            await link.close()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
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
            concat, long = self._reference, _Long(len(parts))
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
            await self._report_long(long)
        return long.first_id

    async def _submit(
        self, addressing: dict[str, Any], part: Part, number: int, long: _Long
    ) -> str:
        link = self._tx
        assert link is not None
        async with self._window:
            while (pause := self._pause_until - time.monotonic()) > 0:
                await asyncio.sleep(pause)
            if not await wait_set(link.bound, self.settings.bind_wait):
                raise TransportError("the SMPP link is not bound", transient=True)
            fields = {
                **addressing,
                "esm_class": esm_class(part),
                "data_coding": DATA_CODING[part.coding],
                "short_message": part.user_data,
            }
            if len(part.payload) > _SHORT_MESSAGE_MAX:  # long_messages: message_payload
                fields["short_message"] = b""
                fields["tlvs"] = {codec.TLV_MESSAGE_PAYLOAD: part.payload}
            result: SubmitResult = await link.submit(fields)
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

    # --- inbound ---------------------------------------------------------------------------

    def _on_requests(self, link: Link, generation: int, pdus: list[Pdu]) -> None:
        """The deliver_sm read together: one task commits them all."""
        task = asyncio.get_running_loop().create_task(self._requests(link, generation, pdus))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _requests(self, link: Link, generation: int, pdus: list[Pdu]) -> None:
        """Hand every request over at once (plain MOs queue for the same commit), then answer
        each once its own message is committed: never before."""
        started = [self._start_request(pdu) for pdu in pdus]
        try:
            for index, (pdu, outcome) in enumerate(zip(pdus, started, strict=True)):
                status = await self._status(outcome)
                started[index] = ESME_ROK  # awaited: nothing left to retrieve
                link.respond(generation, f"{pdu.command}_resp", pdu.sequence, status)
        finally:
            for outcome in started:  # cancelled (the connector stops): nobody awaits them
                if isinstance(outcome, asyncio.Future):
                    outcome.add_done_callback(_retrieve)

    def _start_request(self, pdu: Pdu) -> _Outcome:
        """Start committing one request: a plain MO or a receipt without a task of its own."""
        try:
            if _plain(pdu):
                return self._start_mo(pdu)
            esm = pdu.int_field("esm_class")
            if is_receipt(esm):
                return self._start_receipt(pdu)
        except Exception as exc:
            return exc
        return asyncio.ensure_future(self._deliver(pdu))

    def _start_mo(self, pdu: Pdu) -> _Outcome:
        assert self.on_inbound is not None
        sender, recipient = self._addresses(pdu)
        short_message: bytes = pdu.fields.get("short_message") or b""
        payload = pdu.tlvs.get(codec.TLV_MESSAGE_PAYLOAD)
        if payload is not None and not short_message:
            short_message = payload
        self.stats["received"] += 1
        message = Inbound(
            sender=sender,
            recipient=recipient,
            text=decode(short_message, pdu.int_field("data_coding")),
            received_at=self._now(),
            transport=self.name,
            external_id=codec.tlv_text(pdu, codec.TLV_RECEIPTED_MESSAGE_ID) or None,
            dedup_window=self.settings.mo_dedup_window,  # a deliver_sm has no id of its own
        )
        return asyncio.ensure_future(self.on_inbound(message))  # the service's own future

    def _start_receipt(self, pdu: Pdu) -> _Outcome:
        short_message: bytes = pdu.fields.get("short_message") or b""
        payload = pdu.tlvs.get(codec.TLV_MESSAGE_PAYLOAD)
        if payload is not None and not short_message:
            short_message = payload
        # Receipt texts are ASCII whatever data_coding says (GSM-7 would turn _ into §).
        coding = DC_UCS2 if pdu.int_field("data_coding") == DC_UCS2 else DC_LATIN1
        recorded = self._receipt_now(pdu, decode(short_message, coding))
        return ESME_ROK if recorded is None else recorded

    async def _status(self, outcome: _Outcome) -> int:
        """The answer to one request, once its commit is over."""
        try:
            if isinstance(outcome, BaseException):
                raise outcome
            if isinstance(outcome, int):
                return outcome
            result = await outcome
            return result if isinstance(result, int) else ESME_ROK
        except InvalidMessage as exc:  # refused for good: sent again, it would fail again
            self._unreadable.warning("invalid", "smpp %s: inbound refused: %s", self.name, exc)
            return ESME_RX_P_APPN
        except StoreError:
            pass  # a temporary error: the SMSC retries it (the service logs the store's state)
        except Exception as exc:  # answered as a temporary error: the SMSC retries it
            if isinstance(exc, RuntimeError):  # refused while the engine stops
                log.info("smpp %s: inbound refused: %s", self.name, exc)
            else:
                log.exception("smpp %s: inbound message not committed", self.name)
        return ESME_RX_T_APPN

    def _addresses(self, pdu: Pdu) -> tuple[str, str]:
        sender = _address(pdu.text_field("source_addr"), pdu.int_field("source_addr_ton"))
        recipient = _address(pdu.text_field("destination_addr"), pdu.int_field("dest_addr_ton"))
        numbers = self.settings.numbers
        if recipient not in numbers:  # our number written the other way (with or without +)
            for other in (f"+{recipient}", recipient.removeprefix("+")):
                if other in numbers:
                    recipient = other
        return sender, recipient

    async def _deliver(self, pdu: Pdu) -> int:
        esm_class = pdu.int_field("esm_class")
        short_message: bytes = pdu.fields.get("short_message") or b""
        payload = pdu.tlvs.get(codec.TLV_MESSAGE_PAYLOAD)
        if payload is not None and not short_message:
            short_message = payload
        data_coding = pdu.int_field("data_coding")
        if message_type(esm_class):
            if is_receipt(esm_class):
                # Receipt texts are ASCII whatever data_coding says (GSM-7 would turn _ into §).
                coding = DC_UCS2 if data_coding == DC_UCS2 else DC_LATIN1
                await self._receipt(pdu, decode(short_message, coding))
            return ESME_ROK  # SME acknowledgements: not a message either
        sender, recipient = self._addresses(pdu)
        if pdu.damaged is not None:
            if not short_message:  # its text may be in what cannot be read: refuse it for good
                log.error(
                    "smpp %s: an MO from %s without a readable text (%s)",
                    self.name,
                    sender,
                    pdu.damaged,
                )
                return ESME_RX_P_APPN
            log.warning(
                "smpp %s: an MO from %s taken on its mandatory fields: %s",
                self.name,
                sender,
                pdu.damaged,
            )
        external_id = codec.tlv_text(pdu, codec.TLV_RECEIPTED_MESSAGE_ID) or None
        concat = None
        if esm_class & 0x40:
            concat, short_message = parse_udh(short_message)
        elif codec.TLV_SAR_MSG_REF_NUM in pdu.tlvs:
            total = codec.tlv_int(pdu, codec.TLV_SAR_TOTAL_SEGMENTS) or 1
            number = codec.tlv_int(pdu, codec.TLV_SAR_SEGMENT_SEQNUM) or 1
            if 1 <= number <= total:
                concat = Concat(
                    codec.tlv_int(pdu, codec.TLV_SAR_MSG_REF_NUM) or 0, total, number, wide=True
                )
        self.stats["received"] += 1
        if concat is None or concat.total == 1:
            text = decode(short_message, data_coding)
            await self._inbound(sender, recipient, text, external_id)
            return ESME_ROK
        done = self._reassembler.again(
            sender,
            recipient,
            concat.reference,
            concat.total,
            concat.number,
            concat.wide,
            short_message,
            data_coding,
            time.monotonic(),
        )
        if done is not None:  # a part of a message committed lately, whose answer was lost:
            await self._inbound(  # the store finds it is the same message, not processed again
                sender,
                recipient,
                done.text(),
                done.first_id,
                parts=_group_name(done.key),
                received_at=done.received_at,
            )
            return ESME_ROK
        group = self._reassembler.add(
            sender,
            recipient,
            concat.reference,
            concat.total,
            concat.number,
            concat.wide,
            short_message,
            data_coding,
            time.monotonic(),
            external_id,
        )
        if group.committing is None:  # every part is kept until the message is whole
            await self._hold(group, concat.number, external_id)
        if not group.complete:
            return ESME_ROK  # answered: the part is in the store (or the timeout delivers it)
        if group.committing is not None:  # a re-sent part while the message commits: wait
            await asyncio.shield(group.committing)
            return ESME_ROK
        await self._commit_whole(group)
        return ESME_ROK

    async def _commit_whole(self, group: Group) -> None:
        """Commit the message of a group all of whose parts came (its parts marked done)."""
        sender, recipient = group.key[0], group.key[1]
        group.committing = asyncio.get_running_loop().create_future()
        at = self._now()
        try:
            await self._inbound(
                sender,
                recipient,
                group.text(),
                group.first_id,
                parts=_group_name(group.key),
                received_at=at,
            )
        except BaseException as exc:
            group.committing.set_exception(exc)
            group.committing.exception()  # retrieved: the SMSC re-sends and we try again
            group.committing = None
            raise
        group.committing.set_result(None)
        self._reassembler.completed(group, time.monotonic(), at)

    async def _inbound(
        self,
        sender: str,
        recipient: str,
        text: str,
        external_id: str | None,
        *,
        parts: str | None = None,
        received_at: datetime | None = None,
    ) -> None:
        assert self.on_inbound is not None
        message = Inbound(
            sender=sender,
            recipient=recipient,
            text=text,
            received_at=received_at or self._now(),
            transport=self.name,
            external_id=external_id,
            dedup_window=self.settings.mo_dedup_window,  # a deliver_sm has no id of its own
            parts=parts,
        )
        await self.on_inbound(message)

    async def _sweep(self) -> None:
        """Deliver what arrived of long messages whose other parts did not come in time."""
        while True:
            await asyncio.sleep(max(0.05, min(1.0, self.settings.reassembly_timeout / 4)))
            for group in self._reassembler.expired(time.monotonic()):
                await self._give_up(group)

    async def _give_up(self, group: Group) -> None:
        sender, recipient = group.key[0], group.key[1]
        log.warning(
            "smpp %s: parts %s of %d from %s never came; delivering the %d received",
            self.name,
            group.missing,
            group.total,
            sender,
            len(group.parts),
        )
        try:
            await self._inbound(
                sender, recipient, group.text(), group.first_id, parts=_group_name(group.key)
            )
        except Exception:
            log.exception("smpp %s: partial message not committed; retrying", self.name)
            return
        self._reassembler.discard(group)

    async def _receipt(self, pdu: Pdu, text: str) -> None:
        recorded = self._receipt_now(pdu, text)
        if recorded is not None:
            await recorded

    def _receipt_now(self, pdu: Pdu, text: str) -> asyncio.Future[None] | None:
        """Read a receipt and queue what it tells for the store; the future is done once it is
        recorded (None: nothing to record)."""
        try:
            receipt = read_receipt(pdu, text, self.settings.receipt_id_base)
        except BadReceipt as exc:
            self._unreadable.warning(
                exc.kind,
                "smpp %s: a delivery receipt that cannot be read (%s), ignored: %r",
                self.name,
                exc,
                text[:120],
            )
            return None
        self.stats["receipts"] += 1
        if not receipt.final:
            return None
        part = self._parts.get(receipt.message_id)
        if part is not None:
            long, number = part
            long.states[number] = (receipt.status, receipt.error)
            return self._report_long_now(long)
        return self._report(receipt.message_id, receipt.status, receipt.error)

    async def _report_long(self, long: _Long) -> None:
        recorded = self._report_long_now(long)
        if recorded is not None:
            await recorded

    def _report_long_now(self, long: _Long) -> asyncio.Future[None] | None:
        """Report a long message once its outcome is known: the first part that failed, or
        delivered when every part is."""
        if long.first_id is None or long.reported:
            return None
        failed = [state for state in long.states.values() if state[0] != "delivered"]
        if failed:
            long.reported = True
            return self._report(long.first_id, *failed[0])
        if len(long.states) == long.total:
            long.reported = True
            return self._report(long.first_id, "delivered", None)
        return None

    def _report(
        self, message_id: str, status: str, error: str | None
    ) -> asyncio.Future[None] | None:
        """Hand one receipt to ``on_receipt``; the future is done once it is recorded (then it
        is acked).

        Receipts come in bursts, one per message sent: those waiting together are recorded in
        one call (one transaction), the next burst while that one commits.
        """
        if self.on_receipt is None:
            return None
        return self._receipts.add((message_id, status, error))

    async def _write_receipts(self, receipts: list[Receipt]) -> None:
        assert self.on_receipt is not None
        await self.on_receipt(receipts)

    def _now(self) -> datetime:
        return self.clock.now()

    # --- held parts ------------------------------------------------------------------------

    async def _hold(self, group: Group, number: int, message_id: str | None) -> None:
        """Commit one part of a long message not whole yet: then it may be acknowledged."""
        if self.parts is None:
            return  # held in memory only (a crash loses the parts acknowledged so far)
        sender, recipient, reference, total, wide = group.key
        payload, coding = group.parts[number]
        data = {"ref": reference, "total": total, "wide": wide, "octets": payload.hex()}
        data |= {"coding": coding, "sender": sender, "recipient": recipient, "id": message_id}
        await self._holds.put(
            HeldPart(self.name, _group_name(group.key), number, json.dumps(data), self._now())
        )

    async def _write_holds(self, parts: list[HeldPart]) -> None:
        assert self.parts is not None
        window = timedelta(seconds=self.settings.mo_dedup_window)
        await self.parts.hold_parts(parts, forget_before=self._now() - window)

    async def _restore(self) -> None:
        """Take back the parts held when the connector last stopped (timeouts run on)."""
        if self.parts is None:
            return
        await self._write_holds([])  # first forget the parts of messages committed long ago
        held = await self.parts.held_parts(self.name)
        # the parts' ages are business time (they were stored with it); the reassembly's
        # timeouts run on time.monotonic(), about the link
        now, clock = self._now(), time.monotonic()
        waiting = 0
        for part in held:
            try:
                data = json.loads(part.data)
                key: PartsKey = (
                    str(data["sender"]),
                    str(data["recipient"]),
                    int(data["ref"]),
                    int(data["total"]),
                    bool(data["wide"]),
                )
                payload, coding = bytes.fromhex(data["octets"]), int(data["coding"])
            except (ValueError, KeyError, TypeError) as exc:
                log.error("smpp %s: a held part cannot be read (%s): %r", self.name, exc, part)
                continue
            age = max(0.0, (now - (part.done_at or part.received_at)).total_seconds())
            self._reassembler.restore(
                key, part.number, payload, coding, data.get("id"), clock - age, part.done_at
            )
            waiting += part.done_at is None
        if waiting:
            log.info(
                "smpp %s: %d parts of long messages held before the restart", self.name, waiting
            )
        for group in list(self._reassembler.groups.values()):
            if group.complete:  # the last part was kept, not the message: commit it now
                task = asyncio.create_task(self._commit_restored(group))
                self._tasks.add(task)
                task.add_done_callback(self._tasks.discard)

    async def _commit_restored(self, group: Group) -> None:
        try:
            await self._commit_whole(group)
        except Exception:  # the timeout delivers it later
            log.exception("smpp %s: a long message held before the restart", self.name)


@dataclass(slots=True)
class _Long:
    """A long message sent as parts: their receipts make one outcome."""

    total: int
    first_id: str | None = None
    states: dict[int, tuple[str, str | None]] = field(default_factory=dict)
    reported: bool = False


_Outcome = Awaitable[object] | int | BaseException
"""A request being committed: what to await for its answer, its answer, or why it failed."""


def _plain(pdu: Pdu) -> bool:
    """A whole MO with nothing unusual: committed without a task of its own."""
    return (
        not message_type(pdu.int_field("esm_class"))
        and not pdu.int_field("esm_class") & 0x40
        and pdu.damaged is None
        and codec.TLV_SAR_MSG_REF_NUM not in pdu.tlvs
    )


def _retrieve(future: asyncio.Future[Any]) -> None:
    if not future.cancelled():
        future.exception()


def _group_name(key: PartsKey) -> str:
    """The store's name for a long message's parts: sender, recipient, reference, total, width."""
    sender, recipient, reference, total, wide = key
    return f"{sender}|{recipient}|{reference}|{total}|{16 if wide else 8}"


def _address(raw: str, ton: int) -> str:
    """Read an SMPP address: international (TON 1) numbers get their ``+``."""
    text = raw.strip()
    if ton == 1 and text.isdigit():
        return "+" + text
    if ton == 5:
        return text
    return normalize_address(text) if text else text
