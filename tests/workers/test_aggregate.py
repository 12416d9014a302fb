"""The sums of ``/metrics`` and ``/health`` across workers, from the pages two real engines'
``Metrics`` make: counters and histograms added, state gauges by max or min, links kept apart."""

from __future__ import annotations

from prometheus_client.parser import text_string_to_metric_families

from engine.metrics import Metrics
from engine.workers.aggregate import (
    WorkerPage,
    WorkerStatus,
    combine_health,
    combine_metrics,
    own_families,
    render,
)


def _samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


async def test_counters_and_histograms_add_up_state_gauges_do_not() -> None:
    first, second = Metrics(connectors=["operator"]), Metrics(connectors=["operator"])
    first.reloads.labels(outcome="ok").inc()
    for metrics, seconds in ((first, 0.02), (second, 0.2)):
        metrics.latency.observe(seconds)
    pages = [
        WorkerPage(1, (await first.exposition()).decode()),
        WorkerPage(2, (await second.exposition()).decode()),
    ]
    statuses = [WorkerStatus(1, 10, "up", 0), WorkerStatus(2, 11, "up", 3)]
    families = [*combine_metrics(pages).values(), *own_families(statuses, {"ok": 1, "error": 0})]
    text = render(families)
    samples = _samples(text)
    bucket = "twoway_reply_latency_seconds_bucket"
    assert samples[(bucket, (("le", "0.025"),))] == 1
    assert samples[(bucket, (("le", "0.25"),))] == 2
    assert samples[("twoway_reply_latency_seconds_count", ())] == 2
    assert samples[("twoway_build_info", (("version", first.version),))] == 1  # max, not 2
    assert samples[("twoway_rules_reloads_total", (("outcome", "ok"),))] == 1  # the supervisor's
    assert samples[("twoway_workers", ())] == 2
    assert samples[("twoway_worker_restarts_total", (("worker", "2"),))] == 3
    assert text.count("# TYPE twoway_rules_reloads_total counter") == 1


def test_health_is_degraded_while_a_worker_is_down() -> None:
    ok = {
        "status": "ok",
        "problems": [],
        "version": "1",
        "queues": {"intake": 2},
        "connectors": {"operator": {"type": "smpp", "state": "up"}},
    }
    statuses = [WorkerStatus(1, 10, "up", 0), WorkerStatus(2, None, "down", 1, "killed by SIGKILL")]
    report = combine_health(statuses, {1: ok}, {"version": "abc", "errors": None})
    assert report["status"] == "degraded"
    assert report["problems"] == ["worker 2 is down (killed by SIGKILL)"]
    assert [w["status"] for w in report["workers"]] == ["ok", "unreachable"]
    statuses[1] = WorkerStatus(2, 12, "up", 1)
    report = combine_health(statuses, {1: ok, 2: ok}, {"version": "abc", "errors": None})
    assert report["status"] == "ok" and report["queues"] == {"intake": 4}
    assert report["connectors"]["operator"]["workers"] == {"1": "up", "2": "up"}
