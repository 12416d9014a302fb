"""A fake SMS provider for the http connector's tests and bench: Twilio's Messages API and a
generic JSON one on 127.0.0.1, and the provider's side of the engine's webhook.

It accepts sends (``POST /2010-04-01/Accounts/{sid}/Messages.json`` as a form,
``POST /v1/messages`` as JSON), honours ``Idempotency-Key`` (the same key gets the same id, no
second message), records every message it took, can be told to answer the next sends with an
error (``fail_next``), posts the status callbacks of what it took (``callbacks``: ``delivered``
to each send's ``StatusCallback``), and posts MOs and statuses, Twilio-signed, to the engine.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import hmac
import itertools
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import aiohttp
from aiohttp import web

from tests.support.jsonl_peer import free_port

HOST = "127.0.0.1"
ACCOUNT = "AC0123456789abcdef0123456789abcdef"
AUTH_TOKEN = "twilio-auth-t0ken-5ecret"


def twilio_signature(token: str, url: str, params: dict[str, str]) -> str:
    """Twilio's X-Twilio-Signature, written here from Twilio's documentation (not the engine's
    code): base64 HMAC-SHA1 of the URL followed by each name and value, sorted by name."""
    text = url + "".join(name + params[name] for name in sorted(params))
    return base64.b64encode(hmac.new(token.encode(), text.encode(), hashlib.sha1).digest()).decode()


@dataclass
class Taken:
    """One message the provider took."""

    sid: str
    key: str | None
    to: str
    sender: str
    text: str
    at: float
    reference: str | None = None
    """The ``reference`` field of a generic JSON send."""


@dataclass
class FakeProvider:
    """``start()``, then ``url`` is its root; ``messages`` what it took, once per key."""

    account: str = ACCOUNT
    token: str = AUTH_TOKEN
    callbacks: bool = False
    """Post ``delivered`` to each send's ``StatusCallback`` once it is taken."""
    messages: list[Taken] = field(default_factory=list)
    requests: int = 0
    """Every send request, replays and refusals included."""
    fail_next: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    """Answers (status, JSON body) for the next sends, in order."""
    keys: list[str | None] = field(default_factory=list)
    """The Idempotency-Key of every send request."""
    port: int = 0

    def __post_init__(self) -> None:
        self._by_key: dict[str, Taken] = {}
        self._sids = itertools.count(1)
        self._runner: web.AppRunner | None = None
        self._session: aiohttp.ClientSession | None = None
        self._tasks: set[asyncio.Task[Any]] = set()
        self.callback_answers: list[int] = []
        self.arrived: asyncio.Event | None = None

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/2010-04-01/Accounts/{sid}/Messages.json", self._twilio)
        app.router.add_post("/v1/messages", self._generic)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        self.port = self.port or free_port()
        await web.TCPSite(self._runner, HOST, self.port).start()
        self._session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=200))
        self.arrived = asyncio.Event()

    async def aclose(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._session is not None:
            await self._session.close()
        if self._runner is not None:
            await self._runner.cleanup()

    # --- the API ---------------------------------------------------------------------------

    def _take(self, key: str | None, to: str, sender: str, text: str) -> tuple[Taken, bool]:
        if key is not None and key in self._by_key:
            return self._by_key[key], False
        taken = Taken(f"SM{next(self._sids):032x}", key, to, sender, text, time.monotonic())
        if key is not None:
            self._by_key[key] = taken
        self.messages.append(taken)
        assert self.arrived is not None
        self.arrived.set()
        return taken, True

    def _refusal(self, request: web.Request) -> web.Response | None:
        self.requests += 1
        self.keys.append(request.headers.get("Idempotency-Key"))
        if self.fail_next:
            status, body = self.fail_next.pop(0)
            return web.json_response(body, status=status)
        return None

    async def _twilio(self, request: web.Request) -> web.Response:
        if (refusal := self._refusal(request)) is not None:
            return refusal
        expected = base64.b64encode(f"{self.account}:{self.token}".encode()).decode()
        if request.headers.get("Authorization") != f"Basic {expected}":
            return web.json_response({"code": 20003, "message": "Authenticate"}, status=401)
        form = await request.post()
        taken, new = self._take(
            request.headers.get("Idempotency-Key"),
            str(form.get("To", "")),
            str(form.get("From", "")),
            str(form.get("Body", "")),
        )
        callback = form.get("StatusCallback")
        if new and self.callbacks and callback:
            self._later(self.post_status(str(callback), taken.sid, "delivered"))
        return web.json_response({"sid": taken.sid, "status": "queued"}, status=201)

    async def _generic(self, request: web.Request) -> web.Response:
        if (refusal := self._refusal(request)) is not None:
            return refusal
        body = await request.json()
        taken, new = self._take(
            request.headers.get("Idempotency-Key"), body["to"], body["from"], body["text"]
        )
        if new:
            taken.reference = body.get("reference")
        return web.json_response({"id": taken.sid}, status=200)

    def _later(self, work: Any) -> None:
        task = asyncio.get_running_loop().create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    # --- posting to the engine --------------------------------------------------------------

    async def post_form(
        self, url: str, params: dict[str, str], *, signature: str | None = None
    ) -> tuple[int, str]:
        """Post ``params`` to the webhook at ``url``, signed like Twilio (or with
        ``signature``); return the status and the body."""
        assert self._session is not None
        signed = signature or twilio_signature(self.token, url, params)
        headers = {"X-Twilio-Signature": signed}
        async with self._session.post(url, data=params, headers=headers) as answer:
            return answer.status, await answer.text()

    async def post_mo(
        self, url: str, sid: str, sender: str, to: str, text: str, **kw: Any
    ) -> tuple[int, str]:
        params = {"MessageSid": sid, "SmsSid": sid, "AccountSid": self.account, "From": sender,
                  "To": to, "Body": text, "NumSegments": "1", "NumMedia": "0",
                  "SmsStatus": "received"}  # fmt: skip
        return await self.post_form(url, params, **kw)

    async def post_status(self, url: str, sid: str, status: str) -> int:
        params = {"MessageSid": sid, "SmsSid": sid, "AccountSid": self.account,
                  "MessageStatus": status, "SmsStatus": status}  # fmt: skip
        if status in ("failed", "undelivered"):
            params["ErrorCode"] = "30003"
        for _ in range(50):  # the engine may be restarting: a provider tries again
            with contextlib.suppress(aiohttp.ClientError):
                code, _ = await self.post_form(url, params)
                self.callback_answers.append(code)
                if code == 200:
                    return code
            await asyncio.sleep(0.1)
        return 0

    async def wait_for(self, condition: Callable[[], bool], timeout: float = 30.0) -> None:
        """Until ``condition()`` holds, woken by each message taken; AssertionError after
        ``timeout`` s."""
        deadline = time.monotonic() + timeout
        while not condition():
            left = deadline - time.monotonic()
            assert left > 0, f"not reached in {timeout} s: {len(self.messages)} messages taken"
            assert self.arrived is not None
            self.arrived.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.arrived.wait(), min(left, 0.5))


def write_http_config(
    workdir: Path,
    rules: Path,
    provider: FakeProvider,
    *,
    name: str = "tw",
    http_port: int | None = None,
    status_callback: bool = True,
    extra: dict[str, Any] | None = None,
    more: dict[str, dict[str, Any]] | None = None,
) -> tuple[Path, str]:
    """A twoway.yaml with one twilio-preset http connector ``name`` sending to ``provider``;
    the auth token read from ``TWILIO_AUTH_TOKEN`` (set it). Return the file and the webhook's
    URL (also its ``public_url``). ``more``: other connectors, each with a number of its own
    (``36112``, ``36113``, …)."""
    port = http_port or free_port()
    hook = f"http://{HOST}:{port}/hooks/{name}"
    connector = {
        "type": "http",
        "preset": "twilio",
        "account_sid": provider.account,
        "auth_token": "env:TWILIO_AUTH_TOKEN",
        "base_url": provider.url,
        "public_url": hook,
        "status_callback": status_callback,
        **(extra or {}),
    }
    config: dict[str, Any] = {
        "store": str(workdir / "twoway.db"),
        "rules": str(rules),
        "http": {"listen": f"{HOST}:{port}", "max_connections": 1000},
        "connectors": {name: connector, **(more or {})},
        "numbers": {"36111": {"connector": name, "kind": "short_code"}},
    }
    for number, other in enumerate(more or {}, 36112):
        config["numbers"][str(number)] = {"connector": other, "kind": "short_code"}
    path = workdir / "twoway.yaml"
    path.write_text(json.dumps(config, indent=2), encoding="utf-8")  # JSON is YAML
    return path, hook


def form_body(params: dict[str, str]) -> bytes:
    return urlencode(params).encode()
