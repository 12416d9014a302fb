"""/health and /metrics of a real aiohttp server, in front of a real service (loopback, SQLite)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import aiohttp
import pytest
from prometheus_client.parser import text_string_to_metric_families

from engine.config import Config, ConnectorConfig
from engine.errors import ConfigError
from engine.metrics import Metrics
from engine.ruleset.compiler import compile_rules
from engine.service import Service
from engine.store import SqliteStore
from engine.transports.loopback import LoopbackTransport
from engine.web import HttpEndpoint
from tests.support.metrics import sample, series

REPO = Path(__file__).resolve().parents[2]
RULES = compile_rules(REPO / "rules").raise_for_errors()
AT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


class Flaky(LoopbackTransport):
    """A loopback whose link state a test sets (what an SMPP connector reports)."""

    state = "up"


@pytest.fixture
async def running(tmp_path: Path) -> AsyncIterator[tuple[Service, HttpEndpoint]]:
    phone = LoopbackTransport("phone")
    service = Service(
        RULES,
        SqliteStore(str(tmp_path / "t.db")),
        {"phone": phone, "smsc": Flaky("smsc")},
        routes={"36111": "phone"},
        metrics=Metrics(numbers=["36111"]),
    )
    config = Config(
        store=str(tmp_path / "t.db"),
        connectors={
            "phone": ConnectorConfig("phone", "loopback"),
            "smsc": ConnectorConfig("smsc", "loopback"),
        },
    )
    endpoint = HttpEndpoint(service, config=config)
    await service.start()
    await endpoint.start("127.0.0.1", 0)
    try:
        yield service, endpoint
    finally:
        await service.stop(before_store_close=endpoint.stop)


async def get(endpoint: HttpEndpoint, path: str) -> tuple[int, str, str]:
    async with (
        aiohttp.ClientSession() as session,
        session.get(endpoint.url + path) as response,
    ):
        return response.status, response.headers["Content-Type"], await response.text()


async def test_health_and_metrics_after_messages_flow(
    running: tuple[Service, HttpEndpoint],
) -> None:
    service, endpoint = running
    phone = service.transports["phone"]
    assert isinstance(phone, LoopbackTransport)
    assert endpoint.port > 0
    await phone.deliver("+33600000001", "36111", "VOTE A", AT, "m1")
    await phone.deliver("+33600000001", "36111", "VOTE A", AT, "m1")  # re-delivered
    await phone.deliver("+33600000002", "36111", "HOURS", AT, "m2")
    await phone.deliver("+33600000003", "36111", "STOP", AT, "m3")
    await service.idle()

    status, kind, body = await get(endpoint, "/health")
    assert (status, kind) == (200, "application/json; charset=utf-8")
    report = json.loads(body)
    assert report["status"] == "ok"
    assert report["problems"] == []
    assert report["rules"]["version"] == RULES.version
    assert (report["rules"]["files"], report["rules"]["flows"]) == (5, 4)
    assert report["rules"]["errors"] is None
    assert report["connectors"] == {
        "phone": {"type": "loopback", "state": "up"},
        "smsc": {"type": "loopback", "state": "up"},
    }
    assert report["queues"] == {"intake": 0, "work": 0, "outbox": 0}
    assert report["uptime_seconds"] >= 0
    assert report["store"].endswith("t.db")

    status, kind, text = await get(endpoint, "/metrics")
    assert (status, kind) == (200, "text/plain; version=0.0.4; charset=utf-8")
    assert sample(text, "twoway_messages_in_total", connector="phone", number="36111") == 3
    assert sample(text, "twoway_messages_duplicate_total", connector="phone") == 1
    assert sample(text, "twoway_messages_out_total", connector="phone", number="36111") == 3
    assert sample(text, "twoway_reply_latency_seconds_count") == 3
    assert sample(text, "twoway_reply_latency_seconds_bucket", le="+Inf") == 3
    assert sample(text, "twoway_queue_depth", queue="work") == 0
    assert sample(text, "twoway_connector_up", connector="smsc") == 1
    assert sample(text, "twoway_rules_info", version=RULES.version) == 1
    assert sample(text, "twoway_store_up") == 1
    lines = text.splitlines()
    assert "# TYPE twoway_reply_latency_seconds histogram" in lines
    assert "# TYPE twoway_messages_in_total counter" in lines
    families = {f.name for f in text_string_to_metric_families(text)}
    assert {"twoway_messages_in", "twoway_reply_latency_seconds"} <= families

    # an opted-out contact gets no reply: nothing more goes out
    await phone.deliver("+33600000003", "36111", "VOTE B", AT, "m4")
    await service.idle()
    _, _, text = await get(endpoint, "/metrics")
    assert sample(text, "twoway_messages_out_total", connector="phone", number="36111") == 3


async def test_health_is_degraded_with_503_and_says_why(
    running: tuple[Service, HttpEndpoint],
) -> None:
    service, endpoint = running
    smsc = service.transports["smsc"]
    assert isinstance(smsc, Flaky)
    smsc.state = "connecting"
    service.metrics.reload(ok=False, errors="rules/a.yaml:3:1: error[E201]: unknown key 'x'\n")
    status, _, body = await get(endpoint, "/health")
    report = json.loads(body)
    assert status == 503
    assert report["status"] == "degraded"
    assert report["problems"] == [
        "connector smsc is connecting",
        "the rule files have errors: the previous rules are still serving",
    ]
    assert report["rules"]["errors"].startswith("rules/a.yaml:3:1: error[E201]")
    _, _, text = await get(endpoint, "/metrics")
    assert sample(text, "twoway_connector_up", connector="smsc") == 0
    assert sample(text, "twoway_rules_reloads_total", outcome="error") == 1

    smsc.state = "up"
    service.metrics.reload(ok=True, version=service.ruleset.version)
    status, _, _ = await get(endpoint, "/health")
    assert status == 200


async def test_unknown_paths_are_404(running: tuple[Service, HttpEndpoint]) -> None:
    _, endpoint = running
    status, _, _ = await get(endpoint, "/nope")
    assert status == 404


async def test_shutdown_order_intake_drain_transports_http_store(tmp_path: Path) -> None:
    events: list[str] = []

    class Recording(LoopbackTransport):
        async def aclose(self) -> None:
            events.append("transports closed")
            await super().aclose()

    class Store(SqliteStore):
        async def close(self) -> None:
            events.append("store closed")
            await super().close()

    phone = Recording("phone")
    service = Service(RULES, Store(str(tmp_path / "t.db")), {"phone": phone})
    endpoint = HttpEndpoint(service)
    await service.start()
    await endpoint.start("127.0.0.1", 0)
    await phone.deliver("+33600000001", "36111", "HOURS", AT, "m1")

    async def stop_http() -> None:
        status, _, body = await get(endpoint, "/health")  # still answering while stopping
        assert status == 503
        assert "not taking messages" in body
        events.append("http stopped")
        await endpoint.stop()

    await service.stop(before_store_close=stop_http)
    assert events == ["transports closed", "http stopped", "store closed"]
    assert [m.text[:7] for _, m in phone.sent] == ["We are "]  # drained before closing
    with pytest.raises(aiohttp.ClientConnectionError):
        await get(endpoint, "/health")


async def test_a_port_in_use_is_a_clear_error(running: tuple[Service, HttpEndpoint]) -> None:
    service, endpoint = running
    other = HttpEndpoint(service)
    with pytest.raises(ConfigError, match=r"cannot serve /health and /metrics on 127.0.0.1:\d+"):
        await other.start("127.0.0.1", endpoint.port)


async def test_a_swapped_rule_set_shows_in_health_and_metrics(
    running: tuple[Service, HttpEndpoint], tmp_path: Path
) -> None:
    service, endpoint = running
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "hi.yaml").write_text("autoreply:\n  - keyword: HI\n    reply: Hello\n")
    other = compile_rules(rules).raise_for_errors()
    service.swap_ruleset(other)
    _, _, body = await get(endpoint, "/health")
    assert json.loads(body)["rules"]["version"] == other.version
    _, _, text = await get(endpoint, "/metrics")
    assert series(text, "twoway_rules_info") == {frozenset({("version", other.version)}): 1}


async def test_a_store_that_cannot_write_degrades_health_and_shows_on_metrics(
    running: tuple[Service, HttpEndpoint], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, endpoint = running
    problem: list[str | None] = ["disk I/O error"]  # what the service says after a refused write
    monkeypatch.setattr(Service, "store_problem", property(lambda _: problem[0]))
    status, _, body = await get(endpoint, "/health")
    assert status == 503
    assert json.loads(body)["problems"] == ["the store cannot write: disk I/O error"]
    _, _, text = await get(endpoint, "/metrics")
    assert sample(text, "twoway_store_up") == 0

    problem[0] = None  # a write succeeded again
    status, _, _ = await get(endpoint, "/health")
    assert status == 200
    _, _, text = await get(endpoint, "/metrics")
    assert sample(text, "twoway_store_up") == 1
