"""An in-process engine with hot reload, on a rules folder and a SQLite file in ``tmp_path``.

Everything is real but the transport: ``Service`` with a ``SqliteStore`` file, the loopback
transport, and a ``Reloader`` with real ``watchfiles`` on the folder. Tests wait on the reloader's
own progress (``reloader.wait_until``), never on a fixed sleep.
"""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from engine.core.clock import FixedClock
from engine.core.ids import SequentialIds
from engine.reload import Reloader
from engine.ruleset.compiler import compile_rules
from engine.service import Service
from engine.store import SqliteStore
from engine.transports.loopback import LoopbackTransport

NUMBER = "36111"
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
WAIT = 20.0
"""The overall time limit of any wait on a reload (a save is normally seen in ~0.1 s)."""

HOURS_V1 = "Open Monday to Friday, 9:00-18:00."
HOURS_V2 = "Open every day, 8:00-20:00."
SORRY = "Sorry, I did not understand."

SETTINGS = """\
settings:
  language: en
  reply_limit: {count: 1000, per: 1h}
"""


def info(hours: str = HOURS_V1) -> str:
    return f"""\
autoreply:
  - keyword: [HOURS, HORAIRES]
    reply: "{hours}"
  - otherwise: "{SORRY}"
"""


def write_rules(folder: Path, **files: str) -> Path:
    """Write ``name=text`` rule files (``info`` and ``settings`` by default) into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in {"info": info(), "settings": SETTINGS, **files}.items():
        (folder / f"{name}.yaml").write_text(text, encoding="utf-8")
    return folder


@dataclass
class Live:
    service: Service
    transport: LoopbackTransport
    reloader: Reloader
    db: Path

    async def send(self, sender: str, text: str) -> list[str]:
        """Deliver one message; return the texts sent because of it (once all is sent)."""
        await self.transport.deliver(sender, NUMBER, text, START)
        await self.service.idle()
        return [message.text for message in self.transport.take()]

    async def reloaded(self, **counts: int) -> None:
        """Wait until the reloader's counters (``reloads_ok=1`` …) reach at least ``counts``."""
        reloader = self.reloader
        await reloader.wait_until(
            lambda: all(getattr(reloader, name) >= n for name, n in counts.items()), WAIT
        )

    def rows(self, sql: str, *args: Any) -> list[tuple[Any, ...]]:
        """Read the store file through a second connection (what is committed)."""
        with sqlite3.connect(self.db) as conn:
            return conn.execute(sql, args).fetchall()


@asynccontextmanager
async def live_engine(rules: Path, db: Path) -> AsyncIterator[Live]:
    transport = LoopbackTransport()
    service = Service(
        compile_rules(rules).raise_for_errors(),
        SqliteStore(str(db)),
        {"loopback": transport},
        clock=FixedClock(START),
        ids=SequentialIds(),
        auto_timers=False,
    )
    reloader = Reloader(rules, service, on_reload=service.metrics.reload)
    await service.start()
    await reloader.start()
    try:
        assert reloader.watching
        yield Live(service, transport, reloader, db)
    finally:
        await reloader.stop()
        await service.stop()
