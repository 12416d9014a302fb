"""Own the console's log-in and log-out: ``GET /login`` (the form, or the first start's one-time
link ``?once=…``), ``POST /login`` (a token, or a name and a password), ``POST /logout``.

The log-in form is protected from cross-site posts by a double-submitted token: a cookie
(``HttpOnly``, ``SameSite=Strict``) and the same value in the form, compared in constant time.
"""

from __future__ import annotations

import math
import secrets
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from aiohttp import web

from engine.web.console.auth import COOKIE, LOGIN_COOKIE, Person, same
from engine.web.console.text import NOTICES, THROTTLED

if TYPE_CHECKING:
    from engine.web.console import Console

__all__ = ["ROUTES"]

Route = Callable[[web.Request], Awaitable[web.StreamResponse]]
MAX_FIELD = 4096


def login_page(console: Console) -> Route:
    async def handler(request: web.Request) -> web.StreamResponse:
        once = request.query.get("once")
        if once is not None:
            person = console.auth.once(once)
            if person is None:
                raise web.HTTPSeeOther("/login?notice=link-used")
            return _logged_in(console, person)
        token = secrets.token_urlsafe(24)
        response = console.render(request, "login.html", None, login_csrf=token)
        console.set_cookie(response, LOGIN_COOKIE, token)
        return response

    return handler


def login_post(console: Console) -> Route:
    async def handler(request: web.Request) -> web.StreamResponse:
        form = await request.post()
        fields = {k: v for k, v in form.items() if isinstance(v, str) and len(v) <= MAX_FIELD}
        expected = request.cookies.get(LOGIN_COOKIE)
        if not expected or not same(fields.get("csrf"), expected):
            raise web.HTTPForbidden(text=console.words(request).say(NOTICES["csrf"]) + "\n")
        keys = (f"ip:{request.remote or ''}", *(["name:" + fields["name"]] if fields.get("name")
                                                 else []))  # fmt: skip
        wait = console.throttle.wait(*keys)
        if wait:
            return _throttled(console, request, wait)
        person: Person | None = None
        if fields.get("token"):
            person = console.auth.by_token(fields["token"])
        elif fields.get("name") and fields.get("password"):
            person = await console.auth.by_password(fields["name"], fields["password"])
        if person is None:
            console.throttle.failed(*keys)
            raise web.HTTPSeeOther("/login?notice=bad-login")
        console.throttle.succeeded(*keys[1:])
        return _logged_in(console, person)

    return handler


def _throttled(console: Console, request: web.Request, wait: float) -> web.StreamResponse:
    """429: the log-in page saying how long to wait (credentials not looked at)."""
    minutes = max(1, math.ceil(wait / 60))
    said = console.words(request).say(THROTTLED, minutes=minutes)
    token = secrets.token_urlsafe(24)
    response = console.render(request, "login.html", None, status=429, login_csrf=token, said=said)
    response.headers["Retry-After"] = str(math.ceil(wait))
    console.set_cookie(response, LOGIN_COOKIE, token)
    return response


def logout(console: Console) -> Route:
    async def handler(request: web.Request) -> web.StreamResponse:
        form = await request.post()
        given = request.cookies.get(COOKIE)
        session = console.auth.sessions.get(given)
        csrf = form.get("csrf")
        if session is not None and not same(csrf if isinstance(csrf, str) else None,
                                            session.csrf):  # fmt: skip
            raise web.HTTPForbidden(text=console.words(request).say(NOTICES["csrf"]) + "\n")
        console.auth.sessions.close(given)
        response = see_other("/login?notice=logged-out")
        response.del_cookie(COOKIE, path="/")
        return response

    return handler


def _logged_in(console: Console, person: Person) -> web.StreamResponse:
    session = console.auth.sessions.open(person)
    response = see_other("/inbox")
    console.set_cookie(response, COOKIE, session.id)
    response.del_cookie(LOGIN_COOKIE, path="/")
    return response


def see_other(location: str) -> web.Response:
    """303 to ``location`` (a response, not an exception: it carries cookies)."""
    return web.Response(status=303, headers={"Location": location, "Cache-Control": "no-store"})


ROUTES: tuple[tuple[str, str, Callable[[Console], Route]], ...] = (
    ("GET", "/login", login_page),
    ("POST", "/login", login_post),
    ("POST", "/logout", logout),
)
