"""Own the REST API's conversations: ``GET /conversations`` (filtered by contact, number, flow,
state and the team holding them) and ``GET /conversations/{contact}/messages``, both paginated
with an opaque cursor (``next``). The reads are ``engine.store.conversations``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from aiohttp import web

from engine.core.messages import normalize_address
from engine.store import conversations as store
from engine.web.api.params import LIMIT, path_phone, query
from engine.web.api.problems import invalid
from engine.web.api.schema import ADDRESS, Query, Route, meta

if TYPE_CHECKING:
    from engine.web.api.base import Api

__all__ = ["ROUTES", "ConversationPage", "MessagePage", "MessageView", "message_view"]

SEPARATOR = "|"


CONTACT = Query("contact", "Only this contact", {"type": "string", "pattern": ADDRESS})
NUMBER = Query("number", "Only this number", {"type": "string", "pattern": ADDRESS})
FLOW = Query("flow", "Only the conversations in this flow (its id) now", {"type": "string"})
STATE = Query("state", "Only the conversations in this state now", {"type": "string"})
TEAM = Query("team", "Only the conversations this team holds now", {"type": "string"})
AFTER = Query("after", "A page's `next`: the page after it", {"type": "string"})
OF_NUMBER = Query(
    "number", "The conversation's number (default: the first configured)",
    {"type": "string", "pattern": ADDRESS},
)  # fmt: skip
BEFORE = Query("before", "A page's `next`: the older messages", {"type": "string"})


@dataclass(frozen=True)
class ConversationView:
    """A conversation: one contact on one of the numbers."""

    contact: str = field(metadata=meta("The contact"))
    number: str = field(metadata=meta("The number"))
    last_at: str = field(metadata=meta("When the last message went either way",
                                       format="date-time"))  # fmt: skip
    last_text: str = field(metadata=meta("The last message's text"))
    last_direction: str = field(metadata=meta("in or out", enum=["in", "out"]))
    flow: str | None = field(metadata=meta("The flow it is in now, if any"))
    state: str | None = field(metadata=meta("The flow's state now"))
    team: str | None = field(metadata=meta("The team whose inbox thread is open, if any"))
    thread: int | None = field(metadata=meta("That inbox thread's id"))
    held: bool = field(metadata=meta("A hand-off holds it: the rules do not answer it"))


@dataclass(frozen=True)
class ConversationPage:
    """One page of conversations, by contact and number."""

    conversations: list[ConversationView] = field(metadata=meta("The conversations"))
    next: str | None = field(metadata=meta("`after` for the next page; null on the last"))


@dataclass(frozen=True)
class MessageView:
    """One message of a conversation."""

    id: int = field(metadata=meta("The inbound id (in) or the outbox id (out)"))
    direction: str = field(metadata=meta("in: the contact's; out: sent to them",
                                         enum=["in", "out"]))  # fmt: skip
    at: str = field(metadata=meta("When received or written", format="date-time"))
    text: str = field(metadata=meta("The text"))
    kind: str = field(metadata=meta("message (in); reply, agent, send, api, campaign… (out)"))
    status: str = field(metadata=meta("received (in); the outbox status (out)"))
    author: str | None = field(metadata=meta("Who wrote a person's message (token:NAME)"))


@dataclass(frozen=True)
class MessagePage:
    """One page of a conversation's messages, newest first."""

    messages: list[MessageView] = field(metadata=meta("The messages"))
    next: str | None = field(metadata=meta("`before` for the next (older) page; null on the last"))


def message_view(message: store.MessageRow) -> dict[str, Any]:
    """A stored message as ``MessageView`` (a conversation's page, an inbox thread)."""
    return {
        "id": message.id, "direction": message.direction, "at": message.at.isoformat(),
        "text": message.text, "kind": message.kind, "status": message.status,
        "author": message.author,
    }  # fmt: skip


def _after(cursor: str | None) -> tuple[str, str] | None:
    if cursor is None:
        return None
    contact, _, number = cursor.partition(SEPARATOR)
    if not contact or not number:
        raise invalid([("/after", "is not a `next` this API gave")])
    return contact, number


def _before(cursor: str | None) -> tuple[datetime, str, int] | None:
    if cursor is None:
        return None
    parts = cursor.split(SEPARATOR)
    try:
        at, direction, ident = datetime.fromisoformat(parts[0]), parts[1], int(parts[2])
    except (ValueError, IndexError):
        raise invalid([("/before", "is not a `next` this API gave")]) from None
    if len(parts) != 3 or direction not in ("in", "out") or at.tzinfo is None:
        raise invalid([("/before", "is not a `next` this API gave")])
    return at, direction, ident


async def list_conversations(api: Api, request: web.Request) -> web.Response:
    contact, number = query(request, CONTACT), query(request, NUMBER)
    wanted = store.ConversationFilter(
        contact=normalize_address(contact) if contact else None,
        number=normalize_address(number) if number else None,
        flow=query(request, FLOW), state=query(request, STATE), team=query(request, TEAM),
        after=_after(query(request, AFTER)), limit=query(request, LIMIT),
    )  # fmt: skip
    found = await api.store().read(store.conversations, wanted)
    listed = [
        {"contact": c.contact, "number": c.number, "last_at": c.last_at.isoformat(),
         "last_text": c.last_text, "last_direction": c.last_direction, "flow": c.flow,
         "state": c.state, "team": c.team, "thread": c.thread, "held": c.held}
        for c in found.conversations
    ]  # fmt: skip
    after = SEPARATOR.join(found.next_after) if found.next_after else None
    return web.json_response({"conversations": listed, "next": after})


async def list_messages(api: Api, request: web.Request) -> web.Response:
    contact = path_phone(request, "contact")
    number = api.number(query(request, OF_NUMBER), "/number")
    before = _before(query(request, BEFORE))
    found = await api.store().read(store.messages, contact, number, before, query(request, LIMIT))
    listed = [message_view(m) for m in found.messages]
    cursor = found.next_before
    following = (
        SEPARATOR.join((cursor[0].isoformat(), cursor[1], str(cursor[2]))) if cursor else None
    )
    return web.json_response({"messages": listed, "next": following})


ROUTES = (
    Route("GET", "/conversations", list_conversations, "List conversations", "read", None,
          ConversationPage, errors=(400, 401, 403),
          query=(CONTACT, NUMBER, FLOW, STATE, TEAM, AFTER, LIMIT)),
    Route("GET", "/conversations/{contact}/messages", list_messages, "A conversation's "
          "messages, newest first", "read", None, MessagePage, errors=(400, 401, 403),
          query=(OF_NUMBER, BEFORE, LIMIT)),
)  # fmt: skip
