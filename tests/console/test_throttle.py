"""The console's log-in throttling on a clock of the test's: a name or an address refused after
its failures within the window, for the pause, and forgotten after it."""

from __future__ import annotations

from engine.web.console.throttle import Throttle


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_key_is_refused_after_its_failures_for_the_pause() -> None:
    clock = Clock()
    throttle = Throttle(most=3, window=60, pause=120, clock=clock)
    for _ in range(2):
        throttle.failed("name:alice", "ip:1")
    assert throttle.wait("name:alice", "ip:1") == 0
    throttle.failed("name:alice", "ip:2")
    assert throttle.wait("name:alice") == 120  # the name, from any address
    assert throttle.wait("ip:2") == 0 and throttle.wait("ip:1") == 0
    clock.now += 100
    assert throttle.wait("ip:9", "name:alice") == 20
    clock.now += 20
    assert throttle.wait("name:alice") == 0  # the pause is over


def test_failures_outside_the_window_do_not_count() -> None:
    clock = Clock()
    throttle = Throttle(most=3, window=60, pause=120, clock=clock)
    throttle.failed("ip:1")
    throttle.failed("ip:1")
    clock.now += 61
    throttle.failed("ip:1")
    assert throttle.wait("ip:1") == 0
    throttle.failed("ip:1")
    throttle.failed("ip:1")
    assert throttle.wait("ip:1") == 120


def test_a_success_forgets_the_failures_of_its_name() -> None:
    clock = Clock()
    throttle = Throttle(most=2, window=60, pause=120, clock=clock)
    throttle.failed("name:alice")
    throttle.succeeded("name:alice")
    throttle.failed("name:alice")
    assert throttle.wait("name:alice") == 0
