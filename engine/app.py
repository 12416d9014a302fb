"""Own the wiring of a deployment: from a Config to a running Service with its transports."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import socket
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from engine.config import Config, parse_listen
from engine.core.clock import Clock, SystemClock
from engine.core.fileclock import FileClock
from engine.core.notices import Subscriptions
from engine.errors import ConfigError, RuleError
from engine.logs import Repeated
from engine.metrics import Metrics
from engine.notify import Notifier
from engine.osthreads import name_this_thread
from engine.reload import Reloader
from engine.ruleset.compiler import compile_rules
from engine.ruleset.ruleset import RuleSet
from engine.service import Service
from engine.store import SqliteStore
from engine.store.claims import Owner
from engine.transports.http import HttpTransport, http_settings
from engine.transports.jsonl import JsonLinesTransport
from engine.transports.jsonl import Limits as JsonlLimits
from engine.transports.loopback import LoopbackTransport
from engine.transports.modem.settings import modem_settings
from engine.transports.modem.transport import ModemTransport
from engine.transports.smpp import SmppTransport, settings_from_options
from engine.types import Transport

__all__ = [
    "build_reloader",
    "build_service",
    "check_addresses",
    "check_listen",
    "loop_exception_handler",
    "serve",
]

log = logging.getLogger("twoway")

StartHttp = Callable[[Service, Config, Reloader | None], Awaitable[Callable[[], Awaitable[None]]]]
"""Starts the HTTP endpoint of a running service; returns what stops it (``engine.web``)."""


def _listen(value: str) -> tuple[str, int]:
    return parse_listen(value)  # also [::1]:2776


def build_transports(config: Config, clock: Clock | None = None) -> dict[str, Transport]:
    """The connectors of ``config``; ``clock`` tells the time they receive messages at."""
    clock = clock or SystemClock()
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
                clock=clock,
            )
        elif connector.type == "smpp":
            kinds = {n.address: n.kind for n in config.numbers.values() if n.connector == name}
            settings = settings_from_options(connector.options, kinds)
            transports[name] = SmppTransport(name, settings, clock=clock)
        elif connector.type == "modem":
            own = [n.address for n in config.numbers.values() if n.connector == name]
            number = own[0] if own else name  # the check requires exactly one
            options = connector.options
            transports[name] = ModemTransport(name, modem_settings(options, number), clock=clock)
        elif connector.type == "http":
            hooks = http_settings(connector.options)
            transports[name] = HttpTransport(name, hooks, clock=clock)
        else:
            transports[name] = LoopbackTransport(name)
    return transports


def build_service(
    config: Config,
    clock: Clock | None = None,
    *,
    timers: bool = True,
    busy_timeout_ms: int = 5_000,
    owner: Owner | None = None,
    writer_lock: bool = False,
    ruleset: RuleSet | None = None,
) -> Service:
    """Compile the rules (unless ``ruleset`` is given) and build the service; raises
    RuleErrors or ConfigError.

    ``clock`` (the wall clock unless given: a ``FileClock`` under ``TWOWAY_TEST_CLOCK``) is the
    one time of the service, its store, outbox, scheduler and connectors. ``timers``: run the
    timers and campaigns (a worker other than worker 1 does not); ``busy_timeout_ms``: how long
    a write waits for the store's lock held by another process; ``owner``: who this process's
    claims are from (a new one unless given); ``writer_lock``: several engine processes share
    the store (``workers: N``), queued on its writer lock (``engine/store/writer.py``)."""
    clock = clock or SystemClock()
    if ruleset is None:
        ruleset = compile_rules(config.rules_path(), timezone=config.timezone).raise_for_errors()
    routes = {n.address: n.connector for n in config.numbers.values()}
    throughput = {n.address: n.throughput for n in config.numbers.values() if n.throughput}
    store = SqliteStore(
        config.store,
        clock=clock,
        notify=Subscriptions.of(config.notify),
        busy_timeout_ms=busy_timeout_ms,
        # One owner per process start: the rows it claims are its own (engine.store.claims).
        owner=owner or Owner.new(),
        writer_lock=writer_lock,
    )
    metrics = Metrics(numbers=config.numbers, connectors=config.connectors)
    notifier = None
    if config.notify:
        notifier = Notifier(store, config.notify, clock=clock, metrics=metrics)
    return Service(
        ruleset,
        store,
        build_transports(config, clock),
        routes=routes,
        throughput=throughput,
        clock=clock,
        metrics=metrics,
        notifier=notifier,
        auto_timers=timers,
    )


def build_reloader(config: Config, service: Service) -> Reloader | None:
    """The hot reloader of the service's rules (to ``start()`` after the service), or None when
    the configuration says ``reload: false``."""
    if not config.reload:
        return None
    notifier = service.notifier
    return Reloader(
        config.rules_path(),
        service,
        timezone=config.timezone,
        on_reload=service.metrics.reload,
        on_failed=rules_failed(notifier, service) if notifier is not None else None,
        on_changed=lambda: service.changed("rules"),
    )


def rules_failed(
    notifier: Notifier, service: Service
) -> Callable[[Sequence[RuleError]], Awaitable[None]]:
    """What a failed reload tells subscribers of ``rules_failed``: each error as a line
    (``file:line:col: error[E…]: message``) and the rules version still serving."""

    async def tell(errors: Sequence[RuleError]) -> None:
        lines = [f"{e.span}: error[{e.code}]: {e.message}" if e.span else e.message for e in errors]
        data = {"errors": lines, "serving": service.ruleset.version}
        await notifier.record("rules_failed", data)

    return tell


LoopHandler = Callable[[asyncio.AbstractEventLoop, dict[str, Any]], None]


def loop_exception_handler(repeated: Repeated) -> LoopHandler:
    """The event loop's exception handler of ``twoway run``.

    What asyncio reports (``socket.accept() out of system resource`` when the descriptors run
    out, a callback that failed, …) is one WARNING line without traceback, logged once per
    interval for each message with the count of the others (``Repeated``): not a traceback per
    attempt. The traceback goes to DEBUG, with the line that is logged.
    """

    def handle(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        message = str(context.get("message") or "an error in the event loop")
        exception = context.get("exception")
        detail = f": {str(exception) or type(exception).__name__}" if exception else ""
        if repeated.warning(message, "event loop: %s%s", message, detail) and exception:
            log.debug("event loop: %s", message, exc_info=exception)

    return handle


async def check_listen(config: Config, service: Service, *, http: bool = True) -> None:
    """Raise ConfigError, before anything starts, when an address to listen on cannot be had:
    taken by another process (or by two keys of the file), not on this machine, privileged.

    The error names the address and the key to change; nothing is left listening.
    """
    wanted: list[tuple[str, str, str]] = []  # what, the key that sets it, address
    for name, transport in service.transports.items():
        if isinstance(transport, JsonLinesTransport):
            listen = config.connectors[name].options.get("listen")
            address = str(listen or f"{transport.host}:{transport.port}")
            wanted.append((f"connector {name}", f"connectors.{name}.listen", address))
    if http:
        wanted.append(("/health and /metrics", "http.listen", config.http.listen))
    await check_addresses(wanted)


async def check_addresses(wanted: Sequence[tuple[str, str, str]]) -> None:
    """Raise ConfigError when one of ``wanted`` (what, the key that sets it, the address)
    cannot be listened on.

    Each address is bound, never listened on, then let go: a client that connects while the
    engine starts is refused until the engine serves, never accepted by the check and dropped
    (a start-up probe would take the port for ready). Two keys of the file on one address are
    the file's own error (E203), found before this.
    """
    for what, key, address in wanted:
        host, port = parse_listen(address)
        if port == 0:
            continue  # any free port
        try:
            await _bind_once(host, port)
        except OSError as exc:
            raise ConfigError(
                f"cannot listen on {address} for {what}: {_reason(exc)}; "
                f"change {key} in twoway.yaml"
            ) from exc


async def _bind_once(host: str, port: int) -> None:
    """Bind every address ``host`` resolves to, as ``loop.create_server`` would (SO_REUSEADDR,
    IPv6 only on an IPv6 socket), and close the sockets: an OSError when one is taken."""
    infos = await asyncio.get_running_loop().getaddrinfo(
        host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
    )
    for family, kind, proto, _, address in dict.fromkeys(infos):
        with socket.socket(family, kind, proto) as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if family == socket.AF_INET6:
                sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            sock.bind(address)


def _reason(exc: OSError) -> str:
    if exc.errno and exc.errno > 0:  # not the long text asyncio wraps it in
        return os.strerror(exc.errno).lower()
    return (exc.strerror or str(exc)).lower()  # a host name that does not resolve


async def _start(
    config: Config, service: Service, http: StartHttp | None
) -> tuple[Reloader | None, Callable[[], Awaitable[None]] | None]:
    """Start the service, the rules' reloader and the HTTP endpoint. When one cannot start,
    stop those that did (threads, links, store) and raise: an OSError as a ConfigError."""
    reloader: Reloader | None = None
    try:
        await service.start()
        built = build_reloader(config, service)
        if built is not None:
            await built.start()
            reloader = built
        stop_http = await http(service, config, reloader) if http is not None else None
    except BaseException as exc:
        if reloader is not None:
            await reloader.stop()
        await service.stop(drain_timeout=0)
        if isinstance(exc, OSError):
            raise ConfigError(f"cannot start: {exc}") from exc
        raise
    return reloader, stop_http


async def serve(
    config: Config,
    *,
    http: StartHttp | None = None,
    clock: Clock | None = None,
    service: Service | None = None,
    check_http: bool = True,
) -> None:
    """Run until SIGINT or SIGTERM, then shut down gracefully.

    ``http`` (``engine.web.start_http`` for ``twoway run``) serves /health and /metrics; on a
    stop it closes after the transports and before the store. An address that cannot be
    listened on is a ConfigError before anything starts; whatever fails to start stops what
    started before it (then the process can exit, and systemd restart it). ``clock``: the wall
    clock unless given (``TWOWAY_TEST_CLOCK``: a ``FileClock``, watched while the engine runs).
    ``service``: built from ``config`` unless given (a worker of ``engine.workers`` builds its
    own, and serves HTTP on a socket of its own: ``check_http`` False, http.listen is its
    supervisor's).
    """
    name_this_thread("twoway-loop")
    service = service or build_service(config, clock)
    if isinstance(clock, FileClock):
        clock.start()
    try:
        await _serve(config, service, http, check_http=check_http)
    finally:
        if isinstance(clock, FileClock):
            await clock.stop()


async def _serve(
    config: Config, service: Service, http: StartHttp | None, *, check_http: bool = True
) -> None:
    loop = asyncio.get_running_loop()
    loop.set_exception_handler(loop_exception_handler(Repeated(log)))
    await check_listen(config, service, http=http is not None and check_http)
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    reloader, stop_http = await _start(config, service, http)
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
        elif isinstance(transport, HttpTransport):
            log.info(
                "connector %s: http (%s), webhook at /hooks/%s, sending to %s",
                name,
                transport.settings.preset,
                name,
                transport.client.host,
            )
    await stop.wait()
    log.info("shutting down: draining work in progress")
    if reloader is not None:
        await reloader.stop()
    await service.stop(before_store_close=stop_http)
    log.info("stopped")
