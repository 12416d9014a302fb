"""Benchmark /metrics scrapes against message acknowledgements: does scraping delay an MO's ack?

Run from the repository root::

    python bench/scrape.py                 # 20,000 numbers, then 10 s without and 10 s with
    python bench/scrape.py --quick         # smoke run (~10 s); tests/web/test_bench_scrape_smoke.py
    python bench/scrape.py --seconds 30 --rate 100 --scrapers 50

A real ``twoway run`` process (``python -m engine run``) with its jsonl connector and /metrics on
free ports, a SQLite file in a temporary folder and the demo rules. First ``--numbers`` MOs are
sent each to a different ``to`` (what made the page 1.9 MB before the labels were bounded). Then
a phone sends MOs at a steady ``--rate`` per second and the time from writing each MO to reading
its ack is measured: ``--seconds`` without scrapes, then as long again while another process
scrapes /metrics ``--scrapers`` times at once, round after round (the next round starts when
the last scrape of the previous one is answered).

Printed: the ack latency without and with the scrapes (p50/p99/max; target p99 <= 50 ms with the
scrapes), the scrape rounds made, the size of the page and the time one scrape takes, and the
MOs acknowledged. A missing ack exits non-zero; timings are not judged.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import multiprocessing
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import aiohttp

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.engine_process import HOST, Engine, http_address, write_config  # noqa: E402
from tests.support.jsonl_peer import MO, Peer, PeerLog, free_port  # noqa: E402

TARGET = 0.050
"""p99 of the ack latency while scraping, in seconds."""


def _percentile(ordered: list[float], q: float) -> float:
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _summary(values: list[float]) -> str:
    if not values:
        return "no values"
    ordered = sorted(values)
    p50, p99 = _percentile(ordered, 0.5), _percentile(ordered, 0.99)
    return f"p50 {p50 * 1000:.1f} ms, p99 {p99 * 1000:.1f} ms, max {ordered[-1] * 1000:.1f} ms"


# --- the scraper (another process, so that its own work does not slow the phone) ---------------


def _scrape(url: str, scrapers: int, stop: Any, out: Any) -> None:
    asyncio.run(_scrape_rounds(url, scrapers, stop, out))


async def _scrape_rounds(url: str, scrapers: int, stop: Any, out: Any) -> None:
    timings: list[float] = []
    sizes: set[int] = set()
    rounds = failures = 0
    connector = aiohttp.TCPConnector(limit=scrapers)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def one() -> None:
            nonlocal failures
            started = time.perf_counter()
            try:
                async with session.get(url) as response:
                    body = await response.read()
                    if response.status != 200:
                        failures += 1
                        return
            except aiohttp.ClientError:
                failures += 1
                return
            timings.append(time.perf_counter() - started)
            sizes.add(len(body))

        while not stop.is_set():
            await asyncio.gather(*(one() for _ in range(scrapers)))
            rounds += 1
    out.put({"rounds": rounds, "timings": timings, "sizes": sorted(sizes), "failures": failures})


# --- the phone ----------------------------------------------------------------------------------


class Phone:
    """One jsonl connection: MOs written at a steady pace, the time to each one's ack."""

    def __init__(self) -> None:
        self.log = PeerLog()
        self.sent: dict[str, float] = {}
        self.latencies: dict[str, float] = {}
        self.peer = Peer(self.log, self._frame)
        self.count = 0

    def _frame(self, frame: dict[str, Any]) -> None:
        if frame.get("type") == "ack" and (sent := self.sent.get(str(frame["id"]))) is not None:
            self.latencies.setdefault(str(frame["id"]), time.perf_counter() - sent)

    async def send(self, to: str, text: str) -> str:
        self.count += 1
        mo = MO(f"mo-{self.count}", f"+3360{self.count % 1000:07d}", to, text)
        self.sent[mo.id] = time.perf_counter()
        await self.peer.stream([mo], window=10_000)
        return mo.id

    async def paced(self, rate: float, seconds: float) -> list[str]:
        """MOs at ``rate`` per second for ``seconds``; return their ids once all are acked."""
        ids: list[str] = []
        interval, start = 1 / rate, time.perf_counter()
        while (due := start + len(ids) * interval) < start + seconds:
            await asyncio.sleep(max(0.0, due - time.perf_counter()))
            ids.append(await self.send("36111", "HOURS"))
        await self.peer.wait_for(lambda: all(i in self.latencies for i in ids), timeout=60)
        return ids


async def _ready(url: str) -> None:
    async with asyncio.timeout(30), aiohttp.ClientSession() as session:
        while True:
            with contextlib.suppress(aiohttp.ClientError):
                async with session.get(url) as response:
                    if response.status == 200:
                        return
            await asyncio.sleep(0.05)  # polling a connect: there is no event to wait on


async def run(args: argparse.Namespace, workdir: Path) -> int:
    port = free_port()
    config = write_config(workdir, ROOT / "rules", "console", port)
    host, http_port = http_address(config)
    base = f"http://{host}:{http_port}"
    engine = Engine(workdir, config)
    try:
        await engine.start(port)
        await _ready(base + "/health")
        phone = Phone()
        await phone.peer.connect(HOST, port)
        started = time.perf_counter()
        spread = [await phone.send(f"+4470{n:08d}", "HELLO") for n in range(args.numbers)]
        await phone.peer.wait_for(lambda: all(i in phone.latencies for i in spread), timeout=300)
        print(
            f"numbers: {args.numbers:,} MOs, each to another number, acked in "
            f"{time.perf_counter() - started:.1f} s"
        )
        quiet = await phone.paced(args.rate, args.seconds)

        stop, out = multiprocessing.Event(), multiprocessing.Queue()
        scraper = multiprocessing.Process(
            target=_scrape, args=(base + "/metrics", args.scrapers, stop, out)
        )
        scraper.start()
        busy = await phone.paced(args.rate, args.seconds)
        stop.set()
        scraped = await asyncio.to_thread(out.get, True, 60)
        scraper.join(30)
        await phone.peer.aclose()
    finally:
        await engine.cleanup()

    with_scrapes = [phone.latencies[i] for i in busy]
    print(f"ack latency without scrapes: {_summary([phone.latencies[i] for i in quiet])}")
    p99 = _percentile(sorted(with_scrapes), 0.99)
    verdict = "met" if p99 <= TARGET else "MISSED"
    print(
        f"ack latency with {args.scrapers} scrapes at once: {_summary(with_scrapes)} "
        f"(target p99 <= {TARGET * 1000:.0f} ms: {verdict})"
    )
    timings = sorted(scraped["timings"])
    sizes = scraped["sizes"]
    print(
        f"scrapes: {scraped['rounds']:,} rounds of {args.scrapers} in {args.seconds:g} s, "
        f"{len(timings):,} answered, {scraped['failures']} failed; page "
        f"{(sizes[-1] if sizes else 0):,} bytes; one scrape {_summary(timings)}"
        + (f" (mean {statistics.mean(timings) * 1000:.1f} ms)" if timings else "")
    )
    total = len(spread) + len(quiet) + len(busy)
    acked = sum(1 for count in phone.log.acks.values() if count)
    ok = acked == total and not phone.log.nacks and scraped["failures"] == 0
    print(f"verify: {acked:,} / {total:,} MOs acked; {'OK' if ok else 'MISMATCH'}")
    return 0 if ok else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--numbers", type=int, default=20_000, help="distinct `to` first")
    parser.add_argument("--rate", type=float, default=50, help="the phone's MOs per second")
    parser.add_argument("--seconds", type=float, default=10, help="each phase")
    parser.add_argument("--scrapers", type=int, default=50, help="scrapes at once")
    parser.add_argument("--quick", action="store_true", help="500 numbers, 2 s phases")
    args = parser.parse_args(argv)
    if args.quick:
        args.numbers, args.seconds = 500, 2.0
    print(
        f"== /metrics scrapes vs ack latency: {args.rate:g} MOs/s, {args.seconds:g} s without "
        f"then with {args.scrapers} scrapes at once"
    )
    with tempfile.TemporaryDirectory(prefix="twoway-scrape-") as tmp:
        return asyncio.run(run(args, Path(tmp)))


if __name__ == "__main__":
    sys.exit(main())
