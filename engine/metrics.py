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

Labels are bounded: ``number`` is one of the allowed numbers (the configured ones) and
``connector`` one of the allowed connectors (the configured ones, else the tracked service's),
anything else is counted under ``other``. Whatever a peer writes in ``to`` adds no series.

``exposition()`` makes the page (text format 0.0.4) off the event loop: what must be read from
the service is copied on the loop, then ``generate_latest`` runs in a thread; scrapes that arrive
while a page is being made share it.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Protocol

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric

from engine import __version__
from engine.core.messages import Inbound
from engine.core.records import OutboxRow, Received, Step
from engine.types import LinkStats

__all__ = ["LATENCY_BUCKETS", "OTHER", "UP", "Metrics", "Observed"]

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)
"""Upper bounds (seconds) of the reply latency histogram."""

UP = "up"
"""The link state of a connector that can carry messages; any other state is a problem."""

OTHER = "other"
"""The label value of a number or connector that is not in the allowed ones."""

_TRACKED_MAX = 100_000
"""The most messages whose reply latency is being timed at once (oldest dropped beyond)."""


class Observed(Protocol):
    """What ``Metrics.track`` reads for a page: the service's queues, links and store."""

    def depths(self) -> Mapping[str, int]: ...
    def links(self) -> Mapping[str, str]: ...
    def link_stats(self) -> Mapping[str, Sequence[LinkStats]]: ...
    @property
    def store_problem(self) -> str | None: ...


@dataclass(frozen=True)
class _Snapshot:
    """What a page shows of the tracked services, copied on the event loop."""

    depths: Series = field(default_factory=dict)
    links: Series = field(default_factory=dict)
    """(connector,) → 1 when up."""
    link_up: Series = field(default_factory=dict)
    """(connector, link) → 1 when up."""
    in_flight: Series = field(default_factory=dict)
    reconnects: Series = field(default_factory=dict)
    errors: Series = field(default_factory=dict)
    """(connector, link, kind) → count."""
    store_up: float = 1


class _State:
    """The collector of what is read rather than counted: uptime, rules, queues, links, store."""

    def __init__(self, metrics: Metrics) -> None:
        self.metrics = metrics

    def collect(self) -> Iterator[Metric]:
        m, s = self.metrics, self.metrics.last
        yield _gauge(
            "twoway_build_info", "The twoway version running.", {(m.version,): 1}, "version"
        )
        yield _gauge(
            "twoway_uptime_seconds", "Seconds since the engine started.", m.uptime_seconds()
        )
        yield _gauge(
            "twoway_queue_depth",
            "Messages waiting: intake (to commit), work (to process), outbox (to hand over).",
            s.depths,
            "queue",
        )
        yield _gauge(
            "twoway_connector_up",
            "1 when the connector's link is up, 0 otherwise.",
            s.links,
            "connector",
        )
        yield _gauge(
            "twoway_link_up",
            "1 while a link of a connector (an SMPP bind) is up, 0 otherwise.",
            s.link_up,
            "connector",
            "link",
        )
        yield _gauge(
            "twoway_link_in_flight",
            "Requests sent on a link and not answered yet (submit_sm awaiting their response).",
            s.in_flight,
            "connector",
            "link",
        )
        yield _counter(
            "twoway_link_reconnects",
            "Times a link connected (bound) again after its first time.",
            s.reconnects,
            "connector",
            "link",
        )
        yield _counter(
            "twoway_link_errors",
            "Problems of a link by kind: link_lost, bind_refused, timeout, undecodable, "
            "generic_nack, throttled.",
            s.errors,
            "connector",
            "link",
            "kind",
        )
        yield _gauge(
            "twoway_store_up", "1 while the store writes, 0 when it refuses writes.", s.store_up
        )
        version, loaded = m.rules_version, m.rules_loaded_at
        yield _gauge(
            "twoway_rules_info",
            "The version of the rule set in force.",
            {(version,): 1} if version is not None else {},
            "version",
        )
        yield _gauge(
            "twoway_rules_loaded_timestamp_seconds",
            "When the rule set in force was loaded (Unix time).",
            loaded.timestamp() if loaded is not None else 0.0,
        )


Series = dict[tuple[str, ...], float]
"""Label values → value: the series of one family."""


def _gauge(name: str, help: str, values: Series | float, *labels: str) -> Metric:
    return _fill(GaugeMetricFamily(name, help, labels=labels), values)


def _counter(name: str, help: str, values: Series | float, *labels: str) -> Metric:
    return _fill(CounterMetricFamily(name, help, labels=labels), values)


def _fill(family: GaugeMetricFamily | CounterMetricFamily, values: Series | float) -> Metric:
    if not isinstance(values, Mapping):
        family.add_metric([], float(values))
        return family
    for key, value in sorted(values.items()):
        family.add_metric(list(key), value)
    return family


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
        self.registry = r = CollectorRegistry()
        self.messages_in = Counter(
            "twoway_messages_in_total",
            "Inbound messages committed, per connector and number.",
            ["connector", "number"],
            registry=r,
        )
        self.duplicates = Counter(
            "twoway_messages_duplicate_total",
            "Inbound messages delivered again (same connector and id), acknowledged once more "
            "and not processed.",
            ["connector"],
            registry=r,
        )
        self.messages_out = Counter(
            "twoway_messages_out_total",
            "Outbound messages accepted by their connector, per connector and number.",
            ["connector", "number"],
            registry=r,
        )
        self.failures = Counter(
            "twoway_send_failures_total",
            "Outbound messages a connector refused: transient (retried) or permanent (failed).",
            ["connector", "number", "kind"],
            registry=r,
        )
        self.suppressed = Counter(
            "twoway_messages_suppressed_total",
            "Outbound messages not sent because the contact opted out before sending.",
            ["number"],
            registry=r,
        )
        self.latency = Histogram(
            "twoway_reply_latency_seconds",
            "From an inbound message handed to the engine to its first reply handed to a "
            "connector.",
            buckets=LATENCY_BUCKETS,
            registry=r,
        )
        self.reloads = Counter(
            "twoway_rules_reloads_total",
            "Reloads of the rule files, by outcome (ok, error).",
            ["outcome"],
            registry=r,
        )
        for outcome in ("ok", "error"):
            self.reloads.labels(outcome=outcome)
        r.register(_State(self))
        self.last = _Snapshot()
        """What the last page showed of the tracked services (``snapshot``)."""
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

    def uptime_seconds(self) -> float:
        return round(max(0.0, self.clock() - self.started), 3)

    def snapshot(self) -> None:
        """Copy what the next page shows of the tracked services (on the event loop)."""
        depths: Series = {}
        links: Series = {}
        link_up: Series = {}
        in_flight: Series = {}
        store_up = True
        totals = self._link_totals
        for observed in self._observed:
            depths.update({(queue,): depth for queue, depth in observed.depths().items()})
            links.update({(name,): state == UP for name, state in observed.links().items()})
            for name, stats in observed.link_stats().items():
                for link in stats:
                    key = (name, link.name)
                    link_up[key] = link.up
                    in_flight[key] = link.in_flight
                    _keep_max(totals, key, max(0, link.connects - 1))
                    for kind, count in link.errors.items():
                        _keep_max(totals, (*key, kind), count)
            store_up = store_up and observed.store_problem is None
        self.last = _Snapshot(
            depths,
            links,
            link_up,
            in_flight,
            {key: value for key, value in totals.items() if len(key) == 2},
            {key: value for key, value in totals.items() if len(key) == 3},
            store_up,
        )

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

    # --- messages -----------------------------------------------------------------------

    def arrived(self, message: Inbound) -> None:
        """A transport handed ``message`` to the engine: start timing its reply."""
        self._arrived[id(message)] = self.clock()
        _trim(self._arrived)

    def committed(self, messages: Iterable[Inbound], results: Iterable[Received]) -> None:
        """``messages`` were committed (``results`` in the same order)."""
        for message, result in zip(messages, results, strict=True):
            started = self._arrived.pop(id(message), None)
            connector = self.connector(message.transport)
            if result.duplicate:
                self.duplicates.labels(connector).inc()
                continue
            self.messages_in.labels(connector, self.number(message.recipient)).inc()
            if started is not None and result.message.id is not None:
                self._started[result.message.id] = started
        _trim(self._started)

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
        self.messages_out.labels(self.connector(connector), self.number(row.message.sender)).inc()
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


def _keep_max(totals: Series, key: tuple[str, ...], value: float) -> None:
    """A total something else counted, never lower than a page already showed."""
    totals[key] = max(totals.get(key, 0.0), float(value))


def _trim(stamps: dict[int, float]) -> None:
    """Keep the newest ``_TRACKED_MAX`` entries (a message that never gets a reply is dropped)."""
    excess = len(stamps) - _TRACKED_MAX
    if excess > 0:
        for key in list(stamps)[:excess]:
            del stamps[key]
