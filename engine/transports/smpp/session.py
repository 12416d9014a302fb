"""Own one SMPP session's protocol: bytes in, typed events and bytes to write out; no I/O, no clock.

A ``Session`` lives for one connection. ``feed(data, now)`` cuts whole PDUs by their
command_length, decodes them (``pdu.py``) and returns what they mean as events; the answers the
protocol gives by itself (``enquire_link_resp``, ``unbind_resp``, ``generic_nack`` for a command
we do not serve or cannot read, a temporary error for a ``deliver_sm`` before the bind) come back
as ``Write`` events, in order. The methods that start something (``bind``, ``submit``,
``respond``, ``unbind``) return the bytes to write. ``tick(now)`` decides, from the times it is
told, whether an ``enquire_link`` is due, whether a link stays quiet too long, and which
submit_sm got no answer in time. ``Link`` owns the socket and the clock around it; the tests feed
bytes and read events (tests/transports/test_smpp_session.py).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

from engine.transports.smpp import pdu as codec
from engine.transports.smpp.pdu import Pdu, PduError
from engine.transports.smpp.status import (
    ESME_RINVBNDSTS,
    ESME_RINVCMDID,
    ESME_RINVCMDLEN,
    ESME_ROK,
    ESME_RX_P_APPN,
    ESME_RX_T_APPN,
    describe,
)

__all__ = [
    "MAX_PDU",
    "Alert",
    "Answered",
    "Bound",
    "Broken",
    "Event",
    "Phase",
    "Refused",
    "Request",
    "Session",
    "StrayNack",
    "TimedOut",
    "Unbound",
    "Undecodable",
    "Write",
]

MAX_PDU = 65_536
"""The longest PDU taken: a longer command_length means the stream is out of step."""


class Phase(enum.Enum):
    OPEN = "open"
    """Connected, bind not sent."""
    BINDING = "binding"
    BOUND = "bound"
    UNBINDING = "unbinding"
    ENDED = "ended"
    """The connection must end (``Broken``, ``Refused`` or ``Unbound`` was given)."""


@dataclass(frozen=True, slots=True)
class Write:
    """Bytes the protocol answers by itself: write them in order with the rest."""

    data: bytes


@dataclass(frozen=True, slots=True)
class Bound:
    """The bind was accepted; ``system_id`` is the SMSC's."""

    system_id: str


@dataclass(frozen=True, slots=True)
class Refused:
    """The bind was refused: the connection ends, the link binds again later."""

    reason: str
    status: int


@dataclass(frozen=True, slots=True)
class Request:
    """A deliver_sm or data_sm to answer with ``Session.respond`` once it is committed."""

    pdu: Pdu


@dataclass(frozen=True, slots=True)
class Answered:
    """The answer to the submit_sm sent with ``sequence`` (``nack``: a generic_nack, no verdict
    on the message itself)."""

    sequence: int
    status: int
    message_id: str
    nack: bool = False


@dataclass(frozen=True, slots=True)
class TimedOut:
    """The submit_sm sent with ``sequence`` got no answer in time (it is forgotten)."""

    sequence: int


@dataclass(frozen=True, slots=True)
class Undecodable:
    """A well-framed PDU that cannot be read. A request is answered (in a ``Write`` before this
    event); a response to a submit_sm fails it (``sequence``, else None)."""

    raw: bytes
    reason: str
    sequence: int | None = None


@dataclass(frozen=True, slots=True)
class StrayNack:
    """A generic_nack that answers nothing we wait for."""

    status: int


@dataclass(frozen=True, slots=True)
class Alert:
    source_addr: str


@dataclass(frozen=True, slots=True)
class Unbound:
    """Our unbind was answered: the connection may close."""


@dataclass(frozen=True, slots=True)
class Broken:
    """The connection must end (after the events before this one are handled)."""

    reason: str


Event = (
    Write
    | Bound
    | Refused
    | Request
    | Answered
    | TimedOut
    | Undecodable
    | StrayNack
    | Alert
    | Unbound
    | Broken
)


class Session:
    """The protocol of one connection; ``now`` is any monotonic clock, in seconds."""

    def __init__(
        self,
        bind: str,
        *,
        sequence: int,
        enquire_link: float,
        response_timeout: float,
        now: float,
    ) -> None:
        self.mode = bind
        """``transceiver``, ``transmitter`` or ``receiver``."""
        self.sequence = sequence
        """The last sequence number used (the next PDU we send takes the one after)."""
        self.enquire_link = enquire_link
        self.response_timeout = response_timeout
        self.phase = Phase.OPEN
        self.pending: dict[int, float] = {}
        """submit_sm sequence → deadline, in the order sent (so deadlines only grow)."""
        self._buffer = bytearray()
        self._partial_since: float | None = None
        """When the incomplete PDU at the head of the buffer began to arrive."""
        self._bind: tuple[int, float] | None = None
        self._unbind: int | None = None
        self._enquiry: tuple[int, float] | None = None
        self._last_rx = self._last_tx = now

    # --- what we send ----------------------------------------------------------------------

    def _next(self) -> int:
        self.sequence = self.sequence + 1 if self.sequence < 0x7FFFFFFF else 1
        return self.sequence

    def bind(self, now: float, system_id: str, password: str, system_type: str = "") -> bytes:
        sequence = self._next()
        self.phase = Phase.BINDING
        self._bind = (sequence, now)
        self._last_tx = now
        return codec.encode(
            f"bind_{self.mode}",
            sequence,
            system_id=system_id,
            password=password,
            system_type=system_type,
        )

    def submit(self, fields: dict[str, Any], now: float) -> tuple[int, bytes]:
        """Return (sequence, bytes) of a submit_sm; raise what the codec raises for fields it
        cannot encode (the sequence is then unused)."""
        sequence = self._next()
        raw = codec.encode("submit_sm", sequence, **fields)
        self.pending[sequence] = now + self.response_timeout
        self._last_tx = now
        return sequence, raw

    def respond(self, command: str, sequence: int, status: int, now: float) -> bytes:
        """The answer (``deliver_sm_resp``, ``data_sm_resp``) to a ``Request``."""
        self._last_tx = now
        return codec.encode(command, sequence, status)

    def unbind(self, now: float) -> bytes:
        sequence = self._next()
        self.phase = Phase.UNBINDING
        self._unbind = sequence
        self._last_tx = now
        return codec.encode("unbind", sequence)

    # --- what we receive -------------------------------------------------------------------

    def feed(self, data: bytes, now: float) -> list[Event]:
        """Take bytes read from the connection; return what they mean, in order."""
        if self.phase is Phase.ENDED:
            return []
        self._last_rx = now
        self._buffer += data
        events: list[Event] = []
        self._frames(events, now)
        for event in events:
            if isinstance(event, Write):
                self._last_tx = now
                break
        return events

    def _frames(self, events: list[Event], now: float) -> None:
        """Handle the whole PDUs at the head of the buffer (cut once, at the end); a reason to
        end the connection ends it after them."""
        buffer = self._buffer
        pos, size = 0, len(buffer)
        broken: str | None = None
        while size - pos >= 4 and self.phase is not Phase.ENDED:
            length = int.from_bytes(buffer[pos : pos + 4], "big")
            if not 16 <= length <= MAX_PDU:
                head = bytes(buffer[pos : pos + 16]).hex()
                broken = f"a PDU with command_length {length} ({head}…): the stream is out of step"
                pos = size
                break
            if size - pos < length:
                break
            raw = bytes(buffer[pos : pos + length])
            pos += length
            try:
                pdu = codec.decode(raw)
            except PduError as exc:
                self._undecodable(raw, exc, events)
                continue
            broken = self._handle(pdu, events) or broken
        del buffer[:pos]
        if not buffer:
            self._partial_since = None
        elif pos or self._partial_since is None:
            self._partial_since = now
        if broken is not None and self.phase is not Phase.ENDED:
            self.phase = Phase.ENDED
            events.append(Broken(broken))

    def _undecodable(self, raw: bytes, exc: PduError, events: list[Event]) -> None:
        _, command_id, _, sequence = codec.header(raw)
        if command_id & 0x80000000:
            waited = self.pending.pop(sequence, None) is not None
            events.append(Undecodable(raw, str(exc), sequence if waited else None))
            return
        # A request we can never read: refuse it for good, or the SMSC re-sends it forever.
        if command_id == codec.COMMAND_IDS["deliver_sm"]:
            answer = codec.encode("deliver_sm_resp", sequence, ESME_RX_P_APPN)
        elif command_id == codec.COMMAND_IDS["data_sm"]:
            answer = codec.encode("data_sm_resp", sequence, ESME_RX_P_APPN)
        else:
            answer = codec.encode("generic_nack", sequence, ESME_RINVCMDLEN)
        events.append(Write(answer))
        events.append(Undecodable(raw, str(exc)))

    def _handle(self, pdu: Pdu, events: list[Event]) -> str | None:
        if pdu.is_response:
            return self._response(pdu, events)
        command = pdu.command
        if command in ("deliver_sm", "data_sm"):
            if self.phase is Phase.BOUND:
                events.append(Request(pdu))
            else:  # not bound (yet, or any more): the SMSC must try again
                answer = codec.encode(f"{command}_resp", pdu.sequence, ESME_RX_T_APPN)
                events.append(Write(answer))
        elif command == "enquire_link":
            events.append(Write(codec.encode("enquire_link_resp", pdu.sequence)))
        elif command == "unbind":
            events.append(Write(codec.encode("unbind_resp", pdu.sequence)))
            return "the SMSC unbound"  # after the PDUs read with it
        elif command == "alert_notification":
            events.append(Alert(pdu.text_field("source_addr")))
        else:
            events.append(Write(codec.encode("generic_nack", pdu.sequence, ESME_RINVCMDID)))
        return None

    def _response(self, pdu: Pdu, events: list[Event]) -> str | None:
        command, sequence = pdu.command, pdu.sequence
        nack = command == "generic_nack"
        bind = self._bind
        if (
            bind is not None
            and sequence == bind[0]
            and (nack or command == f"bind_{self.mode}_resp")
        ):
            self._bound(pdu, events)
            return None
        if sequence == self._unbind and (nack or command == "unbind_resp"):
            self.phase = Phase.ENDED
            events.append(Unbound())
            return None
        if command in ("submit_sm_resp", "data_sm_resp") or nack:
            if self.pending.pop(sequence, None) is not None:
                message_id = "" if nack else pdu.text_field("message_id")
                events.append(Answered(sequence, pdu.status, message_id, nack))
            elif self._enquiry is not None and self._enquiry[0] == sequence:
                self._enquiry = None  # an SMSC without enquire_link still answered: alive
            elif nack:
                events.append(StrayNack(pdu.status))
        elif (
            command == "enquire_link_resp"
            and self._enquiry is not None
            and self._enquiry[0] == sequence
        ):
            self._enquiry = None
        if pdu.status == ESME_RINVBNDSTS:
            # The SMSC no longer counts us bound (it restarted, or lost our session).
            return f"the SMSC says we are not bound ({describe(pdu.status)})"
        return None

    def _bound(self, pdu: Pdu, events: list[Event]) -> None:
        self._bind = None
        if pdu.status != ESME_ROK:
            self.phase = Phase.ENDED
            kind = "generic_nack " if pdu.command == "generic_nack" else ""
            events.append(Refused(f"{kind}{describe(pdu.status)}", pdu.status))
            return
        self.phase = Phase.BOUND
        events.append(Bound(pdu.text_field("system_id")))

    # --- time ------------------------------------------------------------------------------

    def next_tick(self) -> float | None:
        """The time ``tick`` has something to decide at (None: nothing until told more)."""
        if self.phase is Phase.ENDED:
            return None
        wakes: list[float] = []
        if self._bind is not None:
            wakes.append(self._bind[1] + self.response_timeout)
        if self.phase is Phase.BOUND:
            if self._enquiry is not None:
                wakes.append(self._enquiry[1] + self.response_timeout)
            else:
                wakes.append(max(self._last_rx, self._last_tx) + self.enquire_link)
        if self.pending:
            wakes.append(next(iter(self.pending.values())))
        if self._partial_since is not None:
            wakes.append(self._partial_since + self.response_timeout)
        return min(wakes) if wakes else None

    def tick(self, now: float) -> list[Event]:
        """Decide what is due at ``now``: a drop, an enquire_link, submit_sm given up."""
        if self.phase is Phase.ENDED:
            return []
        events: list[Event] = []
        for sequence, deadline in list(self.pending.items()):
            if deadline > now:
                break
            del self.pending[sequence]
            events.append(TimedOut(sequence))
        reason = self._overdue(now)
        if reason is not None:
            self.phase = Phase.ENDED
            events.append(Broken(reason))
        elif (
            self.phase is Phase.BOUND
            and self._enquiry is None
            and now - max(self._last_rx, self._last_tx) >= self.enquire_link
        ):
            sequence = self._next()
            self._enquiry = (sequence, now)
            self._last_tx = now
            events.append(Write(codec.encode("enquire_link", sequence)))
        return events

    def _overdue(self, now: float) -> str | None:
        timeout = self.response_timeout
        if self._partial_since is not None and now - self._partial_since > timeout:
            buffer = self._buffer
            announced = int.from_bytes(buffer[:4], "big") if len(buffer) >= 4 else 0
            return (
                f"a PDU of {announced} octets announced, {len(buffer)} arrived in "
                f"{timeout:g}s: the stream is out of step"
            )
        if self._bind is not None and now - self._bind[1] > timeout:
            return f"no bind_{self.mode}_resp in {timeout:g}s"
        if self._enquiry is not None and now - self._enquiry[1] > timeout:
            return f"no enquire_link_resp in {timeout:g}s"
        return None
