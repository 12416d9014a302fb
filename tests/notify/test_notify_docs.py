"""The signature recipe of docs/operations.md ("Event notifications"), taken from the document and
run against a real post of the notifier: it accepts the post and refuses a tampered one."""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from engine.config import load_config
from engine.core.clock import FixedClock
from engine.core.notices import Subscriber, Subscriptions
from engine.notify import Notifier, sign, verify
from engine.store import SqliteStore
from tests.notify.receiver import Receiver

REPO = Path(__file__).resolve().parents[2]
SECRET = "whsec-from-the-docs"


def _snippet() -> str:
    text = (REPO / "docs" / "operations.md").read_text(encoding="utf-8")
    section = text.split("## Event notifications", 1)[1].split("\n## ", 1)[0]
    (code,) = re.findall(r"```python\n(.*?)```", section, re.S)
    return str(code)


def _recipe(tmp_path: Path) -> Callable[[str, bytes, str], bool]:
    """Import the snippet as the module a receiver would write."""
    module_path = tmp_path / "verify_twoway.py"
    module_path.write_text(_snippet(), encoding="utf-8")
    spec = importlib.util.spec_from_file_location("verify_twoway", module_path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    verify: Callable[[str, bytes, str], bool] = module.verify_twoway
    return verify


async def test_the_documented_recipe_verifies_a_real_notification(tmp_path: Path) -> None:
    verify_twoway = _recipe(tmp_path)
    receiver = await Receiver().start()
    clock = FixedClock(datetime(2026, 12, 7, 10, 0, tzinfo=UTC))
    subscriber = Subscriber(receiver.url, frozenset({"opt_out"}), SECRET)
    store = SqliteStore(tmp_path / "t.db", clock=clock, notify=Subscriptions.of([subscriber]))
    await store.open()
    notifier = Notifier(store, [subscriber], clock=clock)
    try:
        await notifier.start()
        await notifier.record("opt_out", {"contact": "+33600000001", "word": "ARRET"})
        await receiver.wait_for(lambda: len(receiver.delivered()) == 1)
    finally:
        await notifier.stop()
        await store.close()
        await receiver.stop()
    (post,) = receiver.delivered()
    header = post.headers["X-Twoway-Signature"]
    assert verify_twoway(SECRET, post.body, header)
    assert not verify_twoway("wrong secret", post.body, header)
    assert not verify_twoway(SECRET, post.body.replace(b"ARRET", b"START"), header)
    then = int(header.split(",")[0].removeprefix("t=")) - 3600
    stale = sign(SECRET, post.body, then)  # well signed, an hour ago: a replay
    assert verify(SECRET, post.body, stale, now=then)
    assert not verify_twoway(SECRET, post.body, stale)
    assert not verify_twoway(SECRET, post.body, "v1=" + header.split("v1=")[1])


def test_the_documented_configuration_is_valid(tmp_path: Path) -> None:
    text = (REPO / "docs" / "operations.md").read_text(encoding="utf-8")
    section = text.split("## Event notifications", 1)[1].split("\n## ", 1)[0]
    example = re.findall(r"```yaml\n(.*?)```", section, re.S)[0]
    path = tmp_path / "twoway.yaml"
    path.write_text(example, encoding="utf-8")
    env = {"CRM_WEBHOOK_SECRET": "crm", "OPS_WEBHOOK_SECRET": "ops"}
    crm, ops = load_config(path, env).notify
    assert crm.events == {"handoff", "opt_out", "unmatched", "campaign_finished"}
    assert (crm.secret, ops.secret, ops.events) == ("crm", "ops", {"rules_failed"})
