"""The client's address behind the reverse proxies of ``http.trusted_proxies``: what a trusted
proxy wrote in ``X-Forwarded-For`` is believed, from the right; nothing else is."""

from __future__ import annotations

import ipaddress

import pytest

from engine.web.clients import client_address

PROXIES = (ipaddress.ip_network("127.0.0.1/32"), ipaddress.ip_network("10.0.0.0/8"),
           ipaddress.ip_network("::1/128"))  # fmt: skip


@pytest.mark.parametrize(
    ("remote", "forwarded", "client"),
    [
        # nginx on the same host: proxy_add_x_forwarded_for appends its client
        ("127.0.0.1", ["203.0.113.9"], "203.0.113.9"),
        # what the client wrote itself stands at the left, and is never reached
        ("127.0.0.1", ["198.51.100.1, 203.0.113.9"], "203.0.113.9"),
        ("127.0.0.1", ["1.1.1.1", "203.0.113.9"], "203.0.113.9"),  # the header twice
        # two trusted proxies: a load balancer (10.0.0.5) in front of nginx
        ("127.0.0.1", ["203.0.113.9, 10.0.0.5"], "203.0.113.9"),
        # only trusted proxies: the left-most is the client
        ("127.0.0.1", ["10.1.2.3, 10.0.0.5"], "10.1.2.3"),
        # not from a trusted proxy: the header is not believed
        ("192.0.2.7", ["203.0.113.9"], "192.0.2.7"),
        # unreadable where a trusted proxy wrote: the proxy that passed it on
        ("127.0.0.1", ["203.0.113.9, unknown, 10.0.0.5"], "10.0.0.5"),
        ("127.0.0.1", ["unknown"], "127.0.0.1"),
        ("127.0.0.1", [""], "127.0.0.1"),
        # ports and brackets, as some proxies write them; IPv6; an IPv4-mapped peer
        ("127.0.0.1", ["203.0.113.9:51234"], "203.0.113.9"),
        ("::1", ["[2001:db8::7]:443"], "2001:db8::7"),
        ("::1", ["2001:db8::7"], "2001:db8::7"),
        ("::ffff:127.0.0.1", ["203.0.113.9"], "203.0.113.9"),
        # no address at all (a Unix socket): as it came
        (None, ["203.0.113.9"], None),
        ("", ["203.0.113.9"], ""),
    ],
)
def test_the_client_behind_trusted_proxies(
    remote: str | None, forwarded: list[str], client: str | None
) -> None:
    assert client_address(remote, forwarded, PROXIES) == client


def test_without_trusted_proxies_the_header_is_never_believed() -> None:
    assert client_address("127.0.0.1", ["203.0.113.9"], ()) == "127.0.0.1"
