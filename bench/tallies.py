"""Measure what a poll's live counts cost a batch as the votes pile up (a TV vote's replies read
``{poll.finale.leader.label}`` and ``{poll.finale.total}``).

Run from the repository root::

    python bench/tallies.py                          # 0, 10,000, 100,000 and 1,000,000 votes
    python bench/tallies.py --votes 0,200000 --messages 5000
    python bench/tallies.py --quick                  # smoke run; tests/test_bench_smoke.py

For each ``--votes`` count, a fresh SQLite file (WAL, ``synchronous=FULL``, the store's own
migrations) is filled with that many votes of earlier voters for the poll ``finale``, then
``--messages`` new voters send ``VOTE A``/``VOTE B``/``VOTE C`` in batches of ``--batch``,
each batch one transaction of the store's hot path (``transactions.handle``: receive, load the
conversations and the poll's counts, decide, commit), as the engine runs it on the store's
thread. The script prints, per count, the CPU and wall time per message and per transaction,
and checks that the last reply counted every vote (the counts are read, not guessed).

Only local files are used; nothing listens on the network.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from profile_store import decider, handle, raw_store  # noqa: E402

from engine.core.messages import Inbound  # noqa: E402

NUMBER = "36111"
POLL = """\
poll: The final
trigger: {keyword: VOTE}
number: "36111"
choices: {A: Awa, B: Bastien, C: Camille}
reply: >-
  Thanks! {choice.label} counted. Leading: {poll.finale.leader.label}
  ({poll.finale.leader.count} of {poll.finale.total}).
already_voted: "You voted for {vote.label} already."
"""


def fill(conn: sqlite3.Connection, votes: int) -> None:
    """``votes`` earlier votes for ``finale``, from distinct phones, as the store keeps them."""
    at = datetime.now(UTC).isoformat()
    for start in range(0, votes, 50_000):
        rows = [
            ("finale", f"+3370{n:08d}", "ABC"[n % 3], at)
            for n in range(start, min(votes, start + 50_000))
        ]
        conn.execute("BEGIN")
        conn.executemany("INSERT INTO votes (poll, contact, choice, at) VALUES (?, ?, ?, ?)", rows)
        conn.execute("COMMIT")


def run(folder: Path, votes: int, args: argparse.Namespace) -> None:
    rules, service = decider(folder / "rules")
    conn = raw_store(folder / f"votes-{votes}.db")
    fill(conn, votes)
    cpu = wall = 0.0
    last = ""
    for offset in range(0, args.messages, args.batch):
        now = datetime.now(UTC)
        batch = [
            Inbound(f"+3360{offset + i:08d}", NUMBER, f"VOTE {'ABC'[(offset + i) % 3]}", now)
            for i in range(min(args.batch, args.messages - offset))
        ]
        started, clock = time.thread_time(), time.perf_counter()
        handled = handle(conn, (), service, rules, batch, now)
        cpu += time.thread_time() - started
        wall += time.perf_counter() - clock
        last = handled.rows[-1].message.text
    conn.close()
    total = votes + args.messages
    assert f"of {total})" in last, f"the last reply did not count every vote: {last!r}"
    batches = -(-args.messages // args.batch)
    print(
        f"{votes:>9,} votes before:{cpu / args.messages * 1e6:8.1f} µs CPU a message,"
        f" {wall / batches * 1e3:6.2f} ms a transaction of {args.batch};"
        f" last reply {last!r}"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--votes", default="0,10000,100000,1000000", help="earlier votes, by ,")
    parser.add_argument("--messages", type=int, default=3000, help="new votes timed per count")
    parser.add_argument("--batch", type=int, default=10, help="messages per transaction")
    parser.add_argument("--quick", action="store_true", help="smoke run: 0 and 2,000 votes")
    args = parser.parse_args(argv)
    if args.quick:
        args.votes, args.messages = "0,2000", 100
    with tempfile.TemporaryDirectory(prefix="twoway-tallies-") as tmp:
        folder = Path(tmp)
        (folder / "rules").mkdir()
        (folder / "rules" / "finale.yaml").write_text(POLL, encoding="utf-8")
        for votes in (int(n) for n in args.votes.split(",")):
            run(folder, votes, args)


if __name__ == "__main__":
    main()
