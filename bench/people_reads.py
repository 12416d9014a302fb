"""Measure what people's big reads cost the messages: a poll's result page over many votes and a
campaign's progress over many recipients, each with an MO's commit issued while it runs.

Run from the repository root::

    python bench/people_reads.py                     # 1,000,000 votes and 1,000,000 recipients
    python bench/people_reads.py --rows 100000
    python bench/people_reads.py --quick             # smoke run; tests/test_bench_smoke.py

A fresh store (a real SQLite file, the store's migrations) is filled with ``--rows`` votes for the
poll ``finale`` (their steps' events too), as many sessions of an autoreply flow ``info`` and a
campaign of ``--rows`` recipients, half of them sent, by plain inserts. The script then times,
through ``SqliteStore`` as the console and the API call it, the poll's result
(``compute_selected``, what the live chart fetches), the flow's result and the campaign's
progress (``campaign_status``); and, for each, an MO committed (``receive``) 10 ms after the read
began: how long the messages wait for people's reads. The counts read are checked.

Only local files are used; nothing listens on the network.
"""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from tallies import POLL, fill  # noqa: E402

from engine.core.messages import Inbound  # noqa: E402
from engine.results.model import compute_selected  # noqa: E402
from engine.ruleset.compiler import compile_rules  # noqa: E402
from engine.store import SqliteStore  # noqa: E402

STEP = '[["message_received",{"text":"VOTE A"}],["vote_recorded",{"poll":"finale","choice":"A"}]]'
INFO = """\
flow: Opening hours
trigger: {keyword: HOURS}
number: "36111"
start: entry
states:
  entry:
    say: "We are open 9:00-18:00."
    end: true
"""
INFO_STEP = (
    '[["message_received",{"text":"HOURS"}],["flow_started",{"flow":"info","state":"entry"}],'
    '["session_ended",{"reason":"completed","state":"done"}]]'
)


def fill_store(path: Path, rows: int) -> None:
    """``rows`` votes with their steps' events, as many steps of an autoreply flow ``info``,
    and a campaign of ``rows`` recipients."""
    conn = sqlite3.connect(path, isolation_level=None)
    fill(conn, rows)
    at = datetime.now(UTC).isoformat()
    half = rows // 2
    conn.execute("BEGIN")
    conn.executemany(
        "INSERT INTO event_steps (at, contact, number, flow, ruleset_version, items)"
        " VALUES (?, ?, '36111', 'finale', 'v', ?)",
        [(at, f"+3370{n:08d}", STEP) for n in range(rows)],
    )
    conn.executemany(
        "INSERT INTO event_steps (at, contact, number, flow, ruleset_version, items)"
        " VALUES (?, ?, '36111', 'info', 'v', ?)",
        [(at, f"+3372{n:08d}", INFO_STEP) for n in range(rows)],
    )
    conn.execute(
        "INSERT INTO campaigns (id, name, title, number, flow, kind, status, recipients,"
        " excluded, ruleset_version, created_at, updated_at) VALUES (1, 'spring', 'Spring',"
        " '36111', 'spring', 'marketing', 'running', ?, 0, 'v', ?, ?)",
        (rows, at, at),
    )
    conn.executemany(
        "INSERT INTO outbox (id, created_at, contact, recipient, sender, text, kind, status,"
        " updated_at, campaign) VALUES (?, ?, ?, ?, '36111', 'Spring sale!', 'marketing',"
        " 'sent', ?, 1)",
        [(n + 1, at, f"+3371{n:08d}", f"+3371{n:08d}", at) for n in range(half)],
    )
    conn.executemany(
        "INSERT INTO campaign_recipients (campaign, phone, status, due, zone, started_at,"
        " outbox_id) VALUES (1, ?, ?, ?, 'Europe/Paris', ?, ?)",
        [
            (f"+3371{n:08d}", "started", at, at, n + 1) if n < half else
            (f"+3371{n:08d}", "waiting", at, None, None)
            for n in range(rows)
        ],
    )  # fmt: skip
    conn.execute("COMMIT")
    conn.close()


async def timed(
    store: SqliteStore, read: Callable[[], Awaitable[Any]], phone: str
) -> tuple[Any, float, float]:
    """``read()``'s result and seconds, and the seconds of an MO's commit issued 10 ms in."""

    async def commit() -> float:
        await asyncio.sleep(0.01)  # the read is under way (this bench times, it asserts nothing)
        started = time.perf_counter()
        await store.receive([Inbound(phone, "36111", "HOURS", datetime.now(UTC))])
        return time.perf_counter() - started

    started = time.perf_counter()
    got, waited = await asyncio.gather(read(), commit())
    return got, time.perf_counter() - started, waited


async def run(folder: Path, rows: int) -> None:
    (folder / "rules").mkdir()
    (folder / "rules" / "finale.yaml").write_text(POLL, encoding="utf-8")
    (folder / "rules" / "info.yaml").write_text(INFO, encoding="utf-8")
    compiled = compile_rules(folder / "rules")
    assert compiled.ruleset is not None, compiled.errors
    ruleset = compiled.ruleset
    async with SqliteStore(folder / "twoway.db"):
        pass  # migrated
    fill_store(folder / "twoway.db", rows)
    async with SqliteStore(folder / "twoway.db") as store:
        (result, _), took, waited = await timed(
            store, lambda: compute_selected(store, ruleset, ["finale"], []), "+33600000001"
        )
        (poll,) = result
        assert poll.voters == rows, poll
        print(
            f"poll result over {rows:,} votes: {took:.3f} s;"
            f" an MO's commit issued meanwhile: {waited * 1e3:.1f} ms"
        )
        (result, _), took, waited = await timed(
            store, lambda: compute_selected(store, ruleset, ["info"], []), "+33600000003"
        )
        (flow,) = result
        assert flow.started == rows and flow.ended_by == (("completed", rows),), flow
        print(
            f"flow result over {rows:,} sessions: {took:.3f} s;"
            f" an MO's commit issued meanwhile: {waited * 1e3:.1f} ms"
        )
        row = await store.campaign("spring")
        assert row is not None
        status, took, waited = await timed(
            store, lambda: store.campaign_status(row), "+33600000002"
        )
        assert status.started == rows // 2 and status.sent == rows // 2, status
        print(
            f"campaign progress over {rows:,} recipients: {took:.3f} s;"
            f" an MO's commit issued meanwhile: {waited * 1e3:.1f} ms"
        )
    print("verify: OK")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="votes, and recipients")
    parser.add_argument("--quick", action="store_true", help="smoke run: 2,000 rows")
    args = parser.parse_args(argv)
    rows = 2_000 if args.quick else args.rows
    with tempfile.TemporaryDirectory(prefix="twoway-people-reads-") as tmp:
        asyncio.run(run(Path(tmp), rows))


if __name__ == "__main__":
    main()
