"""The notifier in this process, over a real socket to a local receiver, on a fixed clock: the
back-off, giving up after a day, a subscriber no longer configured, what logs show."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from engine.core.clock import FixedClock
from engine.core.notices import Subscriber, Subscriptions
from engine.metrics import Metrics
from engine.notify import Backoff, Notifier, verify
from engine.notify.notifier import shown
from engine.store import SqliteStore
from tests.notify.receiver import Receiver

NOW = datetime(2027, 3, 1, 12, 0, tzinfo=UTC)
SECRET = "s3cret-of-the-receiver"


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    started = await Receiver(status=500).start()
    yield started
    await started.stop()


async def _setup(
    tmp_path: Path, subscribers: list[Subscriber], clock: FixedClock, metrics: Metrics
) -> tuple[SqliteStore, Notifier]:
    store = SqliteStore(tmp_path / "t.db", clock=clock, notify=Subscriptions.of(subscribers))
    await store.open()
    notifier = Notifier(store, subscribers, clock=clock, metrics=metrics, timeout=5.0)
    return store, notifier


def test_the_back_off_doubles_up_to_its_cap() -> None:
    backoff = Backoff()
    assert [backoff.after(n) for n in range(1, 11)] == [
        10,
        20,
        40,
        80,
        160,
        320,
        640,
        1280,
        2560,
        3600,
    ]
    assert backoff.after(500) == 3600


def test_logs_show_a_url_without_its_credentials() -> None:
    url = "https://user:pa55@crm.example.com:8443/hooks/twoway?token=abc#frag"
    assert shown(url) == "https://crm.example.com:8443/hooks/twoway"
    assert "pa55" not in repr(Subscriber(url, frozenset({"handoff"}), SECRET)).replace(url, "")
    assert SECRET not in repr(Subscriber(url, frozenset({"handoff"}), SECRET))


async def test_a_failing_receiver_is_retried_then_given_up_after_a_day(
    tmp_path: Path, receiver: Receiver, caplog: pytest.LogCaptureFixture
) -> None:
    clock = FixedClock(NOW)
    metrics = Metrics()
    subscriber = Subscriber(receiver.url, frozenset({"handoff"}), SECRET)
    store, notifier = await _setup(tmp_path, [subscriber], clock, metrics)
    await notifier.open()  # no loop: the test drives the rounds
    try:
        await store.add_notification("handoff", NOW, {"team": "support"})
        caplog.set_level(logging.INFO, logger="engine.notify.notifier")
        assert await notifier.round() == 1
        (row,) = await store.notifications_due(NOW + timedelta(seconds=10))
        assert (row.attempts, row.last_error) == (1, "HTTP 500")
        assert row.next_at == NOW + timedelta(seconds=10)
        assert await notifier.round() == 0  # not due yet
        post = receiver.posts[0]
        assert verify(SECRET, post.body, post.headers["X-Twoway-Signature"])

        clock.set(NOW + timedelta(hours=23, minutes=59, seconds=50))  # 20 s would pass the day
        assert await notifier.round() == 1
        (row,) = await store.notifications_due(NOW + timedelta(days=1))
        assert row.attempts == 2
        assert row.next_at == NOW + timedelta(days=1)  # the last try: at the day's end
        clock.set(NOW + timedelta(days=1))
        assert await notifier.round() == 1
        assert await store.pending_notifications() == 0
        assert await store.notifications_due(NOW + timedelta(days=30)) == []
        assert len(receiver.posts) == 3
        assert len({p.json["id"] for p in receiver.posts}) == 1  # one id, at every attempt
        assert "given up after 3 attempt(s): HTTP 500" in caplog.text
        assert SECRET not in caplog.text
        page = metrics.render()
        assert 'twoway_notifications_total{event="handoff",outcome="retried"} 2.0' in page
        assert 'twoway_notifications_total{event="handoff",outcome="failed"} 1.0' in page
    finally:
        await notifier.stop()
        await store.close()


async def test_a_running_notifier_delivers_what_is_recorded(
    tmp_path: Path, receiver: Receiver
) -> None:
    receiver.status = 204
    clock = FixedClock(NOW)
    metrics = Metrics()
    subscriber = Subscriber(receiver.url, frozenset({"rules_failed"}), SECRET)
    store, notifier = await _setup(tmp_path, [subscriber], clock, metrics)
    await notifier.start()
    try:
        await notifier.record("rules_failed", {"errors": ["rules/a.yaml:1:1: error[E101]: x"]})
        await notifier.record("handoff", {"team": "nobody subscribed"})
        await receiver.wait_for(lambda: len(receiver.delivered()) == 1)
        (post,) = receiver.delivered()
        assert post.json["type"] == "rules_failed"
        assert post.json["data"] == {"errors": ["rules/a.yaml:1:1: error[E101]: x"]}
        assert post.headers["X-Twoway-Event"] == "rules_failed"
    finally:
        await notifier.stop()
        await store.close()


async def test_a_subscriber_or_event_removed_from_the_configuration_is_given_up_at_once(
    tmp_path: Path, receiver: Receiver
) -> None:
    clock = FixedClock(NOW)
    gone = Subscriber("http://127.0.0.1:9/gone", frozenset({"handoff"}), SECRET)
    store = SqliteStore(tmp_path / "t.db", clock=clock, notify=Subscriptions.of([gone]))
    await store.open()
    await store.add_notification("handoff", NOW, {})
    await store.add_notification("handoff", NOW, {})
    # the one configured now: the same URL, without handoff
    still = Subscriber(receiver.url, frozenset({"opt_out"}), SECRET)
    store.notify = Subscriptions.of([gone, Subscriber(receiver.url, frozenset({"handoff"}), "")])
    await store.add_notification("handoff", NOW, {})
    notifier = Notifier(store, [still], clock=clock)
    await notifier.open()
    try:
        assert await notifier.round() == 4
        assert await store.pending_notifications() == 0
        assert receiver.posts == []
    finally:
        await notifier.stop()
        await store.close()
