"""Own the console's log-in throttling: after ``most`` failed log-ins of one name, or from one
client address, within ``window`` seconds, that name or address is refused (429) for ``pause``
seconds, whatever it sends, before any credential is looked at.

Kept in memory (a restart forgets it, as it forgets sessions), bounded (``KEYS`` names and
addresses at most: the oldest forgotten first). A refused attempt costs nothing and tells
nothing: the credentials are not compared, so the answer says only "wait".
"""

from __future__ import annotations

import time
from collections import OrderedDict, deque
from collections.abc import Callable

__all__ = ["Throttle"]

MOST = 5
"""Failed log-ins of one name or address within ``WINDOW`` before it is refused."""
WINDOW = 300.0
PAUSE = 300.0
"""Seconds a name or address is refused once throttled."""
KEYS = 10_000


class Throttle:
    """Failed log-ins by key (``name:…``, ``ip:…``) and the keys refused until when."""

    def __init__(
        self, most: int = MOST, window: float = WINDOW, pause: float = PAUSE,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:  # fmt: skip
        self.most = most
        self.window = window
        self.pause = pause
        self.clock = clock
        self._failed: OrderedDict[str, deque[float]] = OrderedDict()
        self._until: dict[str, float] = {}

    def wait(self, *keys: str) -> float:
        """Seconds before any of ``keys`` may try again (0: now)."""
        now = self.clock()
        longest = 0.0
        for key in keys:
            until = self._until.get(key)
            if until is not None and until <= now:
                del self._until[key]
            elif until is not None:
                longest = max(longest, until - now)
        return longest

    def failed(self, *keys: str) -> None:
        """One failed log-in of each of ``keys``; a key at ``most`` within ``window`` is
        refused for ``pause`` seconds."""
        now = self.clock()
        for key in keys:
            times = self._failed.pop(key, None) or deque()
            times.append(now)
            while times and now - times[0] > self.window:
                times.popleft()
            if len(times) >= self.most:
                self._until[key] = now + self.pause
                times.clear()
            else:
                self._failed[key] = times
        while len(self._failed) > KEYS:
            self._failed.popitem(last=False)
        if len(self._until) > KEYS:
            for key in [k for k, until in self._until.items() if until <= now]:
                del self._until[key]

    def succeeded(self, *keys: str) -> None:
        """A log-in went through: the failures of ``keys`` (its name's) are forgotten."""
        for key in keys:
            self._failed.pop(key, None)
