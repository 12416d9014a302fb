"""Measure the store's batch costs: receive, load, commit and the outbox updates of 500 messages.

Run: ``python tests/store/bench_store.py [--batches 40] [--size 500] [--sync FULL|NORMAL]``.
Each commit step is the common case: the inbound marked processed, one event, one reply queued,
the session upserted with a deadline (so its timer is replaced). Not collected by pytest.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from engine.core.messages import Inbound, Outgoing
from engine.core.model import Event, Session, Sprint
from engine.core.records import Step
from engine.store import SqliteStore

NUMBER = "36111"


def _ms(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return f"median {statistics.median(ordered) * 1e3:6.1f} ms   p95 {p95 * 1e3:6.1f} ms"


async def run(batches: int, size: int, sync: str, path: str, contacts: int) -> None:
    store = SqliteStore(path, synchronous=sync)  # type: ignore[arg-type]
    await store.open()
    start_at = datetime(2026, 1, 5, 9, tzinfo=UTC)
    times: dict[str, list[float]] = {"receive": [], "load": [], "commit": [], "outbox": []}
    serial = 0
    wall = time.perf_counter()
    for batch in range(batches):
        at = start_at + timedelta(seconds=batch)
        messages = []
        for _ in range(size):
            serial += 1
            phone = f"+336{serial % contacts:08d}"
            messages.append(Inbound(phone, NUMBER, f"answer {serial}", at, "smpp", f"m{serial}"))

        t = time.perf_counter()
        received = await store.receive(messages)
        times["receive"].append(time.perf_counter() - t)

        keys = list(dict.fromkeys((r.message.sender, NUMBER) for r in received))
        t = time.perf_counter()
        loaded = await store.load(keys, replies_since=at - timedelta(hours=1))
        times["load"].append(time.perf_counter() - t)

        steps = []
        for r in received:
            m = r.message
            current = loaded[(m.sender, NUMBER)].session
            session = Session(
                id=current.id if current else f"s_{m.sender}",
                contact=m.sender,
                number=NUMBER,
                flow="survey",
                state="q2",
                vars={"score": 7, "comment": m.text},
                started_at=current.started_at if current else at,
                updated_at=at,
                deadline=at + timedelta(hours=24),
                deadline_kind="timeout",
            )
            sprint = Sprint(
                session=session,
                events=(Event("answered", {"question": "score", "value": 7}),),
                outbound=(Outgoing(m.sender, NUMBER, "Thanks! Next question: ..."),),
                flow="survey",
            )
            steps.append(Step(m.sender, NUMBER, sprint, at, "r1", inbound_id=m.id))
        t = time.perf_counter()
        rows = await store.commit(steps)
        times["commit"].append(time.perf_counter() - t)

        ids = [row.id for row in rows]
        t = time.perf_counter()
        await store.mark_sending(ids)
        await store.mark_sent([(i, f"p{i}") for i in ids])
        times["outbox"].append(time.perf_counter() - t)
    wall = time.perf_counter() - wall
    counts = await store.counts()
    await store.close()

    total = batches * size
    print(f"{path}  synchronous={sync}  {batches} batches x {size}  ({contacts} contacts)")
    for name, samples in times.items():
        print(f"  {name:8} {_ms(samples)}   {size / statistics.median(samples):9,.0f} items/s")
    store_time = sum(sum(samples) for samples in times.values())
    print(f"  store time for {total:,} messages: {store_time:.2f} s -> {total / store_time:,.0f}/s")
    print(f"  wall (incl. building the steps): {wall:.2f} s -> {total / wall:,.0f} msg/s")
    print(f"  rows: {counts}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--batches", type=int, default=40)
    parser.add_argument("--size", type=int, default=500)
    parser.add_argument("--sync", choices=["FULL", "NORMAL"], default="FULL")
    parser.add_argument("--contacts", type=int, default=5_000)
    parser.add_argument("--memory", action="store_true", help="use :memory: instead of a file")
    args = parser.parse_args()
    if args.memory:
        asyncio.run(run(args.batches, args.size, args.sync, ":memory:", args.contacts))
        return
    with tempfile.TemporaryDirectory() as folder:
        path = str(Path(folder) / "bench.db")
        asyncio.run(run(args.batches, args.size, args.sync, path, args.contacts))


if __name__ == "__main__":
    main()
