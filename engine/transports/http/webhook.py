"""Own the inbound webhook of an http connector (``POST /hooks/{connector}``): the body read as
a form or JSON, its signature checked, its fields mapped, then an MO committed or a delivery
report recorded before the provider gets its 200.

Every refusal is an RFC 9457 problem document naming what is wrong: 400 a body or field that
cannot be taken, 403 a bad signature (nothing is stored), 409 a provider id already used for
another message, 413 a body over 64 KiB, 415 a content type that is neither form nor JSON, 503
the store cannot write or the engine is stopping (the provider retries). A bad body is never a
5xx: only a failure nobody foresaw (a bug) is a 500, whose traceback is logged (once a minute
at most), never answered. The signature's secret never appears in a log or an answer.
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import web

from engine.core.clock import Clock
from engine.core.messages import Inbound, normalize_address, unicode_problem
from engine.core.records import Received
from engine.errors import InvalidMessage, StoreError
from engine.logs import Repeated
from engine.transports.http import settings as hs
from engine.transports.http.signature import GENERIC_HEADER, TWILIO_HEADER, verify
from engine.types import Receipt

__all__ = ["MAX_BODY", "MAX_ID", "HookError", "Post", "Webhook", "read_post"]

log = logging.getLogger("engine.transports.http")

MAX_BODY = 64 * 1024
"""Bytes of a webhook's body at most."""
MAX_ID = 256
"""Characters of a provider id at most."""
MAX_FIELDS = 1_000
"""Form fields of one post at most."""

TITLES = {
    400: "Bad request",
    403: "Forbidden",
    404: "Not found",
    409: "Conflict",
    413: "Content too large",
    415: "Unsupported media type",
    500: "Internal server error",
    503: "Service unavailable",
}


class HookError(Exception):
    """A post the webhook refuses: its status and the reason the provider is told."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status, self.detail = status, detail

    def response(self) -> web.Response:
        body = {"type": "about:blank", "title": TITLES.get(self.status, "Error"),
                "status": self.status, "detail": self.detail}  # fmt: skip
        return web.json_response(body, status=self.status, content_type="application/problem+json")


@dataclass(frozen=True, slots=True)
class Post:
    """A webhook's body: the raw bytes, the form parameters (None for JSON) and the values."""

    raw: bytes
    form: tuple[tuple[str, str], ...] | None
    data: dict[str, Any]


async def read_post(request: web.Request) -> Post:
    """The body as a form or a JSON object, or HookError (413, 415, 400)."""
    length = request.content_length
    if (length or 0) > MAX_BODY:
        raise HookError(413, f"the body is over {MAX_BODY} bytes")
    if length is not None:  # the usual case: a length the server reads no further than
        raw = await request.read()
    else:  # chunked: read it up to the limit
        raw = b""
        async for chunk in request.content.iter_chunked(16 * 1024):
            raw += chunk
            if len(raw) > MAX_BODY:
                raise HookError(413, f"the body is over {MAX_BODY} bytes")
    kind = request.content_type
    if kind == "application/x-www-form-urlencoded":
        try:
            text = raw.decode("utf-8")
            pairs = parse_qsl(
                text, keep_blank_values=True, errors="strict", max_num_fields=MAX_FIELDS
            )
        except UnicodeDecodeError:
            raise HookError(400, "the form is not UTF-8 text") from None
        except ValueError:
            raise HookError(400, f"the form has more than {MAX_FIELDS} fields") from None
        data: dict[str, Any] = {}
        for name, value in pairs:
            data.setdefault(name, value)
        return Post(raw, tuple(pairs), data)
    if kind == "application/json" or kind.endswith("+json"):
        try:
            value = json.loads(raw.decode("utf-8"))
        except UnicodeDecodeError:
            raise HookError(400, "the body is not UTF-8 text") from None
        except RecursionError:
            raise HookError(400, "the body is JSON nested too deeply") from None
        except ValueError as exc:
            raise HookError(400, f"the body is not JSON: {exc}") from None
        if not isinstance(value, dict):
            raise HookError(400, "the body must be a JSON object")
        return Post(raw, None, value)
    raise HookError(
        415, "send application/x-www-form-urlencoded or application/json, not " + (kind or "none")
    )


def _lookup(data: dict[str, Any], path: str) -> Any:
    """``data[path]``, else the dotted path into nested objects (``message.id``); None if absent."""
    if path in data:
        return data[path]
    value: Any = data
    for part in path.split("."):
        if isinstance(value, dict) and part in value:
            value = value[part]
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return None
    return value


def _text(data: dict[str, Any], path: str, *, required: bool = True, empty: bool = False) -> str:
    """The string at ``path`` (an integer is taken as its digits), or HookError naming it."""
    value = _lookup(data, path)
    if value is None:
        if required:
            raise HookError(400, f"missing '{path}'")
        return ""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise HookError(400, f"'{path}' must be a string, not {_kind(value)}")
    problem = unicode_problem(path, value)
    if problem is not None:
        raise HookError(400, problem)
    if not empty and not value.strip():
        raise HookError(400, f"'{path}' must not be empty")
    return value


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    return {bool: "a boolean", float: "a number", list: "a list", dict: "an object"}.get(
        type(value), type(value).__name__
    )


_KINDS = {403: "webhook_signature", 500: "webhook_failed", 503: "webhook_unavailable"}
"""The kind of a refused post by its status (``/metrics``); any other is ``webhook_invalid``."""

Commit = Callable[[Inbound], Awaitable[object]]
Record = Callable[[Receipt], Awaitable[None]]


class Webhook:
    """The webhook of one connector; ``handle`` is its aiohttp handler."""

    def __init__(
        self, name: str, settings: hs.Inbound, clock: Clock, commit: Commit, record: Record
    ) -> None:
        self.name = name
        self.settings = settings
        self.clock = clock
        self.commit = commit
        """Commits an MO (``Service.receive``); returns once durable."""
        self.record = record
        """Records one delivery report (batched with the others); returns once durable."""
        self._repeated = Repeated(log)
        self.refused: Counter[str] = Counter()
        """Posts refused since the start, by kind (``webhook_signature``, …)."""

    async def handle(self, request: web.Request) -> web.Response:
        response = await self._handle(request)
        if response.status >= 300:
            self.refused[_KINDS.get(response.status, "webhook_invalid")] += 1
        return response

    async def _handle(self, request: web.Request) -> web.Response:
        try:
            post = await read_post(request)
            self._check_signature(request, post)
            if self.is_report(post.data):
                await self._report(post.data)
            else:
                await self._mo(post.data)
        except HookError as error:
            return error.response()
        except Exception as exc:  # a bug, not the post: its traceback once a minute at most
            if self._repeated.error("bug", "http %s: a webhook post failed: %r", self.name, exc):
                log.error("http %s: where the webhook post failed", self.name, exc_info=True)
            detail = "the post could not be handled; see the engine's log"
            return HookError(500, detail).response()
        content_type, body = self.settings.answer
        return web.Response(text=body, content_type=content_type)

    def is_report(self, data: dict[str, Any]) -> bool:
        """A delivery report has a status and no text (Twilio's MO webhooks may carry a status,
        ``received``, beside their ``Body``); anything else is an MO."""
        names = self.settings.fields
        return _lookup(data, names.status) not in (None, "") and _lookup(data, names.text) is None

    def signed_url(self, request: web.Request) -> str:
        """The URL the provider signed: ``public_url`` (with the request's query), else the
        URL as this server saw it."""
        public = self.settings.public_url
        if public is None:
            return f"{request.scheme}://{request.host}{request.raw_path}"
        query = request.raw_path.partition("?")[2]  # as sent, percent-escapes and all
        return f"{public}?{query}" if query else public

    def _check_signature(self, request: web.Request, post: Post) -> None:
        kind = self.settings.signature
        header = TWILIO_HEADER if kind == "twilio" else GENERIC_HEADER
        given = request.headers.get(header)
        form: Sequence[tuple[str, str]] | None = post.form
        if verify(kind, self.settings.secret, given, self.signed_url(request), form, post.raw):
            return
        self._repeated.warning(
            "signature",
            "http %s: refused a webhook post from %s: %s",
            self.name,
            request.remote,
            "bad signature" if given else f"no {header} header",
        )
        raise HookError(403, f"the {header} header does not sign this request")

    async def _mo(self, data: dict[str, Any]) -> None:
        names = self.settings.fields
        provider_id = _text(data, names.id)
        if len(provider_id) > MAX_ID:
            raise HookError(400, f"'{names.id}' is longer than {MAX_ID} characters")
        message = Inbound(
            sender=normalize_address(_text(data, names.sender)),
            recipient=normalize_address(_text(data, names.recipient)),
            text=_text(data, names.text, required=False, empty=True),
            received_at=self.clock.now(),
            transport=self.name,
            external_id=provider_id,
        )
        try:
            received = await self.commit(message)
        except InvalidMessage as exc:
            raise HookError(400, str(exc)) from None
        except (StoreError, RuntimeError) as exc:
            self._repeated.warning("commit", "http %s: MO not committed: %s", self.name, exc)
            raise HookError(503, f"the message was not taken ({exc}); post it again") from None
        if isinstance(received, Received) and received.conflict:
            log.warning(
                "http %s: provider id %r came again with another sender, recipient or text: "
                "refused; the first message with that id is kept",
                self.name,
                provider_id,
            )
            raise HookError(409, f"id {provider_id!r} was already used for another message")

    async def _report(self, data: dict[str, Any]) -> None:
        names = self.settings.fields
        provider_id = _text(data, names.id)
        if len(provider_id) > MAX_ID:
            raise HookError(400, f"'{names.id}' is longer than {MAX_ID} characters")
        word = _text(data, names.status)
        statuses = self.settings.statuses
        status = statuses.get(word) or statuses.get(word.lower()) or "sent"
        error = _text(data, names.error, required=False, empty=True)[:MAX_ID] or None
        try:
            await self.record((provider_id, status, error))
        except (StoreError, RuntimeError) as exc:
            self._repeated.warning("report", "http %s: report not recorded: %s", self.name, exc)
            raise HookError(503, f"the report was not recorded ({exc}); post it again") from None
