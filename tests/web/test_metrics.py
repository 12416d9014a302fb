"""The metrics registry and its Prometheus text (0.0.4), checked by the reference parser."""

from __future__ import annotations

import math

import pytest
from prometheus_client.parser import text_string_to_metric_families

from engine.metrics import Metrics, Registry, escape_label, format_value


def test_counters_gauges_and_help_are_written_with_escapes() -> None:
    registry = Registry()
    sent = registry.counter("demo_sent_total", 'Sent "now"\\ and\nthen.', ["number", "connector"])
    depth = registry.gauge("demo_depth", "Depth.")
    sent.inc(number="36111", connector="con\\sole")
    sent.inc(2, number="+33 6", connector='a "b"\nc')
    depth.set(3.5)
    assert registry.render() == (
        '# HELP demo_sent_total Sent "now"\\\\ and\\nthen.\n'
        "# TYPE demo_sent_total counter\n"
        'demo_sent_total{number="+33 6",connector="a \\"b\\"\\nc"} 2\n'
        'demo_sent_total{number="36111",connector="con\\\\sole"} 1\n'
        "# HELP demo_depth Depth.\n"
        "# TYPE demo_depth gauge\n"
        "demo_depth 3.5\n"
    )
    families = {f.name: f for f in text_string_to_metric_families(registry.render())}
    samples = {tuple(sorted(s.labels.items())): s.value for s in families["demo_sent"].samples}
    assert samples[(("connector", 'a "b"\nc'), ("number", "+33 6"))] == 2
    assert samples[(("connector", "con\\sole"), ("number", "36111"))] == 1
    assert families["demo_sent"].documentation == 'Sent "now"\\ and\nthen.'


def test_a_histogram_has_cumulative_buckets_a_sum_and_a_count() -> None:
    registry = Registry()
    latency = registry.histogram("demo_seconds", "Latency.", buckets=(0.1, 1))
    for value in (0.05, 0.1, 0.5, 3):
        latency.observe(value)
    assert registry.render() == (
        "# HELP demo_seconds Latency.\n"
        "# TYPE demo_seconds histogram\n"
        'demo_seconds_bucket{le="0.1"} 2\n'
        'demo_seconds_bucket{le="1.0"} 3\n'
        'demo_seconds_bucket{le="+Inf"} 4\n'
        "demo_seconds_sum 3.65\n"
        "demo_seconds_count 4\n"
    )
    (family,) = text_string_to_metric_families(registry.render())
    assert family.type == "histogram"


def test_values_and_labels_are_written_as_the_format_wants() -> None:
    assert [format_value(v) for v in (3.0, 0.25, math.inf, -math.inf, 1e20)] == [
        "3",
        "0.25",
        "+Inf",
        "-Inf",
        "1e+20",
    ]
    assert format_value(math.nan) == "NaN"
    assert escape_label('a\\b"c\nd') == 'a\\\\b\\"c\\nd'


def test_misuse_is_refused() -> None:
    registry = Registry()
    counter = registry.counter("demo_total", "Demo.", ["a"])
    with pytest.raises(ValueError, match="takes labels"):
        counter.inc(b="x")
    with pytest.raises(ValueError, match="only goes up"):
        counter.inc(-1, a="x")
    with pytest.raises(ValueError, match="already registered"):
        registry.gauge("demo_total", "Again.")


def test_the_engine_metrics_parse_and_name_every_family() -> None:
    metrics = Metrics(version="9.9.9")
    metrics.reload(ok=False, errors="rules/a.yaml:1:1: error[E201]: …")
    metrics.reload(ok=True, version="abc123")
    names = {f.name: f.type for f in text_string_to_metric_families(metrics.render())}
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
        "twoway_link_reconnects": "counter",
        "twoway_link_errors": "counter",
        "twoway_rules_reloads": "counter",
        "twoway_rules_info": "gauge",
        "twoway_rules_loaded_timestamp_seconds": "gauge",
    }
    assert metrics.reloads.get(outcome="ok") == 1
    assert metrics.reloads.get(outcome="error") == 1
    assert metrics.rules_errors is None  # a good reload clears the errors
    assert 'twoway_rules_info{version="abc123"} 1' in metrics.render()
