"""Profile what the store's thread spends per message on the hot path (MO -> reply).

Run from the repository root::

    python bench/profile_store.py                      # 6,000 messages, batches of about 25
    python bench/profile_store.py --messages 20000 --concurrency 200 --top 40

A real ``Service`` on a SQLite file (WAL, ``synchronous=FULL``) with the default ``rules/`` and
the loopback transport takes ``--messages`` MOs from distinct phones (the texts ``bench/smpp.py``
sends: HOURS, VOTE A, VOTE B and an unmatched text), ``--concurrency`` in flight at once, so that
batches are about the size a busy SMPP link makes. Every store transaction runs under cProfile on
the store's thread, with SQLite's trace callback on: the script prints, per message,

- the store thread's CPU time (``time.thread_time`` around each call) and the top functions;
- the statements executed (each row of an ``executemany`` counts), by statement;
- the rows written per table, and the index entries those writes touch (a table's own b-tree,
  and every index it has, partial ones only when the row is in them: counted when it could be);
- JSON encodes (``codec.dumps`` calls).

Only local files are used; nothing listens on the network.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import pstats
import re
import sqlite3
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, cast

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from engine.core.clock import SystemClock  # noqa: E402
from engine.core.ids import RandomIds  # noqa: E402
from engine.core.messages import Inbound  # noqa: E402
from engine.core.records import Handled  # noqa: E402
from engine.ruleset.compiler import compile_rules  # noqa: E402
from engine.ruleset.ruleset import RuleSet  # noqa: E402
from engine.service import Service  # noqa: E402
from engine.store import SqliteStore, codec, commit, transactions  # noqa: E402
from engine.transports.loopback import LoopbackTransport  # noqa: E402

TEXTS = ("HOURS", "VOTE A", "VOTE B", "Do you sell vinyl records?")
NUMBER = "36111"
_WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b.*?\b(?:INTO|FROM)?\s*(\w+)", re.I | re.S)


class Timed:
    """A connection that times each statement on the thread's CPU clock (by statement)."""

    def __init__(self, conn: sqlite3.Connection, cpu: dict[str, float]) -> None:
        self._conn = conn
        self._cpu = cpu

    def execute(self, sql: str, *args: Any) -> Any:
        started = time.thread_time()
        try:
            return self._conn.execute(sql, *args)
        finally:
            shape = _shape(sql)
            self._cpu[shape] = self._cpu.get(shape, 0.0) + time.thread_time() - started

    def executemany(self, sql: str, rows: Any) -> Any:
        started = time.thread_time()
        try:
            return self._conn.executemany(sql, rows)
        finally:
            shape = _shape(sql)
            self._cpu[shape] = self._cpu.get(shape, 0.0) + time.thread_time() - started

    def __getattr__(self, name: str) -> Any:
        return getattr(self._conn, name)


class Probe:
    """The cProfile, the CPU clock and the statement counts of the store's thread."""

    def __init__(self, tracing: bool) -> None:
        self.profile: cProfile.Profile | None = None if tracing else cProfile.Profile()
        self.tracing = tracing
        self.cpu = 0.0
        self.calls = 0
        self.executed: list[str] = []
        self.statement_cpu: dict[str, float] = {}  # seconds, by statement

    def statements(self) -> Counter[str]:
        return Counter(_shape(sql) for sql in self.executed)

    def wrap(self, write: Any) -> Any:
        def probed(conn: sqlite3.Connection, *args: Any, **kwargs: Any) -> Any:
            if self.tracing:
                conn.set_trace_callback(self.executed.append)
                conn = cast(sqlite3.Connection, Timed(conn, self.statement_cpu))
            started = time.thread_time()
            if self.profile is not None:
                self.profile.enable()
            try:
                return write(conn, *args, **kwargs)
            finally:
                if self.profile is not None:
                    self.profile.disable()
                self.cpu += time.thread_time() - started
                self.calls += 1
                conn.set_trace_callback(None)

        return probed


def _shape(sql: str) -> str:
    """A statement without its values, cut to a readable length."""
    text = re.sub(r"'[^']*'", "?", " ".join(sql.split()))
    text = re.sub(r"\b\d+(\.\d+)?\b", "?", text)
    text = re.sub(r"\?(,\s*\?)+", "?…", text)
    return text[:150]


def _table_of(shape: str) -> str | None:
    words = shape.split()
    if not words:
        return None
    head = words[0].upper()
    if head == "INSERT":
        return words[2] if words[1].upper() == "INTO" else None
    if head == "UPDATE":
        return words[1]
    if head == "DELETE":
        return words[2]
    return None


def _indexes(path: Path) -> dict[str, list[tuple[str, str]]]:
    """Every index of every table: (name, definition)."""
    with sqlite3.connect(path) as conn:
        found: dict[str, list[tuple[str, str]]] = {}
        for name, table, sql in conn.execute(
            "SELECT name, tbl_name, COALESCE(sql, '(automatic: UNIQUE or PRIMARY KEY)')"
            " FROM sqlite_master WHERE type = 'index'"
        ):
            found.setdefault(table, []).append((name, sql))
        for kind, count in conn.execute("SELECT type, COUNT(*) FROM events GROUP BY type"):
            print(f"events {kind}: {count:,}")
    conn.close()
    return found


async def _run(args: argparse.Namespace, folder: Path, probe: Probe) -> tuple[float, int]:
    compiled = compile_rules(ROOT / "rules")
    assert compiled.ruleset is not None, compiled.errors
    store = SqliteStore(folder / "profile.db")
    transport = LoopbackTransport()
    service = Service(
        compiled.ruleset, store, {"loopback": transport}, clock=SystemClock(), ids=RandomIds()
    )
    await service.start()
    original = transactions.write
    transactions.write = probe.wrap(original)
    clock = SystemClock()
    try:
        t0 = time.perf_counter()
        for offset in range(0, args.messages, args.concurrency):
            count = min(args.concurrency, args.messages - offset)
            now = clock.now()
            await asyncio.gather(
                *(
                    transport.deliver(
                        f"+3362{offset + i:07d}", NUMBER, TEXTS[(offset + i) % 4], now
                    )
                    for i in range(count)
                )
            )
        await asyncio.wait_for(service.idle(), timeout=120)
        wall = time.perf_counter() - t0
    finally:
        transactions.write = original
        await service.stop()
    return wall, len(transport.sent)


def _frames_by_btree(conn: sqlite3.Connection, wal: Path, messages: int) -> None:
    """The WAL frames written per message, by the b-tree their page belongs to (``dbstat``):
    what each COMMIT writes. Exact with ``wal_autocheckpoint=0``."""
    data = wal.read_bytes()
    size = int.from_bytes(data[8:12], "big")
    owner = {page: name for name, page in conn.execute("SELECT name, pageno FROM dbstat")}
    found: Counter[str] = Counter()
    for offset in range(32, len(data) - size, size + 24):
        page = int.from_bytes(data[offset : offset + 4], "big")
        found[owner.get(page, "(header, freelist or new)" if page > 1 else "(page 1)")] += 1
    print("WAL frames per message by b-tree (each COMMIT writes every page it dirtied):")
    for name, count in found.most_common():
        print(f"  {count / messages:5.2f}  {name}")


def decider(folder: Path) -> tuple[RuleSet, Service]:
    """The rule set of ``folder`` and a service to decide with it (its own store unused): what a
    direct run needs to run the hot path's transaction itself."""
    compiled = compile_rules(folder)
    assert compiled.ruleset is not None, compiled.errors
    rules = compiled.ruleset
    service = Service(
        rules,
        SqliteStore(":memory:"),
        {"loopback": LoopbackTransport()},
        clock=SystemClock(),
        ids=RandomIds(),
    )
    return rules, service


def raw_store(path: Path, pragmas: Sequence[str] = ()) -> sqlite3.Connection:
    """A store file as the engine keeps it (WAL, ``synchronous=FULL``, foreign keys on, then
    ``pragmas``), migrated, on a plain connection in autocommit mode."""
    from engine.store.migrations import apply_migrations

    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA foreign_keys = ON")
    for pragma in pragmas:
        conn.execute(f"PRAGMA {pragma}")
    apply_migrations(conn)
    return conn


def handle(
    conn: sqlite3.Connection,
    marks: Sequence[transactions.Rider],
    service: Service,
    rules: RuleSet,
    batch: Sequence[Inbound],
    now: datetime,
) -> Handled:
    """One batch through the hot path's transaction (``transactions.handle``), as the store's
    thread runs it: received, decided, committed, ``marks`` riding in it."""
    return transactions.write(
        conn, marks, transactions.handle, batch, service._decide(rules, now),
        now - rules.settings.reply_window, rules.tallied,
    )  # fmt: skip


def direct(args: argparse.Namespace) -> None:
    """The store thread's work alone, without the event loop: ``transactions.handle`` on a raw
    connection (WAL, ``synchronous=FULL``), batches of ``--batch`` messages, each batch's
    transaction carrying the previous batch's ``sent`` marks as the outbox leaves them. Prints
    the best of ``--rounds`` rounds of CPU per message (the machine may be shared)."""
    from datetime import UTC

    rules, service = decider(ROOT / "rules")
    results = []
    for round_ in range(args.rounds):
        with tempfile.TemporaryDirectory(prefix="twoway-direct-") as tmp:
            conn = raw_store(Path(tmp) / "direct.db", args.pragma)
            marks: list[transactions.SentMarks] = []
            cpu = 0.0
            for offset in range(0, args.messages, args.batch):
                now = datetime.now(UTC)
                batch = [
                    Inbound(
                        f"+336{round_}{offset + i:07d}", NUMBER, TEXTS[(offset + i) % 4], now,
                        transport="smpp", dedup_window=30.0,
                    )
                    for i in range(min(args.batch, args.messages - offset))
                ]  # fmt: skip
                started = time.thread_time()
                handled = handle(conn, marks, service, rules, batch, now)
                cpu += time.thread_time() - started
                sent = tuple((row.id, f"m{row.id:x}") for row in handled.rows)
                marks = [(sent, codec.time_in(datetime.now(UTC)))]
            wal = Path(tmp) / "direct.db-wal"
            frames = (wal.stat().st_size - 32) // (4096 + 24) if wal.exists() else 0
            if args.frames and round_ == 0:
                _frames_by_btree(conn, wal, args.messages)
            conn.close()
        results.append(cpu / args.messages * 1e6)
        print(
            f"  round {round_ + 1}: {results[-1]:.1f} µs per message; WAL frames (pages) written"
            f" per message {frames / args.messages:.2f} (exact with wal_autocheckpoint=0)"
        )
    print(f"direct: best {min(results):.1f} µs per message (batches of {args.batch})")


def _report(
    args: argparse.Namespace,
    run: tuple[float, int],
    indexes: dict[str, list[tuple[str, str]]],
    counting: Probe,
    plain: Probe,
    profiled: Probe,
    encodes: int,
) -> None:
    """Print the figures of the three runs: counted, timed, profiled."""
    wall, sent = run
    n = args.messages
    print(f"{n:,} messages, {sent:,} replies, {plain.calls:,} store write calls, {wall:.2f} s wall")
    print(
        f"store thread CPU in write transactions: {plain.cpu / n * 1e6:.0f} µs per message "
        f"({profiled.cpu / n * 1e6:.0f} µs under cProfile)"
    )
    statements = counting.statements()
    print(f"statements per message: {sum(statements.values()) / n:.2f}")
    for shape, count in statements.most_common():
        print(f"  {count / n:6.2f}  {shape}")
    print("store thread CPU per message by statement (sqlite3 call only; timed run):")
    for shape, cpu in Counter(counting.statement_cpu).most_common(14):
        print(f"  {cpu / n * 1e6:6.1f} µs  {shape}")
    written: Counter[str] = Counter()
    for shape, count in statements.items():
        table = _table_of(shape)
        if table is not None:
            written[table] += count
    print("rows written per message by table (each + its indexes = b-trees touched):")
    touched = 0.0
    for table, count in written.most_common():
        names = [name for name, _ in indexes.get(table, [])]
        per = count / n
        touched += per * (1 + len(names))
        print(f"  {per:5.2f}  {table:<14} indexes: {', '.join(names) or '-'}")
    print(f"b-tree entries touched per message, at most: {touched:.1f}")
    print(f"JSON encodes (codec.dumps) per message: {encodes / n:.2f}")
    out = io.StringIO()
    assert profiled.profile is not None
    stats = pstats.Stats(profiled.profile, stream=out)
    stats.sort_stats("tottime").print_stats(args.top)
    print(out.getvalue())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--messages", type=int, default=6_000)
    parser.add_argument("--concurrency", type=int, default=25, help="deliveries in flight")
    parser.add_argument("--top", type=int, default=30, help="functions shown")
    parser.add_argument("--direct", action="store_true", help="the store's work alone")
    parser.add_argument("--batch", type=int, default=25, help="--direct: messages per batch")
    parser.add_argument("--rounds", type=int, default=5, help="--direct: rounds, best shown")
    parser.add_argument("--frames", action="store_true", help="--direct: WAL frames by b-tree")
    parser.add_argument("--pragma", action="append", default=[], help="--direct: PRAGMA too")
    args = parser.parse_args(argv)
    if args.direct:
        direct(args)
        return 0
    encodes = 0
    plain_dumps = codec.dumps

    def counted(value: Any, *, strict: bool = False) -> str:
        nonlocal encodes
        encodes += 1
        return plain_dumps(value, strict=strict)

    codec.dumps = counted
    commit.dumps = counted  # type: ignore[attr-defined]
    counting = Probe(tracing=True)
    with tempfile.TemporaryDirectory(prefix="twoway-profile-") as tmp:
        folder = Path(tmp)
        wall, sent = asyncio.run(_run(args, folder, counting))
        indexes = _indexes(folder / "profile.db")
    codec.dumps = commit.dumps = plain_dumps  # type: ignore[attr-defined]
    plain = Probe(tracing=False)
    plain.profile = None
    with tempfile.TemporaryDirectory(prefix="twoway-profile-") as tmp:
        asyncio.run(_run(args, Path(tmp), plain))
    profiled = Probe(tracing=False)
    with tempfile.TemporaryDirectory(prefix="twoway-profile-") as tmp:
        asyncio.run(_run(args, Path(tmp), profiled))
    _report(args, (wall, sent), indexes, counting, plain, profiled, encodes)
    return 0


if __name__ == "__main__":
    sys.exit(main())
