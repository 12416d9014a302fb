"""Own the wire form of a notification: its JSON body and its Stripe-style signature.

The body is ``{"id", "type", "at", "data"}`` as compact UTF-8 JSON. The signature header is
``X-Twoway-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>``: the
receiver recomputes the HMAC over the raw body it got and refuses a ``t`` too far from its own
time (a replayed post). docs/operations.md has the receiver's recipe.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time

from engine.core.notices import Notification

__all__ = [
    "EVENT_HEADER",
    "ID_HEADER",
    "SIGNATURE_HEADER",
    "TOLERANCE",
    "body_of",
    "sign",
    "verify",
]

SIGNATURE_HEADER = "X-Twoway-Signature"
EVENT_HEADER = "X-Twoway-Event"
ID_HEADER = "X-Twoway-Id"

TOLERANCE = 300
"""Seconds between the signature's ``t`` and the receiver's time that ``verify`` accepts."""


def body_of(notification: Notification) -> bytes:
    """The JSON body posted for ``notification`` (the same at every attempt)."""
    payload = {
        "id": notification.event_id,
        "type": notification.type,
        "at": notification.at.isoformat(),
        "data": dict(notification.data),
    }
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _mac(secret: str, stamp: int, body: bytes) -> str:
    message = str(stamp).encode("ascii") + b"." + body
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def sign(secret: str, body: bytes, stamp: int | None = None) -> str:
    """The ``X-Twoway-Signature`` value of ``body`` at ``stamp`` (now unless given)."""
    stamp = int(time.time()) if stamp is None else stamp
    return f"t={stamp},v1={_mac(secret, stamp, body)}"


def verify(
    secret: str, body: bytes, header: str, *, now: float | None = None, tolerance: int = TOLERANCE
) -> bool:
    """Whether ``header`` signs ``body`` with ``secret``, at most ``tolerance`` s from ``now``."""
    fields: dict[str, list[str]] = {}
    for part in header.split(","):
        key, _, value = part.strip().partition("=")
        fields.setdefault(key, []).append(value)
    stamps = fields.get("t", [])
    if len(stamps) != 1 or not stamps[0].isdigit():
        return False
    stamp = int(stamps[0])
    if abs((time.time() if now is None else now) - stamp) > tolerance:
        return False
    expected = _mac(secret, stamp, body)
    return any(hmac.compare_digest(expected, given) for given in fields.get("v1", []))
