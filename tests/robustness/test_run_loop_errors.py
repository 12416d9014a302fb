"""What asyncio reports to ``twoway run``'s loop (``socket.accept() out of system resource`` when
the descriptors run out, …) is a WARNING line without traceback, once a minute per message with
a count: not a traceback a second, nor thousands of lines."""

from __future__ import annotations

import asyncio
import logging
import resource
import signal
import socket
import time
from pathlib import Path

import pytest

from engine.app import loop_exception_handler
from engine.logs import Repeated
from tests.support.engine_process import HOST, REPO, Engine, write_config
from tests.support.jsonl_peer import free_port

ACCEPT = "socket.accept() out of system resource"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_loop_contexts_are_warnings_once_a_minute_with_a_count(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    clock = Clock()
    handle = loop_exception_handler(Repeated(logging.getLogger("twoway"), 60.0, clock))
    loop = asyncio.new_event_loop()
    try:
        error = OSError(24, "Too many open files")
        for _ in range(5_000):
            handle(loop, {"message": ACCEPT, "exception": error, "socket": object()})
            clock.now += 0.001
        handle(loop, {"message": "Task was destroyed but it is pending!"})
        clock.now += 60
        handle(loop, {"message": ACCEPT, "exception": error})
    finally:
        loop.close()
    lines = [(r.levelno, r.getMessage()) for r in caplog.records]
    assert lines == [
        (logging.WARNING, f"event loop: {ACCEPT}: [Errno 24] Too many open files"),
        (logging.WARNING, "event loop: Task was destroyed but it is pending!"),
        (
            logging.WARNING,
            f"event loop: {ACCEPT}: [Errno 24] Too many open files "
            "(and 4,999 more like it in the last 60 s)",
        ),
    ]
    assert all(r.exc_info is None for r in caplog.records)


LIMIT = 64
"""The child's RLIMIT_NOFILE: the engine idles on about 20 descriptors, and each jsonl
connector takes at most half of the limit (its own cap): two of them run the process out."""
WINDOW = 3.0
"""Seconds the descriptors stay exhausted: asyncio retries a failed accept every second, so the
engine meets the problem at least three times (the default handler logs a traceback each)."""


def _low_limit() -> None:
    resource.setrlimit(resource.RLIMIT_NOFILE, (LIMIT, LIMIT))


async def _connect_many(port: int, count: int) -> list[socket.socket]:
    """Idle connections (the kernel completes them from the listen backlog, accepted or not)."""
    loop = asyncio.get_running_loop()
    clients = []
    for _ in range(count):
        client = socket.socket()
        client.setblocking(False)
        await loop.sock_connect(client, (HOST, port))
        clients.append(client)
    return clients


async def _log_has(engine: Engine, text: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while text not in engine.log():
        assert time.monotonic() < deadline, engine.log()[-3000:]
        assert engine.proc is not None and engine.proc.returncode is None, engine.log()[-3000:]
        await asyncio.sleep(0.05)


async def test_out_of_descriptors_is_one_warning_not_a_traceback_a_second(tmp_path: Path) -> None:
    ports = [free_port(), free_port()]
    config = write_config(tmp_path, REPO / "rules", "a", ports[0])
    config.write_text(
        config.read_text() + f'  b:\n    type: jsonl\n    listen: "{HOST}:{ports[1]}"\n',
        encoding="utf-8",
    )
    http_port = int(config.read_text().split('http: {listen: "')[1].split(":")[1].split('"')[0])
    engine = Engine(tmp_path, config)
    clients: list[socket.socket] = []
    try:
        await engine.start(http_port, preexec_fn=_low_limit)  # HTTP starts last: all is up
        for port in ports:
            clients += await _connect_many(port, LIMIT // 2 + 8)
        await _log_has(engine, ACCEPT, 20)
        await asyncio.sleep(WINDOW)  # the measurement: how many lines while it lasts
        for client in clients:
            client.close()
        clients = []
        assert engine.proc is not None
        engine.proc.send_signal(signal.SIGTERM)
        assert await engine.wait(30) == 0, engine.log()[-3000:]
    finally:
        for client in clients:
            client.close()
        await engine.cleanup()
    output = engine.log()
    assert "Traceback" not in output, output[-3000:]
    lines = [line for line in output.splitlines() if ACCEPT in line]
    assert len(lines) == 1, lines
    assert f"WARNING twoway: event loop: {ACCEPT}: [Errno 24] Too many open files" in lines[0]
