"""Own the REST API's hand-off inbox: its threads (``GET /inbox``, ``GET /inbox/{id}``) and what a
person does with one: ``assign``, ``reply`` (from the conversation's number, refused for an
opted-out contact, recorded with the token that sent it), ``close`` and ``release`` (give the
conversation back to the rules). The model is ``engine.store.threads``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from aiohttp import web

from engine.core.messages import normalize_address
from engine.store import api as store_api
from engine.store import inbox
from engine.store.threads import ACTIVE, Thread
from engine.web.api.conversations import MessageView, message_view
from engine.web.api.params import LIMIT, query
from engine.web.api.problems import ProblemError, parse
from engine.web.api.schema import ADDRESS, Query, Route, meta

if TYPE_CHECKING:
    from engine.web.api.base import Api

__all__ = ["ROUTES", "InboxPage", "ThreadDetail", "ThreadView", "author_of"]

STATUSES = ("open", "assigned", "closed", "released", "active", "all")


STATUS = Query(
    "status",
    "active (open or assigned; the default), open, assigned, closed, released or all",
    {"type": "string", "enum": list(STATUSES), "default": "active"},
)
TEAM = Query("team", "Only this team's threads", {"type": "string"})
ASSIGNED_TO = Query("assigned_to", "Only the threads this person took", {"type": "string"})
CONTACT = Query("contact", "Only this contact's threads", {"type": "string", "pattern": ADDRESS})
TEXT = Query(
    "text", "Only the threads with a message (the contact's or a reply) containing this text,"
    " case aside", {"type": "string", "minLength": 1, "maxLength": inbox.SEARCHED},
)  # fmt: skip
AFTER = Query(
    "after", "The page after this thread id (a page's `next`)",
    {"type": "integer", "minimum": 0, "maximum": 2**62, "default": 0},
)  # fmt: skip


@dataclass(frozen=True)
class ThreadView:
    """A conversation handed to people."""

    id: int = field(metadata=meta("The thread's id"))
    contact: str = field(metadata=meta("The contact"))
    number: str = field(metadata=meta("The number the conversation runs on"))
    team: str = field(metadata=meta("The team it was handed to (`inbox`: nothing answered)"))
    kind: str = field(
        metadata=meta("handoff (the rules answer no more until it ends) or unmatched (messages "
                      "nothing answered; holds nothing)", enum=["handoff", "unmatched"])
    )  # fmt: skip
    status: str = field(metadata=meta("open, assigned, closed or released",
                                      enum=["open", "assigned", "closed", "released"]))  # fmt: skip
    assigned_to: str | None = field(metadata=meta("Who took it"))
    opened_at: str = field(metadata=meta("When it opened", format="date-time"))
    updated_at: str = field(metadata=meta("Its last change or message", format="date-time"))
    closed_at: str | None = field(metadata=meta("When it was closed or released"))
    closed_by: str | None = field(metadata=meta("Who closed or released it"))


@dataclass(frozen=True)
class InboxPage:
    """One page of threads, oldest first."""

    threads: list[ThreadView] = field(metadata=meta("The threads"))
    next: int | None = field(metadata=meta("`after` for the next page; null on the last"))


@dataclass(frozen=True)
class ThreadDetail:
    """A thread and its messages, from its opening to its end."""

    thread: ThreadView = field(metadata=meta("The thread"))
    messages: list[MessageView] = field(metadata=meta("Its messages, oldest first"))


@dataclass(frozen=True)
class Assign:
    """Who takes the thread."""

    to: str | None = field(
        default=None, metadata=meta("A person's name (default: the token's name)", minLength=1)
    )


@dataclass(frozen=True)
class Reply:
    """A person's message to the contact, from the conversation's number."""

    text: str = field(metadata=meta("The text", minLength=1))


@dataclass(frozen=True)
class Replied:
    """A person's reply written to the outbox and being handed to its connector."""

    id: int = field(metadata=meta("The outbox id"))
    status: str = field(metadata=meta("sending"))
    thread: int = field(metadata=meta("The thread's id"))


def author_of(request: web.Request) -> str:
    """Who acts, as the store records it: ``token:NAME``."""
    return f"token:{request['token'].name}"


def view(thread: Thread) -> dict[str, Any]:
    return {
        "id": thread.id, "contact": thread.contact, "number": thread.number,
        "team": thread.team, "kind": thread.kind, "status": thread.status,
        "assigned_to": thread.assigned_to, "opened_at": thread.opened_at.isoformat(),
        "updated_at": thread.updated_at.isoformat(),
        "closed_at": thread.closed_at.isoformat() if thread.closed_at else None,
        "closed_by": thread.closed_by,
    }  # fmt: skip


def _thread_id(request: web.Request) -> int:
    given = request.match_info["id"]
    if not given.isascii() or not given.isdigit() or len(given) > 18:
        raise ProblemError(404, f"no inbox thread {given!r}", kind="urn:twoway:unknown-thread")
    return int(given)


def _unknown(thread_id: int) -> ProblemError:
    return ProblemError(404, f"no inbox thread {thread_id}", kind="urn:twoway:unknown-thread")


def _closed(thread_id: int) -> ProblemError:
    return ProblemError(409, f"inbox thread {thread_id} is closed: nothing more can be done "
                        "in it", kind="urn:twoway:thread-closed")  # fmt: skip


async def list_threads(api: Api, request: web.Request) -> web.Response:
    status = query(request, STATUS)
    statuses = {"active": ACTIVE, "all": ("open", "assigned", "closed", "released")}.get(
        status, (status,)
    )
    contact = query(request, CONTACT)
    found = await api.store().read(
        inbox.page, status=statuses, team=query(request, TEAM),
        assigned_to=query(request, ASSIGNED_TO),
        contact=normalize_address(contact) if contact else None, text=query(request, TEXT),
        after=query(request, AFTER), limit=query(request, LIMIT),
    )  # fmt: skip
    return web.json_response(
        {"threads": [view(t) for t in found.threads], "next": found.next_after}
    )


async def show_thread(api: Api, request: web.Request) -> web.Response:
    thread_id = _thread_id(request)
    store = api.store()
    found = await store.read(inbox.thread, thread_id)
    if found is None:
        raise _unknown(thread_id)
    messages = await store.read(inbox.messages, found)
    listed = [message_view(m) for m in messages]
    return web.json_response({"thread": view(found), "messages": listed})


async def _act(
    api: Api, request: web.Request, act: Literal["assign", "close", "release"], to: str | None
) -> web.Response:
    thread_id = _thread_id(request)
    now = api.service.clock.now()
    try:
        done = await api.store().write(inbox.act, thread_id, act, author_of(request), now, to)
    except LookupError:
        raise _unknown(thread_id) from None
    except inbox.ThreadClosed:
        raise _closed(thread_id) from None
    api.service.changed("inbox")
    return web.json_response(view(done))


async def assign_thread(api: Api, request: web.Request) -> web.Response:
    body = await api.body(request) if request.can_read_body else {}  # no body: the token's name
    given: Assign = parse(Assign, body)
    return await _act(api, request, "assign", given.to or request["token"].name)


async def close_thread(api: Api, request: web.Request) -> web.Response:
    return await _act(api, request, "close", None)


async def release_thread(api: Api, request: web.Request) -> web.Response:
    return await _act(api, request, "release", None)


async def reply_in_thread(api: Api, request: web.Request) -> web.Response:
    thread_id = _thread_id(request)
    data = await api.body(request)
    given: Reply = parse(Reply, data)
    idem = api.idempotency(request, data)
    api.text(given.text, "/text")
    now = api.service.clock.now()
    store = api.store()
    write = store.write(
        store_api.reply, thread_id, given.text, author_of(request), now, idem, store.claim()
    )
    try:
        answered = await api.answer(request, write)
        api.service.changed("inbox")
        return answered
    except LookupError:
        raise _unknown(thread_id) from None
    except inbox.ThreadClosed:
        raise _closed(thread_id) from None
    except inbox.OptedOutContact as exc:
        raise ProblemError(409, f"{exc} opted out of this number: no message can go to them",
                           kind="urn:twoway:opted-out") from None  # fmt: skip


_ACT = (400, 401, 403, 404, 409, 413)
ROUTES = (
    Route("GET", "/inbox", list_threads, "List the inbox's threads", "inbox", None, InboxPage,
          errors=(400, 401, 403), query=(STATUS, TEAM, ASSIGNED_TO, CONTACT, TEXT, AFTER, LIMIT)),
    Route("GET", "/inbox/{id}", show_thread, "A thread and its messages", "inbox", None,
          ThreadDetail, errors=(401, 403, 404)),
    Route("POST", "/inbox/{id}/assign", assign_thread, "Take a thread (or give it to someone)",
          "inbox", Assign, ThreadView, errors=_ACT),
    Route("POST", "/inbox/{id}/reply", reply_in_thread, "Answer the contact from the "
          "conversation's number", "inbox", Reply, Replied, 202, True, (*_ACT, 422)),
    Route("POST", "/inbox/{id}/close", close_thread, "Close a thread (done)", "inbox", None,
          ThreadView, errors=(401, 403, 404, 409)),
    Route("POST", "/inbox/{id}/release", release_thread, "Give the conversation back to the "
          "rules", "inbox", None, ThreadView, errors=(401, 403, 404, 409)),
)  # fmt: skip
