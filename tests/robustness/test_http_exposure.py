"""``http.listen`` off loopback is logged at start as a WARNING: /health and /metrics have no
token, so anyone who can reach the address can read them."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from engine.config import Config, ConnectorConfig, HttpConfig
from engine.ruleset.compiler import compile_rules
from engine.service import Service
from engine.store import SqliteStore
from engine.transports.loopback import LoopbackTransport
from engine.web import start_http

REPO = Path(__file__).resolve().parents[2]
RULES = compile_rules(REPO / "rules").raise_for_errors()


async def started_on(tmp_path: Path, listen: str, caplog: pytest.LogCaptureFixture) -> list[str]:
    """Start /health and /metrics on ``listen``; return the WARNING lines the server logged (the
    console's first-start log-in link is tests/console's)."""
    service = Service(
        RULES, SqliteStore(str(tmp_path / "t.db")), {"phone": LoopbackTransport("phone")}
    )
    config = Config(
        store=str(tmp_path / "t.db"),
        http=HttpConfig(listen=listen),
        connectors={"phone": ConnectorConfig("phone", "loopback")},
    )
    await service.start()
    with caplog.at_level(logging.INFO, logger="engine.web"):
        stop = await start_http(service, config)
    await service.stop(before_store_close=stop)
    return [
        r.getMessage()
        for r in caplog.records
        if r.levelno == logging.WARNING and r.name == "engine.web.server"
    ]


async def test_listening_on_every_address_is_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    [warning] = await started_on(tmp_path, "0.0.0.0:0", caplog)
    assert warning.startswith("http listens on 0.0.0.0:")
    port = warning.split(",")[0].rpartition(":")[2]
    assert port.isdigit() and int(port) > 0  # the port it listens on, not 0
    assert ", reachable from the network: /health and /metrics have no token; " in warning
    assert warning.endswith("put a reverse proxy or a firewall rule in front of it")


@pytest.mark.parametrize("listen", ["127.0.0.1:0", "localhost:0", "[::1]:0"])
async def test_loopback_is_not_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, listen: str
) -> None:
    assert await started_on(tmp_path, listen, caplog) == []
