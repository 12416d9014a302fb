"""Benchmark twoway over SMPP: MO -> reply through a real engine process and a node-smpp SMSC.

Run from the repository root (node 18+ and ``npm ci --prefix tests/smsc`` needed)::

    python bench/smpp.py                        # 200/s, 1,000/s, 3,000/s and flat out, 10 s each
    python bench/smpp.py --quick                # smoke run (a few seconds, no Kannel)
    python bench/smpp.py --vs-kannel            # the same loads through Kannel too, with ratios
    python bench/smpp.py --loads 1000,max --seconds 20 --receipts on

For each offered load, a fresh ``twoway run`` process (the default ``rules/``, a SQLite file
store with ``synchronous=FULL``, one ``smpp`` transceiver) binds to ``bench/smsc_load.js``, an SMSC
on node-smpp that sends deliver_sm from distinct phones (HOURS, VOTE A, VOTE B and an unmatched
text: one reply each) and answers every submit_sm. The SMSC measures, with its own clock:

- throughput: replies (submit_sm to the MO's sender) read per second, after a warm-up;
- latency: deliver_sm written to the socket -> its reply's submit_sm read, p50/p99/max.

The engine acknowledges a deliver_sm only once the message is committed. After each load the
engine is stopped (SIGTERM) and the row counts in its database must match what the SMSC saw:
every acknowledged MO processed, one outbox row sent per reply received. A mismatch exits 1.

``flat out`` keeps the SMSC's windows full: at most ``--mo-window`` deliver_sm unanswered and at
most ``--outstanding`` MOs waiting for their reply (paced loads obey the same bounds). The MOs go
to the binds in turn (``workers: N`` makes N binds); the window counts all binds together, or
each bind on its own with ``--mo-window-per bind`` (an SMSC's window is per session). First, the
SMSC's own ceiling is measured with a node ESME that answers at once, so that the figures are the
engine's and not the SMSC's; the SMSC's CPU share is printed for every run too.

With ``--vs-kannel`` the same loads also run through Kannel 1.4.5 (Debian's ``kannel`` package:
bearerbox as an SMPP transceiver to the same SMSC, smsbox with ``sms-service`` autoreplies; the
configuration is ``bench/kannel/kannel.conf.in``) and the ratios twoway/Kannel are printed. Nothing
is installed: when bearerbox or smsbox is missing the bench says so and runs twoway alone.

Receipts (``--receipts``, default ``both``: every load without, then with): twoway asks for them
(``registered_delivery: 1``) and records each one on its outbox row, which must end ``delivered``;
Kannel asks for them too (``dlr-mask = 3`` on its ``sms-service`` replies) and hands each one to
its ``dlr-url``, a small HTTP sink in this process that counts them.

Everything listens on 127.0.0.1, every wait is bounded and every process started is stopped.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import queue
import shutil
import signal
import socket
import sqlite3
import string
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from prometheus_client.parser import text_string_to_metric_families

ROOT = Path(__file__).resolve().parents[1]
SMSC_SCRIPT = ROOT / "bench" / "smsc_load.js"
KANNEL_TEMPLATE = ROOT / "bench" / "kannel" / "kannel.conf.in"
NODE_SMPP = ROOT / "tests" / "smsc" / "node_modules" / "smpp" / "package.json"
NUMBER = "36111"
TEXTS = ("HOURS", "VOTE A", "VOTE B", "Do you sell vinyl records?")
THROUGHPUT_TARGET = 1.2  # flat out, twoway / Kannel
P99_TARGET_MS = 50.0  # at 1,000/s paced
WORKERS_TARGET = 1.4  # flat out, the most --workers / one worker (issue 14)
P99_LEAN_MS = 5.0  # at 1,000/s paced, with each --workers (issue 14)
TICK = os.sysconf("SC_CLK_TCK")

Event = dict[str, Any]


class BenchError(Exception):
    """Something the bench cannot go on without (a process died, a wait ran out)."""


# --- processes ------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a live process."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICK


def family(pid: int) -> list[int]:
    """``pid`` and its children (the workers of a supervisor, ``workers: N``)."""
    children = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError):
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                if int(fields[1]) == pid:
                    children.append(int(entry.name))
    return [pid, *sorted(children)]


def thread_cpu(pid: int) -> dict[str, float]:
    """CPU seconds (user + system) of a live process's threads, summed by OS thread name
    (``/proc/PID/task/TID/comm``: the engine names its hot path's threads, engine/osthreads.py)."""
    totals: dict[str, float] = {}
    with contextlib.suppress(OSError):
        for task in Path(f"/proc/{pid}/task").iterdir():
            try:
                name = (task / "comm").read_text().strip()
                fields = (task / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue  # the thread ended meanwhile
            totals[name] = totals.get(name, 0.0) + (int(fields[11]) + int(fields[12])) / TICK
    return totals


def peak_rss_mb(pid: int) -> float:
    """The peak resident set (VmHWM) of a live process, in MB."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def stop_process(proc: subprocess.Popen[Any] | None, grace: float = 10.0) -> int | None:
    """SIGTERM, wait up to ``grace`` seconds, then SIGKILL; return the exit code."""
    if proc is None:
        return None
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(grace)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)
    return proc.returncode


class Node:
    """One bench/smsc_load.js process: JSON commands in, JSON events out (read by a thread)."""

    def __init__(self, *args: str) -> None:
        node = shutil.which("node")
        if node is None:
            raise BenchError("node is not installed (the bench's SMSC runs on node 18+)")
        if not NODE_SMPP.exists():
            raise BenchError("the npm package smpp is missing: run `npm ci --prefix tests/smsc`")
        self.proc: subprocess.Popen[str] = subprocess.Popen(
            [node, str(SMSC_SCRIPT), *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        self.events: queue.Queue[Event | None] = queue.Queue()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            with contextlib.suppress(ValueError):
                self.events.put(json.loads(line))
        self.events.put(None)

    def send(self, **command: Any) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(json.dumps(command) + "\n")
        self.proc.stdin.flush()

    def wait_for(self, name: str, timeout: float, **match: Any) -> Event:
        """Return the next event called ``name`` (with ``match``), skipping the others."""
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            try:
                event = self.events.get(timeout=left)
            except queue.Empty:
                break
            if event is None:
                raise BenchError(f"the node process exited while waiting for {name}")
            if event.get("event") == "error":
                print(f"  (node: {event.get('error')})", flush=True)
            if event.get("event") == name and all(event.get(k) == v for k, v in match.items()):
                return event
        raise BenchError(f"no {name} event from node in {timeout:g} s")

    def close(self) -> None:
        if self.proc.poll() is None:
            with contextlib.suppress(OSError, ValueError):
                self.send(cmd="quit")
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        for stream in (self.proc.stdin, self.proc.stdout):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()


# --- one load ---------------------------------------------------------------------------------


@dataclass
class Outcome:
    """What one system did under one load."""

    system: str
    load: float
    result: Event
    cpu: dict[str, float] = field(default_factory=dict)
    """process -> CPU seconds during the run."""
    threads: dict[str, float] = field(default_factory=dict)
    """The engine's threads by OS name -> CPU seconds during the run (twoway only)."""
    engines: tuple[str, ...] = ()
    """The processes of ``cpu`` that are the system under test (not the SMSC)."""
    rss: dict[str, float] = field(default_factory=dict)
    """process -> peak RSS, MB."""
    verify: str = ""
    ok: bool = True
    writes: tuple[float, ...] = ()
    """twoway's store over the run, from /metrics: (transactions, seconds writing, seconds
    waiting for the writer lock), all workers together."""

    @property
    def rate(self) -> float:
        return float(self.result["replies_per_s"])

    def latency(self, key: str) -> float | None:
        value = self.result["latency_ms"].get(key)
        return None if value is None else float(value)

    @property
    def replies(self) -> int:
        return int(self.result["replies"])

    def per_reply_us(self, seconds: float) -> float | None:
        """``seconds`` of CPU over the run, in microseconds per reply."""
        return seconds / self.replies * 1e6 if self.replies else None

    @property
    def cpu_us(self) -> float | None:
        """The system's CPU (all its processes and threads) per MO->reply, in microseconds."""
        return self.per_reply_us(sum(self.cpu[name] for name in self.engines))


def run_load(smsc: Node, args: argparse.Namespace, rate: float, label: str) -> Event:
    """Offer one load from the SMSC and return its result event."""
    smsc.send(
        cmd="run",
        label=label,
        rate=rate,
        seconds=args.seconds,
        warmup=args.warmup,
        drain=args.drain,
        mo_window=args.mo_window,
        window_per=args.mo_window_per,
        outstanding=args.outstanding,
        to=NUMBER,
        texts=list(TEXTS),
        receipts=args.receipts,
    )
    return smsc.wait_for("result", args.seconds + args.drain + 30, label=label)


def load_name(rate: float) -> str:
    return "flat out" if rate == 0 else f"{rate:,.0f}/s"


def twoway_config(
    folder: Path, port: int, args: argparse.Namespace, workers: int, http: int
) -> Path:
    config = folder / "twoway.yaml"
    config.write_text(
        f"store: {folder / 'twoway.db'}\n"
        f"rules: {ROOT / 'rules'}\n"
        "reload: false\n"
        f"workers: {workers}\n"
        f'http: {{listen: "127.0.0.1:{http}"}}\n'
        "log: {level: WARNING}\n"
        "connectors:\n"
        "  operator:\n"
        "    type: smpp\n"
        "    host: 127.0.0.1\n"
        f"    port: {port}\n"
        "    system_id: twoway\n"
        "    password: secret\n"
        "    bind: transceiver\n"
        f"    window: {args.window}\n"
        f"    registered_delivery: {1 if args.receipts else 0}\n"
        "    submit_id_base: hex\n"
        "    receipt_id_base: hex\n"
        "numbers:\n"
        f'  "{NUMBER}": {{connector: operator, kind: short_code}}\n',
        encoding="utf-8",
    )
    return config


def verify_db(path: Path, result: Event, receipts: bool) -> tuple[bool, str]:
    """Compare the engine's rows with what the SMSC saw."""
    with contextlib.closing(sqlite3.connect(path)) as conn:
        inbound = dict(conn.execute("SELECT status, COUNT(*) FROM inbound GROUP BY status"))
        outbox = dict(conn.execute("SELECT status, COUNT(*) FROM outbox GROUP BY status"))
        recorded = conn.execute("SELECT COUNT(*) FROM receipts").fetchone()[0]
    acked, replies = int(result["acked"]), int(result["replies"])
    processed = inbound.get("processed", 0)
    rows = sum(outbox.values())
    handed = outbox.get("delivered" if receipts else "sent", 0)
    ok = (
        processed == sum(inbound.values()) == acked
        and rows == handed == replies == acked
        and result["missing"] == 0
        and result["refused"] == 0
        and result["unexpected"] == 0
    )
    text = (
        f"MOs acked {acked:,} (refused {result['refused']}), replies {replies:,} "
        f"(missing {result['missing']}); DB inbound processed {processed:,}/"
        f"{sum(inbound.values()):,}, outbox {'delivered' if receipts else 'sent'} "
        f"{handed:,}/{rows:,}"
    )
    if receipts:
        sent_receipts = int(result["receipts"]["ok"])
        ok = ok and recorded == sent_receipts == replies
        text += f", receipts recorded {recorded:,} (acked {sent_receipts:,})"
    return ok, text + (": OK" if ok else ": MISMATCH")


def run_twoway(
    smsc: Node, port: int, args: argparse.Namespace, rate: float, workers: int = 1
) -> Outcome:
    folder = Path(tempfile.mkdtemp(prefix="twoway-bench-smpp-"))
    log_path = folder / "engine.log"
    http = free_port()
    config = twoway_config(folder, port, args, workers, http)
    system = "twoway" if workers == 1 else f"twoway x{workers}"
    label = f"{system} {load_name(rate)}"
    engine: subprocess.Popen[bytes] | None = None
    try:
        with log_path.open("wb") as log:
            engine = subprocess.Popen(
                [sys.executable, "-m", "engine", "run", "--config", str(config)],
                cwd=folder,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=log,
                env={**os.environ, "PYTHONPATH": str(ROOT)},
            )
        try:
            for _ in range(workers):  # each worker binds
                smsc.wait_for("bound", 60, system_id="twoway")
        except BenchError as exc:
            raise BenchError(f"twoway did not bind: {exc}\n{_tail(log_path)}") from exc
        time.sleep(0.3)  # the loops start right after the bind
        pids = family(engine.pid)  # the supervisor and its workers
        writes0 = store_writes(http)
        cpu0, threads0 = [cpu_seconds(p) for p in pids], thread_cpu(engine.pid)
        result = run_load(smsc, args, rate, label)
        outcome = Outcome(system, rate, result, engines=("engine",))
        writes1 = store_writes(http)
        if writes0 and writes1:
            outcome.writes = tuple(b - a for a, b in zip(writes0, writes1, strict=True))
        outcome.cpu["engine"] = sum(cpu_seconds(p) - c for p, c in zip(pids, cpu0, strict=True))
        if workers == 1:
            threads = thread_cpu(engine.pid)
            outcome.threads = {
                name: seconds - threads0.get(name, 0.0) for name, seconds in threads.items()
            }
        outcome.cpu["smsc"] = float(result["smsc_cpu_s"])
        outcome.rss["engine"] = sum(peak_rss_mb(p) for p in pids)
        code = stop_process(engine, 20)
        if code != 0:
            raise BenchError(f"twoway exited {code} at the stop\n{_tail(log_path)}")
        smsc.wait_for("close", 10)
        outcome.ok, outcome.verify = verify_db(folder / "twoway.db", result, args.receipts)
        return outcome
    finally:
        stop_process(engine, 5)
        if args.keep:
            print(f"  (kept {folder})")
        else:
            shutil.rmtree(folder, ignore_errors=True)


STORE_WRITES = (
    "twoway_store_transactions_total",
    "twoway_store_write_seconds_total",
    "twoway_store_writer_wait_seconds_total",
)


def store_writes(http: int) -> tuple[float, ...]:
    """The store's write counters from the engine's /metrics (the workers' sums); none when
    the page cannot be read (the run's other checks say why)."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{http}/metrics", timeout=10) as answer:
            page = answer.read().decode()
    except OSError:
        return ()
    found = {
        sample.name: sample.value
        for family in text_string_to_metric_families(page)
        for sample in family.samples
    }
    return tuple(found.get(name, 0.0) for name in STORE_WRITES)


def kannel_missing() -> str | None:
    missing = [name for name in ("bearerbox", "smsbox") if shutil.which(name) is None]
    if not missing:
        return None
    return (
        f"kannel: NOT INSTALLED ({' and '.join(missing)} not found): the comparison is skipped. "
        "Install Debian's package (`apt-get install -y kannel`) and run again with --vs-kannel."
    )


def run_kannel(smsc: Node, port: int, args: argparse.Namespace, rate: float) -> Outcome:
    folder = Path(tempfile.mkdtemp(prefix="twoway-bench-kannel-"))
    password = "bench"
    values = {
        "admin_port": free_port(),
        "smsbox_port": free_port(),
        "sendsms_port": free_port(),
        "smsc_port": port,
        "password": password,
        "folder": str(folder),
        "window": args.window,
        "dlr": _dlr_settings(args),
    }
    conf = folder / "kannel.conf"
    conf.write_text(string.Template(KANNEL_TEMPLATE.read_text()).substitute(values))
    label = f"kannel {load_name(rate)}"
    boxes: dict[str, subprocess.Popen[bytes]] = {}
    try:
        for box in ("bearerbox", "smsbox"):
            with (folder / f"{box}.out").open("wb") as out:
                # -v 2: warnings only on the console (the default, debug, logs every PDU)
                boxes[box] = subprocess.Popen(
                    [str(shutil.which(box)), "-v", "2", str(conf)],
                    cwd=folder,
                    stdin=subprocess.DEVNULL,
                    stdout=out,
                    stderr=out,
                )
            if box == "bearerbox":
                time.sleep(0.3)
        try:
            smsc.wait_for("bound", 30, system_id="kannel")
            _wait_kannel_ready(values["admin_port"], password, boxes)
        except BenchError as exc:
            tails = "\n".join(_tail(folder / f"{box}.out") for box in boxes)
            raise BenchError(f"Kannel did not come up: {exc}\n{tails}") from exc
        cpu0 = {box: cpu_seconds(proc.pid) for box, proc in boxes.items()}
        result = run_load(smsc, args, rate, label)
        # smsbox hands the receipts to the dlr-url after the SMSC's count: their cost is Kannel's
        handed = DLR_SINK.wait_for(int(result["receipts"]["ok"])) if args.receipts else 0
        outcome = Outcome("kannel", rate, result, engines=tuple(boxes))
        for box, proc in boxes.items():
            outcome.cpu[box] = cpu_seconds(proc.pid) - cpu0[box]
            outcome.rss[box] = peak_rss_mb(proc.pid)
        outcome.cpu["smsc"] = float(result["smsc_cpu_s"])
        acked, replies = int(result["acked"]), int(result["replies"])
        outcome.ok = replies == acked and result["missing"] == 0 and result["refused"] == 0
        dlrs = ""
        if args.receipts:
            sent = int(result["receipts"]["ok"])
            outcome.ok = outcome.ok and handed == sent == replies
            dlrs = f", receipts handed to its dlr-url {handed:,} (acked {sent:,})"
        outcome.verify = (
            f"MOs acked {acked:,} (refused {result['refused']}), replies {replies:,} "
            f"(missing {result['missing']}){dlrs}; no database to read (counts at the SMSC)"
            + (": OK" if outcome.ok else ": MISMATCH")
        )
        return outcome
    finally:
        for box in ("smsbox", "bearerbox"):
            stop_process(boxes.get(box), 10)
        with contextlib.suppress(BenchError):
            smsc.wait_for("close", 5)
        if args.keep:
            print(f"  (kept {folder})")
        else:
            shutil.rmtree(folder, ignore_errors=True)


class DlrSink:
    """Kannel's ``dlr-url``: an HTTP server in this process that counts the receipts smsbox
    hands to it (a GET each), like the application a Kannel deployment would call."""

    def __init__(self) -> None:
        import http.server

        sink = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                with sink._lock:
                    sink.count += 1
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.count = 0
        self._lock = threading.Lock()

        class Server(http.server.ThreadingHTTPServer):
            request_queue_size = 1024  # smsbox fetches many at once: none refused at connect

        self._server = Server(("127.0.0.1", 0), Handler)
        self.port = int(self._server.server_address[1])
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def reset(self) -> None:
        with self._lock:
            self.count = 0

    def wait_for(self, count: int, idle: float = 10.0, most: float = 120.0) -> int:
        """The receipts counted, once ``count`` came, none came for ``idle`` seconds, or
        ``most`` seconds passed."""
        start = last_change = time.monotonic()
        seen = self.count
        while self.count < count:
            time.sleep(0.05)
            now = time.monotonic()
            if self.count != seen:
                seen, last_change = self.count, now
            elif now - last_change > idle or now - start > most:
                break
        return self.count


DLR_SINK: DlrSink | Any = None


def _dlr_settings(args: argparse.Namespace) -> str:
    """The ``sms-service`` lines that ask for receipts (delivered or not: mask 1 + 2), or none."""
    global DLR_SINK
    if not args.receipts:
        return ""
    if DLR_SINK is None:
        DLR_SINK = DlrSink()
    DLR_SINK.reset()
    return f'dlr-mask = 3\ndlr-url = "http://127.0.0.1:{DLR_SINK.port}/dlr?type=%d&id=%F"'


def _wait_kannel_ready(
    admin_port: int, password: str, boxes: dict[str, subprocess.Popen[bytes]]
) -> None:
    """Wait until bearerbox says its SMSC link is online and smsbox is connected."""
    url = f"http://127.0.0.1:{admin_port}/status.txt?password={password}"
    deadline = time.monotonic() + 20
    text = ""
    while time.monotonic() < deadline:
        for box, proc in boxes.items():
            if proc.poll() is not None:
                raise BenchError(f"{box} exited with {proc.returncode}")
        with contextlib.suppress(OSError):
            with urllib.request.urlopen(url, timeout=2) as answer:
                text = answer.read().decode("utf-8", "replace")
            if "smsbox:" in text and "online" in text:
                return
        time.sleep(0.2)
    raise BenchError(f"bearerbox status never showed smsbox connected and the SMSC online:\n{text}")


def _tail(path: Path, lines: int = 15) -> str:
    try:
        return f"--- {path.name} (last lines)\n" + "\n".join(
            path.read_text(errors="replace").splitlines()[-lines:]
        )
    except OSError:
        return f"--- {path.name}: unreadable"


# --- the SMSC's own ceiling ---------------------------------------------------------------------


def measure_ceiling(smsc: Node, port: int, args: argparse.Namespace) -> Outcome:
    """Flat out against a node ESME that answers at once (a second node process)."""
    esme = Node("esme", str(port))
    try:
        smsc.wait_for("bound", 15, system_id="echo")
        seconds = args.ceiling_seconds
        inner = argparse.Namespace(**{**vars(args), "seconds": seconds, "warmup": seconds / 4})
        result = run_load(smsc, inner, 0, "ceiling")
        return Outcome("smsc", 0, result, cpu={"smsc": float(result["smsc_cpu_s"])})
    finally:
        esme.close()
        with contextlib.suppress(BenchError):
            smsc.wait_for("close", 5)


# --- printing -------------------------------------------------------------------------------------


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f} ms"


def _share(seconds: float, wall: float) -> str:
    return f"{seconds / wall:.0%}" if wall > 0 else "-"


def print_outcome(out: Outcome, stream: TextIO = sys.stdout) -> None:
    r = out.result
    wall = float(r["wall_s"])
    cpu = ", ".join(f"{name} {_share(sec, wall)}" for name, sec in out.cpu.items())
    rss = " + ".join(f"{name} {mb:.0f} MB" for name, mb in out.rss.items() if name != "smsc")
    print(
        f"load {load_name(out.load):>8}  {out.system}: {out.rate:,.0f} replies/s "
        f"(offered {float(r['offered_per_s']):,.0f}/s)   latency p50 {_ms(out.latency('p50'))}   "
        f"p99 {_ms(out.latency('p99'))}   max {_ms(out.latency('max'))}   "
        f"peak RSS {rss or '-'}",
        file=stream,
    )
    ack = r.get("ack_ms") or {}
    print(
        f"  {out.system} {load_name(out.load)}: CPU of a core: {cpu}; deliver_sm answered in "
        f"p50 {_ms(ack.get('p50'))} p99 {_ms(ack.get('p99'))}; drain after the offer "
        f"{float(r['drain_s'] or 0):.2f} s; held back by the SMSC windows {r['blocked']} times; "
        f"deliver_sm unanswered at most {r.get('most_unacked', '?')}, MOs per bind "
        + " / ".join(f"{n:,}" for n in r.get("mos_per_bind") or ()),
        file=stream,
    )
    print(f"  {out.system} {load_name(out.load)}: {_cpu_line(out)}", file=stream)
    if out.writes:
        print(f"  {out.system} {load_name(out.load)}: {_writes_line(out, wall)}", file=stream)
    print(f"  verify {out.system} {load_name(out.load)}: {out.verify}", file=stream, flush=True)


def _us(value: float | None) -> str:
    return "-" if value is None else f"{value:,.0f} µs"


def _cpu_line(out: Outcome) -> str:
    """CPU per MO->reply: the whole system, then by process (Kannel) or by thread (twoway)."""
    parts = {name: out.cpu[name] for name in out.engines}
    if out.threads:
        named = {n: s for n, s in out.threads.items() if n.startswith(("twoway", "smpp", "modem"))}
        rest = out.cpu["engine"] - sum(named.values())
        parts = {**dict(sorted(named.items())), "other threads": max(rest, 0.0)}
    split = ", ".join(f"{name} {_us(out.per_reply_us(sec))}" for name, sec in parts.items())
    return f"CPU per MO->reply {_us(out.cpu_us)} over {out.replies:,} replies ({split})"


def _writes_line(out: Outcome, wall: float) -> str:
    """How busy the store's one writer was: what bounds ``workers: N``."""
    transactions, writing, waiting = out.writes
    if not transactions or wall <= 0:
        return "store writer: no transaction"
    return (
        f"store writer busy {writing / wall:.0%} of the run ({transactions / wall:,.0f} "
        f"transactions/s of {out.replies / transactions:.1f} replies, "
        f"{writing / transactions * 1000:.2f} ms each); waiting for the writer lock "
        f"{waiting / wall:.0%} (all workers together)"
    )


def print_summary(
    twoway: dict[float, list[Outcome]], kannel: dict[float, Outcome], loads: Sequence[float]
) -> None:
    """Each load's runs side by side: twoway with each ``--workers``, Kannel, their ratios;
    with several worker counts, the flat-out throughput of the most against one worker's."""
    print("summary: replies/s, latency p50 / p99 (ms), ratio twoway/Kannel")
    header = f"  {'load':>8}  {'':<10}  {'replies/s, p50 / p99':>26}"
    if kannel:
        header += f"  {'kannel':>26}  {'throughput ratio':>16}  {'p99 ratio':>9}"
    print(header)
    for load in loads:
        k = kannel.get(load)
        for t in twoway.get(load, ()):
            line = f"  {load_name(load):>8}  {t.system:<10}  {_cell(t):>26}"
            if k is not None:
                ratio = t.rate / k.rate if k.rate else float("inf")
                p99t, p99k = t.latency("p99"), k.latency("p99")
                p99 = f"{p99t / p99k:.2f}x" if p99t is not None and p99k else "-"
                line += f"  {_cell(k):>26}  {ratio:>15.2f}x  {p99:>9}"
            print(line)
    print("CPU per MO->reply (all the system's processes and threads, utime+stime from /proc)")
    for load in loads:
        k = kannel.get(load)
        for t in twoway.get(load, ()):
            line = f"  {load_name(load):>8}  {t.system:<10} {_us(t.cpu_us):>9}"
            if k is not None:
                cpu = f"{t.cpu_us / k.cpu_us:.2f}x" if t.cpu_us is not None and k.cpu_us else "-"
                line += f"  kannel {_us(k.cpu_us):>9}  ratio twoway/Kannel {cpu}"
            print(line)
    flat_runs = twoway.get(0, [])
    paced_runs = twoway.get(1000, [])
    if flat_runs:
        flat = flat_runs[0]
        k = kannel.get(0)
        if k is not None and k.rate:
            ratio = flat.rate / k.rate
            verdict = "met" if ratio >= THROUGHPUT_TARGET else "MISSED"
            print(
                f"target: flat-out throughput >= {THROUGHPUT_TARGET}x Kannel's: {verdict} "
                f"({flat.system} {flat.rate:,.0f} / {k.rate:,.0f} = {ratio:.2f}x)"
            )
        else:
            print(
                f"target: flat-out throughput >= {THROUGHPUT_TARGET}x Kannel's: not judged "
                f"(no Kannel run); {flat.system} {flat.rate:,.0f} replies/s"
            )
    if len(flat_runs) > 1 and flat_runs[0].rate:
        one, most = flat_runs[0], flat_runs[-1]
        ratio = most.rate / one.rate
        verdict = "met" if ratio >= WORKERS_TARGET else "MISSED"
        print(
            f"target: flat out, {most.system} >= {WORKERS_TARGET}x {one.system}'s replies/s: "
            f"{verdict} ({most.rate:,.0f} / {one.rate:,.0f} = {ratio:.2f}x)"
        )
    for paced in paced_runs:
        paced_p99 = paced.latency("p99")
        verdicts = [
            f"<= {most:.0f} ms: "
            + ("met" if paced_p99 is not None and paced_p99 <= most else "MISSED")
            for most in (P99_TARGET_MS, P99_LEAN_MS)
        ]
        print(
            f"target: p99 at 1,000/s paced, {paced.system} {_ms(paced_p99)}: {'; '.join(verdicts)}"
        )


def _cell(out: Outcome) -> str:
    p50, p99 = out.latency("p50"), out.latency("p99")
    lat = "-" if p50 is None or p99 is None else f"{p50:.1f} / {p99:.1f}"
    return f"{out.rate:,.0f}  {lat}"


# --- main -----------------------------------------------------------------------------------------


def parse_loads(text: str) -> list[float]:
    loads: list[float] = []
    for item in text.split(","):
        item = item.strip().lower().replace("/s", "").replace("_", "")
        if not item:
            continue
        loads.append(0.0 if item in ("max", "0", "flat", "flatout") else float(item))
    if not loads:
        raise argparse.ArgumentTypeError("no load given")
    return loads


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=10.0, help="offered time per load")
    parser.add_argument(
        "--loads",
        type=parse_loads,
        default=None,
        help="offered loads, messages/s; max = flat out (default 200,1000,3000,max)",
    )
    parser.add_argument("--warmup", type=float, default=1.0, help="seconds left out of figures")
    parser.add_argument("--drain", type=float, default=30.0, help="max wait for late replies")
    parser.add_argument(
        "--mo-window", type=int, default=10, help="deliver_sm the SMSC keeps unanswered at most"
    )
    parser.add_argument(
        "--mo-window-per",
        choices=("smsc", "bind"),
        default="smsc",
        help="--mo-window counts the deliver_sm of all binds together (smsc), or of each bind "
        "(bind: an SMSC's per-session window; with workers: N, N binds)",
    )
    parser.add_argument(
        "--outstanding", type=int, default=2000, help="MOs waiting for their reply at most"
    )
    parser.add_argument(
        "--window",
        type=int,
        default=10,
        help="submit_sm in flight: twoway's window and Kannel's max-pending-submits",
    )
    parser.add_argument(
        "--receipts",
        choices=("off", "on", "both"),
        default="both",
        help="delivery receipts asked for: off, on, or both (every load without, then with)",
    )
    parser.add_argument(
        "--workers",
        type=lambda text: [int(n) for n in text.split(",")],
        default=[1],
        help="twoway's workers: N (1,2: each load with 1, then with 2 engine processes)",
    )
    parser.add_argument("--vs-kannel", action="store_true", help="run Kannel on the same loads")
    parser.add_argument(
        "--ceiling-seconds", type=float, default=4.0, help="flat-out run of the SMSC alone"
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary folders")
    parser.add_argument("--quick", action="store_true", help="smoke run: 2 loads of 1.5 s")
    args = parser.parse_args(argv)
    modes = {"off": [False], "on": [True], "both": [False, True]}[args.receipts]
    if args.quick:
        args.seconds, args.warmup, args.drain, args.ceiling_seconds = 1.5, 0.5, 15.0, 1.0
        args.loads = args.loads or [200.0, 0.0]
    loads: list[float] = args.loads or [200.0, 1000.0, 3000.0, 0.0]
    node_version = subprocess.run(
        ["node", "--version"], capture_output=True, text=True, check=False
    ).stdout.strip()
    print(
        f"twoway SMPP benchmark: python {sys.version.split()[0]}, sqlite "
        f"{sqlite3.sqlite_version}, node {node_version or '?'}, {os.cpu_count()} cores, "
        f"{'quick' if args.quick else 'full'} run"
    )
    print(
        f"settings: {args.seconds:g} s per load ({args.warmup:g} s warm-up left out), loads "
        f"{', '.join(load_name(x) for x in loads)}; SMSC: deliver_sm window {args.mo_window}"
        f"{' per bind' if args.mo_window_per == 'bind' else ''}, "
        f"at most {args.outstanding:,} MOs awaiting their reply; submit window {args.window}; "
        f"receipts {args.receipts}; MO texts "
        + " / ".join(repr(t) for t in TEXTS)
        + " from distinct phones, one reply each",
        flush=True,
    )
    skip_kannel = None
    if args.vs_kannel:
        skip_kannel = kannel_missing()
        if skip_kannel:
            print(skip_kannel, flush=True)
    elif not args.quick:
        print("kannel: not run (add --vs-kannel to compare)")

    smsc = Node()
    runs: dict[bool, tuple[dict[float, list[Outcome]], dict[float, Outcome]]] = {}
    ok = True
    try:
        port = int(smsc.wait_for("listening", 15)["port"])
        ceiling = measure_ceiling(smsc, port, args)
        r = ceiling.result
        print(
            f"smsc ceiling: node answering itself (an ESME in a second node process), flat out: "
            f"{ceiling.rate:,.0f} MO->reply/s, p50 {_ms(ceiling.latency('p50'))}, "
            f"p99 {_ms(ceiling.latency('p99'))}; SMSC CPU "
            f"{_share(float(r['smsc_cpu_s']), float(r['wall_s']))} of a core",
            flush=True,
        )
        for receipts in modes:
            args.receipts = receipts
            print(f"== receipts {'on' if receipts else 'off'}", flush=True)
            twoway, kannel = runs[receipts] = ({}, {})
            for load in loads:
                for count in args.workers:
                    out = run_twoway(smsc, port, args, load, count)
                    twoway.setdefault(load, []).append(out)
                    print_outcome(out)
                    ok = ok and out.ok
                if args.vs_kannel and not skip_kannel:
                    kannel[load] = out = run_kannel(smsc, port, args, load)
                    print_outcome(out)
                    ok = ok and out.ok
    except BenchError as exc:
        print(f"error: {exc}", flush=True)
        return 2
    finally:
        smsc.close()
    for receipts, (twoway, kannel) in runs.items():
        print(f"== summary, receipts {'on' if receipts else 'off'}")
        print_summary(twoway, kannel, loads)
    print(f"verify: {'OK' if ok else 'MISMATCH'} (every run's counts)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
