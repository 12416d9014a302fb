"""Own the engine's metrics: counters, gauges and histograms in process, and their text exposition.

One ``Metrics`` object per engine, passed to what reports into it (service, outbox, reload,
the HTTP endpoint); there is no global registry. ``Metrics.render()`` writes the Prometheus text
exposition format 0.0.4 (``# HELP``, ``# TYPE``, escaped label values, cumulative histogram
buckets).

What is measured:

- messages in (committed, per connector and number), re-delivered duplicates, messages out
  (accepted by the transport), send failures and messages suppressed at send time;
- the reply latency: from the moment a transport hands an inbound message to the engine to the
  moment its first reply is handed to a transport (messages recovered at a restart are left out);
- queue depths and the state of each connector's link, read when rendered from what
  ``track`` was given;
- reloads of the rules and their outcome (``reload(ok, errors)``), and the text of the last
  failed reload, shown by ``/health`` until a reload succeeds.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Protocol

from engine import __version__
from engine.core.messages import Inbound
from engine.core.records import OutboxRow, Received, Step
from engine.types import LinkStats

__all__ = [
    "LATENCY_BUCKETS",
    "UP",
    "Counter",
    "Gauge",
    "Histogram",
    "Metrics",
    "Observed",
    "Registry",
    "escape_label",
    "format_value",
]

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)
"""Upper bounds (seconds) of the reply latency histogram."""

UP = "up"
"""The link state of a connector that can carry messages; any other state is a problem."""

_TRACKED_MAX = 100_000
"""The most messages whose reply latency is being timed at once (oldest dropped beyond)."""

LabelValues = tuple[str, ...]


def escape_label(value: str) -> str:
    """Escape a label value: backslash, double quote and line feed."""
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def _escape_help(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\n", "\\n")


def format_value(value: float) -> str:
    """A sample value as the exposition format writes it: 3, 0.25, +Inf, -Inf, NaN."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    if float(value).is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(float(value))


class _Family:
    kind = "untyped"

    def __init__(self, name: str, help: str, labels: Sequence[str] = ()) -> None:
        self.name = name
        self.help = help
        self.labels = tuple(labels)
        self._names = frozenset(self.labels)

    def key(self, labels: Mapping[str, str]) -> LabelValues:
        if labels.keys() != self._names:
            raise ValueError(f"{self.name} takes labels {self.labels}, not {tuple(labels)}")
        return tuple(str(labels[name]) for name in self.labels)

    def selector(self, values: LabelValues, extra: Sequence[tuple[str, str]] = ()) -> str:
        pairs = [*zip(self.labels, values, strict=True), *extra]
        if not pairs:
            return ""
        return "{" + ",".join(f'{k}="{escape_label(v)}"' for k, v in pairs) + "}"

    def header(self) -> list[str]:
        return [f"# HELP {self.name} {_escape_help(self.help)}", f"# TYPE {self.name} {self.kind}"]

    def lines(self) -> list[str]:
        raise NotImplementedError


class _Scalar(_Family):
    def __init__(self, name: str, help: str, labels: Sequence[str] = ()) -> None:
        super().__init__(name, help, labels)
        self.values: dict[LabelValues, float] = {}
        if not self.labels:
            self.values[()] = 0.0

    def get(self, **labels: str) -> float:
        return self.values.get(self.key(labels), 0.0)

    def init(self, **labels: str) -> None:
        """Show the series ``labels`` (at 0) before anything happened to it."""
        self.values.setdefault(self.key(labels), 0.0)

    def lines(self) -> list[str]:
        out = self.header()
        for values, value in sorted(self.values.items()):
            out.append(f"{self.name}{self.selector(values)} {format_value(value)}")
        return out


class Counter(_Scalar):
    """A value that only goes up (name it ``..._total``)."""

    kind = "counter"

    def inc(self, amount: float = 1.0, **labels: str) -> None:
        if amount < 0:
            raise ValueError("a counter only goes up")
        key = self.key(labels)
        self.values[key] = self.values.get(key, 0.0) + amount

    def total(self, value: float, **labels: str) -> None:
        """Take the total something else counted (never lower than what was shown)."""
        key = self.key(labels)
        self.values[key] = max(self.values.get(key, 0.0), value)


class Gauge(_Scalar):
    """A value that goes up and down."""

    kind = "gauge"

    def set(self, value: float, **labels: str) -> None:
        self.values[self.key(labels)] = float(value)

    def clear(self) -> None:
        """Forget every labelled value (before setting the current ones again)."""
        self.values = {} if self.labels else {(): 0.0}


class Histogram(_Family):
    """Observations counted into cumulative buckets, with their sum and count."""

    kind = "histogram"

    def __init__(
        self,
        name: str,
        help: str,
        labels: Sequence[str] = (),
        buckets: Sequence[float] = LATENCY_BUCKETS,
    ) -> None:
        super().__init__(name, help, labels)
        if "le" in self.labels:
            raise ValueError("'le' is the bucket label of a histogram")
        self.buckets = tuple(sorted(float(b) for b in buckets))
        self.series: dict[LabelValues, tuple[list[int], list[float]]] = {}
        if not self.labels:
            self._series(())

    def _series(self, key: LabelValues) -> tuple[list[int], list[float]]:
        if key not in self.series:
            self.series[key] = ([0] * (len(self.buckets) + 1), [0.0])
        return self.series[key]

    def observe(self, value: float, **labels: str) -> None:
        counts, total = self._series(self.key(labels))
        for index, bound in enumerate(self.buckets):
            if value <= bound:
                counts[index] += 1
                break
        else:
            counts[-1] += 1
        total[0] += value

    def count(self, **labels: str) -> int:
        counts, _ = self.series.get(self.key(labels), ([0], [0.0]))
        return sum(counts)

    def lines(self) -> list[str]:
        out = self.header()
        for values, (counts, total) in sorted(self.series.items()):
            running = 0
            bounds = [*(repr(bound) for bound in self.buckets), "+Inf"]
            for bound, count in zip(bounds, counts, strict=True):
                running += count
                selector = self.selector(values, [("le", bound)])
                out.append(f"{self.name}_bucket{selector} {running}")
            out.append(f"{self.name}_sum{self.selector(values)} {format_value(total[0])}")
            out.append(f"{self.name}_count{self.selector(values)} {running}")
        return out


class Registry:
    """Families by name, in the order they were made, and callbacks run before rendering."""

    def __init__(self) -> None:
        self.families: dict[str, _Family] = {}
        self.collectors: list[Callable[[], None]] = []

    def _add(self, family: _Family) -> None:
        if family.name in self.families:
            raise ValueError(f"metric {family.name} is already registered")
        self.families[family.name] = family

    def counter(self, name: str, help: str, labels: Sequence[str] = ()) -> Counter:
        family = Counter(name, help, labels)
        self._add(family)
        return family

    def gauge(self, name: str, help: str, labels: Sequence[str] = ()) -> Gauge:
        family = Gauge(name, help, labels)
        self._add(family)
        return family

    def histogram(
        self,
        name: str,
        help: str,
        labels: Sequence[str] = (),
        buckets: Sequence[float] = LATENCY_BUCKETS,
    ) -> Histogram:
        family = Histogram(name, help, labels, buckets)
        self._add(family)
        return family

    def render(self) -> str:
        """The text exposition format 0.0.4 of every family."""
        for collect in self.collectors:
            collect()
        lines: list[str] = []
        for family in self.families.values():
            lines.extend(family.lines())
        return "\n".join(lines) + "\n"


class Observed(Protocol):
    """What ``Metrics.track`` reads when rendering: the service's queues and links."""

    def depths(self) -> Mapping[str, int]: ...
    def links(self) -> Mapping[str, str]: ...
    def link_stats(self) -> Mapping[str, Sequence[LinkStats]]: ...


class Metrics:
    """The metrics of one engine, and the hooks that feed them."""

    def __init__(
        self, version: str = __version__, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.clock = clock
        self.started = clock()
        self.started_at = datetime.now(UTC)
        self.registry = r = Registry()
        self.build = r.gauge("twoway_build_info", "The twoway version running.", ["version"])
        self.uptime = r.gauge("twoway_uptime_seconds", "Seconds since the engine started.")
        self.messages_in = r.counter(
            "twoway_messages_in_total",
            "Inbound messages committed, per connector and number.",
            ["connector", "number"],
        )
        self.duplicates = r.counter(
            "twoway_messages_duplicate_total",
            "Inbound messages delivered again (same connector and id), acknowledged once more "
            "and not processed.",
            ["connector"],
        )
        self.messages_out = r.counter(
            "twoway_messages_out_total",
            "Outbound messages accepted by their connector, per connector and number.",
            ["connector", "number"],
        )
        self.failures = r.counter(
            "twoway_send_failures_total",
            "Outbound messages a connector refused: transient (retried) or permanent (failed).",
            ["connector", "number", "kind"],
        )
        self.suppressed = r.counter(
            "twoway_messages_suppressed_total",
            "Outbound messages not sent because the contact opted out before sending.",
            ["number"],
        )
        self.latency = r.histogram(
            "twoway_reply_latency_seconds",
            "From an inbound message handed to the engine to its first reply handed to a "
            "connector.",
        )
        self.queue = r.gauge(
            "twoway_queue_depth",
            "Messages waiting: intake (to commit), work (to process), outbox (to hand over).",
            ["queue"],
        )
        self.link = r.gauge(
            "twoway_connector_up",
            "1 when the connector's link is up, 0 otherwise.",
            ["connector"],
        )
        self.link_up = r.gauge(
            "twoway_link_up",
            "1 while a link of a connector (an SMPP bind) is up, 0 otherwise.",
            ["connector", "link"],
        )
        self.link_in_flight = r.gauge(
            "twoway_link_in_flight",
            "Requests sent on a link and not answered yet (submit_sm awaiting their response).",
            ["connector", "link"],
        )
        self.link_reconnects = r.counter(
            "twoway_link_reconnects_total",
            "Times a link connected (bound) again after its first time.",
            ["connector", "link"],
        )
        self.link_errors = r.counter(
            "twoway_link_errors_total",
            "Problems of a link by kind: link_lost, bind_refused, timeout, undecodable, "
            "generic_nack, throttled.",
            ["connector", "link", "kind"],
        )
        self.reloads = r.counter(
            "twoway_rules_reloads_total",
            "Reloads of the rule files, by outcome (ok, error).",
            ["outcome"],
        )
        self.rules_info = r.gauge(
            "twoway_rules_info", "The version of the rule set in force.", ["version"]
        )
        self.rules_loaded = r.gauge(
            "twoway_rules_loaded_timestamp_seconds",
            "When the rule set in force was loaded (Unix time).",
        )
        self.build.set(1, version=version)
        for outcome in ("ok", "error"):
            self.reloads.init(outcome=outcome)
        self.rules_errors: str | None = None
        """The errors of the last failed reload, until a reload succeeds."""
        self.rules_version: str | None = None
        self.rules_loaded_at: datetime | None = None
        self._arrived: dict[int, float] = {}
        self._started: dict[int, float] = {}
        self._awaiting: dict[int, float] = {}
        self._observed: list[Observed] = []
        r.collectors.append(self._collect)

    # --- state read at render time ------------------------------------------------------

    def track(self, observed: Observed) -> None:
        """Read queue depths and link states from ``observed`` whenever metrics are rendered."""
        self._observed.append(observed)

    def uptime_seconds(self) -> float:
        return max(0.0, self.clock() - self.started)

    def _collect(self) -> None:
        self.uptime.set(round(self.uptime_seconds(), 3))
        self.queue.clear()
        self.link.clear()
        self.link_up.clear()
        self.link_in_flight.clear()
        for observed in self._observed:
            for queue, depth in observed.depths().items():
                self.queue.set(depth, queue=queue)
            for name, state in observed.links().items():
                self.link.set(1 if state == UP else 0, connector=name)
            for name, links in observed.link_stats().items():
                for link in links:
                    labels = {"connector": name, "link": link.name}
                    self.link_up.set(1 if link.up else 0, **labels)
                    self.link_in_flight.set(link.in_flight, **labels)
                    self.link_reconnects.total(max(0, link.connects - 1), **labels)
                    for kind, count in link.errors.items():
                        self.link_errors.total(count, **labels, kind=kind)

    def render(self) -> str:
        return self.registry.render()

    # --- rules --------------------------------------------------------------------------

    def rules_loaded_now(self, version: str) -> None:
        """The rule set ``version`` is in force from now on (at start, or after a reload)."""
        self.rules_info.clear()
        self.rules_info.set(1, version=version)
        self.rules_version = version
        self.rules_loaded_at = datetime.now(UTC)
        self.rules_loaded.set(self.rules_loaded_at.timestamp())

    def reload(self, ok: bool, errors: str | None = None, version: str | None = None) -> None:
        """Count a reload of the rules. ``errors``: the rendered errors of a failed one.

        A failed reload leaves the previous rules in force and ``/health`` degraded, showing
        ``errors``, until a reload succeeds.
        """
        self.reloads.inc(outcome="ok" if ok else "error")
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
            if result.duplicate:
                self.duplicates.inc(connector=message.transport)
                continue
            self.messages_in.inc(connector=message.transport, number=message.recipient)
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
        self.messages_out.inc(connector=connector, number=row.message.sender)
        started = self._awaiting.pop(row.id, None)
        if started is not None:
            self.latency.observe(max(0.0, handed - started))

    def failed(self, row: OutboxRow, connector: str, *, permanent: bool) -> None:
        kind = "permanent" if permanent else "transient"
        self.failures.inc(connector=connector, number=row.message.sender, kind=kind)
        if permanent:
            self._awaiting.pop(row.id, None)

    def suppressed_rows(self, rows: Iterable[OutboxRow]) -> None:
        for row in rows:
            self.suppressed.inc(number=row.message.sender)
            self._awaiting.pop(row.id, None)


def _trim(stamps: dict[int, float]) -> None:
    """Keep the newest ``_TRACKED_MAX`` entries (a message that never gets a reply is dropped)."""
    excess = len(stamps) - _TRACKED_MAX
    if excess > 0:
        for key in list(stamps)[:excess]:
            del stamps[key]
