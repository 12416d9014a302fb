"""Own the JSON-lines connector: a plain TCP protocol for tests and integrations.

A peer connects and exchanges one JSON object per line (UTF-8, at most ``max_line`` bytes):

- peer → engine ``{"type": "mo", "id": "m1", "from": "+336…", "to": "36111", "text": "VOTE A"}``;
  the engine answers ``{"type": "ack", "id": "m1"}`` only once the message is committed, or
  ``{"type": "nack", "id": "m1", "error": "…"}`` when it cannot take it. ``id``, ``from`` and
  ``to`` are non-empty strings, ``text`` a string (missing: an empty SMS). The same id with the
  same content is a re-delivery (acknowledged again, processed once); the same id with other
  content is refused (nack, and a warning in the log).
- engine → peer ``{"type": "mt", "ref": 42, "from": "36111", "to": "+336…", "text": "Thanks!"}``;
  the peer answers ``{"type": "mt_ack", "ref": 42}``. ``ref`` is stable across restarts.
- engine → peer ``{"type": "query", "refs": [41, 42]}`` after a restart, for the messages that
  were being handed over when the engine stopped; the peer answers
  ``{"type": "query_resp", "seen": [42]}`` and only the others are sent again. A peer that does
  not answer within ``query_timeout`` gets them all again (at-least-once: the documented window).
- ``{"type": "ping"}`` is answered ``{"type": "pong"}``: a peer that only receives MTs keeps its
  connection from ``idle_timeout`` with it (an ``mt_ack`` counts as activity too).
- With a ``token``, the first frame must be ``{"type": "auth", "token": "…"}`` (answered
  ``{"type": "auth_ok"}``); anything else gets an error frame and the connection is closed.

A line that is not a frame gets ``{"type": "error", "error": "…"}`` and the connection goes on.
"""

from __future__ import annotations

from engine.transports.jsonl.connection import Limits
from engine.transports.jsonl.transport import JsonLinesTransport

__all__ = ["JsonLinesTransport", "Limits"]
