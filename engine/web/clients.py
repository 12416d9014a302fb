"""Own who an HTTP request comes from: the client's address, seen through the reverse proxies
that ``http.trusted_proxies`` names.

Behind a reverse proxy (nginx, Caddy, HAProxy, Traefik) every request comes from the proxy's
address: the console's log-in throttling would then count every person's failures together,
and one stranger's guesses would lock everyone out. A proxy says who it served in the
``X-Forwarded-For`` header, adding its client's address at the right of what came before it.
Only what a trusted proxy wrote is believed: from the right, the addresses of trusted proxies
are passed over, and the first one that is not trusted is the client. Whatever a client writes
in that header itself stands at the left of it and is never reached, unless the client is itself
a trusted proxy. A request that does not come from a trusted proxy keeps its own address,
whatever its headers say; so does every request when no proxy is trusted (the default).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Awaitable, Callable, Sequence

from aiohttp import web
from aiohttp.typedefs import Middleware

from engine.config import Network

__all__ = ["FORWARDED_FOR", "Networks", "client_address", "real_client"]

FORWARDED_FOR = "X-Forwarded-For"

Networks = tuple[Network, ...]
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    text = text.strip()
    if text.startswith("[") and "]" in text:  # [2001:db8::1]:443, as some proxies write it
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # 203.0.113.9:51234
        text = text.partition(":")[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    mapped = getattr(address, "ipv4_mapped", None)  # ::ffff:203.0.113.9 is 203.0.113.9
    return mapped if mapped is not None else address


def _trusted(address: ipaddress.IPv4Address | ipaddress.IPv6Address, trusted: Networks) -> bool:
    return any(address.version == net.version and address in net for net in trusted)


def client_address(remote: str | None, forwarded: Sequence[str], trusted: Networks) -> str | None:
    """The client of a request that came from ``remote`` with the ``X-Forwarded-For`` headers
    ``forwarded`` (each a comma-separated list), through the ``trusted`` proxies."""
    peer = _address(remote) if remote else None
    if peer is None or not _trusted(peer, trusted):
        return remote
    hops = [hop for header in forwarded for hop in header.split(",")]
    client = peer
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:  # what a trusted proxy wrote is unreadable: the proxy it came from
            break
        client = address
        if not _trusted(address, trusted):
            break
    return str(client)


def real_client(trusted: Networks) -> Middleware:
    """The middleware that gives each request its client's address as ``request.remote``."""

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        forwarded = request.headers.getall(FORWARDED_FOR, [])
        if forwarded:
            client = client_address(request.remote, forwarded, trusted)
            if client is not None and client != request.remote:
                request = request.clone(remote=client)
        return await handler(request)

    return middleware
