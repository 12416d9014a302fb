"""Own ``RateLimiter``: a token bucket on a clock, the pace of a number (``throughput:``) and of
a campaign."""

from __future__ import annotations

from engine.core.clock import Clock, SystemClock

__all__ = ["RateLimiter"]


class RateLimiter:
    """A token bucket: at most ``rate`` sends per second, bursts of up to ``burst``.

    Seconds are the clock's (``Clock.monotonic``, ``Clock.sleep``): under a test clock pacing
    follows the test's time, and a jump of the clock wakes a waiting sender, which measures again.
    """

    def __init__(self, rate: float, burst: float | None = None, clock: Clock | None = None) -> None:
        self.rate = rate
        self.capacity = burst if burst is not None else max(1.0, rate)
        self.tokens = self.capacity
        self.clock: Clock = clock or SystemClock()
        self.stamp = self.clock.monotonic()

    async def acquire(self) -> None:
        while not self.take_now():
            await self.clock.sleep((1 - self.tokens) / self.rate)

    def take_now(self) -> bool:
        """Take a send now if the bucket has one (``acquire`` without waiting)."""
        now = self.clock.monotonic()
        self.tokens = min(self.capacity, self.tokens + max(0.0, now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        return False

    def give_back(self) -> None:
        """Return a send ``take_now`` took and did not use."""
        self.tokens = min(self.capacity, self.tokens + 1)
