"""Benchmark campaigns: contacts import, preview, pacing over SMPP, and no burst after quiet hours.

Run from the repository root (node 18+ and ``npm ci --prefix tests/smsc`` needed)::

    python bench/campaign.py                  # 100,000 contacts, 60 s at 500/s (~2.5 min)
    python bench/campaign.py --quick          # smoke run (tests/test_bench_smoke.py), seconds
    python bench/campaign.py --rows 20000 --seconds 20 --quiet-recipients 2000

1. **import**: a real ``python -m engine contacts import --country FR`` process reads a CSV as
   French Excel writes it (``;``, a BOM, ``06 xx xx xx xx``, a name, ``groups`` = ``clients``)
   into a fresh store, then the same rows as an XLSX written by openpyxl into another (the time
   includes the interpreter's start-up). Target: the CSV under 10 s for 100,000 rows.
2. **preview**: ``twoway campaign preview NAME --json`` of a marketing campaign to every contact
   (``say:`` with ``{contact.name}``, ``quiet_hours: fr-marketing``). Target: under 3 s; over
   it, the preview runs again under cProfile and the top lines are printed.
3. **pacing**: a real ``twoway run`` with an SMPP transceiver to ``tests/smsc/smsc.js``
   (node-smpp, ``SMSC_TIMES=1``: each submit_sm stamped when it arrived), a number at 1,000/s
   and a ``transactional`` campaign at 500/s to 500 x ``--seconds`` contacts, started with
   ``twoway campaign start NAME --yes``. Printed: the rate from the first submit_sm to the last,
   the per-second counts (min, p5, p50, p95, max; whole seconds from the first), whether the
   rate is within 2 % of 500/s, and the engine's peak RSS (VmHWM).
4. **quiet hours**: the engine on the test clock (``TWOWAY_TEST_CLOCK``), the clock set to
   Friday 2027-01-08 ``--lead`` seconds before 08:00 Paris, then a ``marketing`` campaign with
   ``quiet_hours: fr-marketing`` at 500/s started at once (the command reads the same clock).
   Nothing may reach the SMSC before 08:00; after it no second (counted from 08:00) may hold
   more than 500. Also printed: the busiest sliding one-second window.

Every count is checked (every contact imported, every recipient's submit_sm received); a count
that is not the expected one, or a bench failure, exits non-zero. The PASS/FAIL marks of the
targets are printed in the summary and do not change the exit code (timings depend on the
machine). Everything listens on 127.0.0.1 and every process started is stopped.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import io
import json
import os
import pstats
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from bisect import bisect_left
from collections import Counter
from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.contacts import CITIES, timed_import, write_csv, write_xlsx  # noqa: E402
from bench.smpp import peak_rss_mb  # noqa: E402
from tests.support.engine_process import CLOCK_ENV, Engine, http_address, set_clock  # noqa: E402
from tests.support.jsonl_peer import free_port, wait_for_port  # noqa: E402
from tests.transports.node_smsc import NodeSmsc  # noqa: E402

NUMBER = "36111"
NUMBER_RATE = 1_000  # the number's throughput in twoway.yaml: above the campaign's
RATE = 500  # the campaign's throughput
IMPORT_TARGET = 10.0  # s, 100,000-row CSV
PREVIEW_TARGET = 3.0  # s
PACE_TOLERANCE = 0.02
MORNING = datetime.fromisoformat("2027-01-08T08:00:00+01:00")  # a Friday, end of fr-marketing
TEXT = "Bonjour {contact.name}, -20 % sur tout le magasin ce week-end. STOP au 36111"


class BenchError(Exception):
    """Something the bench cannot go on without."""


# --- files ----------------------------------------------------------------------------------------


def contact_rows(count: int) -> list[list[str]]:
    """bench/contacts.py's columns; every number valid and distinct, every row in ``clients``."""
    out = []
    for index in range(count):
        digits = f"{index:08d}"
        phone = f"06 {digits[0:2]} {digits[2:4]} {digits[4:6]} {digits[6:8]}"
        out.append(
            [
                phone,
                f"Client {index}",
                "fr",
                "clients",
                CITIES[index % len(CITIES)],
                f"2026-{1 + index % 12:02d}-{1 + index % 28:02d}",
            ]
        )
    return out


def write_setup(folder: Path, port: int, campaigns: dict[str, dict[str, str]]) -> Path:
    """A twoway.yaml (store in ``folder``, one SMPP transceiver on ``port``) and its rules."""
    rules = folder / "rules"
    rules.mkdir(parents=True, exist_ok=True)
    for name, keys in campaigns.items():
        body = {
            "campaign": name,
            "audience": {"group": "clients"},
            "number": NUMBER,
            "say": TEXT,
            **keys,
        }
        (rules / f"{name}.yaml").write_text(
            "".join(f"{k}: {json.dumps(v, ensure_ascii=False)}\n" for k, v in body.items()),
            encoding="utf-8",
        )
    config = folder / "twoway.yaml"
    config.write_text(
        f"store: {folder / 'twoway.db'}\n"
        f"rules: {rules}\n"
        "reload: false\n"
        "country: FR\n"
        f'http: {{listen: "127.0.0.1:{free_port()}"}}\n'
        "log: {level: WARNING}\n"
        "connectors:\n"
        "  operator:\n"
        "    type: smpp\n"
        "    host: 127.0.0.1\n"
        f"    port: {port}\n"
        "    system_id: twoway\n"
        "    password: secret\n"
        "    bind: transceiver\n"
        "    window: 10\n"
        "    registered_delivery: 0\n"
        "numbers:\n"
        f'  "{NUMBER}": {{connector: operator, kind: short_code, throughput: {NUMBER_RATE}/s}}\n',
        encoding="utf-8",
    )
    return config


def import_contacts(folder: Path, count: int) -> float:
    """Import ``count`` contacts into ``folder``'s store (a real CLI process); the seconds."""
    source = folder / "contacts.csv"
    write_csv(source, contact_rows(count))
    seconds, summary = timed_import(source, folder / "twoway.db")
    expected = f"imported {count}, updated 0, refused 0"
    if summary != expected:
        raise BenchError(f"import of {source}: {summary!r}, expected {expected!r}")
    return seconds


def stored(db: Path) -> int:
    with contextlib.closing(sqlite3.connect(db)) as conn:
        return int(conn.execute("SELECT COUNT(*) FROM contacts").fetchone()[0])


def campaign_command(
    config: Path, *args: str, clock: Path | None = None
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop(CLOCK_ENV, None)
    if clock is not None:
        env[CLOCK_ENV] = str(clock)
    done = subprocess.run(
        [sys.executable, "-m", "engine", "campaign", *args, "--config", str(config)],
        cwd=config.parent,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    if done.returncode != 0:
        raise BenchError(f"twoway campaign {' '.join(args)}: {done.stdout}{done.stderr}")
    return done


# --- 1 and 2: import and preview ----------------------------------------------------------------


def bench_import_preview(base: Path, rows: int, results: dict[str, Any]) -> None:
    folder = base / "import"
    config = write_setup(
        folder,
        free_port(),
        {
            "soldes": {
                "throughput": f"{RATE}/s",
                "kind": "marketing",
                "quiet_hours": "fr-marketing",
            }
        },
    )
    data = contact_rows(rows)
    started = time.perf_counter()
    write_csv(folder / "contacts.csv", data)
    write_xlsx(folder / "contacts.xlsx", data)
    print(f"generated {rows:,} rows (csv and xlsx) in {time.perf_counter() - started:.1f} s")
    expected = f"imported {rows}, updated 0, refused 0"
    for kind, db in (("csv", folder / "twoway.db"), ("xlsx", folder / "xlsx.db")):
        seconds, summary = timed_import(folder / f"contacts.{kind}", db)
        count = stored(db)
        good = summary == expected and count == rows
        print(
            f"import {kind}: {seconds:.2f} s, {rows / seconds:,.0f} rows/s; {summary}; "
            f"{count:,} contacts stored{'' if good else f' (expected: {expected}): MISMATCH'}",
            flush=True,
        )
        if not good:
            raise BenchError(f"import {kind}: {summary!r}, {count} stored")
        results[f"import_{kind}"] = seconds

    started = time.perf_counter()
    done = campaign_command(config, "preview", "soldes", "--json")
    seconds = time.perf_counter() - started
    shown = json.loads(done.stdout)
    good = shown["recipients"] == rows and shown["parts_total"] >= rows
    print(
        f"preview: {seconds:.2f} s for {shown['recipients']:,} recipients; parts "
        f"{shown['parts_total']:,} ({shown['encodings']}), excluded {shown['excluded']}, "
        f"first {shown['first']}, last {shown['last']}"
        + ("" if good else f": MISMATCH (expected {rows:,} recipients)"),
        flush=True,
    )
    if not good:
        raise BenchError("preview: wrong recipient count")
    results["preview"] = seconds
    if seconds > PREVIEW_TARGET:
        profile_preview(config)


def profile_preview(config: Path, lines: int = 20) -> None:
    """The preview once more, in this process under cProfile: where its time goes."""
    from click.testing import CliRunner

    from engine.cli.main import cli

    profiler = cProfile.Profile()
    runner = CliRunner()
    profiler.enable()
    answer = runner.invoke(
        cli, ["campaign", "preview", "soldes", "--json", "--config", str(config)]
    )
    profiler.disable()
    if answer.exit_code != 0:
        print(f"preview profile: the preview failed: {answer.output}")
        return
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(lines)
    stats.sort_stats("tottime").print_stats(lines)
    print(f"preview profile (over {PREVIEW_TARGET:g} s; cProfile, cumulative then own time):")
    for line in out.getvalue().splitlines():
        if line.strip() and not line.startswith(("   Ordered by", "         ")):
            print(f"  | {line.rstrip()}")


# --- 3 and 4: a real engine against the node SMSC -------------------------------------------------


class Run:
    """One ``twoway run`` bound to a fresh node SMSC that stamps every submit_sm."""

    def __init__(self, folder: Path, campaigns: dict[str, dict[str, str]]) -> None:
        self.folder = folder
        self.campaigns = campaigns
        self.smsc = NodeSmsc()
        self.engine: Engine | None = None
        self.config = folder / "twoway.yaml"

    async def start(self, clock: Path | None = None) -> None:
        await self.smsc.start(env={"SMSC_TIMES": "1", "SMSC_NODELAY": "1"})
        self.config = write_setup(self.folder, self.smsc.port, self.campaigns)
        self.engine = Engine(self.folder, self.config)
        proc = await self.engine.launch(clock_file=clock)
        try:
            await self.smsc.wait_for(lambda e: e["event"] == "bind_transceiver", 30)
            host, port = http_address(self.config)
            await wait_for_port(host, port, 30, lambda: proc.returncode is None)
        except (AssertionError, OSError, TimeoutError) as exc:
            raise BenchError(f"twoway did not start: {exc}\n{self.engine.log()[-2000:]}") from exc

    def arrivals(self) -> list[float]:
        """Wall times (s) at which the accepted submit_sm reached the SMSC."""
        return sorted(e["at"] / 1000 for e in self.smsc.accepted())

    async def wait_all(self, count: int, timeout: float) -> list[float]:
        try:
            await self.smsc.wait_for(
                lambda e: e["event"] == "submit_sm" and e.get("status") == 0, timeout, count
            )
        except AssertionError as exc:
            got = len(self.smsc.accepted())
            raise BenchError(f"{got:,} of {count:,} submit_sm in {timeout:g} s") from exc
        await asyncio.sleep(0.5)  # nothing more may come
        return self.arrivals()

    def peak_rss(self) -> float:
        assert self.engine is not None and self.engine.proc is not None
        return peak_rss_mb(self.engine.proc.pid)

    async def stop(self) -> None:
        if self.engine is not None:
            if self.engine.proc is not None and self.engine.proc.returncode is None:
                self.engine.proc.terminate()
                with contextlib.suppress(TimeoutError):
                    await self.engine.wait(20)
            await self.engine.cleanup()
        await self.smsc.stop()


def percentile(values: Sequence[int], fraction: float) -> int:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


def per_second(times: Sequence[float], origin: float) -> list[int]:
    """Counts per whole second from ``origin`` (the last, partial second left out)."""
    counts = Counter(int(t - origin) for t in times if t >= origin)
    whole = int(times[-1] - origin)
    return [counts.get(second, 0) for second in range(whole)] or [counts.get(0, 0)]


def busiest_window(times: Sequence[float], width: float = 1.0) -> int:
    """The most arrivals in any sliding window of ``width`` seconds."""
    return max((bisect_left(times, t + width) - i for i, t in enumerate(times)), default=0)


async def bench_pacing(base: Path, seconds: float, results: dict[str, Any]) -> None:
    count = int(RATE * seconds)
    folder = base / "pacing"
    folder.mkdir()
    run = Run(folder, {"rappel": {"throughput": f"{RATE}/s", "kind": "transactional"}})
    try:
        await run.start()
        await asyncio.to_thread(import_contacts, folder, count)
        started = time.time()
        await asyncio.to_thread(campaign_command, run.config, "start", "rappel", "--yes")
        command = time.time() - started
        times = await run.wait_all(count, seconds * 1.5 + 30)
        rss = run.peak_rss()
    finally:
        await run.stop()
    span = times[-1] - times[0]
    rate = (len(times) - 1) / span if span > 0 else 0.0
    counts = per_second(times, times[0])
    within = abs(rate - RATE) <= RATE * PACE_TOLERANCE
    print(
        f"pacing: {len(times):,} submit_sm at the SMSC for {count:,} recipients; start command "
        f"{command:.2f} s, first submit_sm {times[0] - started:.2f} s after it began",
        flush=True,
    )
    print(
        f"pacing rate first to last: {rate:.1f}/s over {span:.2f} s (campaign {RATE}/s, number "
        f"{NUMBER_RATE:,}/s): {'within' if within else 'NOT within'} "
        f"{PACE_TOLERANCE:.0%} of {RATE}/s"
    )
    print(
        f"pacing per second ({len(counts)} whole seconds): min {min(counts)}, p5 "
        f"{percentile(counts, 0.05)}, p50 {percentile(counts, 0.5)}, p95 "
        f"{percentile(counts, 0.95)}, max {max(counts)}; busiest sliding second "
        f"{busiest_window(times)}"
    )
    print(f"pacing engine peak RSS (VmHWM): {rss:.0f} MB", flush=True)
    if len(times) != count:
        raise BenchError(f"pacing: {len(times):,} submit_sm for {count:,} recipients")
    results.update(pace_rate=rate, pace_within=within, pace_rss=rss)


async def bench_quiet(base: Path, count: int, lead: float, results: dict[str, Any]) -> None:
    folder = base / "quiet"
    folder.mkdir()
    clock = folder / "clock"
    set_clock(clock, MORNING - timedelta(hours=1))  # quiet hours while the engine starts
    campaigns = {
        "matin": {"throughput": f"{RATE}/s", "kind": "marketing", "quiet_hours": "fr-marketing"}
    }
    run = Run(folder, campaigns)
    try:
        await run.start(clock=clock)
        await asyncio.to_thread(import_contacts, folder, count)
        set_clock(clock, MORNING - timedelta(seconds=lead))
        written = time.time()
        await asyncio.sleep(0.1)  # the engine looks at the file every 50 ms
        await asyncio.to_thread(
            campaign_command, run.config, "start", "matin", "--yes", clock=clock
        )
        command = time.time() - written
        times = await run.wait_all(count, count / RATE + lead + 30)
    finally:
        await run.stop()
    # The engine read the new time 0-50 ms after ``written``: its 08:00 is that much later.
    morning = written + lead
    early = sum(1 for t in times if t < morning)
    counts = per_second(times, morning)
    busiest = busiest_window([t for t in times if t >= morning])
    print(
        f"quiet hours: clock set to {(MORNING - timedelta(seconds=lead)).isoformat()} "
        f"(Friday), campaign started {command:.2f} s later; {len(times):,} submit_sm for "
        f"{count:,} recipients",
        flush=True,
    )
    print(
        f"quiet hours before 08:00: {early} submit_sm; first one {times[0] - morning:+.3f} s "
        f"from 08:00"
    )
    print(
        f"quiet hours after 08:00: first second {counts[0]}, max per second {max(counts)} "
        f"(limit {RATE}), per-second counts {counts[:8]}{' …' if len(counts) > 8 else ''}; "
        f"busiest sliding second {busiest}",
        flush=True,
    )
    if len(times) != count:
        raise BenchError(f"quiet hours: {len(times):,} submit_sm for {count:,} recipients")
    results.update(quiet_early=early, quiet_first=counts[0], quiet_max=max(counts))


# --- main -----------------------------------------------------------------------------------------


def mark(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def print_summary(results: dict[str, Any], rows: int) -> None:
    print("summary:")
    if "import_csv" in results:
        scaled = f" (target set for 100,000 rows; {rows:,} here)" if rows != 100_000 else ""
        print(
            f"  import csv {rows:,} rows: {results['import_csv']:.2f} s, target < "
            f"{IMPORT_TARGET:g} s: {mark(results['import_csv'] < IMPORT_TARGET)}{scaled}; "
            f"xlsx {results['import_xlsx']:.2f} s"
        )
    if "preview" in results:
        print(
            f"  preview {rows:,} recipients: {results['preview']:.2f} s, target < "
            f"{PREVIEW_TARGET:g} s: {mark(results['preview'] < PREVIEW_TARGET)}"
        )
    if "pace_rate" in results:
        print(
            f"  pacing {results['pace_rate']:.1f}/s, target {RATE}/s ± {PACE_TOLERANCE:.0%}: "
            f"{mark(results['pace_within'])}; engine peak RSS {results['pace_rss']:.0f} MB"
        )
    if "quiet_max" in results:
        print(
            f"  quiet hours: {results['quiet_early']} before 08:00, target 0: "
            f"{mark(results['quiet_early'] == 0)}; max per second after "
            f"{results['quiet_max']} (first second {results['quiet_first']}), target <= "
            f"{RATE} + {PACE_TOLERANCE:.0%} (the pacing tolerance: a token bucket lets a "
            f"calendar second see its 20 ms of catch-up): "
            f"{mark(results['quiet_max'] <= RATE * (1 + PACE_TOLERANCE))}"
        )


async def run_engine_parts(base: Path, args: argparse.Namespace, results: dict[str, Any]) -> None:
    await bench_pacing(base, args.seconds, results)
    await bench_quiet(base, args.quiet_recipients, args.lead, results)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=100_000, help="contacts imported, previewed")
    parser.add_argument("--seconds", type=float, default=60.0, help="pacing run at 500/s")
    parser.add_argument("--quiet-recipients", type=int, default=5_000)
    parser.add_argument("--lead", type=float, default=10.0, help="seconds before 08:00 at start")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument("--quick", action="store_true", help="smoke run: small sizes")
    args = parser.parse_args(argv)
    if args.quick:
        args.rows, args.seconds, args.quiet_recipients, args.lead = 1_000, 2.0, 600, 2.0
    if shutil.which("node") is None:
        print("error: node is not installed (the bench's SMSC runs on node 18+)")
        return 2
    print(
        f"twoway campaign benchmark: python {sys.version.split()[0]}, sqlite "
        f"{sqlite3.sqlite_version}, {os.cpu_count()} cores, {'quick' if args.quick else 'full'} "
        f"run; {args.rows:,} contacts, pacing {int(RATE * args.seconds):,} recipients at "
        f"{RATE}/s, quiet hours {args.quiet_recipients:,} recipients",
        flush=True,
    )
    results: dict[str, Any] = {}
    base = Path(tempfile.mkdtemp(prefix="twoway-bench-campaign-"))
    try:
        print("== 1. import and 2. preview", flush=True)
        bench_import_preview(base, args.rows, results)
        print("== 3. pacing over SMPP and 4. no burst after quiet hours", flush=True)
        asyncio.run(run_engine_parts(base, args, results))
    except BenchError as exc:
        print(f"error: {exc}", flush=True)
        print_summary(results, args.rows)
        return 1
    finally:
        if args.keep:
            print(f"(kept {base})")
        else:
            shutil.rmtree(base, ignore_errors=True)
    print_summary(results, args.rows)
    print("verify: OK (every count)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
