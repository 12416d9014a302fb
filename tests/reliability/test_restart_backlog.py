"""A restart recovers every message a crash left committed but unprocessed, however many.

``pending_inbound`` reads a page (10,000 rows by default); the service used to read that one page
only, so under a backlog the rest stayed ``received``: acknowledged, never answered in this run,
and a re-delivery of one of them was taken for a duplicate and dropped.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from engine.core.clock import FixedClock
from engine.core.messages import Inbound
from engine.ruleset.compiler import compile_rules
from engine.service import Service
from engine.store import SqliteStore
from engine.transports.loopback import LoopbackTransport

REPO = Path(__file__).resolve().parents[2]
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
BACKLOG = 10_050


async def test_a_backlog_beyond_one_page_is_processed_at_restart(tmp_path: Path) -> None:
    db = str(tmp_path / "t.db")
    store = SqliteStore(db)
    await store.open()
    messages = [
        Inbound(f"+3361{i:07d}", "36111", "HOURS", START, transport="smsc", external_id=f"m{i}")
        for i in range(BACKLOG)
    ]
    for start in range(0, BACKLOG, 500):
        await store.receive(messages[start : start + 500])
    await store.close()  # committed and acknowledged, then the process died

    transport = LoopbackTransport("smsc")
    service = Service(
        compile_rules(REPO / "rules").raise_for_errors(),
        SqliteStore(db),
        {"smsc": transport},
        clock=FixedClock(START),
    )
    await service.start()
    await service.idle()
    pending = await service.store.pending_inbound()
    await service.stop()

    assert pending == []
    assert sorted(message.recipient for _, message in transport.sent) == sorted(
        message.sender for message in messages
    )
