"""Own the REST API's request handling under ``/api/v1/``: bearer tokens with scopes, bodies,
``Idempotency-Key``, the configured numbers, and every error as an RFC 9457 problem document.

The routes themselves are in ``routes.ROUTES`` (each resource in a module of its own); a handler
is ``async def handler(api: Api, request) -> Response``. Every error under /api/v1, aiohttp's own
404, 405 and 413 too, is a problem document; bad input is never a 5xx. A token is compared in
constant time and never written anywhere: logs and problems name it by its ``name``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from aiohttp import web

from engine.config import ApiToken, Config
from engine.core.messages import normalize_address, unicode_problem
from engine.errors import StoreUnavailable
from engine.ruleset.ruleset import RuleSet
from engine.service import Service
from engine.sms import count_parts
from engine.store import SqliteStore
from engine.store.api import Answer, Idempotency, KeyReused
from engine.web.api.problems import ProblemError, invalid
from engine.web.api.schema import PREFIX, Route, dump
from engine.web.health import RulesStatus

__all__ = ["MAX_BODY", "Api", "reply"]

log = logging.getLogger(__name__)

MAX_BODY = 64 * 1024
"""Bytes of a request body; a bigger one is answered 413."""
KEEP_KEYS = timedelta(hours=24)
"""How long the answer to an ``Idempotency-Key`` is kept."""
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


# --- the API -----------------------------------------------------------------------------------


class Api:
    """The ``/api/v1/`` routes of one engine, added to its aiohttp application."""

    def __init__(
        self, service: Service, config: Config | None, reloader: RulesStatus | None = None
    ) -> None:
        self.service = service
        self.config = config
        self.reloader = reloader
        """What reloads the rules (``engine.reload.Reloader``), when one does: ``GET /rules``."""
        self.tokens: tuple[ApiToken, ...] = config.http.tokens if config is not None else ()
        self.numbers = list(config.numbers) if config is not None else []

    def add_to(self, app: web.Application) -> None:
        from engine.web.api.routes import ROUTES  # the resources import Api: not at the top

        app.middlewares.append(self.middleware)
        for route in ROUTES:
            app.router.add_route(route.method, PREFIX + route.path, self._guard(route))

    @web.middleware
    async def middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        """Every error under /api/v1, aiohttp's own (404, 405, 413) too, as a problem."""
        if request.path != PREFIX and not request.path.startswith(PREFIX + "/"):
            return await handler(request)
        try:
            return await handler(request)
        except ProblemError as problem:
            return problem.response()
        except web.HTTPException as exc:
            if exc.status < 400:
                raise
            detail = f"{request.method} {request.path}: {exc.reason.lower()}"
            response = ProblemError(exc.status, detail).response()
            if "Allow" in exc.headers:  # a 405 says which methods are (RFC 9110)
                response.headers["Allow"] = exc.headers["Allow"]
            return response
        except StoreUnavailable:
            return ProblemError(503, "the store cannot write now; try again later").response()
        except Exception:
            log.exception("api: %s %s failed", request.method, request.path)
            return ProblemError(500, "the request failed; see the engine's log").response()

    def _guard(self, route: Route) -> Handler:
        handler = route.handler
        known = {query.name for query in route.query}

        async def guarded(request: web.Request) -> web.StreamResponse:
            if route.scope is not None:
                request["token"] = self.authorize(request, route.scope)
            if unknown := sorted(set(request.query) - known):
                takes = ", ".join(sorted(known)) or "none"
                raise ProblemError(400, f"unknown query parameter(s): {', '.join(unknown)} "
                                   f"(this route takes: {takes})",
                                   kind="urn:twoway:invalid-request")  # fmt: skip
            response: web.StreamResponse = await handler(self, request)
            return response

        return guarded

    def authorize(self, request: web.Request, scope: str) -> ApiToken:
        scheme, _, given = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not given.strip():
            raise ProblemError(401, "send Authorization: Bearer <token> (one of http.tokens)")
        offered = given.strip().encode()
        found = None
        for token in self.tokens:  # every one compared, in constant time
            if hmac.compare_digest(token.token.encode(), offered):
                found = token
        if found is None:
            raise ProblemError(401, "the bearer token is not one of http.tokens")
        if scope not in found.scopes:
            raise ProblemError(403, f"token '{found.name}' does not have the scope '{scope}'")
        return found

    async def raw_body(self, request: web.Request, most: int = MAX_BODY) -> bytes:
        """The body's bytes; 413 past ``most`` (read no further)."""
        if (request.content_length or 0) > most:
            raise ProblemError(413, f"the body is over {most} bytes")
        chunks: list[bytes] = []
        size = 0
        async for chunk in request.content.iter_chunked(64 * 1024):
            chunks.append(chunk)
            size += len(chunk)
            if size > most:
                raise ProblemError(413, f"the body is over {most} bytes")
        return b"".join(chunks)

    async def body(self, request: web.Request) -> Any:
        raw = await self.raw_body(request)
        try:
            return json.loads(raw.decode("utf-8"))
        except UnicodeDecodeError:
            raise ProblemError(400, "the body is not UTF-8 text") from None
        except json.JSONDecodeError as exc:
            raise ProblemError(400, f"the body is not JSON: {exc}",
                               kind="urn:twoway:invalid-json") from None  # fmt: skip

    def idempotency(self, request: web.Request, data: Any) -> Idempotency | None:
        key = request.headers.get("Idempotency-Key")
        if key is None:
            return None
        if not 1 <= len(key) <= 255 or not key.isprintable():
            raise ProblemError(400, "Idempotency-Key must be 1 to 255 printable characters")
        text = json.dumps([request.method, request.path, data], sort_keys=True)
        since = self.service.clock.now() - KEEP_KEYS
        fingerprint = hashlib.sha256(text.encode()).hexdigest()
        return Idempotency(request["token"].name, key, fingerprint, since)

    def text(self, text: str, pointer: str) -> None:
        """A text a person or a system sends through the API: 400 naming ``pointer`` when it
        holds what no SMS can carry, or needs more than ``settings.max_reply_parts`` parts."""
        if problem := unicode_problem("text", text):
            raise invalid([(pointer, problem)])
        most = self.service.ruleset.settings.max_reply_parts
        if count_parts(text, stop=most + 1) > most:
            raise invalid([(pointer, f"needs more than {most} SMS parts "
                                     "(settings.max_reply_parts)")])  # fmt: skip

    def number(self, given: str | None, pointer: str) -> str:
        if given is None:
            if not self.numbers:
                raise invalid([(pointer, "is required: no number is configured (numbers:)")])
            return self.numbers[0]
        number = normalize_address(given)
        if self.numbers and number not in self.numbers:
            known = ", ".join(self.numbers)
            raise invalid([(pointer, f"{number} is not a configured number ({known})")])
        return number

    def ruleset(self) -> RuleSet:
        """The rule set serving now (a reload swaps it)."""
        return self.service.ruleset

    def store(self) -> SqliteStore:
        store = self.service.store
        if not isinstance(store, SqliteStore) or not self.service.accepting:
            raise ProblemError(503, "the engine is not taking messages (starting or stopping)")
        return store

    async def answer(self, request: web.Request, write: Awaitable[Answer]) -> web.Response:
        try:
            answer = await write
        except KeyReused:
            raise ProblemError(422, "this Idempotency-Key was used for another request",
                               kind="urn:twoway:idempotency-key-reused") from None  # fmt: skip
        if answer.row is not None:  # committed ``sending``: to the outbox now
            self.service.hand_over([answer.row])
        headers = {"Idempotent-Replayed": "true"} if answer.replayed else {}
        return web.json_response(answer.body, status=answer.status, headers=headers)


def reply(body: Any, status: int = 200) -> web.Response:
    """``body`` (a response model, or a list of them) as JSON."""
    return web.json_response(dump(body), status=status)
