"""Own the names of the runtime's events: one ``EventType`` member per fact a step can record.

The catalogue of ``docs/rules.md`` ("Event catalogue") lists the same names with when each is
emitted and its data; ``tests/runtime/test_event_types.py`` keeps the two, and the console's
sentences, in step. A member is a ``str``: stored, encoded as JSON and compared as its value.
"""

from __future__ import annotations

import enum

__all__ = ["EXPLAIN_ONLY", "EventType"]


class EventType(enum.StrEnum):
    """What a step recorded, by the name the ``events`` table keeps."""

    MESSAGE_RECEIVED = "message_received"
    DECIDED = "decided"
    CASE_FAILED = "case_failed"
    OPTED_OUT = "opted_out"
    OPT_OUT_REPEATED = "opt_out_repeated"
    OPTED_IN = "opted_in"
    OPT_IN_REPEATED = "opt_in_repeated"
    HELP = "help"
    IGNORED = "ignored"
    HELD = "held"
    ANSWERED_ASIDE = "answered_aside"
    KEYWORD_CORRECTED = "keyword_corrected"
    FLOW_STARTED = "flow_started"
    STATE_ENTERED = "state_entered"
    SESSION_ENDED = "session_ended"
    SESSION_EXPIRED = "session_expired"
    TIMEOUT = "timeout"
    UNMATCHED = "unmatched"
    RETRIES_EXHAUSTED = "retries_exhausted"
    UNHANDLED = "unhandled"
    HANDOFF = "handoff"
    LOG = "log"
    REPLY_LIMITED = "reply_limited"
    TAGGED = "tagged"
    UNTAGGED = "untagged"
    VOTE_RECORDED = "vote_recorded"
    VOTE_CHANGED = "vote_changed"
    VOTE_REFUSED = "vote_refused"
    ANSWER_RECORDED = "answer_recorded"
    ERROR = "error"


EXPLAIN_ONLY = frozenset({EventType.DECIDED, EventType.CASE_FAILED})
"""Emitted only when a message is explained (``Input.explain``), never stored by ``twoway run``."""
