"""Own the engine's metrics: prometheus_client counters, gauges and a histogram, and their page.

One ``Metrics`` object per engine, with its own ``CollectorRegistry`` (no global registry),
passed to what reports into it (service, outbox, reload, the HTTP endpoint).

What is measured:

- messages in (committed, per connector and number), re-delivered duplicates, messages out
  (accepted by the transport), send failures and messages suppressed at send time;
- the reply latency: from the moment a transport hands an inbound message to the engine to the
  moment its first reply is handed to a transport (messages recovered at a restart are left out);
- queue depths, the state of each connector's links and whether the store writes, read from
  what ``track`` was given when a page is made;
- reloads of the rules and their outcome (``reload(ok, errors)``), and the text of the last
  failed reload, shown by ``/health`` until a reload succeeds.
- posts of event notifications by event and outcome (``notified``: sent, retried, failed); the
  notifications waiting are the ``notifications`` queue depth (with ``notify:`` only).

Labels are bounded: ``number`` is one of the allowed numbers (the configured ones) and
``connector`` one of the allowed connectors (the configured ones, else the tracked service's),
anything else is counted under ``other``. Whatever a peer writes in ``to`` adds no series.

``exposition()`` makes the page (text format 0.0.4) off the event loop: what must be read from
the service is copied on the loop, then ``generate_latest`` runs in a thread; scrapes that arrive
while a page is being made share it.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from typing import Protocol

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric

from engine.core.messages import Inbound
from engine.core.records import OutboxRow, Received, Step, WriteTimes
from engine.types import LinkStats
from engine.version import __version__

__all__ = ["LATENCY_BUCKETS", "OTHER", "UP", "Metrics", "Observed"]

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)
"""Upper bounds (seconds) of the reply latency histogram."""

UP = "up"
"""The link state of a connector that can carry messages; any other state is a problem."""

OTHER = "other"
"""The label value of a number or connector that is not in the allowed ones."""

_TRACKED_MAX = 10_000
"""The most messages whose reply latency is being timed at once (oldest dropped beyond)."""


class Observed(Protocol):
    """What ``Metrics.track`` reads for a page: the service's queues, links and store."""

    def depths(self) -> Mapping[str, int]: ...
    def links(self) -> Mapping[str, str]: ...
    def link_stats(self) -> Mapping[str, Sequence[LinkStats]]: ...
    @property
    def store_problem(self) -> str | None: ...
    def store_writes(self) -> WriteTimes: ...


Series = dict[tuple[str, ...], float]
"""Label values → value: the series of one family."""

_READ: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    ("twoway_build_info", "gauge", "The twoway version running.", ("version",)),
    ("twoway_uptime_seconds", "gauge", "Seconds since the engine started.", ()),
    (
        "twoway_queue_depth",
        "gauge",
        "Messages waiting: intake (to commit), work (to process), outbox (to hand over).",
        ("queue",),
    ),
    (
        "twoway_connector_up",
        "gauge",
        "1 when the connector's link is up, 0 otherwise.",
        ("connector",),
    ),
    (
        "twoway_link_up",
        "gauge",
        "1 while a link of a connector (an SMPP bind) is up, 0 otherwise.",
        ("connector", "link"),
    ),
    (
        "twoway_link_in_flight",
        "gauge",
        "Requests sent on a link and not answered yet (submit_sm awaiting their response).",
        ("connector", "link"),
    ),
    (
        "twoway_link_signal",
        "gauge",
        "A modem's signal (AT+CSQ: 0-31, about -113 to -51 dBm); absent when unknown.",
        ("connector", "link"),
    ),
    (
        "twoway_link_reconnects",
        "counter",
        "Times a link connected (bound) again after its first time.",
        ("connector", "link"),
    ),
    (
        "twoway_link_errors",
        "counter",
        "Problems of a link by kind: link_lost, bind_refused, timeout, undecodable, "
        "generic_nack, throttled.",
        ("connector", "link", "kind"),
    ),
    ("twoway_store_up", "gauge", "1 while the store writes, 0 when it refuses writes.", ()),
    (
        "twoway_store_transactions",
        "counter",
        "Write transactions the store ran (a batch of messages, sent marks, a launch...).",
        (),
    ),
    (
        "twoway_store_write_seconds",
        "counter",
        "Seconds the store spent in write transactions (with workers: N, holding the writer "
        "lock): its rate is how busy the store's one writer is.",
        (),
    ),
    (
        "twoway_store_writer_wait_seconds",
        "counter",
        "Seconds waiting for the writer lock while another worker wrote (workers: N).",
        (),
    ),
    ("twoway_rules_info", "gauge", "The version of the rule set in force.", ("version",)),
    (
        "twoway_rules_loaded_timestamp_seconds",
        "gauge",
        "When the rule set in force was loaded (Unix time).",
        (),
    ),
)
"""The families read rather than counted: (name, type, help, labels)."""


class _State:
    """The collector of the families of ``_READ``: the last snapshot, uptime and rules."""

    def __init__(self, metrics: Metrics) -> None:
        self.metrics = metrics

    def collect(self) -> Iterator[Metric]:
        m = self.metrics
        version, loaded = m.rules_version, m.rules_loaded_at
        values: dict[str, Series | float] = {
            **m.last,
            "twoway_build_info": {(m.version,): 1},
            "twoway_uptime_seconds": m.uptime_seconds(),
            "twoway_rules_info": {(version,): 1} if version is not None else {},
            "twoway_rules_loaded_timestamp_seconds": loaded.timestamp() if loaded else 0.0,
        }
        for name, kind, help, labels in _READ:
            make = CounterMetricFamily if kind == "counter" else GaugeMetricFamily
            yield _fill(make(name, help, labels=labels), values.get(name, {}))


def _fill(family: GaugeMetricFamily | CounterMetricFamily, values: Series | float) -> Metric:
    """``family`` with the samples of ``values``: one value, or one per tuple of label values."""
    if not isinstance(values, Mapping):
        family.add_metric([], float(values))
        return family
    for key, value in sorted(values.items()):
        family.add_metric(list(key), value)
    return family


def _counter(registry: CollectorRegistry, name: str, help: str, *labels: str) -> Counter:
    return Counter(f"twoway_{name}_total", help, labels, registry=registry)


class _WithoutCreated:
    """The registry without the ``_created`` series prometheus_client adds to counters."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.registry = registry

    def collect(self) -> Iterator[Metric]:
        for family in self.registry.collect():
            family.samples = [s for s in family.samples if not s.name.endswith("_created")]
            yield family


class Metrics:
    """The metrics of one engine, and the hooks that feed them.

    ``numbers``: the numbers shown by name (the configured ones; None: none, every number is
    ``other``). ``connectors``: likewise (None: the connectors of the tracked service).
    """

    def __init__(
        self,
        version: str = __version__,
        clock: Callable[[], float] = time.monotonic,
        *,
        numbers: Iterable[str] | None = None,
        connectors: Iterable[str] | None = None,
    ) -> None:
        self.version = version
        self.clock = clock
        self.started = clock()
        self.started_at = datetime.now(UTC)
        self.numbers: frozenset[str] = frozenset(numbers or ())
        self.connectors: frozenset[str] = frozenset(connectors or ())
        self._learn_connectors = connectors is None
        self._families()
        self.last: dict[str, Series | float] = {}
        """What the last page showed of the tracked services, by family (``snapshot``)."""
        self.renders = 0
        """Pages made so far (scrapes that share a page count once)."""
        self.rules_errors: str | None = None
        """The errors of the last failed reload, until a reload succeeds."""
        self.rules_version: str | None = None
        self.rules_loaded_at: datetime | None = None
        self._link_totals: Series = {}
        self._arrived: dict[int, float] = {}
        self._started: dict[int, float] = {}
        self._awaiting: dict[int, float] = {}
        self._observed: list[Observed] = []
        self._rendering: asyncio.Future[bytes] | None = None
        self._out: dict[tuple[str, str], Counter] = {}
        """``messages_out``'s series by (connector, sender) as given: ``labels`` costs as much
        as the rest of ``sent`` (a lock, the label values checked); emptied when the allowed
        connectors change."""

    def _families(self) -> None:
        """The registry, with the families counted as things happen and the ones read."""
        self.registry = r = CollectorRegistry()
        self.messages_in = _counter(
            r, "messages_in", "Inbound messages committed, per connector and number.",
            "connector", "number",
        )  # fmt: skip
        self.duplicates = _counter(
            r, "messages_duplicate",
            "Inbound messages delivered again (same connector and id), acknowledged once more "
            "and not processed.",
            "connector",
        )  # fmt: skip
        self.messages_out = _counter(
            r, "messages_out",
            "Outbound messages accepted by their connector, per connector and number.",
            "connector", "number",
        )  # fmt: skip
        self.failures = _counter(
            r, "send_failures",
            "Outbound messages a connector refused: transient (retried) or permanent (failed).",
            "connector", "number", "kind",
        )  # fmt: skip
        self.suppressed = _counter(
            r, "messages_suppressed",
            "Outbound messages not sent because the contact opted out before sending.",
            "number",
        )  # fmt: skip
        self.latency = Histogram(
            "twoway_reply_latency_seconds",
            "From an inbound message handed to the engine to its first reply handed to a "
            "connector.",
            buckets=LATENCY_BUCKETS,
            registry=r,
        )
        self.notifications = _counter(
            r, "notifications",
            "Event notifications posted, by event and outcome: sent (answered 2xx), retried "
            "(an attempt failed; tried again later), failed (given up).",
            "event", "outcome",
        )  # fmt: skip
        self.reloads = _counter(
            r, "rules_reloads", "Reloads of the rule files, by outcome (ok, error).", "outcome"
        )
        for outcome in ("ok", "error"):
            self.reloads.labels(outcome=outcome)
        r.register(_State(self))

    # --- labels -------------------------------------------------------------------------

    def number(self, address: str) -> str:
        """The ``number`` label of ``address``: itself when allowed, else ``other``."""
        return address if address in self.numbers else OTHER

    def connector(self, name: str) -> str:
        """The ``connector`` label of ``name``: itself when allowed, else ``other``."""
        return name if name in self.connectors else OTHER

    # --- the page -----------------------------------------------------------------------

    def track(self, observed: Observed) -> None:
        """Read queue depths, link states and the store's health from ``observed`` for pages."""
        self._observed.append(observed)
        if self._learn_connectors:
            self.connectors |= frozenset(observed.links())
            self._out.clear()

    def uptime_seconds(self) -> float:
        return round(max(0.0, self.clock() - self.started), 3)

    def snapshot(self) -> None:
        """Copy what the next page shows of the tracked services (on the event loop)."""
        last: dict[str, Series] = {name: {} for name, _, _, labels in _READ if labels}
        store_up = True
        writes: list[WriteTimes] = []
        for observed in self._observed:
            for queue, depth in observed.depths().items():
                last["twoway_queue_depth"][(queue,)] = depth
            for name, state in observed.links().items():
                last["twoway_connector_up"][(name,)] = state == UP
            for name, stats in observed.link_stats().items():
                for link in stats:
                    self._link(last, (name, link.name), link)
            store_up = store_up and observed.store_problem is None
            writes.append(observed.store_writes())
        for key, total in self._link_totals.items():
            last["twoway_link_reconnects" if len(key) == 2 else "twoway_link_errors"][key] = total
        self.last = {
            **last,
            "twoway_store_up": store_up,
            "twoway_store_transactions": sum(w.transactions for w in writes),
            "twoway_store_write_seconds": sum(w.writing for w in writes),
            "twoway_store_writer_wait_seconds": sum(w.waiting for w in writes),
        }

    def _link(self, last: dict[str, Series], key: tuple[str, str], link: LinkStats) -> None:
        last["twoway_link_up"][key] = link.up
        last["twoway_link_in_flight"][key] = link.in_flight
        if link.signal is not None:
            last["twoway_link_signal"][key] = link.signal
        # totals the transport counted: never lower on a page than on the one before
        totals = self._link_totals
        totals[key] = max(totals.get(key, 0.0), link.connects - 1.0)
        for kind, count in link.errors.items():
            errors = (*key, kind)
            totals[errors] = max(totals.get(errors, 0.0), float(count))

    def _generate(self) -> bytes:
        self.renders += 1
        return generate_latest(_WithoutCreated(self.registry))

    def render(self) -> str:
        """The page now, made on the calling thread (tests, and code outside an event loop)."""
        self.snapshot()
        return self._generate().decode("utf-8")

    async def exposition(self) -> bytes:
        """The page, made in a thread; callers that come while one is being made share it."""
        if self._rendering is None:
            self.snapshot()
            future = asyncio.ensure_future(asyncio.to_thread(self._generate))
            self._rendering = future
            future.add_done_callback(self._rendered)
        return await asyncio.shield(self._rendering)

    def _rendered(self, future: asyncio.Future[bytes]) -> None:
        self._rendering = None
        if not future.cancelled():
            future.exception()  # retrieved here when every scrape that waited went away

    # --- rules --------------------------------------------------------------------------

    def rules_loaded_now(self, version: str) -> None:
        """The rule set ``version`` is in force from now on (at start, or after a reload)."""
        self.rules_loaded_at = datetime.now(UTC)
        self.rules_version = version

    def reload(self, ok: bool, errors: str | None = None, version: str | None = None) -> None:
        """Count a reload of the rules. ``errors``: the rendered errors of a failed one.

        A failed reload leaves the previous rules in force and ``/health`` degraded, showing
        ``errors``, until a reload succeeds.
        """
        self.reloads.labels(outcome="ok" if ok else "error").inc()
        if ok:
            self.rules_errors = None
            if version is not None:
                self.rules_loaded_now(version)
        else:
            self.rules_errors = errors or "the rules could not be reloaded"

    def notified(self, event: str, outcome: str) -> None:
        """A post of a notification of ``event`` ended: sent, retried or failed."""
        self.notifications.labels(event, outcome).inc()

    # --- messages -----------------------------------------------------------------------

    def arrived(self, message: Inbound) -> None:
        """A transport handed ``message`` to the engine: start timing its reply."""
        self._arrived[id(message)] = self.clock()
        _trim(self._arrived)

    def committed(self, messages: Iterable[Inbound], results: Iterable[Received]) -> None:
        """``messages`` were committed (``results`` in the same order): counted per batch, one
        ``inc`` per series."""
        fresh: dict[tuple[str, str], int] = {}
        again: dict[str, int] = {}
        for message, result in zip(messages, results, strict=True):
            started = self._arrived.pop(id(message), None)
            if result.duplicate:
                again[message.transport] = again.get(message.transport, 0) + 1
                continue
            key = (message.transport, message.recipient)
            fresh[key] = fresh.get(key, 0) + 1
            if started is not None and result.message.id is not None:
                self._started[result.message.id] = started
        _trim(self._started)
        for transport, count in again.items():
            self.duplicates.labels(self.connector(transport)).inc(count)
        for (transport, recipient), count in fresh.items():
            self.messages_in.labels(self.connector(transport), self.number(recipient)).inc(count)

    def dropped(self, messages: Iterable[Inbound]) -> None:
        """``messages`` could not be committed: stop timing them."""
        for message in messages:
            self._arrived.pop(id(message), None)

    def queued(self, steps: Sequence[Step], rows: Sequence[OutboxRow]) -> None:
        """A batch was committed: ``rows`` are the outbound rows of ``steps``."""
        by_message = {id(row.message): row.id for row in rows}
        for step in steps:
            if step.inbound_id is None:
                continue
            started = self._started.pop(step.inbound_id, None)
            if started is None:
                continue
            for message in step.sprint.outbound:
                row_id = by_message.get(id(message))
                if row_id is not None:
                    self._awaiting[row_id] = started
                    break
        _trim(self._awaiting)

    def sent(self, row: OutboxRow, connector: str, handed: float) -> None:
        """``row`` was accepted by ``connector``; it was handed over at ``handed`` (clock)."""
        key = (connector, row.message.sender)
        series = self._out.get(key)
        if series is None:
            series = self.messages_out.labels(self.connector(connector), self.number(key[1]))
            self._out[key] = series
        series.inc()
        started = self._awaiting.pop(row.id, None)
        if started is not None:
            self.latency.observe(max(0.0, handed - started))

    def failed(self, row: OutboxRow, connector: str, *, permanent: bool) -> None:
        kind = "permanent" if permanent else "transient"
        self.failures.labels(self.connector(connector), self.number(row.message.sender), kind).inc()
        if permanent:
            self._awaiting.pop(row.id, None)

    def suppressed_rows(self, rows: Iterable[OutboxRow]) -> None:
        for row in rows:
            self.suppressed.labels(self.number(row.message.sender)).inc()
            self._awaiting.pop(row.id, None)


def _trim(stamps: dict[int, float]) -> None:
    """Keep at most the newest ``_TRACKED_MAX`` entries (a message that never gets a reply is
    dropped). The oldest tenth goes at once: a flood costs a trim per thousand messages, not a
    copy of the whole table per message."""
    excess = len(stamps) - _TRACKED_MAX
    if excess > 0:
        for key in list(itertools.islice(stamps, excess + _TRACKED_MAX // 10)):
            del stamps[key]
