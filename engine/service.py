"""Own the imperative shell: intake, ordering, one transaction per batch of sprints, the outbox.

Flow of a message: a transport calls ``receive``; messages arriving together are committed in
one transaction (group commit) before ``receive`` returns, so the transport may acknowledge them.
That same transaction loads their conversations, runs the pure runtime for each message and
writes the sprints, with their replies marked ``sending``: one fsync per batch, and the outbox
hands the replies over as soon as it returns.

Due timers, flows started by the API and messages a previous run left unprocessed go through the
processor instead (``engine.processor``): one transaction per batch too (load, step, write).
When that queue is not empty, new messages are only committed at intake and queued behind it,
and if processing a batch at intake fails for any reason but the store's, its messages are
committed alone and queued, so a message that trips a bug is still acknowledged and kept (the
processor logs it).

Event notifications (``notify:``) are rows the store writes in those same transactions; the
notifier (``engine.notify``), started and stopped with the service, posts them and is woken
after a batch that may have written some.

Ordering: every batch is loaded, stepped and written inside one store call, and the store runs
its calls one after the other, so two messages of one contact never race; inside a batch each
conversation's state is carried from one message to the next.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import datetime
from typing import Any, Literal, TypeVar, cast

from engine.campaigns.runner import CampaignLoop
from engine.core.batching import Batcher
from engine.core.clock import Clock, SystemClock
from engine.core.ids import IdSource, RandomIds
from engine.core.messages import Address, Inbound, unicode_problem
from engine.core.model import Sprint
from engine.core.quiet import UTC_ZONE, zone_named
from engine.core.records import (
    CampaignRow,
    Decide,
    Handled,
    OutboxRow,
    Received,
    Step,
    Timer,
    Work,
    WriteTimes,
)
from engine.decider import Decider
from engine.errors import InvalidMessage, StoreError, StoreUnavailable
from engine.leases import Leases
from engine.logs import Repeated
from engine.metrics import Metrics
from engine.notify import Notifier
from engine.outbox import Outbox
from engine.processor import Processor
from engine.ruleset.ruleset import RuleSet
from engine.scheduler import Scheduler
from engine.types import LinkStats, Store, Transport

__all__ = ["Change", "Service"]

log = logging.getLogger(__name__)

T = TypeVar("T")
Change = Literal["inbox", "messages", "delivery", "rules", "campaigns"]
"""What ``Service.changed`` tells its listeners has changed (committed)."""


_ELSEWHERE: tuple[Change, ...] = ("messages", "inbox", "delivery", "campaigns")
"""What a commit of another process may have changed (it does not say which)."""


class Service:
    """Wire rules, store and transports together; see the module docstring for the data flow."""

    def __init__(
        self,
        ruleset: RuleSet,
        store: Store,
        transports: Mapping[str, Transport],
        *,
        routes: Mapping[Address, str] | None = None,
        throughput: Mapping[Address, float] | None = None,
        clock: Clock | None = None,
        ids: IdSource | None = None,
        batch: int = 500,
        auto_timers: bool = True,
        metrics: Metrics | None = None,
        notifier: Notifier | None = None,
        trace: bool = False,
        explain: bool = False,
    ) -> None:
        if not transports:
            raise ValueError("a service needs at least one transport")
        self.ruleset = ruleset
        self.store = store
        self.transports = dict(transports)
        self.clock = clock or SystemClock()
        self.ids = ids or RandomIds()
        self.batch = batch
        self.trace = trace
        """Steps emit ``state_entered`` (the harness of ``twoway test``; off in production)."""
        self.explain = explain
        """Messages' steps emit ``decided`` and ``case_failed`` (``twoway replay``'s sandbox)."""
        self.metrics = metrics or Metrics()
        self.metrics.track(self)
        self.metrics.rules_loaded_now(ruleset.version)
        self.notifier = notifier
        """Posts the event notifications the store writes (None: no ``notify:``)."""
        self.listeners: list[Callable[[Change], None]] = []
        """Called (on the loop) by ``changed`` with what changed (``Change``): the web
        console's live updates (``engine.web.console.live``)."""
        store.status_listeners.append(self._delivery_changed)
        self.outbox = Outbox(
            store,
            self.transports,
            routes or {},
            next(iter(self.transports)),
            throughput or {},
            self._finished,
            metrics=self.metrics,
            clock=self.clock,
        )
        self.scheduler = Scheduler(store, self.clock, self._schedule)  # the processor's, below
        self.campaigns = CampaignLoop(
            self, store, self.clock, throughput or {}, changed=self._committed_elsewhere
        )
        self._unsubscribe_clock: Callable[[], None] | None = None
        self.outbox.hold = self._hold_row
        self.outbox.campaign_rates = self.campaigns.rates
        self.auto_timers = auto_timers
        self._intake: Batcher[Inbound, Received] = Batcher(
            self._take_batch,
            batch,
            split=lambda exc: not isinstance(exc, StoreUnavailable),
            refused=self._refused,
            # Workers sharing the store: a batch is taken once this one's turn to write came,
            # with what arrived while another worker committed.
            ready=store.writer_turn,
        )
        self.processor = Processor(
            self._process,
            store,
            batch=batch,
            pending=self._add_pending,
            finished=self._finished,
        )
        self.leases = Leases(store, self.clock, self._recover)
        self.outbox.claims = self.leases
        self._pending = 0
        self._idle = asyncio.Event()
        self._idle.set()
        self._tasks: list[asyncio.Task[Any]] = []
        self._accepting = False
        self._repeated = Repeated(log)
        self.processed = 0

    # --- life cycle ---------------------------------------------------------------------

    async def start(self) -> None:
        """Recover what a previous run left, then start the loops and the transports."""
        await self.store.open()
        if self.notifier is not None:
            await self.notifier.start()
        left = await _every_row(self.store.pending_inbound)  # received, not yet processed
        self.processor.enqueue(left)
        await self.campaigns.load()
        resend = await self.leases.left()
        self._recover(resend)
        loops = [self.processor.run(), self.outbox.run(), self.leases.run()]
        if self.auto_timers:
            loops += [self.scheduler.run(), self.campaigns.run()]
            # a clock moved by a jump (a test's): the timers now due fire at once
            self._unsubscribe_clock = self.clock.subscribe(self.scheduler.wake)
        self._tasks = [asyncio.create_task(loop) for loop in loops]
        self._accepting = True
        for transport in self.transports.values():
            # delivery receipts update the outbox rows; they never reach the rules
            await transport.start(self.accept, self.store.mark_deliveries, parts=self.store)
        if resend:
            log.info("re-sending %d outbound messages left by the previous run", len(resend))

    async def stop(
        self,
        drain_timeout: float = 10.0,
        *,
        before_store_close: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        """Stop intake, let work in progress finish, close transports and the store.

        The transports stay open while draining: the replies of what was acknowledged go out
        and their peers' acks come back, so a graceful stop leaves nothing to re-send (new
        inbound messages are refused meanwhile, and their senders retry them later).
        ``before_store_close`` runs once the transports are closed (the HTTP endpoint stops
        there, so that /health answers while the engine drains).
        """
        self._accepting = False
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.idle(), drain_timeout)
        for transport in self.transports.values():
            await transport.aclose()
        self.outbox.cancel_retries()
        if self._unsubscribe_clock is not None:
            self._unsubscribe_clock()
            self._unsubscribe_clock = None
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if before_store_close is not None:
            await before_store_close()
        if self.notifier is not None:
            await self.notifier.stop()
        with contextlib.suppress(StoreError):
            # What the drain left goes at once with the next engine, not after the lease.
            await self.store.release_claims()
        await self.store.close()

    async def idle(self) -> None:
        """Return once every message received so far is processed and its replies are sent
        (their ``sent`` marks committed, at once while this waits: ``Outbox.draining``)."""
        self.outbox.draining += 1
        self.store.hurry()
        try:
            while True:
                await self._idle.wait()
                await asyncio.sleep(0)
                if self._pending == 0 and not self._intake:
                    return
        finally:
            self.outbox.draining -= 1

    @property
    def accepting(self) -> bool:
        """Whether inbound messages are taken (False before start and from the stop on)."""
        return self._accepting

    def depths(self) -> dict[str, int]:
        """Messages waiting: to be committed, to be processed, to be handed to a transport;
        with ``notify:``, the notifications waiting to be delivered."""
        depths = {
            "intake": len(self._intake),
            "work": len(self.processor),
            "outbox": self.outbox.waiting,
        }
        if self.notifier is not None:
            depths["notifications"] = self.notifier.pending
        return depths

    @property
    def store_problem(self) -> str | None:
        """Why the store cannot write now (its last refusal), or None while writes succeed."""
        return self.store.problem

    def store_writes(self) -> WriteTimes:
        """How much the store's writer has worked (``/metrics``)."""
        return self.store.writes

    def links(self) -> dict[str, str]:
        """The link state of each connector (``up``, or what the transport says it is)."""
        return {name: transport.state for name, transport in self.transports.items()}

    def link_stats(self) -> dict[str, list[LinkStats]]:
        """Each connector's links, as /metrics shows them."""
        return {name: transport.link_stats() for name, transport in self.transports.items()}

    def _add_pending(self, count: int) -> None:
        self._pending += count
        if self._pending > 0:
            self._idle.clear()

    def _finished(self, count: int) -> None:
        self._pending -= count
        if self._pending <= 0:
            self._pending = 0
            self._idle.set()

    def _committed_elsewhere(self) -> None:
        """Another process committed to the store (a ``twoway`` command, or another worker of
        ``workers: N``; the campaign loop looks four times a second): timers may be due, a
        campaign started, paused or cancelled, and the console's pages (served by worker 1)
        look again at what another worker may have changed."""
        self.scheduler.wake()
        if self.listeners:
            for what in _ELSEWHERE:
                self.changed(what)

    def _recover(self, rows: list[OutboxRow]) -> None:
        """Hand over ``rows`` another run left ``sending`` (``Leases``: at a start, or taken
        over from a process that died)."""
        self._add_pending(len(rows))
        self.outbox.recover(rows)

    def swap_ruleset(self, ruleset: RuleSet) -> RuleSet:
        """Handle every batch from the next one on with ``ruleset``; return the one it replaces.

        One attribute assignment, and a batch reads ``self.ruleset`` once: each message is handled
        wholly by the old rule set or wholly by the new one (hot reload, ``engine.reload``).
        """
        previous = self.ruleset
        self.ruleset = ruleset
        self.metrics.rules_loaded_now(ruleset.version)
        return previous

    # --- intake -------------------------------------------------------------------------

    async def receive(self, message: Inbound) -> Received:
        """Commit one inbound message; return once it is durable (then it may be acknowledged)."""
        return await self.accept(message)

    def accept(self, message: Inbound) -> asyncio.Future[Received]:
        """Queue one inbound message for its commit; the future is done once it is durable.

        The transports' ``on_inbound``: a connector that read many messages at once (an SMPP
        link) queues them all without a coroutine or a task each, then awaits their futures.
        """
        if not self._accepting:
            raise RuntimeError("the engine is shutting down")
        _check_inbound(message)
        self._add_pending(1)
        self.metrics.arrived(message)
        # a refusal is the future's exception (``_refused`` told); a success its Received
        return cast("asyncio.Future[Received]", self._intake.add(message))

    async def decide(self, message: Inbound) -> Sprint | None:
        """Commit ``message`` and process it in one transaction like any batch, its replies
        written in the store but never handed to a transport (the sandbox of `twoway replay`);
        return its step's sprint (None: a duplicate, or the step could not be committed)."""
        _check_inbound(message)
        handled = await self._handle([message])
        if handled is None or not handled.received or handled.received[0].duplicate:
            return None
        committed = handled.received[0].message.id  # its step is its own (earlier ones first)
        return next((s.sprint for s in handled.steps if s.inbound_id == committed), None)

    async def _take_batch(self, messages: list[Inbound]) -> list[Received]:
        """The intake's write (``Batcher``): whatever waited when it started, one transaction.
        A batch the store refuses is refused whole (its senders retry); one that fails for
        another reason is taken again message by message, so only the one that fails is."""
        try:
            received = await self._take(messages)
        except StoreUnavailable as exc:
            self._repeated.warning(
                "intake",
                "the store cannot write (%s): inbound messages are refused, "
                "their senders send them again later",
                exc,
            )
            raise
        if "intake" in self._repeated:
            self._repeated.clear("intake")
            log.warning("the store writes again: inbound messages are taken")
        return received

    def _refused(self, message: Inbound, exc: Exception) -> None:
        """``message`` is not committed (its transport must not acknowledge it): say why — a
        bug's traceback, or the store's trouble once per interval — and count it."""
        if isinstance(exc, StoreError) and not isinstance(exc, StoreUnavailable):
            self._repeated.warning("refused", "an inbound message was not committed: %s", exc)
        elif not isinstance(exc, StoreUnavailable):
            log.error(
                "inbound message %s could not be committed", message.external_id, exc_info=exc
            )
        self.metrics.dropped([message])
        self._finished(1)

    async def _take(self, messages: list[Inbound]) -> list[Received]:
        """Commit ``messages``, and process them in the same transaction when nothing waits
        ahead of them; see the module docstring."""
        handled = None if self.processor else await self._handle(messages)
        received = handled.received if handled else await self.store.receive(messages)
        self.metrics.committed(messages, received)  # before _processed: it starts the timing
        fresh = [r.message for r in received if not r.duplicate]
        self._finished(len(received) - len(fresh))
        if handled:
            self._processed(fresh, handled.steps, handled.rows)
        else:
            self.processor.enqueue(fresh, counted=True)
        return received

    async def _handle(self, messages: list[Inbound]) -> Handled | None:
        """Receive and process ``messages`` in one transaction; None if that failed (the
        caller then commits them alone)."""
        ruleset, now = self.ruleset, self.clock.now()
        try:
            return await self.store.handle(
                messages,
                self._decide(ruleset, now),
                replies_since=now - ruleset.settings.reply_window,
                polls=ruleset.tallied,
            )
        except StoreUnavailable:
            pass  # committing them alone will tell (and log) whether the store writes at all
        except StoreError as exc:  # the store's own trouble: one line, not a traceback
            log.warning(
                "a batch of %d could not be committed with its processing (%s); "
                "committing it alone",
                len(messages),
                exc,
            )
        except Exception:
            log.exception(
                "a batch of %d could not be processed as it arrived; "
                "it is committed alone and processed on its own",
                len(messages),
            )
        return None

    def _schedule(self, timers: list[Timer]) -> None:
        self.processor.schedule(timers)

    async def run_due_timers(self) -> None:
        """Fire every timer due by now (tests call this after moving a fixed clock)."""
        # A round may create timers already due (a chain of timeouts): go on until no new one is.
        # A timer seen twice failed to process; it stays in the store for the next start.
        seen: set[int] = set()
        while True:
            due = [t for t in await self.store.due_timers(self.clock.now()) if t.id not in seen]
            if not due:
                return
            seen.update(t.id for t in due)
            self._schedule(due)
            await self.idle()

    async def start_flow(
        self,
        contact: Address,
        number: Address,
        flow: str,
        params: dict[str, Any] | None = None,
        at: datetime | None = None,
    ) -> None:
        """Schedule a flow for a contact (now, or at ``at``); durable like every timer."""
        await self.store.schedule_start(contact, number, flow, params or {}, at or self.clock.now())
        self.scheduler.wake()

    def changed(self, what: Change) -> None:
        """Tell ``listeners`` that ``what`` changed, once it is committed: ``inbox`` (a
        hand-off, a person's act through the API or the console), ``messages`` (a batch of
        messages and timers: votes, answers, conversations), ``campaigns`` (a campaign's
        recipients started, or it finished; a person's act), ``delivery`` (the store's
        ``status_listeners``: any write that changed outbox rows' statuses — sent, held,
        failed, suppressed, delivery receipts), ``rules`` (a reload took a new rule
        set or refused a broken one: ``engine.reload``)."""
        for listener in list(self.listeners):
            try:
                listener(what)
            except Exception:  # a page's trouble never stops what was committed
                log.exception("a listener of %s failed", what)

    def _delivery_changed(self) -> None:
        if self.listeners:
            self.changed("delivery")

    def hand_over(self, rows: Sequence[OutboxRow]) -> None:
        """Queue rows written ``sending`` outside a batch, their opt-outs checked in their
        transaction (a message of the REST API)."""
        self._add_pending(len(rows))
        self.outbox.push(list(rows), marked=True)

    # --- processing ---------------------------------------------------------------------

    async def _process(self, batch: list[Work]) -> None:
        ruleset = self.ruleset
        now = self.clock.now()
        steps, rows = await self.store.process(
            batch,
            self._decide(ruleset, now),
            replies_since=now - ruleset.settings.reply_window,
            polls=ruleset.tallied,
        )
        self._processed(batch, steps, rows)

    async def launch(self, campaign: CampaignRow, most: int) -> int:
        """Start up to ``most`` due recipients of a running campaign, in one transaction (see
        ``Store.launch``); return how many were taken (started, held or skipped)."""
        ruleset = self.ruleset
        now = self.clock.now()
        if campaign.flow not in ruleset.flows:
            raise LookupError(f"the rules have no flow '{campaign.flow}' any more")
        steps, rows = await self.store.launch(
            campaign,
            most,
            now,
            ruleset.settings.marketing_cap,
            self._decide(ruleset, now),
            replies_since=now - ruleset.settings.reply_window,
            polls=ruleset.tallied,
        )
        self._processed([], steps, rows)
        if self.listeners:  # recipients started, or none left: the campaign may be done
            self.changed("campaigns")
        if len(steps) < most and self.notifier is not None:
            self.notifier.wake()  # the campaign may have finished: its notification is written
        return len(steps)

    def _hold_row(self, row: OutboxRow) -> datetime | None:
        if row.campaign is None:  # the hot path: a reply, not a campaign's message
            return None
        zone = zone_named(self.ruleset.settings.timezone) or UTC_ZONE
        return self.campaigns.hold(row, zone)

    async def release_held(self) -> int:
        """Hand over the messages quiet hours held, once their time has come."""
        now = self.clock.now()
        due = await self.store.next_held()  # a read: no write transaction while none is due
        if due is None or due > now:
            return 0
        rows = await self.store.release_held(now)
        self._add_pending(len(rows))
        self.outbox.push(rows)
        return len(rows)

    def _decide(self, ruleset: RuleSet, now: datetime) -> Decide:
        """The decision of one batch (``engine.decider``), with this service's ids, trace and
        explain as they are now."""
        return Decider(self.ids, self.trace, self.explain).batch(ruleset, now)

    def _processed(self, batch: Sequence[Work], steps: list[Step], rows: list[OutboxRow]) -> None:
        """Account for a committed batch and hand its replies (already ``sending``) over."""
        self.metrics.queued(steps, rows)
        self.processor.done(batch)
        self.processed += len(batch)
        self._add_pending(len(rows))
        if batch:
            self._finished(len(batch))
        if any(s.sprint.opt == "out" for s in steps):
            self.outbox.opt_outs_changed()
        if self.notifier is not None and any(_notable(s) for s in steps):
            self.notifier.wake()
        if any(s.sprint.handoff is not None for s in steps):
            self.changed("inbox")
        if batch and self.listeners:
            self.changed("messages")
        self.outbox.push(rows, marked=True)
        if any(s.sprint.session is not None for s in steps):
            self.scheduler.wake()


def _notable(step: Step) -> bool:
    """Whether the store may have written a notification for ``step``: a hand-off or an
    unmatched text (both go to the inbox), or an opt-out."""
    return step.sprint.handoff is not None or step.sprint.opt == "out"


def _check_inbound(message: Inbound) -> None:
    """Refuse ``message`` alone if a field cannot be stored (a lone surrogate is no UTF-8)."""
    fields = (
        ("id", message.external_id or ""),
        ("from", message.sender),
        ("to", message.recipient),
        ("text", message.text),
    )
    for name, value in fields:
        problem = unicode_problem(name, value)
        if problem is not None:
            raise InvalidMessage(problem)


async def _every_row(read: Callable[[int], Awaitable[list[T]]]) -> list[T]:
    """All the rows ``read(limit)`` has, however many: recovery must not stop at a page."""
    limit = 10_000
    while len(rows := await read(limit)) >= limit:
        limit *= 4
    return rows
