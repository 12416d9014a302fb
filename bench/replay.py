"""Benchmark `twoway replay`: 10,000 stored messages against a candidate rule set in which one
reply changed.

Run from the repository root::

    python bench/replay.py              # 10,000 messages from 2,000 phones (~20 s in all)
    python bench/replay.py --quick      # 500 messages; tests/test_bench_smoke.py runs this
    python bench/replay.py --messages 50000

The store is filled through the engine itself (the harness of `twoway test`: the real service on
a SQLite file in a temporary folder, a fixed clock), ``--concurrency`` phones at a time, each
phone sending one of a few scripts (keywords, a survey and its answers, a vote, a price, a text
nobody answers). The demo ``rules/`` are copied and one reply changed (the address), then a real
``python -m engine replay --json`` process replays every stored message and its report is
checked: exactly the messages whose stored reply was the address must be reported, and the store
must be byte for byte as it was. Target: under 10 s for 10,000 messages.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import os
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from engine.core.clock import FixedClock  # noqa: E402
from engine.testing import Harness  # noqa: E402
from tests.support.recorded import load_rules  # noqa: E402

TARGET = 10.0
NUMBER = "36111"
T0 = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)
NOW = "2026-12-01T00:00:00+00:00"
OLD = "ACME Music, 12 rue de la Paix, 75002 Paris."
NEW = "ACME Music, 12 rue de la Paix, 75002 Paris (2nd floor)."
SCRIPTS = (
    ("HOURS", "SURVEY", "8", "yes", "ADDRESS"),
    ("PRICE guitars", "ADDRESS", "VOTE A", "hours please", "WHERE"),
    ("SURVEY", "7", "no", "cheaper strings", "adresse"),
    ("AVIS", "eleven", "10", "no", "VOTE B"),
    ("where is the shop", "HORAIRES", "PRICE drums", "ADDRESS", "do you sell vinyl"),
)
"""Five messages a phone; the last script ends in a text nobody answers (the inbox)."""


async def fill(db: Path, messages: int, concurrency: int) -> int:
    """Send ``messages`` through the engine into ``db``; return how many were stored."""
    ruleset = load_rules(ROOT / "rules")
    phones = [f"+1555{i:07d}" for i in range(max(1, messages // 5))]
    clock = FixedClock(T0)
    sent = 0
    async with Harness(ruleset, db=str(db), clock=clock) as harness:
        for turn in range(5):
            for start in range(0, len(phones), concurrency):
                if sent >= messages:
                    break
                await harness.move_to(T0 + timedelta(hours=turn, seconds=start))
                chunk = phones[start : start + concurrency][: messages - sent]
                await asyncio.gather(
                    *(
                        harness.transport.deliver(
                            phone, NUMBER, SCRIPTS[i % len(SCRIPTS)][turn], clock.now()
                        )
                        for i, phone in enumerate(chunk, start)
                    )
                )
                await harness.service.idle()
                harness.transport.take()
                sent += len(chunk)
    return sent


def expected(db: Path) -> set[int]:
    """The inbound messages whose stored reply is the address: those the change affects."""
    conn = sqlite3.connect(db)
    try:
        rows = conn.execute(
            "SELECT DISTINCT inbound_id FROM outbox WHERE text = ? AND inbound_id IS NOT NULL",
            (OLD,),
        )
        return {row[0] for row in rows}
    finally:
        conn.close()


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--concurrency", type=int, default=500)
    parser.add_argument("--quick", action="store_true", help="500 messages")
    args = parser.parse_args()
    messages = 500 if args.quick else args.messages
    with tempfile.TemporaryDirectory(prefix="twoway-replay-bench-") as folder:
        db, candidate = Path(folder) / "twoway.db", Path(folder) / "rules"
        began = time.perf_counter()
        stored = asyncio.run(fill(db, messages, args.concurrency))
        print(f"store filled: {stored:,} messages in {time.perf_counter() - began:.2f} s")
        shutil.copytree(ROOT / "rules", candidate)
        info = candidate / "info.yaml"
        info.write_text(info.read_text().replace(OLD, NEW))
        affected, before = expected(db), digest(db)
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
        }
        began, cpu = time.perf_counter(), _children_cpu()
        done = subprocess.run(
            [sys.executable, "-m", "engine", "replay", "--db", str(db), "--now", NOW, "--json",
             str(candidate)],
            cwd=ROOT, capture_output=True, text=True, check=False, env=env,
        )  # fmt: skip
        seconds, cpu = time.perf_counter() - began, _children_cpu() - cpu
        if done.returncode not in (0, 1):
            print(done.stdout + done.stderr)
            return 1
        report = json.loads(done.stdout)
        reported = {c["inbound_id"] for c in report["changed"]}
        print(f"messages replayed: {report['replayed']:,}")
        print(f"messages reported: {len(reported):,} (affected by the change: {len(affected):,})")
        print(f"by rule: {report['by_rule']}")
        print(f"replay seconds: {seconds:.2f} (the whole `twoway replay` process)")
        print(f"replay messages/s: {report['replayed'] / seconds:,.0f}")
        print(f"replay CPU seconds: {cpu:.2f} (user + system: the same on a busy machine)")
        ok = reported == affected and report["replayed"] == stored and digest(db) == before
        verdict = "PASS" if seconds < TARGET else "FAIL"
        print(f"target: under {TARGET:.0f} s: {verdict}")
        print(f"verify: {'OK' if ok else 'MISMATCH'}")
        return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
