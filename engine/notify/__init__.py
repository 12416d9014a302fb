"""Own event notifications: signed JSON posts of what happened to the URLs of ``notify:``.

``signing`` makes the body and its ``X-Twoway-Signature``; ``notifier`` is the engine's task that
posts the pending rows the store wrote, retries with back-off and gives up after a day.
"""

from __future__ import annotations

from engine.notify.notifier import Backoff, Notifier
from engine.notify.signing import SIGNATURE_HEADER, body_of, sign, verify

__all__ = ["SIGNATURE_HEADER", "Backoff", "Notifier", "body_of", "sign", "verify"]
