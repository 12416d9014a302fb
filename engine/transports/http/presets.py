"""Own the presets of the http connector: what ``preset: generic`` and ``preset: twilio`` fill in.

A preset is only defaults: every key a connector writes wins over its preset's. ``generic`` is
twoway's own documented JSON shape (docs/operations.md, "The HTTP connector"); ``twilio`` is
Twilio's Programmable Messaging: form webhooks signed with ``X-Twilio-Signature`` and the
``Messages.json`` REST resource.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["GENERIC_STATUSES", "PRESETS", "TWILIO_STATUSES", "preset_defaults"]

GENERIC_STATUSES: Mapping[str, str] = {
    "sent": "sent",
    "delivered": "delivered",
    "failed": "failed",
    "undeliverable": "undeliverable",
    "expired": "expired",
    "rejected": "rejected",
}
"""A generic report's ``status``: twoway's own outbox words (anything else counts as ``sent``)."""

TWILIO_STATUSES: Mapping[str, str] = {
    "accepted": "sent",
    "scheduled": "sent",
    "queued": "sent",
    "sending": "sent",
    "sent": "sent",
    "delivered": "delivered",
    "read": "delivered",
    "undelivered": "undeliverable",
    "failed": "failed",
    "canceled": "failed",
}
"""Twilio's ``MessageStatus`` values, as outbox statuses (``sent``: not final, no change)."""

TWILIO_API = "https://api.twilio.com"

_GENERIC: dict[str, Any] = {
    "signature": "hmac",
    "fields": {
        "id": "id",
        "from": "from",
        "to": "to",
        "text": "text",
        "status": "status",
        "error": "error",
    },
    "statuses": dict(GENERIC_STATUSES),
    "answer": ("application/json", '{"status": "ok"}'),
    "outbound": {
        "method": "POST",
        "body": "json",
        "template": {"to": "{to}", "from": "{from}", "text": "{text}", "reference": "{reference}"},
        "id": "id",
        "success": ["2xx"],
        "temporary": [408, 425, 429, "5xx"],
    },
}

_TWILIO: dict[str, Any] = {
    "signature": "twilio",
    "fields": {
        "id": "MessageSid",
        "from": "From",
        "to": "To",
        "text": "Body",
        "status": "MessageStatus",
        "error": "ErrorCode",
    },
    "statuses": dict(TWILIO_STATUSES),
    "answer": ("text/xml", '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'),
    "outbound": {
        "method": "POST",
        "body": "form",
        "template": {"To": "{to}", "From": "{from}", "Body": "{text}"},
        "id": "sid",
        "success": ["2xx"],
        "temporary": [408, 425, 429, "5xx"],
    },
}

PRESETS: Mapping[str, Mapping[str, Any]] = {"generic": _GENERIC, "twilio": _TWILIO}


def preset_defaults(options: Mapping[str, Any]) -> dict[str, Any]:
    """The defaults ``options`` (a connector's keys) get from their preset.

    Twilio's outbound URL and basic auth come from ``account_sid``, ``auth_token`` and
    ``base_url`` (``https://api.twilio.com``; a test points it at a fake provider).
    """
    name = str(options.get("preset", "generic"))
    defaults = {**PRESETS.get(name, _GENERIC)}
    outbound = dict(defaults["outbound"])
    if name == "twilio":
        sid = str(options.get("account_sid", ""))
        base = str(options.get("base_url", TWILIO_API)).rstrip("/")
        outbound["url"] = f"{base}/2010-04-01/Accounts/{sid}/Messages.json"
        outbound["auth"] = {"username": sid, "password": options.get("auth_token", "")}
    defaults["outbound"] = outbound
    return defaults
