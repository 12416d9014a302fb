"""Own the supervisor's public HTTP (``http.listen``): ``/health`` and ``/metrics`` of all the
workers (``aggregate``), everything else forwarded to worker 1 (``proxy``).

``GET /health`` asks every worker up for its report and answers one (200 ``ok`` when every
worker is up and ok, else 503 ``degraded`` listing each worker: index, pid, state, restarts);
``GET /metrics`` scrapes every worker and answers the sums, with ``twoway_workers`` and
``twoway_worker_restarts_total``. Connections are limited as one engine's are
(``http.max_connections``, ``http.request_timeout``), TLS too (``http.tls``).
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable, Sequence
from typing import Any

from aiohttp import web

from engine.config import Config, parse_listen
from engine.descriptors import accept_backlog
from engine.errors import ConfigError
from engine.reload import Reloader
from engine.web.clients import real_client
from engine.web.limits import Limits
from engine.web.server import METRICS_CONTENT_TYPE, tls_context
from engine.workers.aggregate import (
    WorkerPage,
    WorkerStatus,
    combine_health,
    combine_metrics,
    own_families,
    render,
)
from engine.workers.client import WorkerClient, WorkerUnreachable
from engine.workers.proxy import forward

__all__ = ["Gateway"]

log = logging.getLogger("twoway.workers")

ASK_TIMEOUT = 5.0
"""The longest /health or /metrics waits for one worker's answer."""


class Gateway:
    """The public HTTP of a supervisor: ``start()``, ``stop()``."""

    def __init__(
        self,
        config: Config,
        statuses: Callable[[], Sequence[WorkerStatus]],
        front: WorkerClient,
        up: Callable[[], Sequence[tuple[int, WorkerClient]]],
        reloader: Reloader,
    ) -> None:
        self.config = config
        self.statuses = statuses
        self.front = front
        self.up = up
        self.reloader = reloader
        self.limits = Limits(config.http.max_connections, config.http.request_timeout)
        self.app = web.Application(middlewares=[self.limits.middleware])
        if config.http.trusted_proxies:  # forwarded to the workers as the client's address
            self.app.middlewares.append(real_client(config.http.trusted_proxies))
        self.app.router.add_get("/health", self.health)
        self.app.router.add_get("/metrics", self.metrics)
        self.app.router.add_route("*", "/{tail:.*}", self.forward)
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        http = self.config.http
        host, port = parse_listen(http.listen)
        context = tls_context(http.tls) if http.tls is not None else None
        runner = web.AppRunner(
            self.app,
            access_log=None,
            handle_signals=False,
            shutdown_timeout=1.0,
            keepalive_timeout=http.request_timeout,
        )
        await runner.setup()
        assert runner.server is not None
        try:
            await asyncio.get_running_loop().create_server(
                self.limits.wrap(runner.server), host, port, ssl=context, backlog=accept_backlog()
            )
        except OSError as exc:
            await runner.cleanup()
            raise ConfigError(
                f"cannot serve HTTP on {http.listen}: "
                f"{(exc.strerror or str(exc)).lower()}; change http.listen"
            ) from exc
        self._runner = runner
        log.info(
            "http: /health, /metrics, the API and console on %s (%d workers)",
            http.listen,
            len(self.statuses()),
        )

    async def stop(self) -> None:
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()

    async def forward(self, request: web.Request) -> web.StreamResponse:
        return await forward(request, self.front)

    async def health(self, request: web.Request) -> web.Response:
        up = self.up()
        answers = await asyncio.gather(*(_report(c) for _, c in up))
        reports = {index: report for (index, _), report in zip(up, answers, strict=True)}
        report = combine_health(self.statuses(), reports, self._rules())
        return web.json_response(
            report,
            status=200 if report["status"] == "ok" else 503,
            dumps=lambda value: json.dumps(value, indent=2, ensure_ascii=False) + "\n",
        )

    def _rules(self) -> dict[str, Any]:
        status = self.reloader.status()
        return {
            "version": status["version"],
            "files": status["files"],
            "flows": status["flows"],
            "loaded_at": status["loaded_at"],
            "path": status["rules"],
            "watching": status["watching"],
            "reloads_ok": status["reloads_ok"],
            "reloads_failed": status["reloads_failed"],
            "errors": status["last_error"],
        }

    async def metrics(self, request: web.Request) -> web.Response:
        up = self.up()
        texts = await asyncio.gather(*(_page(c) for _, c in up))
        pages = [
            WorkerPage(index, text)
            for (index, _), text in zip(up, texts, strict=True)
            if text is not None
        ]
        families = list(combine_metrics(pages).values())
        reloads = {"ok": self.reloader.reloads_ok, "error": self.reloader.reloads_failed}
        families.extend(own_families(self.statuses(), reloads))
        return web.Response(
            body=render(families).encode(), headers={"Content-Type": METRICS_CONTENT_TYPE}
        )


async def _report(client: WorkerClient) -> dict[str, Any] | None:
    try:
        _, report = await client.get_json("/health", ASK_TIMEOUT)
    except WorkerUnreachable:
        return None
    return report if isinstance(report, dict) else None


async def _page(client: WorkerClient) -> str | None:
    try:
        status, text = await client.text("/metrics", ASK_TIMEOUT)
    except WorkerUnreachable:
        return None
    return text if status == 200 else None
