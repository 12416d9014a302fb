"""Benchmark hot reload under load: how soon a saved rule file answers, and that nothing is lost.

Run from the repository root::

    python bench/reload.py                  # 60 s at 1,000 messages/s, a save every second
    python bench/reload.py --quick          # smoke run (~5 s)
    python bench/reload.py --seconds 20 --rate 2000
    python bench/reload.py --keywords 2000  # a bigger rule set: compile time shows

A real ``Service`` runs with a ``SqliteStore`` on a file in a temporary folder (WAL,
synchronous=FULL), the loopback transport, the system clock, and a ``Reloader`` watching the rules
folder with watchfiles. Messages from distinct phones are delivered at ``--rate`` per second (a
burst every 10 ms). Every ``--every`` seconds ``ping.yaml`` is saved with a new reply text
(``pong 1``, ``pong 2`` …), and one message in ten is ``PING``, so each save is observable: the
time from a save to the first ``pong N`` reply handed to the transport is the time to the first
message handled by the new rules (an upper bound: it includes the commit and the outbox).

Printed: that latency (p50/p99/max over the saves; target p99 <= 1 s), with its split (save ->
swap: watch and compile; swap -> first reply), the reloads ok/failed, messages lost (delivered vs
answered; target 0), the peak RSS, and the row counts read back from the database file. Lost
messages or mismatched counts exit non-zero; timings are not judged.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import resource
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from engine.core.messages import Outgoing  # noqa: E402
from engine.reload import Reloader  # noqa: E402
from engine.ruleset.compiler import compile_rules  # noqa: E402
from engine.ruleset.ruleset import RuleSet  # noqa: E402
from engine.service import Service  # noqa: E402
from engine.store import SqliteStore  # noqa: E402
from engine.transports.loopback import LoopbackTransport  # noqa: E402

NUMBER = "36111"
LATENCY_TARGET = 1.0
TICK = 0.01
DEMO_TEXTS = (
    "HOURS", "horaires", "ADDRESS", "where?", "PRICE guitars", "VOTE A", "vote b", "Vote: C!",
    "do you sell vinyl records?", "bonjour",
)  # fmt: skip
"""One reply each (distinct phones): the demo rules' keywords, a pattern, votes, the catch-all."""


def ping_rule(n: int) -> str:
    return f'autoreply:\n  - keyword: PING\n    reply: "pong {n}"\n'


@dataclass
class Run:
    saves: dict[int, float] = field(default_factory=dict)
    """Save number → when it was written (perf_counter)."""
    swaps: dict[str, float] = field(default_factory=dict)
    """Rule-set version → when it was swapped in."""
    first_pong: dict[int, float] = field(default_factory=dict)
    """Save number → when its first ``pong N`` reached the transport."""
    answered: set[str] = field(default_factory=set)
    replies: int = 0
    delivered: int = 0
    extra: int = 0
    """PINGs sent after the timed run, until the last save was seen (counted in ``delivered``)."""
    failed_deliveries: int = 0
    offered_seconds: float = 0.0
    idle_seconds: float = 0.0
    compile_seconds: list[float] = field(default_factory=list)


def prepare_rules(folder: Path, keywords: int, flows: int) -> tuple[list[str], str]:
    """Write the rule files; return the texts to send (besides PING) and a label."""
    folder.mkdir()
    if keywords:
        from runtime import generate_rules

        gen = generate_rules(folder, keywords, flows)
        texts = list(gen.keywords)
        label = f"generated: {keywords:,} keywords in {gen.files} files"
    else:
        for file in (ROOT / "rules").glob("*.yaml"):
            (folder / file.name).write_bytes(file.read_bytes())
        texts = list(DEMO_TEXTS)
        label = "rules/ (the demo)"
    (folder / "ping.yaml").write_text(ping_rule(0), encoding="utf-8")
    return texts, label


class TimedSwaps:
    """The service as the reloader sees it, telling ``on_swap`` when a rule set is swapped in."""

    def __init__(self, service: Service, on_swap: Callable[[RuleSet], None]) -> None:
        self.service = service
        self.on_swap = on_swap

    @property
    def ruleset(self) -> RuleSet:
        return self.service.ruleset

    def swap_ruleset(self, ruleset: RuleSet) -> RuleSet:
        self.on_swap(ruleset)
        return self.service.swap_ruleset(ruleset)


async def run(args: argparse.Namespace, tmp: Path, ruleset: RuleSet, texts: list[str]) -> Run:
    result = Run()
    rules = tmp / "rules"

    def on_sent(message: Outgoing, reference: int) -> None:
        now = time.perf_counter()
        result.replies += 1
        result.answered.add(message.recipient)
        if message.text.startswith("pong "):
            n = int(message.text[5:])
            if n and n not in result.first_pong:
                result.first_pong[n] = now

    transport = LoopbackTransport("loopback", on_sent=on_sent)
    service = Service(ruleset, SqliteStore(str(tmp / "bench.db")), {"loopback": transport})

    def swapped(new: RuleSet) -> None:
        result.swaps[new.version] = time.perf_counter()
        result.compile_seconds.append(reloader.last_compile_seconds or 0.0)

    reloader = Reloader(rules, TimedSwaps(service, swapped))
    await service.start()
    await reloader.start()
    if not reloader.watching:
        raise SystemExit("the reloader could not watch the rules folder")

    rng = random.Random(3)
    in_flight: set[asyncio.Task[None]] = set()

    def delivered(task: asyncio.Task[None]) -> None:
        in_flight.discard(task)
        if task.cancelled() or task.exception() is not None:
            result.failed_deliveries += 1

    async def offer() -> None:
        started = time.perf_counter()
        sent = 0
        while (elapsed := time.perf_counter() - started) < args.seconds:
            due = int(args.rate * elapsed) - sent
            for _ in range(max(0, due)):
                text = "PING" if sent % 10 == 0 else rng.choice(texts)
                phone = f"+336{sent:08d}"
                task = asyncio.create_task(
                    transport.deliver(phone, NUMBER, text, datetime.now(UTC), f"b{sent}")
                )
                in_flight.add(task)
                task.add_done_callback(delivered)
                sent += 1
            await asyncio.sleep(TICK)
        result.delivered = sent
        result.offered_seconds = time.perf_counter() - started

    async def save() -> None:
        n = 0
        started = time.perf_counter()
        while True:
            n += 1
            await asyncio.sleep(max(0.0, started + n * args.every - time.perf_counter()))
            result.saves[n] = time.perf_counter()
            (rules / "ping.yaml").write_text(ping_rule(n), encoding="utf-8")

    saver = asyncio.create_task(save())
    await offer()
    saver.cancel()
    last = max(result.saves, default=0)
    # Give the last save its chance to be seen (bounded), then drain.
    deadline = time.perf_counter() + 5.0
    extra = 0
    while last and last not in result.first_pong and time.perf_counter() < deadline:
        extra += 1
        await transport.deliver(f"+337{extra:08d}", NUMBER, "PING", datetime.now(UTC))
        result.delivered += 1
        result.extra = extra
        await asyncio.sleep(TICK)
    if in_flight:
        await asyncio.gather(*in_flight, return_exceptions=True)
    drained = time.perf_counter()
    await asyncio.wait_for(service.idle(), 120)
    result.idle_seconds = time.perf_counter() - drained
    status = reloader.status()
    await reloader.stop()
    await service.stop()
    print(
        f"reloader: {status['reloads_ok']} ok, {status['reloads_failed']} failed, "
        f"{reloader.compiles} compiles for {len(result.saves)} saves; "
        f"compile time {_summary(result.compile_seconds)}"
    )
    return result


def _percentile(ordered: Sequence[float], fraction: float) -> float:
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


def _summary(values: list[float]) -> str:
    ordered = sorted(values)
    if not ordered:
        return "no data"
    return (
        f"p50 {_percentile(ordered, 0.5) * 1e3:.0f} ms   p99 {_percentile(ordered, 0.99) * 1e3:.0f}"
        f" ms   max {ordered[-1] * 1e3:.0f} ms"
    )


def _rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1024 if sys.platform != "darwin" else peak / 1024 / 1024


def _counts(db: Path, table: str) -> dict[str, int]:
    with sqlite3.connect(db) as conn:
        rows = conn.execute(f"SELECT status, COUNT(*) FROM {table} GROUP BY status").fetchall()
    return {str(status): int(count) for status, count in rows}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=60.0, help="how long messages flow")
    parser.add_argument("--rate", type=float, default=1_000.0, help="messages per second")
    parser.add_argument("--every", type=float, default=1.0, help="seconds between two saves")
    parser.add_argument(
        "--keywords", type=int, default=0, help="a generated rule set of N keywords (0: rules/)"
    )
    parser.add_argument("--flows", type=int, default=100, help="files of the generated set")
    parser.add_argument("--quick", action="store_true", help="a 5 s smoke run")
    args = parser.parse_args(argv)
    if args.quick:
        args.seconds = min(args.seconds, 5.0)

    with tempfile.TemporaryDirectory(prefix="twoway-bench-reload-") as folder:
        tmp = Path(folder)
        texts, label = prepare_rules(tmp / "rules", args.keywords, args.flows)
        started = time.perf_counter()
        compiled = compile_rules(tmp / "rules")
        if compiled.errors or compiled.ruleset is None:
            from engine.errors import render_all

            raise SystemExit(render_all(compiled.errors, compiled.sources))
        print(
            f"== hot reload under load: {args.rate:,.0f} messages/s for {args.seconds:g} s, "
            f"a save every {args.every:g} s =="
        )
        print(
            f"rules: {label}, {len(compiled.ruleset.flows)} flows; first compile "
            f"{time.perf_counter() - started:.3f} s"
        )
        result = asyncio.run(run(args, tmp, compiled.ruleset, texts))
        inbound = _counts(tmp / "bench.db", "inbound")
        outbox = _counts(tmp / "bench.db", "outbox")

    timed = result.delivered - result.extra
    offered = timed / result.offered_seconds if result.offered_seconds else 0.0
    print(
        f"offered: {timed:,} messages in {result.offered_seconds:.1f} s ({offered:,.0f}/s)"
        + (f", then {result.extra} PINGs until the last save answered" if result.extra else "")
        + f"; idle {result.idle_seconds:.2f} s after the last delivery"
    )
    latencies = [
        result.first_pong[n] - at for n, at in result.saves.items() if n in result.first_pong
    ]
    unseen = sorted(set(result.saves) - set(result.first_pong))
    swaps = sorted(result.swaps.values())
    to_swap: list[float] = []
    after_swap: list[float] = []
    for n, at in sorted(result.saves.items()):
        swapped = next((s for s in swaps if s >= at), None)
        if swapped is not None and n in result.first_pong and swapped <= result.first_pong[n]:
            to_swap.append(swapped - at)
            after_swap.append(result.first_pong[n] - swapped)
    ordered = sorted(latencies)
    p99 = _percentile(ordered, 0.99) if ordered else float("inf")
    verdict = "met" if p99 <= LATENCY_TARGET and not unseen else "MISSED"
    print(
        f"save -> first message handled by the new rules: {_summary(latencies)}   "
        f"over {len(latencies)} saves (target p99 <= {LATENCY_TARGET:g} s: {verdict})"
        + (f"; saves never answered: {unseen}" if unseen else "")
    )
    print(f"  save -> swap (watch + compile): {_summary(to_swap)}")
    print(f"  swap -> first reply handed to the transport: {_summary(after_swap)}")
    lost = result.delivered - len(result.answered)
    print(
        f"messages lost: {lost:,} (delivered {result.delivered:,}, "
        f"answered {len(result.answered):,}, replies {result.replies:,}, "
        f"failed deliveries {result.failed_deliveries})"
        f"   (target 0: {'met' if lost == 0 else 'MISSED'})"
    )
    print(f"peak RSS (whole process): {_rss_mb():.0f} MB")
    processed = inbound.get("processed", 0)
    sent = outbox.get("sent", 0)
    ok = lost == 0 and processed == result.delivered and sent == sum(outbox.values())
    print(
        f"verify: inbound processed {processed:,} / {result.delivered:,}; outbox sent {sent:,} / "
        f"{sum(outbox.values()):,} rows; {'OK' if ok else 'MISMATCH'}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
