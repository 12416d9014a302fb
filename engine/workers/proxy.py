"""Own the forwarding of the supervisor's HTTP to worker 1 (the front worker): the REST API,
the console (its Server-Sent Events stream too) and the providers' webhooks.

The request goes on to the worker's private socket as it came (method, path, query, headers
but the hop-by-hop ones, the body streamed), with ``X-Forwarded-For`` set to the client's
address by the supervisor (whatever the client wrote there is replaced); the answer comes back
streamed as it is made. When worker 1 is not there, the answer is 503 with ``Retry-After`` and
a problem body, never a traceback.
"""

from __future__ import annotations

import json
import logging

import aiohttp
from aiohttp import web

from engine.web.clients import FORWARDED_FOR
from engine.workers.client import BASE, WorkerClient

__all__ = ["RETRY_AFTER", "forward", "unavailable"]

log = logging.getLogger("twoway.workers")

RETRY_AFTER = 2
"""Seconds a client is told to wait while worker 1 is (re)starting."""

HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "host",
        "x-forwarded-for",
    }
)

_STREAMING = aiohttp.ClientTimeout(total=None, connect=5.0, sock_connect=5.0, sock_read=None)
"""No limit on a forwarded answer's length: the console's live stream stays open for hours."""


async def forward(request: web.Request, client: WorkerClient) -> web.StreamResponse:
    """``request`` answered by the worker behind ``client``."""
    headers = {k: v for k, v in request.headers.items() if k.lower() not in HOP_BY_HOP}
    headers[FORWARDED_FOR] = request.remote or ""
    body = request.content if request.body_exists else None
    try:
        upstream = await client.session.request(
            request.method,
            BASE + request.rel_url.raw_path_qs,
            headers=headers,
            data=body,
            allow_redirects=False,
            timeout=_STREAMING,
        )
    except (aiohttp.ClientError, OSError) as exc:
        log.debug("proxy: worker 1 cannot be reached: %s", exc)
        return unavailable("worker 1, which serves the API and console, is restarting")
    try:
        return await _relay(request, upstream)
    finally:
        upstream.release()


async def _relay(request: web.Request, upstream: aiohttp.ClientResponse) -> web.StreamResponse:
    response = web.StreamResponse(status=upstream.status, reason=upstream.reason)
    for key, value in upstream.headers.items():
        if key.lower() not in HOP_BY_HOP:
            response.headers.add(key, value)
    await response.prepare(request)
    try:
        async for chunk in upstream.content.iter_any():
            await response.write(chunk)
    except (aiohttp.ClientError, OSError) as exc:  # the worker went away mid-answer
        log.debug("proxy: the answer of worker 1 was cut: %s", exc)
        return response
    await response.write_eof()
    return response


def unavailable(detail: str) -> web.Response:
    """503, ``Retry-After``, an RFC 9457 problem body."""
    body = {"type": "about:blank", "title": "Service Unavailable", "status": 503, "detail": detail}
    return web.Response(
        status=503,
        text=json.dumps(body) + "\n",
        content_type="application/problem+json",
        headers={"Retry-After": str(RETRY_AFTER)},
    )
