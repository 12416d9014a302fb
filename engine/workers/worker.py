"""Own the engine side of a worker (``twoway run`` started by the supervisor with the hidden
``--worker I/N --worker-socket PATH``): a normal engine service with this worker's connectors,
its HTTP on a private Unix socket (``/health``, ``/metrics``, the API and console of worker 1,
the rules' prepare/commit/abort of ``control``), no file watching of its own, and an exit when
its supervisor is gone (its stdin, a pipe from the supervisor, reaches end of file).
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys
from collections.abc import Awaitable, Callable

from aiohttp import web

from engine.app import build_service, serve
from engine.config import Config, parse_listen
from engine.core.clock import Clock
from engine.service import Service
from engine.web import HttpEndpoint
from engine.web.clients import FORWARDED_FOR
from engine.web.health import RulesStatus
from engine.workers.control import RulesControl
from engine.workers.plan import WorkerSpec, worker_config
from engine.workers.rules import worker_ruleset

__all__ = ["BUSY_TIMEOUT_MS", "build_worker_service", "serve_worker"]

log = logging.getLogger("twoway.workers")

BUSY_TIMEOUT_MS = 30_000
"""How long a worker's write waits for the store's lock while another worker commits (one
process alone: 5 s). Commits are milliseconds long; this covers a checkpoint or a slow disk.
The workers queue for it on the store's writer lock (``engine/store/writer.py``): this is the
wait for a ``twoway`` command's write, which does not take that lock."""


async def serve_worker(config: Config, spec: WorkerSpec, clock: Clock | None = None) -> None:
    """Run worker ``spec`` of ``config`` until SIGTERM, SIGINT or its supervisor's end."""
    own = worker_config(config, spec)
    service = build_worker_service(own, spec, clock)
    watch = asyncio.create_task(_exit_with_parent(), name="twoway-worker-parent")
    try:
        await serve(own, http=private_http(spec), clock=clock, service=service, check_http=False)
    finally:
        watch.cancel()


def build_worker_service(config: Config, spec: WorkerSpec, clock: Clock | None) -> Service:
    """The service of worker ``spec``: the one place where a worker gets its owner id, the
    owner of the rows its store claims (``engine.store.claims``). The timers and campaigns run in
    worker 1 only (a campaign's pace is kept in memory). Its rules: the files', or the version
    the other workers serve when the files have errors (``rules.worker_ruleset``)."""
    owner = spec.owner()
    service = build_service(
        config,
        clock,
        timers=spec.front,
        busy_timeout_ms=BUSY_TIMEOUT_MS,
        owner=owner,
        writer_lock=True,
        ruleset=worker_ruleset(config.rules_path(), spec.agreed_rules, config.timezone),
    )
    log.info(
        "worker %s: pid %d, owner id %s, connectors %s",
        spec.label,
        os.getpid(),
        owner.name,
        ", ".join(service.transports),
    )
    return service


def private_http(
    spec: WorkerSpec,
) -> Callable[[Service, Config, RulesStatus | None], Awaitable[Callable[[], Awaitable[None]]]]:
    """What starts the worker's HTTP on its socket (``engine.app.StartHttp``)."""

    async def start(
        service: Service, config: Config, reloader: RulesStatus | None
    ) -> Callable[[], Awaitable[None]]:
        endpoint = HttpEndpoint(service, config=config, reloader=reloader)
        RulesControl(service, config, counts=spec.front).add_to(endpoint.app)
        endpoint.app.middlewares.append(forwarded_for)
        if spec.front:
            endpoint.console.auth.first_start()
        await endpoint.start_unix(str(spec.socket))
        log.info("worker %s: private HTTP on %s", spec.label, spec.socket)
        if spec.front:
            endpoint.console.auth.announce(
                parse_listen(config.http.listen)[1], "https" if endpoint.tls else "http"
            )
        return endpoint.stop

    return start


@web.middleware
async def forwarded_for(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    """The client's address as the supervisor saw it (the console's log-in throttling), behind
    the proxies it trusts (``engine.web.clients``): trusted on the private socket only."""
    given = request.headers.get(FORWARDED_FOR)
    if given:
        request = request.clone(remote=given.strip())
    return await handler(request)


async def _exit_with_parent() -> None:
    """SIGTERM this worker (a graceful stop) once its stdin, the supervisor's pipe, closes:
    the supervisor has exited, even by SIGKILL."""
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    try:
        await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    except (OSError, ValueError):
        log.warning("worker: stdin is not a pipe: it will not stop with its supervisor")
        return
    while await reader.read(4096):
        pass
    log.warning("worker: the supervisor is gone: stopping")
    os.kill(os.getpid(), signal.SIGTERM)
