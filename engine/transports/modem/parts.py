"""Own the parts of long messages a modem hands over, until each message is whole.

A part read from the SIM stays there until its message is committed: the SIM is its store. A
part handed over directly (``+CMT``) is gone from the modem once acknowledged (``AT+CNMA``), and
the network sends the next part only then: such a part is committed to the store's held parts
(``PartStore``) before it is acknowledged, and taken back after a restart. The parts of a message
committed lately are remembered (``done``) for ``window`` seconds: a part the network sends again
because its acknowledgement was lost is recognised, not taken for the start of a new message.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import timedelta

from engine.core.clock import Clock
from engine.core.records import HeldPart
from engine.sms.pdu import Deliver, PduError, decode
from engine.types import PartStore

__all__ = ["Group", "Piece", "Reassembly"]

log = logging.getLogger(__name__)

Key = tuple[str, int, int]
"""(sender, reference, total)."""


@dataclass(frozen=True, slots=True)
class Piece:
    """One part: where it is on the SIM (None: handed over directly), its PDU and what it says."""

    index: int | None
    pdu: str
    deliver: Deliver


@dataclass(slots=True)
class Done:
    """A message committed lately: when (``time.monotonic``), and its parts' PDUs by number."""

    at: float
    pdus: dict[int, str] = field(default_factory=dict)


@dataclass(slots=True)
class Group:
    """The parts of one long message seen so far."""

    key: Key
    started: float
    pieces: dict[int, Piece] = field(default_factory=dict)

    @property
    def name(self) -> str:
        """The store's name of the message's held parts."""
        sender, reference, total = self.key
        return f"{sender}|{reference}|{total}"

    @property
    def held(self) -> bool:
        """Whether some of its parts are in the store (handed over directly)."""
        return any(piece.index is None for piece in self.pieces.values())

    def ordered(self) -> list[Piece]:
        return [self.pieces[n] for n in sorted(self.pieces)]


class Reassembly:
    """Long messages in parts, by (sender, reference, total)."""

    def __init__(self, transport: str, clock: Clock, timeout: float, window: float = 600.0) -> None:
        self.transport = transport
        self.clock = clock
        self.timeout = timeout
        self.window = window
        self.groups: dict[Key, Group] = {}
        self._done: dict[Key, Done] = {}

    def again(self, piece: Piece) -> bool:
        """Whether ``piece`` is a part of a message committed lately, sent again."""
        key = piece.deliver.part_key
        assert key is not None and piece.deliver.concat is not None
        done = self._done.get(key)
        if done is None or self.clock.monotonic() - done.at > self.window:
            return False
        return done.pdus.get(piece.deliver.concat.number) == piece.pdu

    def add(self, piece: Piece) -> Group | None:
        """Take a part; the group when it makes its message whole (no longer kept then)."""
        key = piece.deliver.part_key
        assert key is not None and piece.deliver.concat is not None
        group = self.groups.setdefault(key, Group(key, self.clock.monotonic()))
        group.pieces[piece.deliver.concat.number] = piece
        if len(group.pieces) < key[2]:
            return None
        return self.groups.pop(key)

    def committed(self, group: Group) -> None:
        now = self.clock.monotonic()
        self._done = {k: v for k, v in self._done.items() if now - v.at <= self.window}
        self._done[group.key] = Done(now, {n: p.pdu for n, p in group.pieces.items()})

    def expired(self) -> list[Group]:
        """The groups waiting longer than ``timeout``, to be committed as they are."""
        now = self.clock.monotonic()
        late = [k for k, g in self.groups.items() if now - g.started >= self.timeout]
        return [self.groups.pop(key) for key in late]

    async def hold(self, store: PartStore, piece: Piece) -> None:
        """Commit a part handed over directly (then it may be acknowledged)."""
        assert piece.deliver.concat is not None and piece.deliver.part_key is not None
        group = Group(piece.deliver.part_key, 0.0)
        part = HeldPart(
            self.transport,
            group.name,
            piece.deliver.concat.number,
            json.dumps({"pdu": piece.pdu}),
            self.clock.now(),
        )
        await store.hold_parts([part], forget_before=self.clock.now() - self._window())

    def _window(self) -> timedelta:
        return timedelta(seconds=self.window)

    async def restore(self, store: PartStore) -> list[Group]:
        """Take back the parts held when the connector stopped; the groups already whole."""
        await store.hold_parts([], forget_before=self.clock.now() - self._window())
        whole: list[Group] = []
        for held in await store.held_parts(self.transport):
            try:
                pdu = str(json.loads(held.data)["pdu"])
                found = decode(pdu)
            except (ValueError, KeyError, TypeError, PduError) as exc:
                log.error("modem %s: a held part cannot be read (%s)", self.transport, exc)
                continue
            if not isinstance(found, Deliver) or found.part_key is None:
                continue
            piece = Piece(None, pdu, found)
            if held.done_at is not None:
                seen = self._done.setdefault(found.part_key, Done(self.clock.monotonic()))
                seen.pdus[held.number] = pdu
                continue
            group_done = self.add(piece)
            if group_done is not None:
                whole.append(group_done)
        return whole
