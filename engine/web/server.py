"""Own the aiohttp server of ``/health``, ``/metrics``, the REST API (``engine.web.api``) and
the web console (``engine.web.console``).

``GET /health``: the health report as JSON, 200 when ``ok``, 503 when ``degraded``.
``GET /metrics``: the Prometheus text exposition format 0.0.4, made off the event loop.
Connections are limited (``http.max_connections``, ``http.request_timeout``: engine.web.limits).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import ssl
from collections.abc import Awaitable, Callable

from aiohttp import web

from engine.config import Config, HttpConfig, TlsFiles, is_loopback, parse_listen
from engine.descriptors import accept_backlog
from engine.errors import ConfigError
from engine.service import Service
from engine.transports.http import HttpTransport
from engine.transports.http.webhook import HookError
from engine.web.api import Api
from engine.web.clients import real_client
from engine.web.console import Console
from engine.web.health import RulesStatus, health_report
from engine.web.limits import Limits

__all__ = ["METRICS_CONTENT_TYPE", "HttpEndpoint", "start_http"]

log = logging.getLogger(__name__)

METRICS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


class HttpEndpoint:
    """The HTTP side of one engine: ``start(host, port)`` (port 0: any free one), ``stop()``."""

    def __init__(
        self,
        service: Service,
        *,
        config: Config | None = None,
        reloader: RulesStatus | None = None,
    ) -> None:
        self.service = service
        self.config = config
        self.reloader = reloader
        self.host = "127.0.0.1"
        self.port = 0
        http = config.http if config is not None else HttpConfig()
        self.tls = http.tls
        self.limits = Limits(http.max_connections, http.request_timeout)
        self.app = web.Application(middlewares=[self.limits.middleware])
        if http.trusted_proxies:  # request.remote: the client behind the reverse proxy
            self.app.middlewares.append(real_client(http.trusted_proxies))
        self.app.router.add_get("/health", self.health)
        self.app.router.add_get("/metrics", self.metrics)
        self.app.router.add_post("/hooks/{connector}", self.hook)
        api = Api(service, config, reloader)
        api.add_to(self.app)
        self.console = Console(api, config, tls=self.tls is not None, idle=http.request_timeout)
        self.console.add_to(self.app)
        self._runner: web.AppRunner | None = None
        self._server: asyncio.Server | None = None

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        scheme = "https" if self.tls is not None else "http"
        return f"{scheme}://{host}:{self.port}"

    async def _make_runner(self) -> web.AppRunner:
        runner = web.AppRunner(
            self.app,
            access_log=None,
            handle_signals=False,
            shutdown_timeout=1.0,
            keepalive_timeout=self.limits.request_timeout,
        )
        await runner.setup()
        return runner

    async def start_unix(self, path: str) -> None:
        """Serve on the Unix socket ``path`` instead (a worker's private HTTP, in a folder of
        mode 0700: ``engine.workers``), without TLS."""
        runner = await self._make_runner()
        assert runner.server is not None
        factory = self.limits.wrap(runner.server)
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)  # left by a worker that was killed
        try:
            server = await asyncio.get_running_loop().create_unix_server(factory, path)
        except OSError as exc:
            await runner.cleanup()
            reason = (exc.strerror or str(exc)).lower()
            raise ConfigError(f"cannot listen on {path}: {reason}") from exc
        os.chmod(path, 0o600)
        self._runner, self._server = runner, server
        self.host, self.port = path, 0

    async def start(self, host: str = "127.0.0.1", port: int = 8080) -> None:
        context = tls_context(self.tls) if self.tls is not None else None
        runner = await self._make_runner()
        assert runner.server is not None
        factory = self.limits.wrap(runner.server)
        try:
            server = await asyncio.get_running_loop().create_server(
                factory, host, port, ssl=context, backlog=accept_backlog()
            )
        except OSError as exc:
            await runner.cleanup()
            raise ConfigError(
                f"cannot serve /health and /metrics on {host}:{port}: "
                f"{(exc.strerror or str(exc)).lower()}; change http.listen in twoway.yaml"
            ) from exc
        self._runner, self._server = runner, server
        self.host = host
        self.port = int(server.sockets[0].getsockname()[1])

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()  # no new connections; aiohttp closes the open ones
            self._server = None
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()

    async def health(self, request: web.Request) -> web.Response:
        report = health_report(self.service, config=self.config, reloader=self.reloader)
        return web.json_response(
            report,
            status=200 if report["status"] == "ok" else 503,
            dumps=lambda value: json.dumps(value, indent=2, ensure_ascii=False) + "\n",
        )

    async def hook(self, request: web.Request) -> web.Response:
        """The webhook of an http connector (no bearer token: the provider signs its posts)."""
        name = request.match_info["connector"]
        transport = self.service.transports.get(name)
        if not isinstance(transport, HttpTransport):
            return HookError(404, f"no http connector named '{name}'").response()
        return await transport.handle(request)

    async def metrics(self, request: web.Request) -> web.Response:
        body = await self.service.metrics.exposition()
        return web.Response(body=body, headers={"Content-Type": METRICS_CONTENT_TYPE})


def tls_context(files: TlsFiles) -> ssl.SSLContext:
    """The server side of ``http.tls``: TLS 1.2 or later, the certificate and its key; a file
    that cannot be read or that does not match is a ConfigError naming it."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    for name in (files.cert, files.key):
        try:
            with open(name, "rb"):
                pass
        except FileNotFoundError:
            raise ConfigError(f"http.tls: cannot read {name}: no such file") from None
        except OSError as exc:
            reason = (exc.strerror or str(exc)).lower()
            raise ConfigError(f"http.tls: cannot read {name}: {reason}") from None
    try:
        context.load_cert_chain(files.cert, files.key)
    except (ssl.SSLError, OSError) as exc:
        raise ConfigError(
            f"http.tls: {files.cert} and {files.key} are not a PEM certificate and its "
            f"private key ({getattr(exc, 'reason', None) or exc})"
        ) from None
    return context


async def start_http(
    service: Service, config: Config, reloader: RulesStatus | None = None
) -> Callable[[], Awaitable[None]]:
    """Serve /health and /metrics on ``config.http.listen``; return the function that stops it."""
    endpoint = HttpEndpoint(service, config=config, reloader=reloader)
    host, port = parse_listen(config.http.listen)
    endpoint.console.auth.first_start()  # the token file before the port opens
    await endpoint.start(host, port)
    log.info("http: /health and /metrics on %s", endpoint.url)
    log.info("http: the REST API on %s/api/v1/ (%d tokens)", endpoint.url, len(config.http.tokens))
    log.info("http: the console on %s/ (%d users)", endpoint.url, len(config.http.users))
    endpoint.console.auth.announce(endpoint.port, "https" if endpoint.tls else "http")
    if not is_loopback(host):
        log.warning(
            "http listens on %s, reachable from the network: /health and /metrics have no "
            "token; keep http.listen on 127.0.0.1 and put a reverse proxy or a firewall rule "
            "in front of it",
            endpoint.url.removeprefix("http://"),
        )
    return endpoint.stop
