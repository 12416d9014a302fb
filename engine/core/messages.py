"""Own the message values that cross layers: an inbound SMS, an outgoing SMS, and addresses."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

__all__ = [
    "MAX_TEXT",
    "Address",
    "Inbound",
    "Outgoing",
    "ProviderId",
    "SentParts",
    "normalize_address",
    "unicode_problem",
]

Address = str
"""An E.164 number (``+33612345678``), a short code (``36111``) or an alphanumeric sender."""

MAX_TEXT = 39_015
"""The longest text a concatenated SMS can carry (255 parts × 153 GSM-7 characters)."""


def unicode_problem(field: str, value: str) -> str | None:
    """Why ``value`` cannot be stored or sent as UTF-8 (a lone surrogate), or None.

    >>> unicode_problem("text", "VOTE \\ud800")
    'text is not valid Unicode: lone surrogate U+D800 at character 5'
    """
    if value.isascii():
        return None
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        return (
            f"{field} is not valid Unicode: lone surrogate U+{ord(value[exc.start]):04X}"
            f" at character {exc.start}"
        )
    return None


_SEPARATORS = re.compile(r"[\s\-.()/]")
_DIGITS = re.compile(r"\+?\d+")


@lru_cache(maxsize=65_536)
def normalize_address(raw: str) -> Address:
    """Return the canonical form of an address.

    ``00 33 6 12-34-56-78`` and ``+33 6 12 34 56 78`` both become ``+33612345678``; short codes and
    national numbers keep their digits (no ``+`` is invented); alphanumeric senders are kept as
    written, trimmed.

    >>> normalize_address("0033 6 12 34 56 78")
    '+33612345678'
    >>> normalize_address(" 36111 ")
    '36111'
    >>> normalize_address("ACME Shop")
    'ACME Shop'
    """
    text = raw.strip()
    compact = _SEPARATORS.sub("", text)
    if _DIGITS.fullmatch(compact):
        if compact.startswith("00") and len(compact) > 4:
            return "+" + compact[2:]
        return compact
    return text


@dataclass(frozen=True, slots=True)
class Inbound:
    """An SMS received from a contact on one of our numbers."""

    sender: Address
    recipient: Address
    text: str
    received_at: datetime
    transport: str = "loopback"
    external_id: str | None = None
    id: int | None = None
    """The store's row id, once committed."""
    dedup_window: float = 0.0
    """Seconds. Without an ``external_id``, a message identical to one received on the same
    transport (same sender, recipient and text) at most this long before or after it is a
    re-delivery: acknowledged, not processed again. SMPP sets it (a deliver_sm has no id);
    0: every message without an id is new."""
    parts: str | None = None
    """For a long message its transport put together from parts held in the store
    (``Store.hold_parts``): their group; the transaction that commits the message marks them
    done, so that a crash never leaves them waiting for a message already taken."""

    def with_id(self, row_id: int) -> Inbound:
        """This message as committed: ``dataclasses.replace(self, id=row_id)``, at half its
        cost (the intake gives every message its id)."""
        return Inbound(
            self.sender,
            self.recipient,
            self.text,
            self.received_at,
            self.transport,
            self.external_id,
            row_id,
            self.dedup_window,
            self.parts,
        )


@dataclass(frozen=True, slots=True)
class Outgoing:
    """An SMS the runtime wants sent; the store turns it into an outbox row."""

    recipient: Address
    sender: Address
    text: str
    kind: str = "reply"
    """``reply`` (to the contact), ``send`` (to another number) or ``compliance`` (STOP/HELP)."""


@dataclass(frozen=True, slots=True)
class SentParts:
    """What a transport answers for a message it sent as parts that each get a status report of
    their own (a modem): the provider id of each part, in order. The message is ``delivered``
    once every part is, and takes the outcome of the first part that failed for good."""

    ids: tuple[str, ...]

    @property
    def last(self) -> str:
        """The id the outbox row keeps (the message's, as a transport without parts says it)."""
        return self.ids[-1]


ProviderId = str | SentParts
"""What a transport's ``send`` answers: the provider's id of the message, or of its parts."""
