"""Own the outbound side of an http connector: one message, one request to the provider's REST
API, with ``Idempotency-Key: <outbox row>``; its answer read as the provider's message id, or
as a temporary failure (retried by the outbox's back-off) or a permanent one (the row fails
with the provider's own words as ``last_error``).

Secrets (headers, auth) go in the request only: an error names the URL's host and the status,
never a header.
"""

from __future__ import annotations

import base64
import json
import logging
import re
from collections import Counter
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode, urlsplit

import aiohttp

from engine.core.messages import Outgoing
from engine.errors import TransportError
from engine.logs import Repeated
from engine.transports.http.settings import Outbound, codes_match

__all__ = ["ProviderClient", "render", "response_id"]

log = logging.getLogger("engine.transports.http")

_PLACEHOLDER = re.compile(r"\{(to|from|text|reference)\}")
MAX_ERROR = 300
"""Characters of the provider's answer kept in ``last_error``."""


def render(template: Any, values: Mapping[str, str]) -> Any:
    """``template`` with ``{to}``, ``{from}``, ``{text}`` and ``{reference}`` filled in; other
    braces are left as they are (no format string: a text's own braces are only text)."""
    if isinstance(template, str):
        return _PLACEHOLDER.sub(lambda m: values[m.group(1)], template)
    if isinstance(template, Mapping):
        return {str(key): render(value, values) for key, value in template.items()}
    if isinstance(template, list):
        return [render(value, values) for value in template]
    return template


def response_id(document: Any, path: str) -> str | None:
    """The value at the dotted ``path`` of a JSON answer (``sid``, ``messages.0.id``)."""
    value = document
    for part in path.split("."):
        if isinstance(value, Mapping) and part in value:
            value = value[part]
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return None
    if isinstance(value, str | int) and not isinstance(value, bool):
        return str(value)
    return None


def _provider_words(body: str) -> str:
    """What the provider says went wrong: ``message``/``error``/``detail`` of a JSON answer,
    else the start of its text."""
    try:
        document = json.loads(body)
    except ValueError:
        document = None
    if isinstance(document, dict):
        for key in ("message", "error_message", "detail", "error", "title"):
            value = document.get(key)
            if isinstance(value, str) and value:
                code = document.get("code")
                return f"{value} (code {code})" if isinstance(code, int | str) else value
            if isinstance(value, dict) and isinstance(value.get("message"), str):
                return str(value["message"])
    return " ".join(body.split())[:MAX_ERROR]


class ProviderClient:
    """Sends through one provider's API on one aiohttp session (``open`` / ``close``)."""

    def __init__(self, name: str, settings: Outbound) -> None:
        self.name = name
        self.settings = settings
        self.host = urlsplit(settings.url).netloc.rpartition("@")[2]
        self._session: aiohttp.ClientSession | None = None
        self._repeated = Repeated(log)
        self.problem: str | None = None
        """Why the last request got no answer at all (refused, timed out), until one does."""
        self.in_flight = 0
        self.errors: Counter[str] = Counter()
        """``unreachable``, ``temporary`` and ``permanent`` failures since the start."""

    async def open(self) -> None:
        s = self.settings
        headers = dict(s.headers)
        if s.auth is not None and s.auth.bearer:
            headers["Authorization"] = f"Bearer {s.auth.bearer}"
        elif s.auth is not None and s.auth.username is not None:
            pair = f"{s.auth.username}:{s.auth.password}".encode()
            headers["Authorization"] = "Basic " + base64.b64encode(pair).decode()
        self._session = aiohttp.ClientSession(
            headers=headers,
            timeout=aiohttp.ClientTimeout(total=s.timeout),
            connector=aiohttp.TCPConnector(limit=s.max_in_flight),
        )

    async def close(self) -> None:
        if self._session is not None:
            session, self._session = self._session, None
            await session.close()

    async def send(self, message: Outgoing, reference: int) -> str | None:
        """POST the message; the provider's id, or TransportError (``transient`` or not)."""
        if self._session is None:
            raise TransportError(f"http {self.name} is not started", transient=True)
        s = self.settings
        values = {"to": message.recipient, "from": message.sender, "text": message.text,
                  "reference": str(reference)}  # fmt: skip
        body = render(s.template, values)
        if s.body == "json":
            data = json.dumps(body, ensure_ascii=False).encode()
            kind = "application/json"
        else:
            data = urlencode({k: str(v) for k, v in body.items()}).encode()
            kind = "application/x-www-form-urlencoded"
        headers = {"Idempotency-Key": str(reference), "Content-Type": kind}
        self.in_flight += 1
        try:
            async with self._session.request(s.method, s.url, headers=headers, data=data) as answer:
                status = answer.status
                text = await answer.text(errors="replace")
        except (aiohttp.ClientError, TimeoutError, OSError) as exc:
            reason = type(exc).__name__ if isinstance(exc, TimeoutError) else str(exc)
            self.problem = f"{self.host} could not be reached: {reason or type(exc).__name__}"
            self.errors["unreachable"] += 1
            raise TransportError(self.problem, transient=True) from None
        finally:
            self.in_flight -= 1
        self.problem = None
        if codes_match(status, s.success):
            return self._read_id(text)
        words = _provider_words(text)
        transient = codes_match(status, s.temporary)
        self.errors["temporary" if transient else "permanent"] += 1
        raise TransportError(f"{self.host} answered {status}: {words}", transient=transient)

    def _read_id(self, text: str) -> str | None:
        try:
            document = json.loads(text) if text else None
        except ValueError:
            document = None
        found = response_id(document, self.settings.id_path)
        if found is None:
            self._repeated.warning(
                "id",
                "http %s: the provider's answer has no '%s': its delivery reports cannot be "
                "matched to the message",
                self.name,
                self.settings.id_path,
            )
        return found
