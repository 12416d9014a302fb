"""Own the console's inbox pages and a person's acts: the threads of the teams a person belongs
to (an admin: all), newest change first with their unread counts, ``PAGE`` at a time (cursors
``before``/``after``: a thread's id), the archive of ended ones (and its export), threads found
by their contact's phone or by a text of their messages; a thread with its messages both ways
and their delivery status, the conversation's flow, state, variables and events in plain words
(``story``), the canned replies of ``http.console.canned`` (and whether the contact opted out);
reply, assign to me, close, release to the rules; ``/count``.

Every read and act is a store function shared with the REST API (``engine.store.inbox``:
``latest``, ``thread``, ``messages``, ``act``; ``engine.store.api.reply``;
``engine.store.conversations``; ``engine.store.history``), recorded with the person's
``author`` (``user:NAME`` or ``token:NAME``); a reply is checked by the API's ``Api.text``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import urlencode

from aiohttp import web

from engine.core.messages import normalize_address
from engine.sms import choose, count_parts
from engine.store import api as store_api
from engine.store import history, inbox
from engine.store.contacts import is_opted_out
from engine.store.conversations import ConversationFilter, conversations
from engine.store.threads import ACTIVE, Thread
from engine.web.api.problems import ProblemError
from engine.web.console.auth import Session
from engine.web.console.export import export
from engine.web.console.login import see_other
from engine.web.console.story import told, variables

if TYPE_CHECKING:
    from engine.web.console import Console, Handler

__all__ = ["ROUTES"]

PAGE = 50
"""Threads on one page of the inbox or the archive."""
MAX_TEXT = 4096
"""Characters ``/count`` looks at (a reply is refused long before)."""


ENDED = ("closed", "released")


@dataclass(frozen=True)
class Listing:
    """What the inbox or the archive lists: the filters of its address and one page."""

    phone: str = ""
    text: str = ""
    before: int | None = None
    after: int | None = None

    @classmethod
    def of(cls, request: web.Request) -> Listing:
        return cls(
            request.query.get("phone", "").strip()[:64],
            request.query.get("q", "").strip()[: inbox.SEARCHED],
            _cursor(request.query.get("before")),
            _cursor(request.query.get("after")),
        )

    @property
    def first(self) -> bool:
        """The first page with no filter: the one live updates refresh."""
        return not (self.phone or self.text or self.before or self.after)

    def link(self, path: str, **cursor: int) -> str:
        """The address of another page of the same filters."""
        given = {"phone": self.phone, "q": self.text, **{k: str(v) for k, v in cursor.items()}}
        return f"{path}?{urlencode({k: v for k, v in given.items() if v})}"


def _cursor(given: str | None) -> int | None:
    if given and given.isascii() and given.isdigit() and len(given) <= 18:
        return int(given)
    return None


async def threads_for(
    console: Console, session: Session, listing: Listing, status: tuple[str, ...] = ACTIVE
) -> tuple[list[tuple[Thread, int]], inbox.Latest]:
    """One page of the threads in ``status`` the person sees (of the contact, with the text
    of ``listing``), newest first, each with its unread count."""
    store = console.api.store()
    person = session.person
    phone = normalize_address(listing.phone) if listing.phone else None
    found = await store.read(
        inbox.latest, status=status, teams=None if person.admin else sorted(person.teams),
        contact=phone, text=listing.text or None, before=listing.before, after=listing.after,
        limit=PAGE,
    )  # fmt: skip
    counts = await store.read(inbox.unanswered, found.threads)
    return [(t, counts.get(t.id, 0)) for t in found.threads], found


async def _listed(
    console: Console, request: web.Request, session: Session, archive: bool, template: str
) -> web.Response:
    listing = Listing.of(request)
    searching = bool(listing.phone or listing.text)
    status = ENDED if archive else ACTIVE + ENDED if searching else ACTIVE
    threads, found = await threads_for(console, session, listing, status)
    path = "/archive" if archive else "/inbox"
    older = listing.link(path, before=found.older) if found.older else None
    newer = listing.link(path, after=found.newer) if found.newer else None
    return console.render(
        request, template, session, threads=threads, archive=archive, phone=listing.phone,
        text=listing.text, live=listing.first and not archive, older=older, newer=newer,
    )  # fmt: skip


async def inbox_page(console: Console, request: web.Request, session: Session) -> Any:
    """The active threads, a page at a time; with ``?phone=`` or ``?q=``, every thread of that
    contact or whose messages hold that text (ended ones too)."""
    return await _listed(console, request, session, False, "inbox.html")


async def inbox_rows(console: Console, request: web.Request, session: Session) -> Any:
    return await _listed(console, request, session, False, "_rows.html")


async def archive_page(console: Console, request: web.Request, session: Session) -> Any:
    """The closed and released threads, a page at a time (``?q=`` finds a text in them)."""
    return await _listed(console, request, session, True, "inbox.html")


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
    if request.path.endswith("/messages"):  # the live refresh of its messages
        return console.render(request, "_messages.html", session, messages=messages)
    opted_out = await store.read(is_opted_out, found.contact, found.number)
    wanted = ConversationFilter(contact=found.contact, number=found.number, limit=1)
    page = await store.read(conversations, wanted)  # the API's read: its flow and state now
    now = page.conversations[0] if page.conversations else None
    said = console.words(request)
    chosen = request.query.get("canned", "")  # "Use" without a script: the reply box filled
    where, values = variables(await store.read(history.session_now, found), said)
    events = [(e, told(e, said)) for e in await store.read(history.happened, found)]
    return console.render(
        request, "thread.html", session, thread=found, messages=messages, opted_out=opted_out,
        conversation=now, where=where, values=values, events=events, canned=console.canned,
        prefill=next((c.text for c in console.canned if c.name == chosen), ""), chosen=chosen,
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
        store = console.api.store()
        answer = await store.write(
            store_api.reply, found.id, text, author, now, None, store.claim()
        )
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
    ("GET", "/archive/export.{format}", export, "page"),
    ("GET", "/threads/{id}", thread_page, "page"),
    ("GET", "/threads/{id}/messages", thread_page, "json"),
    ("POST", "/threads/{id}/reply", reply, "page"),
    ("POST", "/threads/{id}/assign", assign, "page"),
    ("POST", "/threads/{id}/close", close, "page"),
    ("POST", "/threads/{id}/release", release, "page"),
    ("GET", "/count", count, "json"),
)
