"""Own who may use the web console: log-in (an API token, or a user of ``http.users`` and their
password), the sessions, the CSRF token of each, log-out, and the first start's token.

Sessions are kept in memory, not in the store: a session is a few random bytes that mean nothing
after a restart, and keeping them out of the database keeps the store free of secrets; a restart
logs everyone out, which a console for a handful of people can live with. The session cookie is
``HttpOnly``, ``SameSite=Strict``, ``Path=/`` and ``Secure`` when the listener speaks TLS. Every
form carries the session's CSRF token (the log-in form a cookie's, double-submitted); a POST
without it is refused with 403. An API token logs in when it has the ``inbox`` or ``admin``
scope: it sees every team, and what it does is recorded as ``token:NAME``; a user's acts as
``user:NAME``.

With neither ``http.tokens`` nor ``http.users`` configured, the first start writes a token to
``STORE.console-token`` (mode 0600) and logs a log-in link for 127.0.0.1 that works once: the
one secret ever logged. Tokens and passwords are compared in constant time, never logged.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import os
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from engine.config import ApiToken, Config, ConsoleUser
from engine.store.files import open_private
from engine.web.console.passwords import verify_password

__all__ = [
    "COOKIE",
    "LOGIN_COOKIE",
    "Auth",
    "Person",
    "Session",
    "Sessions",
    "token_file",
]

log = logging.getLogger(__name__)

COOKIE = "twoway_session"
LOGIN_COOKIE = "twoway_login"
"""The log-in form's CSRF token, double-submitted (there is no session yet)."""
IDLE = 12 * 3600.0
"""Seconds a session lives without a request."""
CONSOLE_TOKEN = "console"
"""The name of the token a first start makes (``token:console`` in what it does)."""
LOGIN_SCOPES = frozenset({"inbox", "admin"})


@dataclass(frozen=True)
class Person:
    """Who is logged in: what the store records (``author``), which teams' threads they see."""

    name: str
    author: str
    teams: frozenset[str] = frozenset()
    admin: bool = False
    campaigns: bool = False
    """May start, pause, resume and cancel campaigns: a user with ``admin: true``, or a token
    with the ``admin`` scope (the REST API's scope for those acts)."""
    reads: bool = True
    """May see the results and campaigns pages: every user; a token with the ``read`` or
    ``admin`` scope (what it may read through the REST API), not one with ``inbox`` only."""

    def sees(self, team: str) -> bool:
        return self.admin or team in self.teams


@dataclass
class Session:
    id: str = field(repr=False)
    person: Person
    csrf: str = field(repr=False)
    seen: float


class Sessions:
    """The open sessions, in memory, each ending ``idle`` seconds after its last request."""

    def __init__(self, idle: float = IDLE, clock: Callable[[], float] = time.monotonic) -> None:
        self.idle = idle
        self.clock = clock
        self._open: dict[str, Session] = {}

    def open(self, person: Person) -> Session:
        now = self.clock()
        for key in [k for k, s in self._open.items() if now - s.seen > self.idle]:
            del self._open[key]
        session = Session(secrets.token_urlsafe(32), person, secrets.token_urlsafe(32), now)
        self._open[_digest(session.id)] = session
        return session

    def get(self, given: str | None) -> Session | None:
        if not given:
            return None
        key = _digest(given)  # a dict lookup by the digest: no timing on the cookie itself
        found = self._open.get(key)
        if found is None:
            return None
        now = self.clock()
        if now - found.seen > self.idle:
            del self._open[key]
            return None
        found.seen = now
        return found

    def alive(self, given: str | None) -> bool:
        """Whether the session is still open (its last request not moved: an open event
        stream does not keep a session alive)."""
        found = self._open.get(_digest(given)) if given else None
        return found is not None and self.clock() - found.seen <= self.idle

    def close(self, given: str | None) -> None:
        if given:
            self._open.pop(_digest(given), None)


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def same(given: str | None, expected: str) -> bool:
    """Whether ``given`` is ``expected``, in constant time (None never is)."""
    return given is not None and hmac.compare_digest(given.encode(), expected.encode())


def token_file(config: Config) -> Path | None:
    """Where a first start writes its token: beside the store (None for a store in memory)."""
    if config.store == ":memory:":
        return None
    store = Path(config.store)
    return store.with_name(store.name + ".console-token")


class Auth:
    """The credentials of one engine's console and its sessions."""

    def __init__(self, config: Config | None) -> None:
        self.tokens: tuple[ApiToken, ...] = ()
        self.users: tuple[ConsoleUser, ...] = ()
        if config is not None:
            self.tokens = tuple(t for t in config.http.tokens if t.scopes & LOGIN_SCOPES)
            self.users = config.http.users
        self.configured = config is not None and bool(config.http.tokens or config.http.users)
        self.config = config
        self.sessions = Sessions()
        self._once: set[str] = set()
        self._announce: tuple[Path, str] | None = None

    def first_start(self) -> None:
        """With no credentials configured: the token file (made on the first start) and a
        log-in link that works once (logged by ``announce``). Called before the listener opens,
        so that whoever finds the port open finds the file too."""
        if self.configured or self.config is None:
            return
        path = token_file(self.config)
        if path is None:
            log.warning("console: no http.tokens or http.users and a store in memory: "
                        "nobody can log in")  # fmt: skip
            return
        made = not path.exists()
        try:
            token = _made_or_read(path, made)
        except OSError as exc:  # a full disk, a read-only folder: the engine runs on
            reason = (exc.strerror or str(exc)).lower()
            log.warning("console: cannot write or read %s (%s): nobody can log in; set "
                        "http.users or http.tokens", path, reason)  # fmt: skip
            return
        if not token:
            log.warning("console: %s is empty: nobody can log in; remove it and restart", path)
            return
        self.tokens = (ApiToken(CONSOLE_TOKEN, token, LOGIN_SCOPES),)
        if made:
            once = secrets.token_urlsafe(32)
            self._once.add(_digest(once))
            self._announce = (path, once)
        else:
            log.info("console: log in with the token in %s", path)

    def announce(self, port: int, scheme: str = "http") -> None:
        """Log the first start's one-time link, once the listener's ``port`` is known."""
        if self._announce is None:
            return
        path, once = self._announce
        self._announce = None
        log.warning("console: no http.tokens or http.users: a log-in token is in %s "
                    "(mode 0600); log in once with %s://127.0.0.1:%d/login?once=%s",
                    path, scheme, port, once)  # fmt: skip

    def once(self, given: str) -> Person | None:
        """The first start's link: a person the first time, None ever after."""
        key = _digest(given)
        if key not in self._once or not self.tokens:
            return None
        self._once.discard(key)
        return self._token_person(self.tokens[0])

    def by_token(self, given: str) -> Person | None:
        found = None
        for token in self.tokens:  # every one compared, in constant time
            if same(given, token.token):
                found = token
        return None if found is None else self._token_person(found)

    async def by_password(self, name: str, password: str) -> Person | None:
        """The user ``name`` if ``password`` is theirs (scrypt runs off the event loop; an
        unknown name costs as much as a wrong password)."""
        user = next((u for u in self.users if u.name == name), None)
        stored = user.password if user is not None else _DECOY
        loop = asyncio.get_running_loop()
        right = await loop.run_in_executor(None, verify_password, password, stored)
        if user is None or not right:
            return None
        return Person(user.name, f"user:{user.name}", user.teams, user.admin, user.admin)

    @staticmethod
    def _token_person(token: ApiToken) -> Person:
        scopes = token.scopes
        return Person(token.name, f"token:{token.name}", frozenset(), True, "admin" in scopes,
                      bool(scopes & {"read", "admin"}))  # fmt: skip


def _made_or_read(path: Path, make: bool) -> str:
    """The first start's token: written to ``path`` (mode 0600) if ``make``, else read."""
    if make:
        with os.fdopen(open_private(path), "w", encoding="utf-8") as file:
            file.write(secrets.token_urlsafe(32) + "\n")
    else:
        os.chmod(path, 0o600)  # a copy restored with another mode
    return path.read_text(encoding="utf-8").strip()


_DECOY = "scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="
