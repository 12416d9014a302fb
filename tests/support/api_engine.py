"""A real ``twoway run`` serving the REST API, for the API tests: a jsonl connector (its client
connected: the messages the engine sends arrive there as ``mt`` frames), HTTP on a free port
with the given tokens, an aiohttp session; its log checked clean when it stops."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp

from tests.support.engine_process import Engine, http_address, write_config
from tests.support.jsonl_client import Client, assert_clean
from tests.support.jsonl_peer import free_port


@dataclass
class Serving:
    url: str
    """``http://host:port`` of /health, /metrics and /api/v1."""
    client: Client
    engine: Engine
    session: aiohttp.ClientSession


@contextlib.asynccontextmanager
async def serving(
    workdir: Path,
    rules: Path,
    tokens: Sequence[Any],
    *,
    more: str = "",
    secrets: Sequence[str] = (),
    connector: str = "console",
    users: Sequence[Any] = (),
    console: Mapping[str, Any] | None = None,
    ack_mts: bool = True,
    trusted_proxies: Sequence[str] = (),
) -> AsyncIterator[Serving]:
    """Run the engine on ``rules`` with ``http.tokens`` (and ``http.users``, ``http.console``,
    ``http.trusted_proxies`` when given; a client that acknowledges its MTs unless ``ack_mts``
    is false);
    ``more`` is appended to twoway.yaml (``numbers:``, ``country:``); ``secrets`` must appear
    nowhere in its log."""
    port = free_port()
    http: dict[str, Any] = {"tokens": list(tokens)}
    if users:
        http["users"] = list(users)
    if console is not None:
        http["console"] = dict(console)
    if trusted_proxies:
        http["trusted_proxies"] = list(trusted_proxies)
    config = write_config(workdir, rules, connector, port, http=http)
    if more:
        config.write_text(config.read_text(encoding="utf-8") + more, encoding="utf-8")
    engine, client = Engine(workdir, config), Client(ack_mts=ack_mts)
    try:
        await engine.start(port)
        await client.connect(port)
        host, http = http_address(config)
        async with aiohttp.ClientSession() as session:
            yield Serving(f"http://{host}:{http}", client, engine, session)
    finally:
        with contextlib.suppress(Exception):
            await client.aclose()
        await engine.cleanup()
    log = engine.log()
    assert_clean(log)
    assert not [secret for secret in secrets if secret in log]
