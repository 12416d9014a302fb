"""Own the SMPP connector's inbound side: deliver_sm → committed Inbound, held part or receipt.

The requests a link read together come as one call (``Receiver.on_requests``): every plain MO
goes to ``on_inbound`` at once (``Service.accept`` queues each in the same commit and returns
its future: no task per message) and every receipt to the receipts' ``Batcher``; each
deliver_sm is answered from its future's done callback, once its own message is committed. A
refusal answers that deliver_sm alone: ``ESME_RX_P_APPN`` for a message refused for good,
``ESME_RX_T_APPN`` when the SMSC should try again. The rarer requests (parts of a long message,
damaged TLVs, SME acknowledgements) each run ``_deliver`` as a task of their own.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Coroutine
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from engine.core.batching import Batcher
from engine.core.clock import Clock, SystemClock
from engine.core.messages import Inbound, normalize_address
from engine.core.records import HeldPart
from engine.errors import InvalidMessage, StoreError
from engine.logs import Repeated
from engine.sms import Concat, parse_udh
from engine.transports.base import TransportBase
from engine.transports.smpp import pdu as codec
from engine.transports.smpp.coding import DC_LATIN1, DC_UCS2, decode
from engine.transports.smpp.parts import Group, Reassembler
from engine.transports.smpp.parts import Key as PartsKey
from engine.transports.smpp.pdu import Pdu
from engine.transports.smpp.receipts import BadReceipt, is_receipt, message_type, read_receipt
from engine.transports.smpp.settings import SmppSettings
from engine.transports.smpp.status import ESME_ROK, ESME_RX_P_APPN, ESME_RX_T_APPN
from engine.types import InboundHandler, PartStore, Receipt, ReceiptHandler

if TYPE_CHECKING:
    from engine.transports.smpp.link import Link

__all__ = ["Long", "Receiver"]

log = logging.getLogger("engine.transports.smpp.transport")


class Receiver:
    """The deliver_sm of one connector's binds: MOs, parts of long ones, receipts."""

    def __init__(
        self,
        owner: TransportBase,
        settings: SmppSettings,
        *,
        clock: Clock | None = None,
        stats: dict[str, int] | None = None,
        sent: OrderedDict[str, tuple[Long, int]] | None = None,
    ) -> None:
        self.owner = owner
        """The connector: its name, and the handlers the service gave it (read at each use)."""
        self.name = owner.name
        self.settings = settings
        self.clock: Clock = clock or SystemClock()
        self.stats = stats if stats is not None else {"received": 0, "receipts": 0}
        self.sent: OrderedDict[str, tuple[Long, int]] = sent if sent is not None else OrderedDict()
        """SMSC id of a part of a long message sent → (its message, part number)."""
        self._reassembler = Reassembler(
            settings.reassembly_timeout, remember=settings.mo_dedup_window
        )
        self._tasks: set[asyncio.Task[Any]] = set()
        self._receipts: Batcher[Receipt, None] = Batcher(self._write_receipts)
        self._holds: Batcher[HeldPart, None] = Batcher(self._write_holds)
        self._sweeper: asyncio.Task[None] | None = None
        self._unreadable = Repeated(log)

    @property
    def on_inbound(self) -> InboundHandler | None:
        return self.owner.on_inbound

    @property
    def on_receipt(self) -> ReceiptHandler | None:
        return self.owner.on_receipt

    @property
    def parts(self) -> PartStore | None:
        return self.owner.parts

    async def start(self) -> None:
        """Take back the parts held before a restart, then deliver what times out."""
        await self._restore()
        self._sweeper = asyncio.create_task(self._sweep())

    async def aclose(self) -> None:
        if self._sweeper is not None:
            self._sweeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._sweeper
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    def on_requests(self, link: Link, generation: int, pdus: list[Pdu]) -> None:
        """The deliver_sm read together: every plain MO and receipt is queued at once, without a
        task of its own (``Service.accept`` puts the MOs in the same commit); each deliver_sm is
        answered from its future's callback once its own message is committed, never before,
        and a slow one holds back no other.

        Taken at the loop's next turn, not now: a submit_sm_resp read with them has woken its
        ``_submit``, which registers the SMSC ids of a long message's parts before their
        receipts are read here.
        """
        asyncio.get_running_loop().call_soon(self._take, link, generation, pdus)

    def _take(self, link: Link, generation: int, pdus: list[Pdu]) -> None:
        for pdu in pdus:
            outcome = self._start_request(pdu)
            if isinstance(outcome, asyncio.Future):
                outcome.add_done_callback(functools.partial(self._answer, link, generation, pdu))
            else:
                self._answer(link, generation, pdu, outcome)

    def _answer(self, link: Link, generation: int, pdu: Pdu, outcome: _Outcome) -> None:
        link.respond(generation, f"{pdu.command}_resp", pdu.sequence, self._status(outcome))

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
        return self._task(self._deliver(pdu))

    def _task(self, work: Coroutine[Any, Any, object]) -> asyncio.Future[object]:
        task: asyncio.Task[object] = asyncio.get_running_loop().create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    def _start_mo(self, pdu: Pdu) -> _Outcome:
        assert self.on_inbound is not None
        sender, recipient = self._addresses(pdu)
        short_message = _octets(pdu)
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
        committed = self.on_inbound(message)
        if isinstance(committed, asyncio.Future):
            return committed  # the service's own future: no task
        return self._task(_awaited(committed))  # another handler (a test's coroutine)

    def _start_receipt(self, pdu: Pdu) -> _Outcome:
        short_message = _octets(pdu)
        # Receipt texts are ASCII whatever data_coding says (GSM-7 would turn _ into §).
        coding = DC_UCS2 if pdu.int_field("data_coding") == DC_UCS2 else DC_LATIN1
        recorded = self._receipt_now(pdu, decode(short_message, coding))
        return ESME_ROK if recorded is None else recorded

    def _status(self, outcome: _Outcome) -> int:
        """The answer to one request whose commit is over."""
        try:
            if isinstance(outcome, asyncio.Future):
                if outcome.cancelled():  # the connector stops: the SMSC sends it again
                    return ESME_RX_T_APPN
                error = outcome.exception()
                if error is None:
                    result = outcome.result()
                    return result if type(result) is int else ESME_ROK  # _deliver's status
                outcome = error
            if isinstance(outcome, BaseException):
                raise outcome
            return outcome
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
        short_message = _octets(pdu)
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
        concat, short_message = _concat(pdu, esm_class, short_message)
        self.stats["received"] += 1
        if concat is None or concat.total == 1:
            text = decode(short_message, data_coding)
            await self._inbound(sender, recipient, text, external_id)
            return ESME_ROK
        await self._part(sender, recipient, concat, short_message, data_coding, external_id)
        return ESME_ROK

    async def _part(
        self,
        sender: str,
        recipient: str,
        concat: Concat,
        short_message: bytes,
        data_coding: int,
        external_id: str | None,
    ) -> None:
        """Take one part of a long message: held until the message is whole, then committed."""
        key = (concat.reference, concat.total, concat.number, concat.wide)
        done = self._reassembler.again(
            sender, recipient, *key, short_message, data_coding, time.monotonic()
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
            return
        group = self._reassembler.add(
            sender, recipient, *key, short_message, data_coding, time.monotonic(), external_id
        )
        if group.committing is None:  # every part is kept until the message is whole
            await self._hold(group, concat.number, external_id)
        if not group.complete:
            return  # answered: the part is in the store (or the timeout delivers it)
        if group.committing is not None:  # a re-sent part while the message commits: wait
            await asyncio.shield(group.committing)
            return
        await self._commit_whole(group)

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
        part = self.sent.get(receipt.message_id)
        if part is not None:
            long, number = part
            long.states[number] = (receipt.status, receipt.error)
            return self._report_long_now(long)
        return self._report(receipt.message_id, receipt.status, receipt.error)

    async def report_long(self, long: Long) -> None:
        recorded = self._report_long_now(long)
        if recorded is not None:
            await recorded

    def _report_long_now(self, long: Long) -> asyncio.Future[None] | None:
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
class Long:
    """A long message sent as parts: their receipts make one outcome."""

    total: int
    first_id: str | None = None
    states: dict[int, tuple[str, str | None]] = field(default_factory=dict)
    reported: bool = False


_Outcome = asyncio.Future[Any] | int | BaseException
"""A request being committed: the future of its commit, its answer, or why it failed."""


def _plain(pdu: Pdu) -> bool:
    """A whole MO with nothing unusual: committed without a task of its own."""
    return (
        not message_type(pdu.int_field("esm_class"))
        and not pdu.int_field("esm_class") & 0x40
        and pdu.damaged is None
        and codec.TLV_SAR_MSG_REF_NUM not in pdu.tlvs
    )


def _concat(pdu: Pdu, esm_class: int, short_message: bytes) -> tuple[Concat | None, bytes]:
    """The part a deliver_sm is of a long message (UDH, or SAR TLVs), and its own octets."""
    if esm_class & 0x40:
        return parse_udh(short_message)
    if codec.TLV_SAR_MSG_REF_NUM in pdu.tlvs:
        total = codec.tlv_int(pdu, codec.TLV_SAR_TOTAL_SEGMENTS) or 1
        number = codec.tlv_int(pdu, codec.TLV_SAR_SEGMENT_SEQNUM) or 1
        if 1 <= number <= total:
            reference = codec.tlv_int(pdu, codec.TLV_SAR_MSG_REF_NUM) or 0
            return Concat(reference, total, number, wide=True), short_message
    return None, short_message


def _octets(pdu: Pdu) -> bytes:
    """The user data: short_message, or the message_payload TLV when short_message is empty."""
    short_message: bytes = pdu.fields.get("short_message") or b""
    payload = pdu.tlvs.get(codec.TLV_MESSAGE_PAYLOAD)
    return payload if payload is not None and not short_message else short_message


async def _awaited(work: Awaitable[object]) -> object:
    return await work


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
