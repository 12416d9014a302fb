"""Own the hostile-peer benchmark of the jsonl connector: RSS of a real ``twoway run`` under a
pipelined MO flood on one connection and a slow-loris of many connections holding half-lines.

python bench/hostile.py            # 100,000-MO flood, 1,500-connection slow-loris (~1 min)
python bench/hostile.py --quick    # a tiny flood and loris (seconds); tests run this
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def start_engine(
    work: Path, port: int, max_connections: int, files: int
) -> subprocess.Popen[bytes]:
    config = work / "twoway.yaml"
    config.write_text(
        f"store: {work / 'twoway.db'}\nrules: {ROOT / 'rules'}\nreload: false\n"
        f'http: {{listen: "{HOST}:{free_port()}"}}\n'
        "connectors:\n  console:\n    type: jsonl\n"
        f'    listen: "{HOST}:{port}"\n    max_connections: {max_connections}\n'
    )

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_NOFILE, (files, files))

    log = (work / "engine.log").open("wb")
    return subprocess.Popen(
        [sys.executable, "-m", "engine", "run", "--config", str(config)],
        cwd=work,
        stdout=log,
        stderr=log,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        preexec_fn=limit,
    )


async def wait_port(port: int) -> None:
    for _ in range(400):
        try:
            _, writer = await asyncio.open_connection(HOST, port)
        except OSError:
            await asyncio.sleep(0.05)
            continue
        writer.close()
        return
    raise SystemExit("the engine did not listen")


class Peak:
    """Samples the engine's RSS every 0.1 s while a phase runs."""

    def __init__(self, pid: int) -> None:
        self.pid, self.peak, self._task = pid, 0.0, None

    async def _run(self) -> None:
        while True:
            self.peak = max(self.peak, rss_mb(self.pid))
            await asyncio.sleep(0.1)

    def __enter__(self) -> Peak:
        self._task = asyncio.get_running_loop().create_task(self._run())  # type: ignore[assignment]
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._task is not None
        self._task.cancel()


async def flood(port: int, count: int) -> int:
    """Pipeline ``count`` MOs on one connection without waiting; ack every MT; count the acks."""
    reader, writer = await asyncio.open_connection(HOST, port, limit=2**20)
    acks = 0

    async def write() -> None:
        for number in range(count):
            frame = {
                "type": "mo",
                "id": f"f{number}",
                "from": f"+336{number % 5000:08d}",
                "to": "36111",
                "text": "HOURS",
            }
            writer.write(json.dumps(frame).encode() + b"\n")
            if number % 1000 == 0:
                await writer.drain()
        await writer.drain()

    sending = asyncio.create_task(write())
    while acks < count:
        frame = json.loads(await reader.readline())
        if frame["type"] == "ack":
            acks += 1
        elif frame["type"] == "mt":
            writer.write(json.dumps({"type": "mt_ack", "ref": frame["ref"]}).encode() + b"\n")
    await sending
    writer.close()
    return acks


async def loris(port: int, count: int, size: int) -> list[asyncio.StreamWriter]:
    """``count`` connections, each holding a ``size``-byte line without its newline."""
    writers = []
    for _ in range(count):
        _, writer = await asyncio.open_connection(HOST, port)
        writer.write(b'{"type": "mo", "text": "' + b"x" * size)
        writers.append(writer)
    for writer in writers:
        await writer.drain()
    return writers


async def main(args: argparse.Namespace) -> int:
    files = args.connections * 2 + 512
    resource.setrlimit(
        resource.RLIMIT_NOFILE, (files, max(files, resource.getrlimit(resource.RLIMIT_NOFILE)[1]))
    )
    with tempfile.TemporaryDirectory() as tmp:
        port = free_port()
        engine = start_engine(Path(tmp), port, args.connections + 100, files)
        try:
            await wait_port(port)
            await asyncio.sleep(1)  # let the start settle before the idle figure
            idle = rss_mb(engine.pid)
            print(f"idle RSS: {idle:.0f} MB")
            with Peak(engine.pid) as peak:
                started = time.monotonic()
                acks = await flood(port, args.flood)
                took = time.monotonic() - started
            print(
                f"flood: {args.flood:,} MOs pipelined on one connection,"
                f" {acks:,} acked in {took:.1f} s"
            )
            print(f"flood peak RSS: {peak.peak:.0f} MB")
            await asyncio.sleep(args.settle)
            after_flood = rss_mb(engine.pid)
            print(f"flood RSS {args.settle:g} s after: {after_flood:.0f} MB")
            with Peak(engine.pid) as peak:
                writers = await loris(port, args.connections, args.line_kb * 1024)
                await asyncio.sleep(1)
            print(f"loris: {len(writers):,} connections holding {args.line_kb} KB half-lines")
            print(f"loris peak RSS: {peak.peak:.0f} MB")
            for writer in writers:
                writer.close()
            await asyncio.sleep(args.settle)
            after_loris = rss_mb(engine.pid)
            print(f"loris RSS {args.settle:g} s after the clients left: {after_loris:.0f} MB")
            ratio = max(after_flood, after_loris) / idle
            ok = acks == args.flood and ratio < 1.5
            print(
                f"verify: acked {acks:,} / {args.flood:,}; after/idle {ratio:.2f}"
                f" (target < 1.5); {'OK' if ok else 'FAIL'}"
            )
            return 0 if acks == args.flood else 1
        finally:
            engine.terminate()
            engine.wait(30)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--flood", type=int, default=100_000)
    parser.add_argument("--connections", type=int, default=1_500)
    parser.add_argument("--line-kb", type=int, default=60)
    parser.add_argument("--settle", type=float, default=10.0)
    parser.add_argument("--quick", action="store_true")
    arguments = parser.parse_args()
    if arguments.quick:
        arguments.flood, arguments.connections, arguments.settle = 2_000, 50, 1.0
    sys.exit(asyncio.run(main(arguments)))
