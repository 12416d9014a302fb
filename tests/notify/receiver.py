"""A subscriber of event notifications for the tests: an aiohttp server on a free 127.0.0.1 port
that keeps every post (headers and raw body) and answers the status it is told to."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aiohttp import web

from tests.support.jsonl_peer import free_port

HOST = "127.0.0.1"
WAIT = 60.0
"""Seconds before a test gives up waiting: a bound on a hung test, not a timing."""


@dataclass(frozen=True)
class Post:
    headers: dict[str, str]
    body: bytes
    status: int
    """What the receiver answered."""

    @property
    def json(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(self.body)
        return data


class Receiver:
    """``await start()`` to listen (on ``port``, chosen free at creation), ``stop()`` to stop."""

    def __init__(self, status: int = 200, port: int | None = None) -> None:
        self.port = port or free_port()
        self.status = status
        self.posts: list[Post] = []
        self._arrived = asyncio.Event()
        self._runner: web.AppRunner | None = None

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}/hooks/twoway"

    async def start(self) -> Receiver:
        app = web.Application()
        app.router.add_post("/hooks/twoway", self._take)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, HOST, self.port).start()
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _take(self, request: web.Request) -> web.Response:
        body = await request.read()
        self.posts.append(Post(dict(request.headers), body, self.status))
        self._arrived.set()
        return web.Response(status=self.status, text="ok")

    def delivered(self, type_: str | None = None) -> list[Post]:
        """The posts answered 2xx (of event ``type_``)."""
        return [
            p
            for p in self.posts
            if 200 <= p.status < 300 and (type_ is None or p.json["type"] == type_)
        ]

    async def wait_for(self, predicate: Callable[[], bool], timeout: float = WAIT) -> None:
        async with asyncio.timeout(timeout):
            while not predicate():
                self._arrived.clear()
                await self._arrived.wait()


def notify_section(url: str, events: list[str], secret: str = "env:TWOWAY_NOTIFY_SECRET") -> str:
    """The ``notify:`` lines of a twoway.yaml."""
    return f"notify:\n  - url: {url}\n    events: [{', '.join(events)}]\n    secret: {secret}\n"


def add_notify(config: Path, section: str) -> Path:
    config.write_text(config.read_text(encoding="utf-8") + section, encoding="utf-8")
    return config


RULES = {
    "settings.yaml": """settings:
  language: en
  timezone: Europe/Paris
  opt_out: "You are unsubscribed. Reply START to subscribe again."
  opt_in: "You are subscribed again."
  help: "AGENT to talk to a person. STOP to unsubscribe."
""",
    "agent.yaml": """description: A person on request
autoreply:
  - keyword: AGENT
    reply: "A person will answer you soon."
    handoff: support
""",
}


def write_rules(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in RULES.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder
