"""Own the REST API under ``/api/v1/``: bearer tokens with scopes, RFC 9457 problem documents,
``POST /messages`` and ``POST /flows/{flow}/start`` (each with ``Idempotency-Key``), and
``GET /openapi.json``.

Requests are validated against the JSON Schema of their model (``engine.web.openapi``): every
invalid field is named in the problem's ``errors``. Every error under /api/v1, aiohttp's own 404,
405 and 413 too, is a problem document; bad input is never a 5xx. A token is compared in constant
time and never written anywhere: logs and problems name it by its ``name``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import fields
from datetime import datetime, timedelta
from typing import Any

from aiohttp import web
from jsonschema import Draft202012Validator

from engine.config import ApiToken, Config
from engine.core.messages import Outgoing, normalize_address, unicode_problem
from engine.errors import StoreUnavailable
from engine.service import Service
from engine.sms import count_parts
from engine.store import SqliteStore
from engine.store.api import Answer, Idempotency, KeyReused, OptedOut
from engine.web.openapi import (
    PHONE,
    PREFIX,
    PROBLEM_TYPE,
    ROUTES,
    TITLES,
    Route,
    SendMessage,
    StartFlow,
    openapi,
    schema_of,
)

__all__ = ["MAX_BODY", "Api", "ProblemError", "parse"]

log = logging.getLogger(__name__)

MAX_BODY = 64 * 1024
"""Bytes of a request body; a bigger one is answered 413."""
KEEP_KEYS = timedelta(hours=24)
"""How long the answer to an ``Idempotency-Key`` is kept."""
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class ProblemError(Exception):
    """An API error, answered as a problem document."""

    def __init__(self, status: int, detail: str, *, kind: str = "about:blank", **more: Any):
        super().__init__(detail)
        self.status, self.detail, self.kind, self.more = status, detail, kind, more

    def response(self) -> web.Response:
        body = {"type": self.kind, "title": TITLES.get(self.status, "Error"),
                "status": self.status, "detail": self.detail, **self.more}  # fmt: skip
        headers = {"WWW-Authenticate": 'Bearer realm="twoway"'} if self.status == 401 else {}
        return web.json_response(
            body, status=self.status, content_type=PROBLEM_TYPE, headers=headers
        )


def _invalid(errors: list[tuple[str, str]]) -> ProblemError:
    detail = "; ".join(f"{pointer or '/'}: {text}" for pointer, text in errors)
    listed = [{"pointer": pointer, "detail": text} for pointer, text in errors]
    return ProblemError(400, f"invalid request: {detail}", kind="urn:twoway:invalid-request",
                        errors=listed)  # fmt: skip


def _field_error(error: Any) -> tuple[str, str]:
    path = "".join(f"/{part}" for part in error.absolute_path)
    if error.validator == "required":
        return f"{path}/{error.message.split(chr(39))[1]}", "is required"
    if error.validator == "additionalProperties":
        extra = sorted(set(error.instance) - set(error.schema.get("properties", {})))
        return path, "unknown field(s): " + ", ".join(extra)
    if error.validator == "format":
        return path, "must be an ISO 8601 time with an offset, like 2026-03-02T09:00:00+01:00"
    if error.validator == "pattern":
        return path, f"must be {PHONE}"
    if error.validator == "type":
        return path, f"must be of type {error.validator_value}"
    if error.validator == "minLength":
        return path, "must not be empty"
    return path, str(error.message)


def parse(model: type[Any], data: Any) -> Any:
    """``data`` (JSON) as ``model``, or ProblemError 400 naming every invalid field."""
    validator = Draft202012Validator(
        schema_of(model), format_checker=Draft202012Validator.FORMAT_CHECKER
    )
    errors = sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.absolute_path)))
    if errors:
        raise _invalid([_field_error(e) for e in errors])
    return model(**{f.name: data.get(f.metadata.get("json", f.name)) for f in fields(model)})


# --- the API -----------------------------------------------------------------------------------


class Api:
    """The ``/api/v1/`` routes of one engine, added to its aiohttp application."""

    def __init__(self, service: Service, config: Config | None) -> None:
        self.service = service
        self.config = config
        self.tokens: tuple[ApiToken, ...] = config.http.tokens if config is not None else ()
        self.numbers = list(config.numbers) if config is not None else []

    def add_to(self, app: web.Application) -> None:
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
            return ProblemError(exc.status, detail).response()
        except StoreUnavailable:
            return ProblemError(503, "the store cannot write now; try again later").response()
        except Exception:
            log.exception("api: %s %s failed", request.method, request.path)
            return ProblemError(500, "the request failed; see the engine's log").response()

    def _guard(self, route: Route) -> Handler:
        handler: Handler = getattr(self, route.handler)

        async def guarded(request: web.Request) -> web.StreamResponse:
            if route.scope is not None:
                request["token"] = self.authorize(request, route.scope)
            return await handler(request)

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

    async def _body(self, request: web.Request) -> Any:
        if (request.content_length or 0) > MAX_BODY:
            raise ProblemError(413, f"the body is over {MAX_BODY} bytes")
        raw = b""
        async for chunk in request.content.iter_chunked(16 * 1024):
            raw += chunk
            if len(raw) > MAX_BODY:
                raise ProblemError(413, f"the body is over {MAX_BODY} bytes")
        try:
            return json.loads(raw.decode("utf-8"))
        except UnicodeDecodeError:
            raise ProblemError(400, "the body is not UTF-8 text") from None
        except json.JSONDecodeError as exc:
            raise ProblemError(400, f"the body is not JSON: {exc}",
                               kind="urn:twoway:invalid-json") from None  # fmt: skip

    def _idempotency(self, request: web.Request, data: Any) -> Idempotency | None:
        key = request.headers.get("Idempotency-Key")
        if key is None:
            return None
        if not 1 <= len(key) <= 255 or not key.isprintable():
            raise ProblemError(400, "Idempotency-Key must be 1 to 255 printable characters")
        text = json.dumps([request.method, request.path, data], sort_keys=True)
        since = self.service.clock.now() - KEEP_KEYS
        fingerprint = hashlib.sha256(text.encode()).hexdigest()
        return Idempotency(request["token"].name, key, fingerprint, since)

    def _number(self, given: str | None, pointer: str) -> str:
        if given is None:
            if not self.numbers:
                raise _invalid([(pointer, "is required: no number is configured (numbers:)")])
            return self.numbers[0]
        number = normalize_address(given)
        if self.numbers and number not in self.numbers:
            known = ", ".join(self.numbers)
            raise _invalid([(pointer, f"{number} is not a configured number ({known})")])
        return number

    def _store(self) -> SqliteStore:
        store = self.service.store
        if not isinstance(store, SqliteStore) or not self.service.accepting:
            raise ProblemError(503, "the engine is not taking messages (starting or stopping)")
        return store

    async def _answer(self, request: web.Request, write: Awaitable[Answer]) -> web.Response:
        try:
            answer = await write
        except KeyReused:
            raise ProblemError(422, "this Idempotency-Key was used for another request",
                               kind="urn:twoway:idempotency-key-reused") from None  # fmt: skip
        if answer.row is not None:  # committed ``sending``: to the outbox now
            self.service.hand_over([answer.row])
        headers = {"Idempotent-Replayed": "true"} if answer.replayed else {}
        return web.json_response(answer.body, status=answer.status, headers=headers)

    async def send(self, request: web.Request) -> web.Response:
        data = await self._body(request)
        message: SendMessage = parse(SendMessage, data)
        idem = self._idempotency(request, data)
        sender = self._number(message.sender, "/from")
        if problem := unicode_problem("text", message.text):
            raise _invalid([("/text", problem)])
        most = self.service.ruleset.settings.max_reply_parts
        if count_parts(message.text, stop=most + 1) > most:
            raise _invalid([("/text", f"needs more than {most} SMS parts "
                                      "(settings.max_reply_parts)")])  # fmt: skip
        outgoing = Outgoing(normalize_address(message.to), sender, message.text, "api")
        now = self.service.clock.now()
        store = self._store()
        try:
            response = await self._answer(request, store.api_send(outgoing, now, idem))
        except OptedOut:
            raise ProblemError(409, f"{outgoing.recipient} opted out of {sender}",
                               kind="urn:twoway:opted-out") from None  # fmt: skip
        return response

    async def start(self, request: web.Request) -> web.Response:
        name = request.match_info["flow"]
        flow = self.service.ruleset.schedule_flow(name)
        if flow is None:
            raise ProblemError(404, f"no flow or schedule named '{name}'",
                               kind="urn:twoway:unknown-flow")  # fmt: skip
        data = await self._body(request)
        started: StartFlow = parse(StartFlow, data)
        idem = self._idempotency(request, data)
        number = self._number(started.number, "/number")
        now = self.service.clock.now()
        due = now
        if started.at is not None:
            try:
                due = datetime.fromisoformat(started.at)
            except ValueError:
                raise _invalid([("/at", "must be an ISO 8601 time")]) from None
            if due.tzinfo is None:
                raise _invalid([("/at", "needs an offset, like +01:00 or Z")])
        contact = normalize_address(started.contact)
        write = self._store().api_start(
            contact, number, flow.id, started.params or {}, due, now, idem
        )
        response = await self._answer(request, write)
        self.service.scheduler.wake()
        return response

    async def document(self, request: web.Request) -> web.Response:
        return web.json_response(openapi())
