"""Own the settings of an http connector: its keys read into typed values, presets applied,
and the problems ``twoway check`` reports about them.

The schema (``schemas/config.schema.json``, ``http_connector``) checks each key's type; what
spans keys is here (``option_problems``): a Twilio connector needs its ``account_sid`` and
``auth_token``, a generic one its ``outbound.url``, a status code is a code.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Literal
from urllib.parse import urlsplit

from engine.i18n import msg
from engine.transports.http.presets import preset_defaults

__all__ = [
    "Auth",
    "Fields",
    "HttpSettings",
    "Inbound",
    "Outbound",
    "codes_match",
    "http_settings",
    "option_problems",
]

_CODE_CLASS = re.compile(r"^[1-5]xx$")


@dataclass(frozen=True, slots=True)
class Fields:
    """Where a webhook's body keeps each value (a key, or a dotted path into JSON)."""

    id: str
    sender: str
    recipient: str
    text: str
    status: str
    error: str


@dataclass(frozen=True, slots=True)
class Inbound:
    """How the webhook ``/hooks/{connector}`` reads and checks what the provider posts."""

    fields: Fields
    statuses: Mapping[str, str]
    """The provider's status words → outbox statuses; a word not listed counts as ``sent``."""
    signature: Literal["twilio", "hmac", "none"]
    secret: str | None = field(default=None, repr=False)
    """Twilio's auth token, or the generic preset's shared secret (never logged)."""
    public_url: str | None = None
    """The URL the provider calls (and signs), when a reverse proxy stands in between."""
    answer: tuple[str, str] = ("application/json", '{"status": "ok"}')
    """Content type and body of the 200 (Twilio expects TwiML)."""


@dataclass(frozen=True, slots=True)
class Auth:
    """HTTP authentication of the provider's REST API: basic, or a bearer token."""

    username: str | None = None
    password: str = field(default="", repr=False)
    bearer: str | None = field(default=None, repr=False)


@dataclass(frozen=True, slots=True)
class Outbound:
    """How a message is sent through the provider's REST API."""

    url: str
    method: str = "POST"
    headers: Mapping[str, str] = field(default_factory=dict, repr=False)
    auth: Auth | None = field(default=None, repr=False)
    body: Literal["json", "form"] = "json"
    template: Mapping[str, Any] = field(default_factory=dict)
    """The body: values with ``{to}``, ``{from}``, ``{text}``, ``{reference}`` filled in."""
    id_path: str = "id"
    success: tuple[int | str, ...] = ("2xx",)
    temporary: tuple[int | str, ...] = (408, 425, 429, "5xx")
    timeout: float = 10.0
    max_in_flight: int = 64


@dataclass(frozen=True, slots=True)
class HttpSettings:
    preset: str
    inbound: Inbound
    outbound: Outbound


def codes_match(status: int, codes: tuple[int | str, ...]) -> bool:
    """Whether HTTP ``status`` is one of ``codes`` (integers, or classes like ``5xx``)."""
    return any(
        status == code if isinstance(code, int) else str(status)[0] == code[0] for code in codes
    )


def _merged(options: Mapping[str, Any]) -> dict[str, Any]:
    """The preset's defaults under the connector's own keys (``outbound`` merged key by key)."""
    defaults = preset_defaults(options)
    merged = {**defaults, **{k: v for k, v in options.items() if k != "outbound"}}
    merged["fields"] = {**defaults["fields"], **(options.get("fields") or {})}
    if options.get("statuses") is not None:
        merged["statuses"] = {str(k): str(v) for k, v in options["statuses"].items()}
    merged["outbound"] = {**defaults["outbound"], **(options.get("outbound") or {})}
    return merged


def _auth(raw: Any) -> Auth | None:
    if not isinstance(raw, Mapping):
        return None
    if raw.get("bearer"):
        return Auth(bearer=str(raw["bearer"]))
    if raw.get("username") is not None:
        return Auth(username=str(raw["username"]), password=str(raw.get("password") or ""))
    return None


def http_settings(options: Mapping[str, Any]) -> HttpSettings:
    """A checked connector's keys (secrets read) as settings."""
    merged = _merged(options)
    preset = str(merged.get("preset", "generic"))
    names = merged["fields"]
    fields_ = Fields(
        str(names["id"]),
        str(names["from"]),
        str(names["to"]),
        str(names["text"]),
        str(names["status"]),
        str(names["error"]),
    )
    signature: Literal["twilio", "hmac", "none"]
    if preset == "twilio":
        signature, secret = "twilio", str(merged.get("auth_token") or "") or None
    else:
        secret = str(merged["secret"]) if merged.get("secret") else None
        signature = "hmac" if secret else "none"
    answer = merged["answer"]
    inbound = Inbound(
        fields_,
        dict(merged["statuses"]),
        signature,
        secret,
        str(merged["public_url"]) if merged.get("public_url") else None,
        (str(answer[0]), str(answer[1])),
    )
    out = merged["outbound"]
    outbound = Outbound(
        url=str(out.get("url", "")),
        method=str(out.get("method", "POST")).upper(),
        headers={str(k): str(v) for k, v in (out.get("headers") or {}).items()},
        auth=_auth(out.get("auth")),
        body="form" if out.get("body") == "form" else "json",
        template=dict(out.get("template") or {}),
        id_path=str(out.get("id", "id")),
        success=tuple(out.get("success") or ("2xx",)),
        temporary=tuple(out.get("temporary") or ()),
        timeout=float(out.get("timeout", 10.0)),
        max_in_flight=int(out.get("max_in_flight", 64)),
    )
    if preset == "twilio" and merged.get("status_callback") and inbound.public_url:
        template = dict(outbound.template)
        template.setdefault("StatusCallback", inbound.public_url)
        outbound = replace(outbound, template=template)
    return HttpSettings(preset, inbound, outbound)


def option_problems(options: Mapping[str, Any]) -> list[tuple[tuple[str, ...], str, str]]:
    """What an http connector's keys (secrets read) cannot work with: (key path, message,
    hint) each; the path is relative to the connector."""
    problems: list[tuple[tuple[str, ...], str, str]] = []
    preset = options.get("preset", "generic")
    if preset == "twilio":
        missing = [key for key in ("account_sid", "auth_token") if not options.get(key)]
        if missing:
            problems.append(
                (
                    ("preset",),
                    msg(
                        "http.twilio_needs",
                        keys=" and ".join(f"'{key}'" for key in missing)
                        if len(missing) < 2
                        else msg("list.and", first=f"'{missing[0]}'", last=f"'{missing[1]}'"),
                    ),
                    msg("http.twilio_needs.hint"),
                )
            )
        if options.get("status_callback") and not options.get("public_url"):
            problems.append(
                (
                    ("status_callback",),
                    msg("http.status_callback"),
                    msg("http.status_callback.hint"),
                )
            )
    outbound = options.get("outbound") or {}
    url = outbound.get("url") if isinstance(outbound, Mapping) else None
    if preset != "twilio" and not url:
        problems.append(
            (
                ("outbound",) if "outbound" in options else ("preset",),
                msg("http.outbound_url"),
                msg("http.outbound_url.hint"),
            )
        )
    urls = (
        (("public_url",), options.get("public_url"), "sms.example.com/hooks/NAME"),
        (("outbound", "url"), url, "api.example.com/v1/messages"),
        (("base_url",), options.get("base_url"), "api.twilio.com"),
    )
    for where, value, example in urls:
        if isinstance(value, str) and value and not _is_http_url(value):
            message = msg("http.not_a_url", key=".".join(where), value=value)
            problems.append((where, message, msg("http.not_a_url.hint", example=example)))
    return problems


def _is_http_url(value: str) -> bool:
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.netloc)
