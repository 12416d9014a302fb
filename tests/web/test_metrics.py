"""The engine's metrics as a scraper reads them: names, types, bounded labels, the page off the
event loop (checked with prometheus_client's own parser)."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from datetime import UTC, datetime

from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.parser import text_string_to_metric_families

from engine.core.messages import Inbound, Outgoing
from engine.core.model import Sprint
from engine.core.records import OutboxRow, Received, Step, WriteTimes
from engine.metrics import Metrics
from engine.types import LinkStats
from tests.support.metrics import sample, series

AT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


class Observed:
    """What a service shows a page: queues, links, and whether its store writes."""

    def __init__(self) -> None:
        self.store_problem: str | None = None
        self.writes = WriteTimes(transactions=7, writing=1.5, waiting=0.25)
        self.stats = [LinkStats("operator", True, in_flight=2, connects=3, errors={"timeout": 4})]

    def depths(self) -> dict[str, int]:
        return {"intake": 1, "work": 2, "outbox": 3}

    def links(self) -> dict[str, str]:
        return {"phone": "up", "operator": "connecting"}

    def link_stats(self) -> dict[str, list[LinkStats]]:
        return {"phone": [], "operator": self.stats}

    def store_writes(self) -> WriteTimes:
        return self.writes


def inbound(to: str, n: int, transport: str = "phone") -> tuple[Inbound, Received]:
    message = Inbound("+33600000001", to, "HI", AT, transport, f"m{n}", id=n)
    return message, Received(message, duplicate=False)


def test_the_engine_metrics_parse_and_name_every_family() -> None:
    metrics = Metrics(version="9.9.9")
    metrics.track(Observed())
    metrics.reload(ok=False, errors="rules/a.yaml:1:1: error[E201]: …")
    metrics.reload(ok=True, version="abc123")
    page = metrics.render()
    names = {f.name: f.type for f in text_string_to_metric_families(page)}
    assert names == {
        "twoway_build_info": "gauge",
        "twoway_uptime_seconds": "gauge",
        "twoway_messages_in": "counter",
        "twoway_messages_duplicate": "counter",
        "twoway_messages_out": "counter",
        "twoway_send_failures": "counter",
        "twoway_messages_suppressed": "counter",
        "twoway_reply_latency_seconds": "histogram",
        "twoway_queue_depth": "gauge",
        "twoway_connector_up": "gauge",
        "twoway_link_up": "gauge",
        "twoway_link_in_flight": "gauge",
        "twoway_link_signal": "gauge",
        "twoway_link_reconnects": "counter",
        "twoway_link_errors": "counter",
        "twoway_store_up": "gauge",
        "twoway_store_transactions": "counter",
        "twoway_store_write_seconds": "counter",
        "twoway_store_writer_wait_seconds": "counter",
        "twoway_rules_reloads": "counter",
        "twoway_rules_info": "gauge",
        "twoway_rules_loaded_timestamp_seconds": "gauge",
        "twoway_notifications": "counter",
    }
    assert "_created" not in page
    assert sample(page, "twoway_rules_reloads_total", outcome="ok") == 1
    assert sample(page, "twoway_rules_reloads_total", outcome="error") == 1
    assert metrics.rules_errors is None  # a good reload clears the errors
    assert series(page, "twoway_rules_info") == {frozenset({("version", "abc123")}): 1}
    assert sample(page, "twoway_build_info", version="9.9.9") == 1


def test_queues_links_and_the_store_are_read_when_the_page_is_made() -> None:
    metrics = Metrics()
    observed = Observed()
    metrics.track(observed)
    page = metrics.render()
    assert sample(page, "twoway_queue_depth", queue="outbox") == 3
    assert sample(page, "twoway_connector_up", connector="phone") == 1
    assert sample(page, "twoway_connector_up", connector="operator") == 0
    link = {"connector": "operator", "link": "operator"}
    assert sample(page, "twoway_link_up", **link) == 1
    assert sample(page, "twoway_link_in_flight", **link) == 2
    assert sample(page, "twoway_link_reconnects_total", **link) == 2
    assert sample(page, "twoway_link_errors_total", **link, kind="timeout") == 4
    assert sample(page, "twoway_store_up") == 1
    assert sample(page, "twoway_store_transactions_total") == 7
    assert sample(page, "twoway_store_write_seconds_total") == 1.5
    assert sample(page, "twoway_store_writer_wait_seconds_total") == 0.25

    observed.store_problem = "disk I/O error"
    observed.stats = [LinkStats("operator", False, connects=1)]  # the link was made anew
    page = metrics.render()
    assert sample(page, "twoway_store_up") == 0
    assert sample(page, "twoway_link_up", **link) == 0
    # a counter never goes down on the page, even when the link's own count starts again
    assert sample(page, "twoway_link_reconnects_total", **link) == 2
    assert sample(page, "twoway_link_errors_total", **link, kind="timeout") == 4

    observed.store_problem = None
    assert sample(metrics.render(), "twoway_store_up") == 1


def test_only_allowed_numbers_and_connectors_get_a_series() -> None:
    metrics = Metrics(numbers=["36111"], connectors=["phone"])
    pairs = [inbound("36111", 0), inbound("36111", 1), inbound("36111", 2, transport="ghost")]
    pairs += [inbound(f"+4470{n:08d}", n) for n in range(3, 20_003)]  # whatever a peer says
    metrics.committed([m for m, _ in pairs], [r for _, r in pairs])
    reply = Outgoing("+33600000001", "+447000000009", "Hello")
    metrics.sent(OutboxRow(1, reply, AT), "phone", handed=0.0)
    metrics.failed(OutboxRow(2, reply, AT), "phone", permanent=True)
    metrics.suppressed_rows([OutboxRow(3, reply, AT)])
    page = metrics.render()
    assert series(page, "twoway_messages_in_total") == {
        frozenset({("connector", "phone"), ("number", "36111")}): 2,
        frozenset({("connector", "other"), ("number", "36111")}): 1,
        frozenset({("connector", "phone"), ("number", "other")}): 20_000,
    }
    assert sample(page, "twoway_messages_out_total", connector="phone", number="other") == 1
    labels = {"connector": "phone", "number": "other", "kind": "permanent"}
    assert sample(page, "twoway_send_failures_total", **labels) == 1
    assert sample(page, "twoway_messages_suppressed_total", number="other") == 1
    assert len(page) < 10_000  # 20,000 numbers made the page 1.9 MB before


def test_without_an_allow_list_numbers_are_other_and_connectors_the_tracked_ones() -> None:
    metrics = Metrics()
    metrics.track(Observed())
    pairs = [inbound("36111", 0), inbound("36111", 1, transport="operator")]
    metrics.committed([m for m, _ in pairs], [r for _, r in pairs])
    assert series(metrics.render(), "twoway_messages_in_total") == {
        frozenset({("connector", "phone"), ("number", "other")}): 1,
        frozenset({("connector", "operator"), ("number", "other")}): 1,
    }


def test_the_reply_latency_is_a_histogram_with_cumulative_buckets() -> None:
    metrics = Metrics(numbers=["36111"], clock=lambda: 0.0)
    for n, handed in enumerate((0.004, 0.04, 3.0)):
        message, received = inbound("36111", n)
        metrics.arrived(message)  # at clock 0
        metrics.committed([message], [received])
        reply = Outgoing("+33600000001", "36111", "Hello")
        sprint = Sprint(session=None, outbound=(reply,))
        metrics.queued(
            [Step("+33600000001", "36111", sprint, AT, "v1", n)], [OutboxRow(n, reply, AT)]
        )
        metrics.sent(OutboxRow(n, reply, AT), "phone", handed=handed)
    page = metrics.render()
    assert sample(page, "twoway_reply_latency_seconds_bucket", le="0.005") == 1
    assert sample(page, "twoway_reply_latency_seconds_bucket", le="0.05") == 2
    assert sample(page, "twoway_reply_latency_seconds_bucket", le="+Inf") == 3
    assert sample(page, "twoway_reply_latency_seconds_count") == 3
    assert sample(page, "twoway_reply_latency_seconds_sum") == 3.044


class Blocking:
    """A collector that waits, in the rendering thread, until the loop lets it go on."""

    def __init__(self) -> None:
        self.go = threading.Event()
        self.threads: list[int] = []

    def collect(self) -> Iterator[Metric]:
        self.threads.append(threading.get_ident())
        assert self.go.wait(timeout=30)
        yield GaugeMetricFamily("demo_blocking", "Waits.", value=1)


async def test_scrapes_at_once_share_one_page_made_off_the_event_loop() -> None:
    metrics = Metrics()
    blocking = Blocking()
    metrics.registry.register(blocking)
    scrapes = [asyncio.ensure_future(metrics.exposition()) for _ in range(50)]
    await asyncio.sleep(0)  # the scrapes start; the page is being made in a thread
    blocking.go.set()  # the loop runs meanwhile (on the loop, the page would never finish)
    pages = await asyncio.gather(*scrapes)
    assert len(set(pages)) == 1 and b"demo_blocking 1.0" in pages[0]
    assert metrics.renders == 1
    assert blocking.threads and threading.get_ident() not in blocking.threads
    # a scrape after it makes a new page
    await metrics.exposition()
    assert metrics.renders == 2


async def test_a_scrape_that_goes_away_leaves_the_others_their_page() -> None:
    metrics = Metrics()
    blocking = Blocking()
    metrics.registry.register(blocking)
    gone = asyncio.ensure_future(metrics.exposition())
    stays = asyncio.ensure_future(metrics.exposition())
    await asyncio.sleep(0)
    gone.cancel()
    blocking.go.set()
    assert b"demo_blocking" in await stays
