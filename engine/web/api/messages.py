"""Own the REST API's sending routes: ``POST /messages`` and ``POST /flows/{flow}/start``, each with
an ``Idempotency-Key``, and their models.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from aiohttp import web

from engine.core.messages import Outgoing, normalize_address
from engine.store.api import OptedOut
from engine.web.api.problems import ProblemError, invalid, parse
from engine.web.api.schema import ADDRESS, PHONE, Route, meta

if TYPE_CHECKING:
    from engine.web.api.base import Api

__all__ = ["ROUTES", "SendMessage", "Sent", "StartFlow", "Started"]


@dataclass(frozen=True)
class SendMessage:
    """A text message to send now."""

    to: str = field(metadata=meta(f"The recipient: {PHONE}", pattern=ADDRESS))
    text: str = field(
        metadata=meta("The text: at most settings.max_reply_parts SMS parts", minLength=1)
    )
    sender: str | None = field(
        default=None,
        metadata=meta(
            "A configured number to send from (default: the first one)", json="from",
            pattern=ADDRESS,
        ),
    )  # fmt: skip


@dataclass(frozen=True)
class StartFlow:
    """A flow to start for a contact, now or at a given time."""

    contact: str = field(metadata=meta(f"The contact: {PHONE}", pattern=ADDRESS))
    number: str | None = field(
        default=None, metadata=meta("The configured number the flow runs on (default: the first)")
    )
    params: dict[str, Any] | None = field(
        default=None, metadata=meta('Values the flow reads, like {"appt": {"at": "…"}}')
    )
    at: str | None = field(
        default=None, metadata=meta("When to start (ISO 8601 with an offset); now if absent",
                                    format="date-time")
    )  # fmt: skip


@dataclass(frozen=True)
class Sent:
    """A message written to the outbox and being handed to its connector."""

    id: int = field(metadata=meta("The outbox id"))
    status: str = field(metadata=meta("sending"))


@dataclass(frozen=True)
class Started:
    """A flow start scheduled (durable: it survives a restart)."""

    flow: str = field(metadata=meta("The flow's id"))
    contact: str = field(metadata=meta("The contact"))
    due: str = field(metadata=meta("When it starts", format="date-time"))


async def send(api: Api, request: web.Request) -> web.Response:
    data = await api.body(request)
    message: SendMessage = parse(SendMessage, data)
    idem = api.idempotency(request, data)
    sender = api.number(message.sender, "/from")
    api.text(message.text, "/text")
    outgoing = Outgoing(normalize_address(message.to), sender, message.text, "api")
    now = api.service.clock.now()
    store = api.store()
    try:
        response = await api.answer(request, store.api_send(outgoing, now, idem))
    except OptedOut:
        raise ProblemError(409, f"{outgoing.recipient} opted out of {sender}",
                           kind="urn:twoway:opted-out") from None  # fmt: skip
    return response


async def start(api: Api, request: web.Request) -> web.Response:
    name = request.match_info["flow"]
    flow = api.service.ruleset.schedule_flow(name)
    if flow is None:
        raise ProblemError(404, f"no flow or schedule named '{name}'",
                           kind="urn:twoway:unknown-flow")  # fmt: skip
    data = await api.body(request)
    started: StartFlow = parse(StartFlow, data)
    idem = api.idempotency(request, data)
    number = api.number(started.number, "/number")
    now = api.service.clock.now()
    due = now
    if started.at is not None:
        try:
            due = datetime.fromisoformat(started.at)
        except ValueError:
            raise invalid([("/at", "must be an ISO 8601 time")]) from None
        if due.tzinfo is None:
            raise invalid([("/at", "needs an offset, like +01:00 or Z")])
    contact = normalize_address(started.contact)
    write = api.store().api_start(contact, number, flow.id, started.params or {}, due, now, idem)
    response = await api.answer(request, write)
    api.service.scheduler.wake()
    return response


ROUTES = (
    Route("POST", "/messages", send, "Send a text message", "send", SendMessage, Sent, 202,
          True, (400, 401, 403, 409, 413, 422)),
    Route("POST", "/flows/{flow}/start", start, "Start a flow (its id or a schedule name) "
          "for a contact", "send", StartFlow, Started, 202, True, (400, 401, 403, 404, 413, 422)),
)  # fmt: skip
