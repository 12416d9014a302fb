"""Own the engine's HTTP endpoint (aiohttp): ``/health``, ``/metrics`` and the REST API.

``/health`` and ``/metrics`` answer without a token, so ``http.listen`` is on loopback
(127.0.0.1:8080) by default; the REST API (``/api/v1/``, engine.web.api) requires one of
``http.tokens``.
"""

from engine.web.health import health_report
from engine.web.server import HttpEndpoint, start_http

__all__ = ["HttpEndpoint", "health_report", "start_http"]
