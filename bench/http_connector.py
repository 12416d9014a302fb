"""Benchmark twoway over the http connector: MO -> reply through a real engine process and the
fake provider of ``tests/support/fake_provider.py``.

(Not ``bench/http.py``: a script's folder comes first on ``sys.path``, and a file named
``http.py`` there would hide the standard library's ``http`` package from every bench script.)

Run from the repository root::

    python bench/http_connector.py           # 500/s paced, flat out: 10 s each, callbacks off/on
    python bench/http_connector.py --quick   # smoke run (a few s): tests/test_bench_smoke.py
    python bench/http_connector.py --rate 800 --seconds 20 --in-flight 64

For each run, a fresh ``twoway run`` process (the default ``rules/``, a SQLite file store, one
``type: http`` connector with ``preset: twilio``) takes Twilio-signed form posts of ``HOURS`` from
distinct phones on its webhook (``/hooks/tw``), and sends each reply to the fake provider's
``Messages.json`` (form, basic auth, ``Idempotency-Key``). The fake provider and the posting
client share this process's event loop.

- latency: the MO's post started -> its reply's request read by the fake provider (p50/p99/max),
  at ``--rate`` MOs per second offered (paced by the clock, not by the answers);
- throughput: replies read per second by the provider with ``--in-flight`` posts at once
  (flat out), after a one-second warm-up.

Both are run with status callbacks off, then on (the provider posts ``delivered`` to the
webhook for every reply: as many posts again); the figures are printed side by side. After each
run the engine is stopped and its database must agree: every MO acknowledged is stored and
processed, every reply is one outbox row (``sent``, or ``delivered`` with callbacks). Figures are
printed, not judged (targets: >= 1,000/s flat out, p99 <= 50 ms at 500/s); a count that does not
match exits 1.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sqlite3
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.engine_process import Engine, http_address  # noqa: E402
from tests.support.fake_provider import (  # noqa: E402
    AUTH_TOKEN,
    FakeProvider,
    twilio_signature,
    write_http_config,
)

HOURS = "We are open Monday to Friday, 9:00-18:00, and Saturday 10:00-16:00."
WAIT = 60.0
API_TOKEN = "bench-api-t0ken"


TICK = os.sysconf("SC_CLK_TCK")


def cpu_of(pid: int) -> float:
    """CPU seconds (user + system) a process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


@dataclass
class Figures:
    label: str
    posted: int
    replies: int
    seconds: float
    latencies: list[float]
    engine_cpu: float = 0.0
    """CPU seconds of the engine process per second of the run."""
    bench_cpu: float = 0.0
    """The same for this process (the posting client and the fake provider)."""
    reads: str = ""
    """The API reads' figures, for the run that measured them."""

    @property
    def rate(self) -> float:
        return self.replies / self.seconds if self.seconds else 0.0

    def percentile(self, q: float) -> float:
        ordered = sorted(self.latencies)
        if not ordered:
            return float("nan")
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


class Run:
    """One engine process and the fake provider, for one series of posts."""

    def __init__(self, workdir: Path, callbacks: bool) -> None:
        self.workdir = workdir
        self.callbacks = callbacks
        self.provider = FakeProvider(callbacks=callbacks)
        self.posted_at: dict[str, float] = {}
        self.acked = 0
        self.serial = 0
        self.hook = ""
        self.engine: Engine | None = None
        self.session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> Run:
        os.environ["TWILIO_AUTH_TOKEN"] = AUTH_TOKEN
        await self.provider.start()
        rules = ROOT / "rules"
        config, self.hook = write_http_config(
            self.workdir, rules, self.provider, status_callback=self.callbacks
        )
        settings = yaml.safe_load(config.read_text(encoding="utf-8"))
        settings.setdefault("http", {})["tokens"] = [API_TOKEN]  # for the API reads
        config.write_text(yaml.safe_dump(settings), encoding="utf-8")
        self.engine = Engine(self.workdir, config)
        await self.engine.start(http_address(config)[1])
        self.session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=512))
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self.session is not None:
            await self.session.close()
        if self.engine is not None and self.engine.proc is not None:
            self.engine.proc.terminate()
            await self.engine.wait(30)
            await self.engine.cleanup()
        await self.provider.aclose()

    async def post(self) -> None:
        assert self.session is not None
        self.serial += 1
        phone = f"+3370{self.serial:07d}"
        params = {"MessageSid": f"SMbench{self.serial:08d}", "From": phone, "To": "36111",
                  "Body": "HOURS", "NumSegments": "1"}  # fmt: skip
        headers = {"X-Twilio-Signature": twilio_signature(AUTH_TOKEN, self.hook, params)}
        self.posted_at[phone] = time.monotonic()
        async with self.session.post(self.hook, data=params, headers=headers) as answer:
            await answer.read()
            if answer.status != 200:
                raise SystemExit(f"the webhook answered {answer.status} to {params}")
        self.acked += 1

    def latencies(self, since: int = 0) -> list[float]:
        return [m.at - self.posted_at[m.to] for m in self.provider.messages[since:]]

    async def drain(self) -> None:
        await self.provider.wait_for(lambda: len(self.provider.messages) >= self.acked, WAIT)


async def paced(run: Run, rate: float, seconds: float) -> Figures:
    """``rate`` posts a second for ``seconds``, each on its own schedule."""
    total = int(rate * seconds)
    start = time.monotonic() + 0.05
    tasks = []
    for index in range(total):
        delay = start + index / rate - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(run.post()))
    await asyncio.gather(*tasks)
    await run.drain()
    took = max(m.at for m in run.provider.messages) - start
    return Figures(f"paced {rate:g}/s", total, len(run.provider.messages), took, run.latencies())


async def flat_out(run: Run, in_flight: int, seconds: float, warm_up: float) -> Figures:
    """``in_flight`` posts at once for ``seconds``; replies counted after ``warm_up``."""
    stop = time.monotonic() + warm_up + seconds

    async def poster() -> None:
        while time.monotonic() < stop:
            await run.post()

    async def window() -> tuple[int, float, int]:
        await asyncio.sleep(warm_up)
        first, began = len(run.provider.messages), time.monotonic()
        await asyncio.sleep(seconds)
        return first, time.monotonic() - began, len(run.provider.messages) - first

    measured = asyncio.create_task(window())
    await asyncio.gather(*(poster() for _ in range(in_flight)))
    first, took, replies = await measured
    await run.drain()
    label = f"flat out, {in_flight} posts in flight"
    return Figures(label, run.acked, replies, took, run.latencies(first))


def verify(workdir: Path, run: Run) -> str:
    """The database agrees with what the provider saw, or SystemExit."""
    with sqlite3.connect(f"file:{workdir / 'twoway.db'}?mode=ro", uri=True) as conn:
        inbound = conn.execute("SELECT count(*) FROM inbound WHERE status = 'processed'").fetchone()
        statuses = dict(conn.execute("SELECT status, count(*) FROM outbox GROUP BY status"))
    wanted = "delivered" if run.callbacks else "sent"
    texts = {m.text for m in run.provider.messages}
    replies = len(run.provider.messages)
    if inbound[0] != run.acked or statuses != {wanted: run.acked} or replies != run.acked:
        raise SystemExit(
            f"verify: FAILED: {run.acked} acknowledged, {inbound[0]} processed, outbox "
            f"{statuses}, {replies} replies at the provider"
        )
    if texts != {HOURS}:
        raise SystemExit(f"verify: FAILED: unexpected replies {texts - {HOURS}}")
    return f"{run.acked:,} / {run.acked:,} processed, outbox {wanted}"


async def api_reads(run: Run, count: int) -> str:
    """The latency of ``GET /api/v1/conversations`` (50 a page) over the store the run filled:
    ``count`` reads, each page after the last (from the start again at the end), one at a time."""
    assert run.session is not None and run.engine is not None
    host, port = http_address(run.engine.config)
    url = f"http://{host}:{port}/api/v1/conversations"
    headers = {"Authorization": f"Bearer {API_TOKEN}"}
    took: list[float] = []
    after: str | None = None
    pages = 0
    for _ in range(count):
        params = {"limit": "50", **({"after": after} if after else {})}
        started = time.perf_counter()
        async with run.session.get(url, params=params, headers=headers) as response:
            assert response.status == 200, await response.text()
            page = await response.json()
        took.append(time.perf_counter() - started)
        after = page["next"]
        pages += 1 if page["conversations"] else 0
    with sqlite3.connect(f"file:{run.workdir / 'twoway.db'}?mode=ro", uri=True) as conn:
        stored = conn.execute("SELECT count(*) FROM inbound").fetchone()[0]
    figures = Figures("api", len(took), len(took), sum(took), took)
    return (
        f"API GET /api/v1/conversations?limit=50 ({stored:,} messages in the store, "
        f"{count} reads one at a time): p50 {figures.percentile(0.5):.1f} ms   "
        f"p99 {figures.percentile(0.99):.1f} ms   max {max(took) * 1000:.1f} ms"
    )


def line(figures: Figures) -> str:
    return (
        f"{figures.rate:8,.0f} replies/s   p50 {figures.percentile(0.5):6.1f} ms   "
        f"p99 {figures.percentile(0.99):6.1f} ms   max {max(figures.latencies) * 1000:6.1f} ms   "
        f"({figures.replies:,} replies in {figures.seconds:.1f} s; CPU: engine "
        f"{figures.engine_cpu:.0%}, bench {figures.bench_cpu:.0%})"
    )


async def series(args: argparse.Namespace, callbacks: bool) -> list[Figures]:
    results = []
    for kind in ("paced", "flat"):
        with tempfile.TemporaryDirectory(prefix="twoway-bench-http-") as tmp:
            async with Run(Path(tmp), callbacks) as run:
                assert run.engine is not None and run.engine.proc is not None
                pid = run.engine.proc.pid
                engine0, bench0, wall0 = cpu_of(pid), time.process_time(), time.monotonic()
                if kind == "paced":
                    figures = await paced(run, args.rate, args.seconds)
                else:
                    figures = await flat_out(run, args.in_flight, args.seconds, args.warm_up)
                wall = time.monotonic() - wall0
                figures.engine_cpu = (cpu_of(pid) - engine0) / wall
                figures.bench_cpu = (time.process_time() - bench0) / wall
                if kind == "flat" and not callbacks:  # the fullest store: read it through the API
                    await run.drain()
                    figures.reads = await api_reads(run, args.reads)
                if run.callbacks:  # every reply's status posted back: wait for the last marks
                    await run.provider.wait_for(
                        lambda r=run: _delivered(Path(tmp)) >= r.acked, WAIT
                    )
            figures.label += f"; verify: {verify(Path(tmp), run)}"
            results.append(figures)
    return results


def _delivered(workdir: Path) -> int:
    with sqlite3.connect(f"file:{workdir / 'twoway.db'}?mode=ro", uri=True) as conn:
        return int(
            conn.execute("SELECT count(*) FROM outbox WHERE status = 'delivered'").fetchone()[0]
        )


async def main(args: argparse.Namespace) -> None:
    print(
        f"twoway http connector benchmark: {os.cpu_count()} CPUs, Python {sys.version.split()[0]}"
    )
    print(
        f"offered {args.rate:g}/s for {args.seconds:g} s; flat out with {args.in_flight} in flight"
    )
    for callbacks in (False, True):
        print(f"== status callbacks {'on' if callbacks else 'off'}")
        for figures in await series(args, callbacks):
            print(f"{figures.label}")
            print(f"  {line(figures)}")
            if figures.reads:
                print(figures.reads)
    print("verify: OK")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rate", type=float, default=500.0)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--in-flight", type=int, default=50)
    parser.add_argument("--warm-up", type=float, default=1.0)
    parser.add_argument("--reads", type=int, default=200, help="API reads timed")
    parser.add_argument("--quick", action="store_true", help="a few seconds, tiny load")
    arguments = parser.parse_args()
    if arguments.quick:
        arguments.rate, arguments.seconds, arguments.in_flight = 100.0, 1.0, 10
        arguments.warm_up = 0.5
        arguments.reads = 20
    asyncio.run(main(arguments))
