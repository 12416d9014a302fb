"""Benchmark the web console's inbox on a big store: a SQLite file filled with 10,000 threads
(plain inserts matching the schema, the migrations applied by the store itself: 3 messages a
thread, 4 teams, a third of the threads closed), then a real ``twoway run`` on it, a person
logged in, and each listing asked for ``--requests`` times, one after the other: p50/p99/max of
the time from the request to the last byte of the page, on loopback (the server's time and a
fraction of a millisecond of the loopback's).

Listings: the inbox's first page as an admin (every team) and as a person of one team, a page
deep down (``before=``), a search by text (``q=``, LIKE over every message), the archive's first
page. Target: < 200 ms p99 each.

    python bench/console.py                 # 10,000 threads, 200 requests each
    python bench/console.py --quick         # 2,000 threads, 20 requests (the smoke test)
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from engine.store.codec import time_in  # noqa: E402
from engine.store.sqlite import open_store  # noqa: E402
from engine.web.console.passwords import hash_password  # noqa: E402
from tests.support.engine_process import Engine, write_config  # noqa: E402
from tests.support.jsonl_peer import free_port  # noqa: E402

NUMBER = "36111"
TEAMS = ("reception", "support", "sales", "billing")
PASSWORD = "bench password 1"
TARGET_MS = 200.0
WORDS = ("parcel", "invoice", "refund", "appointment", "delivery", "password", "address")


async def schema(path: Path) -> None:
    """An empty store at ``path``, every migration applied (the store's own)."""
    async with open_store(path):
        pass


def fill(path: Path, threads: int) -> None:
    """``threads`` threads, each with 2 messages in and a reply out, in plain inserts."""
    from datetime import UTC, datetime, timedelta

    start = datetime(2026, 11, 1, 8, 0, tzinfo=UTC)
    inbound, inbox, outbox, rows = [], [], [], []
    for n in range(threads):
        at = start + timedelta(seconds=37 * n)
        contact, team = f"+3361{n:07d}", TEAMS[n % len(TEAMS)]
        closed = n % 3 == 0
        times = [time_in(at + timedelta(seconds=s)) for s in (0, 1, 30)]
        word = WORDS[n % len(WORDS)]
        for k, text in enumerate((f"HELP my {word} {n}", f"still waiting on {word}")):
            mid = 2 * n + k + 1
            inbound.append((mid, "bench", f"b{mid}", contact, NUMBER, text, times[k], times[k]))
            inbox.append((mid, times[k], contact, NUMBER, team, mid, n + 1))
        outbox.append((n + 1, times[2], contact, contact, NUMBER, f"About your {word}: on it.",
                       "agent", "delivered", times[2], f"user:{team}"))  # fmt: skip
        rows.append((n + 1, contact, NUMBER, team, "handoff", "closed" if closed else "open",
                     times[0], times[2], times[2] if closed else None,
                     "user:bench" if closed else None))  # fmt: skip
    with sqlite3.connect(path) as conn:
        conn.executemany(
            "INSERT INTO threads (id, contact, number, team, kind, status, opened_at, updated_at,"
            " closed_at, closed_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows,
        )  # fmt: skip
        conn.executemany(
            "INSERT INTO inbound (id, transport, external_id, sender, recipient, text,"
            " received_at, status, processed_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'processed', ?)",
            inbound,
        )
        conn.executemany(
            "INSERT INTO inbox (id, at, contact, number, team, inbound_id, thread_id)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)", inbox,
        )  # fmt: skip
        conn.executemany(
            "INSERT INTO outbox (id, created_at, contact, recipient, sender, text, kind, status,"
            " updated_at, author) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", outbox,
        )  # fmt: skip
        conn.execute("UPDATE inbox SET status = 'closed' WHERE thread_id IN"
                     " (SELECT id FROM threads WHERE status = 'closed')")  # fmt: skip


async def login(session: aiohttp.ClientSession, url: str, name: str) -> None:
    async with session.get(url + "/login") as response:
        page = await response.text()
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found is not None
    form = {"csrf": found[1], "name": name, "password": PASSWORD}
    async with session.post(url + "/login", data=form, allow_redirects=False) as response:
        assert response.status == 303 and response.headers["Location"] == "/inbox", response.status


async def timed(session: aiohttp.ClientSession, url: str, count: int) -> tuple[list[float], str]:
    """Milliseconds of each of ``count`` requests of ``url``, and the last page."""
    took, page = [], ""
    for _ in range(count):
        began = time.perf_counter()
        async with session.get(url) as response:
            page = await response.text()
            assert response.status == 200, (response.status, page[:200])
        took.append((time.perf_counter() - began) * 1000)
    return sorted(took), page


def quantile(sorted_ms: list[float], q: float) -> float:
    return sorted_ms[min(len(sorted_ms) - 1, int(q * len(sorted_ms)))]


async def measure(workdir: Path, threads: int, requests: int) -> list[tuple[str, list[float]]]:
    rules = workdir / "rules"
    rules.mkdir()
    (rules / "desk.yaml").write_text(
        f'number: "{NUMBER}"\nautoreply:\n  - otherwise: {{handoff: reception}}\n',
        encoding="utf-8",
    )
    hashed = hash_password(PASSWORD)
    users = [{"name": "carol", "password": hashed, "admin": True},
             {"name": "sam", "password": hashed, "teams": ["support"]}]  # fmt: skip
    port = free_port()
    config = write_config(workdir, rules, "bench", port, http={"users": users})
    await schema(workdir / "twoway.db")
    began = time.perf_counter()
    fill(workdir / "twoway.db", threads)
    print(f"filled {threads:,} threads ({3 * threads:,} messages) in "
          f"{time.perf_counter() - began:.1f} s")  # fmt: skip
    engine = Engine(workdir, config)
    await engine.start(port)
    try:
        from tests.support.engine_process import http_address

        host, http = http_address(config)
        url = f"http://{host}:{http}"
        figures = []
        jar = aiohttp.CookieJar(unsafe=True)
        async with aiohttp.ClientSession(cookie_jar=jar) as carol:
            await login(carol, url, "carol")
            middle = threads // 2 + (1 if (threads // 2) % 3 == 0 else 0)  # an open one
            for label, path in (
                ("inbox, first page (admin)", "/inbox"),
                ("inbox, a page deep down", f"/inbox?before={middle}"),
                ("search by text (q=refund)", "/inbox?q=refund"),
                ("archive, first page", "/archive"),
            ):
                took, page = await timed(carol, url + path, requests)
                assert page.count('data-thread="') == 50, (label, page.count('data-thread="'))
                figures.append((label, took))
        async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as sam:
            await login(sam, url, "sam")
            took, page = await timed(sam, url + "/inbox", requests)
            assert page.count('data-thread="') == 50
            figures.append(("inbox, first page (one team)", took))
        return figures
    finally:
        await engine.cleanup()


async def main(args: argparse.Namespace) -> int:
    print(f"twoway console benchmark: {os.cpu_count()} CPUs, Python {sys.version.split()[0]}")
    with tempfile.TemporaryDirectory(prefix="twoway-bench-console-") as tmp:
        figures = await measure(Path(tmp), args.threads, args.requests)
    worst = 0.0
    print(f"{args.requests} requests each, one after the other; ms from request to last byte:")
    for label, took in figures:
        p50, p99 = quantile(took, 0.5), quantile(took, 0.99)
        worst = max(worst, p99)
        print(f"  {label:<32} p50 {p50:7.1f}  p99 {p99:7.1f}  max {took[-1]:7.1f}")
    verdict = "OK" if worst < TARGET_MS else "SLOWER THAN THE TARGET"
    print(f"summary: worst p99 {worst:.1f} ms, target < {TARGET_MS:.0f} ms; {verdict}")
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--threads", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--quick", action="store_true", help="2,000 threads, 20 requests")
    parsed = parser.parse_args()
    if parsed.quick:
        parsed.threads, parsed.requests = 2_000, 20
    sys.exit(asyncio.run(main(parsed)))
