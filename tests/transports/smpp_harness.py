"""Run the real Service (rules, SQLite store, outbox) on an SmppTransport bound to a node SMSC,
and read what the store holds: the level-2 SMPP tests share it."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from node_smsc import NodeSmsc

from engine.ruleset.compiler import compile_rules
from engine.service import Service
from engine.store import SqliteStore
from engine.transports.smpp import SmppSettings, SmppTransport

REPO = Path(__file__).resolve().parents[2]
PHONE = "33600000001"  # as the SMSC writes it (TON 1): the engine's +33600000001


@asynccontextmanager
async def engine(
    tmp_path: Path,
    smsc: NodeSmsc,
    rules: Path = REPO / "rules",
    *,
    bound: bool = True,
    **options: Any,
) -> AsyncIterator[tuple[Service, SmppTransport, SqliteStore]]:
    """The service on ``tmp_path/twoway.db``, bound to ``smsc`` (unless ``bound=False``)."""
    settings = SmppSettings(
        port=smsc.port,
        system_id="twoway",
        password="secret",
        numbers={"36111": "short_code"},
        **{
            "reconnect_min": 0.1,
            "reconnect_max": 0.4,
            "submit_id_base": "hex",  # smsc.js ids are hex
            "receipt_id_base": "hex",
            **options,
        },
    )
    transport = SmppTransport("operator", settings)
    store = SqliteStore(tmp_path / "twoway.db")
    ruleset = compile_rules(rules).raise_for_errors()
    service = Service(ruleset, store, {"operator": transport}, routes={"36111": "operator"})
    await service.start()
    try:
        if bound:
            await transport.wait_bound(10)
        yield service, transport, store
    finally:
        await service.stop(drain_timeout=5)


def rows(tmp_path: Path, sql: str) -> list[tuple[Any, ...]]:
    with sqlite3.connect(tmp_path / "twoway.db") as conn:
        return conn.execute(sql).fetchall()


async def until(check: Callable[[], object], timeout: float = 10.0) -> None:
    for _ in range(int(timeout / 0.02)):
        if check():
            return
        await asyncio.sleep(0.02)
    assert check(), check.__doc__
