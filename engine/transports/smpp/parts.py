"""Own the reassembly of concatenated inbound SMS: parts in any order, 8- or 16-bit references.

Parts are grouped on (sender, recipient, reference, total, reference width) and joined as octets
before decoding (see ``coding.decode``). A group missing parts is given up after ``timeout``
seconds: what arrived is delivered, in order, as one message (``Group.missing`` says what is
absent). Delivering a partial text beats dropping it: the conversation or a person can still
act on it, and a missing part rarely comes after a minute.

A message once committed is remembered for ``remember`` seconds (the connector's MO dedup
window): when one of its parts comes again, because the link dropped before the SMSC had the
answer to it, ``again`` gives the whole message back, so that the store can tell it is the same
message (an SMSC re-delivers only the parts it had no answer for).
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime

from engine.transports.smpp.coding import decode

__all__ = ["Group", "Reassembler"]

Key = tuple[str, str, int, int, bool]

_REMEMBERED = 100_000


@dataclass(slots=True)
class Group:
    key: Key
    started: float
    parts: dict[int, tuple[bytes, int]] = field(default_factory=dict)
    """Part number → (payload octets, data coding)."""
    first_id: str | None = None
    received_at: datetime | None = None
    """When the message was received, once committed (a part sent again is that message)."""
    committing: asyncio.Future[None] | None = None
    """Set while the whole message is being committed (a re-sent part waits for it)."""

    @property
    def total(self) -> int:
        return self.key[3]

    @property
    def complete(self) -> bool:
        return len(self.parts) == self.total

    @property
    def missing(self) -> list[int]:
        return [n for n in range(1, self.total + 1) if n not in self.parts]

    def put(self, number: int, payload: bytes, data_coding: int, message_id: str | None) -> None:
        """Keep part ``number`` (a repeated part replaces the earlier copy); the first part's
        provider id names the message."""
        self.parts[number] = (payload, data_coding)
        if number == 1 and message_id:
            self.first_id = message_id

    def text(self) -> str:
        """Join the parts' octets per run of one data coding, then decode each run."""
        runs: list[tuple[int, bytearray]] = []
        for number in sorted(self.parts):
            payload, coding = self.parts[number]
            if runs and runs[-1][0] == coding:
                runs[-1][1].extend(payload)
            else:
                runs.append((coding, bytearray(payload)))
        return "".join(decode(bytes(data), coding) for coding, data in runs)


class Reassembler:
    """Collect parts until a message is whole; the caller removes a group once it is committed."""

    def __init__(self, timeout: float = 60.0, remember: float = 0.0) -> None:
        self.timeout = timeout
        self.remember = remember
        self.groups: dict[Key, Group] = {}
        self.done: OrderedDict[Key, tuple[float, Group]] = OrderedDict()
        """Messages committed in the last ``remember`` seconds, oldest first."""

    def add(
        self,
        sender: str,
        recipient: str,
        reference: int,
        total: int,
        number: int,
        wide: bool,
        payload: bytes,
        data_coding: int,
        now: float,
        message_id: str | None = None,
    ) -> Group:
        """Add one part (a repeated part replaces the earlier copy) and return its group."""
        key = (sender, recipient, reference, total, wide)
        group = self.groups.get(key)
        if group is None:
            group = self.groups[key] = Group(key, now)
        group.put(number, payload, data_coding, message_id)
        return group

    def discard(self, group: Group) -> None:
        if self.groups.get(group.key) is group:
            del self.groups[group.key]

    def completed(self, group: Group, now: float, received_at: datetime | None = None) -> None:
        """The group's message (received at ``received_at``) is committed: discard it, and
        remember it for ``remember`` s."""
        self.discard(group)
        group.received_at = received_at
        if self.remember > 0:
            self.done.pop(group.key, None)
            self.done[group.key] = (now, group)
            self._forget(now)

    def restore(
        self,
        key: Key,
        number: int,
        payload: bytes,
        data_coding: int,
        message_id: str | None,
        at: float,
        done: datetime | None,
    ) -> None:
        """Take back a part kept in the store: held since ``at`` (monotonic), or, when the
        message was committed (received at ``done``), remembered since then."""
        if done is None:
            group = self.add(*key[:4], number, key[4], payload, data_coding, at, message_id)
            group.started = min(group.started, at)
            return
        entry = self.done.get(key)
        if entry is None:
            entry = self.done[key] = (at, Group(key, at, received_at=done))
        entry[1].put(number, payload, data_coding, message_id)

    def again(
        self,
        sender: str,
        recipient: str,
        reference: int,
        total: int,
        number: int,
        wide: bool,
        payload: bytes,
        data_coding: int,
        now: float,
    ) -> Group | None:
        """The message committed lately that this part (same octets) belongs to, or None.

        None as well while a message with the same reference is being put together: then the
        part is that message's."""
        self._forget(now)
        key = (sender, recipient, reference, total, wide)
        entry = self.done.get(key)
        if entry is None or key in self.groups:
            return None
        group = entry[1]
        return group if group.parts.get(number) == (payload, data_coding) else None

    def _forget(self, now: float) -> None:
        while self.done:
            when, _ = next(iter(self.done.values()))
            if now - when <= self.remember and len(self.done) <= _REMEMBERED:
                return
            self.done.popitem(last=False)

    def expired(self, now: float) -> list[Group]:
        """Return the groups waiting longer than ``timeout`` (they stay until discarded)."""
        return [g for g in self.groups.values() if now - g.started >= self.timeout]
