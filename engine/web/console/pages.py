"""Own the console's inbox pages and a person's acts: the threads of the teams a person belongs
to (an admin: all), newest first with their unread counts, the archive of ended ones, a
contact's threads found by their phone; a thread with its messages both ways and their delivery
status, the conversation's flow and state (and whether the contact opted out); reply, assign to
me, close, release to the rules; ``/count``.

Every read and act is the REST API's own store function (``engine.store.inbox``: ``page``,
``thread``, ``messages``, ``act``; ``engine.store.api.reply``; ``engine.store.conversations``),
recorded with the person's ``author`` (``user:NAME`` or ``token:NAME``); a reply is checked by
the API's ``Api.text``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from aiohttp import web

from engine.core.messages import normalize_address
from engine.sms import choose, count_parts
from engine.store import api as store_api
from engine.store import inbox
from engine.store.conversations import ConversationFilter, conversations
from engine.store.queries import is_opted_out
from engine.store.threads import ACTIVE, Thread
from engine.web.api.problems import ProblemError
from engine.web.console.auth import Session
from engine.web.console.login import see_other

if TYPE_CHECKING:
    from engine.web.console import Console, Handler

__all__ = ["ROUTES"]

MOST = 500
"""Threads listed at most per team."""
MAX_TEXT = 4096
"""Characters ``/count`` looks at (a reply is refused long before)."""


ENDED = ("closed", "released")


async def threads_for(
    console: Console, session: Session, status: tuple[str, ...] = ACTIVE, phone: str | None = None
) -> list[tuple[Thread, int]]:
    """The threads in ``status`` (of the contact ``phone``) the person sees, newest first, each
    with its unread count."""
    store = console.api.store()
    person = session.person
    teams: list[str | None] = [None] if person.admin else [*sorted(person.teams)]
    found: dict[int, Thread] = {}
    for team in teams:
        listed = await store.read(inbox.page, status=status, team=team, contact=phone, limit=MOST)
        found.update((t.id, t) for t in listed.threads)
    ordered = sorted(found.values(), key=lambda t: (t.updated_at, t.id), reverse=True)
    counts = await store.read(inbox.unanswered, ordered)
    return [(t, counts.get(t.id, 0)) for t in ordered]


async def inbox_page(console: Console, request: web.Request, session: Session) -> Any:
    """The active threads; with ``?phone=``, every thread of that contact (ended ones too)."""
    given = request.query.get("phone", "").strip()[:64]
    if given:
        phone = normalize_address(given)
        threads = await threads_for(console, session, ACTIVE + ENDED, phone)
    else:
        threads = await threads_for(console, session)
    return console.render(
        request, "inbox.html", session, threads=threads, archive=False, phone=given
    )


async def inbox_rows(console: Console, request: web.Request, session: Session) -> Any:
    threads = await threads_for(console, session)
    return console.render(request, "_rows.html", session, threads=threads, archive=False)


async def archive_page(console: Console, request: web.Request, session: Session) -> Any:
    """The closed and released threads (the last ``MOST`` of each team)."""
    threads = await threads_for(console, session, ENDED)
    return console.render(request, "inbox.html", session, threads=threads, archive=True, phone="")


async def _visible(console: Console, request: web.Request, session: Session) -> Thread:
    """The thread of the address, if the person sees its team; 404 otherwise."""
    given = request.match_info["id"]
    if given.isascii() and given.isdigit() and len(given) <= 18:
        found = await console.api.store().read(inbox.thread, int(given))
        if found is not None and session.person.sees(found.team):
            return found
    raise web.HTTPNotFound(text="no such thread\n")


async def thread_page(console: Console, request: web.Request, session: Session) -> Any:
    found = await _visible(console, request, session)
    store = console.api.store()
    messages = await store.read(inbox.messages, found)
    template = "_messages.html" if request.path.endswith("/messages") else "thread.html"
    opted_out = await store.read(is_opted_out, found.contact, found.number)
    wanted = ConversationFilter(contact=found.contact, number=found.number, limit=1)
    page = await store.read(conversations, wanted)  # the API's read: its flow and state now
    now = page.conversations[0] if page.conversations else None
    return console.render(
        request, template, session, thread=found, messages=messages, opted_out=opted_out,
        conversation=now,
    )  # fmt: skip


async def reply(console: Console, request: web.Request, session: Session) -> Any:
    found = await _visible(console, request, session)
    text = str(request["form"].get("text") or "").replace("\r\n", "\n")
    back = f"/threads/{found.id}?notice="
    if not text.strip():
        return see_other(back + "empty")
    try:
        console.api.text(text, "/text")
    except ProblemError:
        return see_other(back + "too-long")
    now = console.service.clock.now()
    author = session.person.author
    try:
        answer = await console.api.store().write(store_api.reply, found.id, text, author, now, None)
    except inbox.ThreadClosed:
        return see_other(back + "thread-closed")
    except inbox.OptedOutContact:
        return see_other(back + "opted-out")
    if answer.row is not None:
        console.service.hand_over([answer.row])
    console.service.changed("inbox")
    return see_other(back + "sent")


async def _act(
    console: Console, request: web.Request, session: Session,
    act: Literal["assign", "close", "release"],
) -> web.Response:  # fmt: skip
    found = await _visible(console, request, session)
    person = session.person
    to = person.name if act == "assign" else None
    now = console.service.clock.now()
    try:
        await console.api.store().write(inbox.act, found.id, act, person.author, now, to)
    except inbox.ThreadClosed:
        return see_other(f"/threads/{found.id}?notice=thread-closed")
    console.service.changed("inbox")
    done = {"assign": "assigned", "close": "closed", "release": "released"}[act]
    if act == "assign":
        return see_other(f"/threads/{found.id}?notice={done}")
    return see_other(f"/inbox?notice={done}")


async def assign(console: Console, request: web.Request, session: Session) -> Any:
    return await _act(console, request, session, "assign")


async def close(console: Console, request: web.Request, session: Session) -> Any:
    return await _act(console, request, session, "close")


async def release(console: Console, request: web.Request, session: Session) -> Any:
    return await _act(console, request, session, "release")


async def count(console: Console, request: web.Request, session: Session) -> Any:
    """What a text becomes as SMS, by the engine's splitter: characters, parts, encoding."""
    text = request.query.get("text", "")[:MAX_TEXT]
    most = console.service.ruleset.settings.max_reply_parts
    parts = count_parts(text)
    encoding = choose(text)
    said = console.words(request).say(
        "%(characters)s characters · %(parts)s SMS (%(encoding)s)",
        characters=len(text), parts=parts, encoding=encoding,
    )  # fmt: skip
    return web.json_response(
        {"characters": len(text), "parts": parts, "encoding": encoding, "most": most,
         "said": said}
    )  # fmt: skip


async def home(console: Console, request: web.Request, session: Session) -> Any:
    return see_other("/inbox")


ROUTES: tuple[tuple[str, str, Handler, str], ...] = (
    ("GET", "/", home, "page"),
    ("GET", "/inbox", inbox_page, "page"),
    ("GET", "/inbox/rows", inbox_rows, "json"),
    ("GET", "/archive", archive_page, "page"),
    ("GET", "/threads/{id}", thread_page, "page"),
    ("GET", "/threads/{id}/messages", thread_page, "json"),
    ("POST", "/threads/{id}/reply", reply, "page"),
    ("POST", "/threads/{id}/assign", assign, "page"),
    ("POST", "/threads/{id}/close", close, "page"),
    ("POST", "/threads/{id}/release", release, "page"),
    ("GET", "/count", count, "json"),
)
