"""Hot reload in a real engine process: ``python -m engine run --config …`` with a jsonl
connector, messages flowing, a rule file saved: the new reply arrives, nothing is lost.

The test process plays the SMSC (``tests/reliability/jsonl_peer.py``): it streams ``HOURS`` from
distinct phones, saves ``info.yaml`` with a new reply once old replies flow, and waits for the new
reply. Every MO written after the first new reply arrived must get the new reply (the swap came
before), every MO gets exactly one reply, and SIGTERM still stops the engine cleanly.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import time
from collections.abc import Iterator
from pathlib import Path

from reload_helpers import HOURS_V1, HOURS_V2, NUMBER, info, write_rules

from tests.support.engine_process import HOST, Engine, write_config
from tests.support.jsonl_peer import MO, Peer, PeerLog, free_port

WINDOW = 20
MAX_MOS = 50_000
BEFORE_SAVE = 50
"""Old replies to see before saving: messages are flowing."""
TIMEOUT = 60.0


async def _log_shows(path: Path, text: str, proc: asyncio.subprocess.Process) -> None:
    """Return once the engine's log holds ``text`` (polled: a log file has no event to wait on)."""
    while text not in path.read_text(encoding="utf-8", errors="replace"):
        if proc.returncode is not None:
            raise RuntimeError(f"the engine exited; its log:\n{path.read_text()}")
        await asyncio.sleep(0.02)


async def test_a_saved_rule_file_changes_the_replies_of_a_running_engine(tmp_path: Path) -> None:
    rules = write_rules(tmp_path / "rules")
    port = free_port()
    runner = Engine(tmp_path, write_config(tmp_path, rules, "smsc", port))
    await runner.start(port)
    proc = runner.proc
    assert proc is not None
    engine_log = runner.log_path
    log = PeerLog()
    yielded = 0
    flowing = True
    first_new: dict[str, float | int] = {}

    def mos() -> Iterator[MO]:
        nonlocal yielded
        while flowing and yielded < MAX_MOS:
            yield MO(f"m{yielded}", f"+3361{yielded:07d}", NUMBER, "HOURS")
            yielded += 1

    def on_frame(frame: dict[str, object]) -> None:
        if frame["type"] == "mt" and frame["text"] == HOURS_V2 and not first_new:
            first_new.update(threshold=yielded, at=time.monotonic())

    peer = Peer(log, on_frame=on_frame)
    streaming: asyncio.Task[int] | None = None
    try:
        async with asyncio.timeout(TIMEOUT):
            await _log_shows(engine_log, "hot reload: watching", proc)
            await peer.connect(HOST, port)
            streaming = asyncio.create_task(peer.stream(mos(), WINDOW))
            await peer.wait_for(lambda: log.mts >= BEFORE_SAVE or peer.closed.is_set())
            assert not peer.closed.is_set()

            saved_at = time.monotonic()
            (rules / "info.yaml").write_text(info(HOURS_V2), encoding="utf-8")
            await peer.wait_for(lambda: bool(first_new) or peer.closed.is_set())
            assert first_new, engine_log.read_text()
            await peer.wait_for(lambda: log.mts >= int(first_new["threshold"]) + BEFORE_SAVE)

            flowing = False
            written = await streaming
            await peer.wait_for(lambda: len(log.acks) >= written and log.mts >= written)
            proc.send_signal(signal.SIGTERM)
            code = await proc.wait()
    finally:
        if streaming is not None and not streaming.done():
            streaming.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await streaming
        await peer.aclose()
        await runner.cleanup()

    text = engine_log.read_text(encoding="utf-8", errors="replace")
    assert code == 0, text
    assert "rules reloaded: version" in text, text
    assert not log.nacks and not log.errors
    # every MO got exactly one reply: none lost, none doubled
    assert sorted(int(mo_id[1:]) for mo_id in log.acks) == list(range(written))
    replies = {phone: texts for phone, texts in log.texts.items()}
    assert len(replies) == written and all(len(t) == 1 for t in replies.values())
    old = [p for p, t in replies.items() if t == [HOURS_V1]]
    new = [p for p, t in replies.items() if t == [HOURS_V2]]
    assert len(old) + len(new) == written and len(old) >= BEFORE_SAVE
    # the swap happened before the first new reply: everything sent after it got the new one
    threshold = int(first_new["threshold"])
    late = {f"+3361{i:07d}" for i in range(threshold, written)}
    assert late and late <= set(new)
    print(
        f"save → first new reply {float(first_new['at']) - saved_at:.3f} s; "
        f"{written} MOs, {len(old)} old replies, {len(new)} new"
    )
