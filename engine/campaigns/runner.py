"""Own the engine's campaign loop: start the due recipients of running campaigns at their pace,
let go of the messages quiet hours held, and notice what ``twoway`` commands wrote.

Commands (``twoway campaign start``, ``pause``, ``test``…) write the store beside the running
engine; this loop reads the running campaigns every ``TICK`` seconds, so a change shows within a
second. Each campaign has its own token bucket at its throughput (never above its number's):
after a quiet-hours window, its held recipients leave at that pace, not all at once.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol
from zoneinfo import ZoneInfo

from engine.core.clock import Clock
from engine.core.model import EMPTY
from engine.core.quiet import QuietHours, recipient_zone
from engine.core.records import CampaignRow, OutboxRow
from engine.errors import StoreUnavailable
from engine.logs import Repeated
from engine.types import CampaignStore

__all__ = ["DEFAULT_RATE", "TICK", "CampaignLoop", "campaign_rate"]

log = logging.getLogger(__name__)

TICK = 0.25
"""Seconds between two looks at the store when no campaign runs."""

PACE_TICK = 0.05
"""Seconds between two looks while campaigns run: each starts a few recipients at a time, so
that a second sees its throughput, not a burst and a pause."""

BURST = 0.25
"""Seconds of a campaign's throughput its bucket holds at most (for a late tick)."""

DEFAULT_RATE = 20.0
"""Messages per second of a campaign when neither it nor its number sets a throughput."""


def campaign_rate(throughput: float | None, limit: float | None) -> float:
    """A campaign's messages per second: its ``throughput``, never above its number's
    ``limit``; the number's when it sets none, ``DEFAULT_RATE`` when neither does."""
    rate = throughput or limit or DEFAULT_RATE
    return min(rate, limit) if limit else rate


class Launcher(Protocol):
    async def launch(self, campaign: CampaignRow, most: int) -> int: ...
    async def release_held(self) -> int: ...


@dataclass
class _Bucket:
    rate: float
    tokens: float
    stamp: datetime

    def fill(self, now: datetime) -> int:
        elapsed = max(0.0, (now - self.stamp).total_seconds())
        # At most BURST seconds' worth: a late tick catches up, a jump of the clock does not.
        self.tokens = min(max(1.0, self.rate * BURST), self.tokens + elapsed * self.rate)
        self.stamp = now
        return int(self.tokens)

    def spend(self, taken: int, asked: int) -> None:
        """``taken`` of ``asked`` recipients were started. When fewer were due than the bucket
        allowed, the rest is not saved up: after quiet hours, the held recipients leave at the
        pace from the first second, not in a burst of credit earned while they waited."""
        self.tokens = 0.0 if taken < asked else self.tokens - taken


class CampaignLoop:
    def __init__(
        self,
        service: Launcher,
        store: CampaignStore,
        clock: Clock,
        limits: Mapping[str, float],
        changed: Callable[[], None] = lambda: None,
    ) -> None:
        self.service = service
        self.store = store
        self.clock = clock
        self.limits = limits
        """Number → its own throughput (messages per second)."""
        self.changed = changed
        """Called when another process committed to the store (a command was run)."""
        self._buckets: dict[int, _Bucket] = {}
        self._version: int | None = None
        self._repeated = Repeated(log)
        self._missing: set[int] = set()
        self._idle_until: dict[int, datetime] = {}
        """Campaign id → when its next recipient is due (held overnight: no look till then)."""
        self.rates: dict[int, float] = {}
        """Campaign id → its pace, which the outbox keeps message by message."""
        self.windows: dict[int, QuietHours | None] = {}
        """Campaign id → its quiet hours, for the outbox's last look before a message leaves."""

    async def load(self) -> None:
        """Learn every campaign's quiet hours (rows a previous run left may belong to one)."""
        self.windows = {c.id: c.window for c in await self.store.all_campaigns()}

    def hold(self, row: OutboxRow, default: ZoneInfo) -> datetime | None:
        """Until when the quiet hours of ``row``'s campaign keep it now (None: it may leave)."""
        window = self.windows.get(row.campaign) if row.campaign is not None else None
        if window is None:
            return None
        now = self.clock.now()
        zone = recipient_zone(row.message.recipient, EMPTY, default)
        if not window.quiet(now.astimezone(zone)):
            return None
        return window.next_allowed(now, zone)

    def rate(self, campaign: CampaignRow) -> float:
        return campaign_rate(campaign.throughput, self.limits.get(campaign.number))

    async def tick(self) -> int:
        """One look: returns how many recipients were taken."""
        version = await self.store.data_version()
        if version != self._version:
            if self._version is not None:
                self.changed()
            self._version = version
            self._idle_until.clear()  # a command may have changed what is due
        taken = 0
        running = await self.store.running_campaigns()
        for campaign in running:
            self.windows[campaign.id] = campaign.window
            now = self.clock.now()
            bucket = self._buckets.get(campaign.id)
            if bucket is None:
                rate = self.rate(campaign)
                bucket = self._buckets[campaign.id] = _Bucket(rate, 1.0, now)
                self.rates[campaign.id] = rate
            most = bucket.fill(now)
            idle = self._idle_until.get(campaign.id)
            if most < 1 or (idle is not None and now < idle):
                continue
            try:
                done = await self.service.launch(campaign, most)
            except LookupError as exc:
                if campaign.id not in self._missing:
                    self._missing.add(campaign.id)
                    log.warning("campaign %s waits: %s", campaign.name, exc)
                continue
            self._missing.discard(campaign.id)
            bucket.spend(done, most)
            taken += done
            if done < most:  # nobody else is due now: no transaction until somebody is
                due = await self.store.next_campaign_due(campaign.id)
                if due is not None and due > now:
                    self._idle_until[campaign.id] = due
                else:
                    self._idle_until.pop(campaign.id, None)
        live = {c.id for c in running}
        for gone in set(self._buckets) - live:
            del self._buckets[gone]
        await self.service.release_held()
        return taken

    async def run(self) -> None:
        while True:
            try:
                await self.tick()
                self._repeated.clear("campaigns")
            except StoreUnavailable as exc:
                self._repeated.warning(
                    "campaigns", "campaigns wait: the store cannot write (%s)", exc
                )
            except Exception:
                log.exception("the campaign loop failed; it tries again")
            await asyncio.sleep(PACE_TICK if self._buckets else TICK)
