"""The web console's test helpers: rules whose messages fall to the inbox, a visitor (an aiohttp
session that keeps the console's cookies on 127.0.0.1) that logs in and posts forms with the
page's CSRF token, and the engine served from a thread of its own for the browser tests."""

from __future__ import annotations

import asyncio
import re
import threading
from collections.abc import Coroutine
from pathlib import Path
from typing import Any, TypeVar

import aiohttp
from yarl import URL

from tests.support.api_engine import Serving, serving
from tests.support.jsonl_client import mo

__all__ = [
    "NUMBER", "ORDER", "RULES", "Background", "Visitor", "csrf_of", "write_order_rules",
    "write_rules",
]  # fmt: skip

T = TypeVar("T")

NUMBER = "36111"
RULES = """\
number: "36111"
autoreply:
  - keyword: HOURS
    reply: "We are open 9:00-18:00."
  - keyword: [HUMAN, AGENT]
    reply: "A person from our team will text you back."
    handoff: support
  - otherwise:
      reply: "Send HOURS, or HUMAN for a person."
      handoff: reception
"""
ORDER = """\
flow: Order
trigger: {keyword: PIZZA}
start: size
states:
  size:
    say: "Which size: S, M or L?"
    wait:
      - match: "{size:word}"
        say: "Size {size}. Confirm with YES."
        goto: confirm
      - otherwise:
          say: "S, M or L please."
          retries: 1
          then: end
    timeout: {after: 2h, then: forgot}
  confirm:
    wait:
      - when: yes
        say: "Your pizza is on its way."
        end: true
  forgot:
    say: "Your order is cancelled: no size came."
    end: true
"""
"""A flow of three states (``size``, ``confirm``, ``forgot``): the rules page draws it, the
simulator talks to it and moves its clock past its timeout."""
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def write_rules(folder: Path) -> Path:
    """A rules folder: HUMAN goes to the team ``support``, anything unknown to ``reception``."""
    rules = folder / "rules"
    rules.mkdir()
    (rules / "desk.yaml").write_text(RULES, encoding="utf-8")
    return rules


def write_order_rules(folder: Path) -> Path:
    """``write_rules`` and the ``Order`` flow (``order.yaml``)."""
    rules = write_rules(folder)
    (rules / "order.yaml").write_text(ORDER, encoding="utf-8")
    return rules


def csrf_of(page: str) -> str:
    found = CSRF.search(page)
    assert found is not None, page
    return found[1]


class Visitor:
    """One browser's worth of cookies against the console at ``url``; redirects not followed;
    ``headers`` sent with every request (``X-Forwarded-For``, as a reverse proxy adds it)."""

    def __init__(self, url: str, headers: dict[str, str] | None = None) -> None:
        self.url = url
        self.session = aiohttp.ClientSession(
            cookie_jar=aiohttp.CookieJar(unsafe=True), headers=headers
        )
        self.set_cookies: list[str] = []
        """The ``Set-Cookie`` headers of the last answer."""

    async def close(self) -> None:
        await self.session.close()

    async def get(self, path: str, **kw: Any) -> tuple[int, dict[str, str], str]:
        async with self.session.get(self.url + path, allow_redirects=False, **kw) as r:
            self.set_cookies = r.headers.getall("Set-Cookie", [])
            return r.status, dict(r.headers), await r.text()

    async def post(
        self, path: str, data: dict[str, str], **kw: Any
    ) -> tuple[int, dict[str, str], str]:
        async with self.session.post(self.url + path, data=data, allow_redirects=False, **kw) as r:
            self.set_cookies = r.headers.getall("Set-Cookie", [])
            return r.status, dict(r.headers), await r.text()

    async def form(self, page: str, action: str, **fields: str) -> tuple[int, dict[str, str], str]:
        """Post ``fields`` to ``action`` with the CSRF token of the page at ``page``."""
        status, _, body = await self.get(page)
        assert status == 200, (status, body)
        return await self.post(action, {"csrf": csrf_of(body), **fields})

    def cookies(self) -> dict[str, str]:
        found = self.session.cookie_jar.filter_cookies(URL(self.url))
        return {name: cookie.value for name, cookie in found.items()}

    async def login(self, **fields: str) -> tuple[int, dict[str, str], str]:
        """Log in with ``name`` and ``password``, or ``token``; the answer to the POST."""
        return await self.form("/login", "/login", **fields)


class Background:
    """``serving`` (a real ``twoway run`` and its jsonl client) on an event loop in a thread of
    its own, for the browser tests: playwright's sync API holds this thread's loop."""

    def __init__(self, *args: Any, **kw: Any) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self._context = serving(*args, **kw)
        self.serving: Serving | None = None

    def call(self, work: Coroutine[Any, Any, T], timeout: float = 60) -> T:
        """Run ``work`` on the engine's loop; its result."""
        return asyncio.run_coroutine_threadsafe(work, self.loop).result(timeout)

    def __enter__(self) -> Serving:
        self.thread.start()
        self.serving = self.call(self._context.__aenter__())
        return self.serving

    def __exit__(self, *exc: object) -> None:
        try:
            self.call(self._context.__aexit__(None, None, None))
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(10)
            self.loop.close()


async def handed(desk: Serving, mo_id: str, phone: str, text: str) -> None:
    """An MO from ``phone``, committed (acknowledged) and so in the inbox if no rule answers."""
    desk.client.send(mo(mo_id, phone, text))
    assert (await desk.client.answer(mo_id))["type"] == "ack"
