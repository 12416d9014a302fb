"""Own the wiring of a deployment: from a Config to a running Service with its transports."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Awaitable, Callable

from engine.config import Config, parse_listen
from engine.metrics import Metrics
from engine.reload import Reloader
from engine.ruleset.compiler import compile_rules
from engine.service import Service
from engine.store import SqliteStore
from engine.transports.jsonl import JsonLinesTransport
from engine.transports.jsonl import Limits as JsonlLimits
from engine.transports.loopback import LoopbackTransport
from engine.transports.smpp import SmppTransport, settings_from_options
from engine.types import Transport

__all__ = ["build_reloader", "build_service", "serve"]

log = logging.getLogger("twoway")

StartHttp = Callable[[Service, Config, Reloader | None], Awaitable[Callable[[], Awaitable[None]]]]
"""Starts the HTTP endpoint of a running service; returns what stops it (``engine.web``)."""


def _listen(value: str) -> tuple[str, int]:
    return parse_listen(value)  # also [::1]:2776


def build_transports(config: Config) -> dict[str, Transport]:
    transports: dict[str, Transport] = {}
    for name, connector in config.connectors.items():
        if connector.type == "jsonl":
            options = connector.options
            host, port = _listen(str(options.get("listen", "127.0.0.1:2776")))
            defaults = JsonlLimits()
            limits = JsonlLimits(
                max_line=int(options.get("max_line", defaults.max_line)),
                max_in_flight=int(options.get("max_in_flight", defaults.max_in_flight)),
                max_connections=int(options.get("max_connections", defaults.max_connections)),
                idle_timeout=float(options.get("idle_timeout", defaults.idle_timeout)),
                write_timeout=float(options.get("write_timeout", defaults.write_timeout)),
            )
            token = options.get("token")
            transports[name] = JsonLinesTransport(
                name,
                host,
                port,
                float(options.get("ack_timeout", 10.0)),
                limits=limits,
                token=str(token) if token else None,
            )
        elif connector.type == "smpp":
            kinds = {n.address: n.kind for n in config.numbers.values() if n.connector == name}
            settings = settings_from_options(connector.options, kinds)
            transports[name] = SmppTransport(name, settings)
        else:
            transports[name] = LoopbackTransport(name)
    return transports


def build_service(config: Config) -> Service:
    """Compile the rules and build the service; raises RuleErrors or ConfigError."""
    ruleset = compile_rules(config.rules_path(), timezone=config.timezone).raise_for_errors()
    routes = {n.address: n.connector for n in config.numbers.values()}
    throughput = {n.address: n.throughput for n in config.numbers.values() if n.throughput}
    return Service(
        ruleset,
        SqliteStore(config.store),
        build_transports(config),
        routes=routes,
        throughput=throughput,
        metrics=Metrics(numbers=config.numbers, connectors=config.connectors),
    )


def build_reloader(config: Config, service: Service) -> Reloader | None:
    """The hot reloader of the service's rules (to ``start()`` after the service), or None when
    the configuration says ``reload: false``."""
    if not config.reload:
        return None
    return Reloader(
        config.rules_path(), service, timezone=config.timezone, on_reload=service.metrics.reload
    )


async def serve(config: Config, *, http: StartHttp | None = None) -> None:
    """Run until SIGINT or SIGTERM, then shut down gracefully.

    ``http`` (``engine.web.start_http`` for ``twoway run``) serves /health and /metrics; on a
    stop it closes after the transports and before the store.
    """
    service = build_service(config)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await service.start()
    reloader = build_reloader(config, service)
    if reloader is not None:
        await reloader.start()
    stop_http = None
    if http is not None:
        try:
            stop_http = await http(service, config, reloader)
        except BaseException:
            if reloader is not None:
                await reloader.stop()
            await service.stop(drain_timeout=0)
            raise
    rs = service.ruleset
    log.info(
        "twoway serving %d flows from %s (rules version %s), store %s",
        len(rs.flows),
        config.rules_path(),
        rs.version,
        config.store,
    )
    for name, transport in service.transports.items():
        if isinstance(transport, JsonLinesTransport):
            log.info("connector %s: JSON lines on %s:%s", name, transport.host, transport.port)
        elif isinstance(transport, SmppTransport):
            s = transport.settings
            log.info("connector %s: SMPP %s to %s:%s", name, s.bind, s.host, s.port)
    await stop.wait()
    log.info("shutting down: draining work in progress")
    if reloader is not None:
        await reloader.stop()
    await service.stop(before_store_close=stop_http)
    log.info("stopped")
