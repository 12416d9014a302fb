"""Own the jsonl wire format: a line to a frame, an MO frame checked field by field, a frame out.

Every refusal is a ``FrameError`` whose text goes to the peer as is, in an ``error`` frame (a
line that is no frame) or a ``nack`` (an MO that cannot be taken): it names the field and why.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from engine.core.messages import unicode_problem

__all__ = ["MAX_ID", "FrameError", "Mo", "check_mo", "check_ref", "check_refs", "echo_id", "encode"]

MAX_ID = 256
"""Characters of an MO id at most: an id is a key, not a payload."""


class FrameError(ValueError):
    """A line or a frame the engine cannot take; its text is what the peer is told."""


@dataclass(frozen=True, slots=True)
class Mo:
    """An MO frame whose fields are checked: non-empty strings, valid Unicode."""

    id: str
    sender: str
    recipient: str
    text: str


def parse_line(line: bytes) -> dict[str, Any]:
    """One line (without its newline) to a JSON object, or FrameError."""
    try:
        value = json.loads(line)
    except RecursionError:
        raise FrameError("JSON nested too deeply") from None
    except ValueError:  # not JSON, not UTF-8, an integer of too many digits
        raise FrameError("not a JSON line") from None
    if not isinstance(value, dict):
        raise FrameError("not a JSON object")
    return value


def check_mo(frame: dict[str, Any]) -> Mo:
    """The fields of an MO frame, or FrameError naming the first one that is wrong.

    ``id``, ``from`` and ``to`` are required non-empty strings; ``text`` is a string, and an MO
    without ``text`` is an empty SMS (``""``); ``null`` or any other type is refused.
    """
    mo_id = _string(frame, "id")
    if len(mo_id) > MAX_ID:
        raise FrameError(f"id is longer than {MAX_ID} characters")
    return Mo(
        id=mo_id,
        sender=_string(frame, "from"),
        recipient=_string(frame, "to"),
        text=_string(frame, "text", missing=""),
    )


def _string(frame: dict[str, Any], field: str, *, missing: str | None = None) -> str:
    if field not in frame:
        if missing is not None:
            return missing
        raise FrameError(f"missing '{field}'")
    value = frame[field]
    if not isinstance(value, str):
        raise FrameError(f"{field} must be a string, not {_kind(value)}")
    problem = unicode_problem(field, value)
    if problem is not None:
        raise FrameError(problem)
    if missing is None and not value.strip():
        raise FrameError(f"{field} must not be empty")
    return value


def check_ref(frame: dict[str, Any]) -> int:
    """The ``ref`` of an ``mt_ack``: an integer, or FrameError."""
    ref = frame.get("ref")
    if not isinstance(ref, int) or isinstance(ref, bool):
        raise FrameError(f"mt_ack.ref must be an integer, not {_kind(ref)}")
    return ref


def check_refs(frame: dict[str, Any]) -> set[int]:
    """The ``seen`` refs of a ``query_resp``: a list of integers (missing: none), or FrameError."""
    seen = frame.get("seen") or []
    if not isinstance(seen, list) or not all(
        isinstance(ref, int) and not isinstance(ref, bool) for ref in seen
    ):
        raise FrameError("query_resp.seen must be a list of integers")
    return set(seen)


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    return "a string"


def echo_id(frame: dict[str, Any]) -> Any:
    """The ``id`` to echo in a nack: what the peer sent when a string or an integer, else null."""
    value = frame.get("id")
    if isinstance(value, str):
        return value if len(value) <= MAX_ID else value[:MAX_ID]
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def encode(frame: dict[str, Any]) -> bytes:
    """One frame as a line; text that is not valid Unicode is escaped (``\\ud800``)."""
    text = json.dumps(frame, ensure_ascii=False)
    try:
        return text.encode() + b"\n"
    except UnicodeEncodeError:
        return json.dumps(frame).encode() + b"\n"
