"""Own the web console on the HTTP listener: its routes, the session guard in front of every
page, its templates (Jinja2, autoescaped) and its static files, all shipped in the package.

``/login`` and ``/logout`` (``auth``; failed log-ins throttled: ``throttle``), ``/`` and
``/inbox`` (the hand-off inbox), ``/archive`` and its export (``export``), ``/threads/ID`` with its
story (``story``) and the acts in it (``pages``), ``/results`` (``results``), ``/campaigns`` and
their acts (``campaigns``), ``/rules`` (the rule set in force, its errors, its flows drawn:
``rules``), ``/simulator`` (a phone in a sandbox: ``simulator``), ``/events`` (Server-Sent
Events: ``live``), ``/count`` (a text's characters and SMS parts, by the engine's own splitter),
``/static/``. A page asked for without a session redirects to ``/login``; the event stream,
``/count`` and a POST answer 401. A POST without the session's CSRF token is refused with 403.
The console reads and acts through the same store functions as the REST API
(``engine.store.inbox``, ``engine.store.api``).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from aiohttp import web
from jinja2 import Environment, PackageLoader, StrictUndefined

from engine.config import Config
from engine.errors import StoreUnavailable
from engine.web.api import Api
from engine.web.api.problems import ProblemError
from engine.web.console.auth import COOKIE, Auth, Session, same
from engine.web.console.live import Live
from engine.web.console.text import LANG_COOKIE, NOTICES, Words, language_of, notice, words
from engine.web.console.throttle import Throttle

__all__ = ["Console", "Handler"]

log = logging.getLogger(__name__)

STATIC = Path(__file__).parent / "static"
HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; "
    "img-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
}
Handler = Callable[["Console", web.Request, Session], Awaitable[web.StreamResponse]]


def reader(handler: Handler) -> Handler:
    """``handler`` for a person who may read results and campaigns (``Person.reads``); 403
    for anyone else (a token with the ``inbox`` scope only)."""

    async def read(console: Console, request: web.Request, session: Session) -> Any:
        if not session.person.reads:
            said = console.words(request).say(NOTICES["no-reading"])
            raise web.HTTPForbidden(text=said + "\n", headers=HEADERS)
        return await handler(console, request, session)

    return read


class Console:
    """The console of one engine, added to its aiohttp application (``add_to``)."""

    def __init__(self, api: Api, config: Config | None, *, tls: bool, idle: float) -> None:
        self.api = api
        self.service = api.service
        self.auth = Auth(config)
        self.throttle = Throttle()
        self.canned = config.http.canned if config is not None else ()
        self.secure = tls
        self.live = Live(keepalive=max(1.0, idle / 2))
        self.sandboxes = asyncio.Semaphore(2)
        """The simulator's sandboxes played at once at most (the others wait their turn)."""
        self.templates = Environment(
            loader=PackageLoader("engine.web.console", "templates"),
            autoescape=True,
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            extensions=["jinja2.ext.i18n"],
        )
        self.templates.install_null_translations(newstyle=True)  # type: ignore[attr-defined]

    def add_to(self, app: web.Application) -> None:
        # they import Console: not at the top
        from engine.web.console import campaigns, login, pages, results, rules, simulator

        for method, path, handler in login.ROUTES:
            app.router.add_route(method, path, handler(self))
        for method, path, page, kind in (*pages.ROUTES, *rules.ROUTES, *simulator.ROUTES):
            app.router.add_route(method, path, self.guard(page, kind))
        for method, path, page, kind in results.ROUTES + campaigns.ROUTES:
            app.router.add_route(method, path, self.guard(reader(page), kind))
        app.router.add_get("/events", self.guard(self._events, "json"))
        app.router.add_get("/language/{lang}", self._language)
        app.router.add_static("/static/", STATIC, append_version=False)
        app.on_startup.append(self._startup)  # the service is read once serving, not before
        app.on_shutdown.append(self._shutdown)

    async def _startup(self, app: web.Application) -> None:
        self.service.listeners.append(self.live.publish)

    async def _shutdown(self, app: web.Application) -> None:
        self.live.close()
        if self.live.publish in self.service.listeners:
            self.service.listeners.remove(self.live.publish)

    async def _events(self, console: Console, request: web.Request, session: Session) -> Any:
        given = request.cookies.get(COOKIE)
        return await self.live.stream(request, lambda: self.auth.sessions.alive(given))

    def guard(self, handler: Handler, kind: str = "page") -> Callable[[web.Request], Any]:
        """``handler`` behind the session (``kind``: ``page`` redirects to /login without one,
        ``json`` answers 401) and, for a POST, the session's CSRF token."""

        async def guarded(request: web.Request) -> web.StreamResponse:
            session = self.auth.sessions.get(request.cookies.get(COOKIE))
            if session is None:
                if kind == "page" and request.method == "GET":
                    raise web.HTTPSeeOther("/login?notice=no-session", headers=HEADERS)
                said = self.words(request).say(NOTICES["no-session"])
                raise web.HTTPUnauthorized(text=said + "\n", headers=HEADERS)
            if request.method == "POST":
                form = await request.post()
                given = form.get("csrf")
                if not same(given if isinstance(given, str) else None, session.csrf):
                    said = self.words(request).say(NOTICES["csrf"])
                    raise web.HTTPForbidden(text=said + "\n", headers=HEADERS)
                request["form"] = form
            try:
                return await handler(self, request, session)
            except (StoreUnavailable, ProblemError) as exc:
                if isinstance(exc, ProblemError) and exc.status != 503:
                    raise
                said = self.words(request).say(NOTICES["unavailable"])
                return web.Response(status=503, text=said + "\n")

        return guarded

    def render(
        self, request: web.Request, name: str, session: Session | None, status: int = 200,
        **values: Any,
    ) -> web.Response:  # fmt: skip
        """The template ``name`` in the person's language, with the person, their CSRF token and
        the page's notice."""
        said = self.words(request)
        told = values.pop("said", None)  # a notice of the page's own, not of its address
        page = self.templates.get_template(name).render(
            person=session.person if session is not None else None,
            csrf=session.csrf if session is not None else "",
            notice=told or notice(request.query.get("notice"), said),
            lang=said.language,
            path=request.path_qs,
            section=request.path.split("/")[1],
            **said.templates(),
            **values,
        )
        return web.Response(
            text=page, status=status, content_type="text/html", charset="utf-8", headers=HEADERS
        )

    def words(self, request: web.Request) -> Words:
        """What the console says to the sender of ``request``, in their language."""
        return words(language_of(request.cookies, request.headers.get("Accept-Language")))

    async def _language(self, request: web.Request) -> web.StreamResponse:
        """``/language/fr?back=/inbox``: speak French to this browser from now on, and go back
        (only to a path of this console)."""
        chosen = request.match_info["lang"]
        back = request.query.get("back", "/inbox")
        if not back.startswith("/") or back.startswith("//") or "\\" in back:
            back = "/inbox"
        response = web.Response(status=303, headers={"Location": back, "Cache-Control": "no-store"})
        if chosen in ("en", "fr"):
            response.set_cookie(
                LANG_COOKIE, chosen, path="/", httponly=True, samesite="Strict",
                secure=self.secure, max_age=400 * 24 * 3600,
            )  # fmt: skip
        return response

    def set_cookie(self, response: web.StreamResponse, name: str, value: str) -> None:
        response.set_cookie(
            name, value, path="/", httponly=True, samesite="Strict", secure=self.secure
        )
