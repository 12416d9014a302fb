"""Own how values are written to SQLite columns: times as ISO 8601 UTC text, data as JSON.

Times are stored as fixed-width text (``2026-01-05T09:00:00.000000+00:00``) so that text order is
time order, and read back as timezone-aware datetimes. JSON carries session variables, contact
fields, timer parameters, event data and answers; ``datetime`` and ``date`` values inside them are
tagged (``{"$datetime": "..."}``, ``{"$date": "..."}``) so they come back as the same types.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping
from datetime import UTC, date, datetime
from functools import lru_cache
from json.encoder import encode_basestring
from typing import Any

from engine.errors import StoreError

__all__ = [
    "dumps",
    "fingerprint",
    "loads",
    "time_in",
    "time_or_none",
    "time_or_none_out",
    "time_out",
]


@lru_cache(maxsize=4_096)
def time_in(value: datetime) -> str:
    """Return the column text of an aware datetime; a naive one is refused.

    Cached: a batch repeats the same few instants (its ``now``, session start times)."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise StoreError(f"naive datetime given to the store: {value.isoformat()}")
    return value.astimezone(UTC).isoformat(timespec="microseconds")


def time_out(text: str) -> datetime:
    """Return the aware datetime (UTC) stored as ``text``."""
    return datetime.fromisoformat(text)


def time_or_none(value: datetime | None) -> str | None:
    return None if value is None else time_in(value)


def time_or_none_out(text: str | None) -> datetime | None:
    return None if text is None else time_out(text)


def _default(value: object) -> Any:
    if isinstance(value, Mapping):
        return dict(value)
    if isinstance(value, datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, date):
        return {"$date": value.isoformat()}
    if isinstance(value, (set, frozenset)):
        raise TypeError("sets are not stored (order is undefined); use a list")
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def _hook(obj: dict[str, Any]) -> Any:
    if len(obj) == 1:
        if "$datetime" in obj and isinstance(obj["$datetime"], str):
            return datetime.fromisoformat(obj["$datetime"])
        if "$date" in obj and isinstance(obj["$date"], str):
            return date.fromisoformat(obj["$date"])
    return obj


_ENCODER = json.JSONEncoder(default=_default, ensure_ascii=False, separators=(",", ":"))
_STRICT = json.JSONEncoder(
    default=_default, ensure_ascii=False, separators=(",", ":"), allow_nan=False
)
_KEYS = json.JSONEncoder(ensure_ascii=False)
"""What ``json.dumps(..., ensure_ascii=False)`` writes (the keys' material, stored since the
first release), without building an encoder for each message."""
_DECODER = json.JSONDecoder(object_hook=_hook)


def _flat(value: dict[Any, Any]) -> str | None:
    """The JSON text ``_ENCODER`` writes for a dict of texts, whole numbers, booleans and nulls
    under text keys (most event data), written without its per-call set-up; else None."""
    parts = []
    for key, item in value.items():
        if type(key) is not str:
            return None
        kind = type(item)
        if kind is str:
            text = encode_basestring(item)  # what the encoder uses with ensure_ascii=False
        elif item is None:
            text = "null"
        elif kind is bool:
            text = "true" if item else "false"
        elif kind is int:
            text = int.__repr__(item)  # as the encoder writes an int
        else:
            return None
        parts.append(encode_basestring(key) + ":" + text)
    return "{" + ",".join(parts) + "}"


def dumps(value: Any, *, strict: bool = False) -> str:
    """Encode ``value`` as JSON text; raise StoreError if it cannot be.

    ``strict``: JSON that SQLite's JSON functions read too (the view ``events`` takes the event
    data apart with them): a number that is not finite — an answer of 400 digits read as a
    float — is written null, where Python's ``json`` writes ``Infinity``, which only it reads."""
    if isinstance(value, Mapping) and not value:
        return "{}"
    try:
        if type(value) is dict:
            flat = _flat(value)
            if flat is not None:
                return flat
        if not strict:
            return _ENCODER.encode(value)
        try:
            return _STRICT.encode(value)
        except ValueError:  # a number that is not finite (or a circular value: raises again)
            return _STRICT.encode(_finite(value))
    except (TypeError, ValueError, RecursionError) as exc:
        raise StoreError(f"value cannot be stored as JSON: {exc}") from exc


def _finite(value: Any) -> Any:
    """``value`` with every float that is not finite (inf, nan) made None."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, Mapping):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(item) for item in value]
    return value


def loads(text: str | None) -> Any:
    """Decode JSON text written by :func:`dumps` (None stays None)."""
    if text is None or text == "null":
        return None
    if text == "{}":
        return {}
    if text == "[]":
        return []
    return _DECODER.decode(text)


def fingerprint(transport: str, sender: str, recipient: str, text: str, received_at: str) -> str:
    """Return the dedup key of a message that has no provider id (sha256, hex)."""
    material = _KEYS.encode([transport, sender, recipient, text, received_at])
    return hashlib.sha256(material.encode("utf-8")).hexdigest()
