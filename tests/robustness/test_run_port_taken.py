"""``twoway run`` whose port is taken: one clear error line naming the address and the key to
change, nothing left running (threads, links, store), exit 1 within a few seconds, so that
systemd's ``Restart=on-failure`` fires. Driven through the real process, the port held by a
socket of the test."""

from __future__ import annotations

import asyncio
import re
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from engine import app
from engine.config import load_config
from engine.errors import ConfigError
from tests.support.engine_process import HOST, REPO, Engine, write_config
from tests.support.jsonl_peer import free_port

EXIT_TIMEOUT = 15.0
"""Generous for a loaded machine; the exit measured is about 1 s (the interpreter's start)."""


@pytest.fixture
def taken() -> Iterator[socket.socket]:
    """A port another program listens on."""
    with socket.socket() as holder:
        holder.bind((HOST, 0))
        holder.listen()
        yield holder


async def run_to_exit(engine: Engine) -> tuple[int, float]:
    started = time.monotonic()
    await engine.launch()
    try:
        code = await engine.wait(EXIT_TIMEOUT)
    finally:
        await engine.cleanup()
    return code, time.monotonic() - started


async def test_jsonl_port_taken(tmp_path: Path, taken: socket.socket) -> None:
    port = taken.getsockname()[1]
    engine = Engine(tmp_path, write_config(tmp_path, REPO / "rules", "console", port))
    code, _ = await run_to_exit(engine)
    output = engine.log()
    assert code == 1, output
    assert output == (
        f"error: cannot listen on {HOST}:{port} for connector console: address already in use; "
        "change connectors.console.listen in twoway.yaml\n"
    )


async def test_http_port_taken(tmp_path: Path, taken: socket.socket) -> None:
    port = taken.getsockname()[1]
    config = write_config(tmp_path, REPO / "rules", "console", free_port())
    text = re.sub(
        r'http: \{listen: "[^"]+"\}', f'http: {{listen: "{HOST}:{port}"}}', config.read_text()
    )
    config.write_text(text, encoding="utf-8")
    engine = Engine(tmp_path, config)
    code, _ = await run_to_exit(engine)
    output = engine.log()
    assert code == 1, output
    assert output == (
        f"error: cannot listen on {HOST}:{port} for /health and /metrics: address already in "
        "use; change http.listen in twoway.yaml\n"
    )


async def test_the_same_address_twice(tmp_path: Path) -> None:
    """Two connectors on one address: the file is refused (as ``twoway check`` refuses it)."""
    port = free_port()
    config = tmp_path / "twoway.yaml"
    config.write_text(
        f"store: {tmp_path / 'twoway.db'}\nrules: {REPO / 'rules'}\n"
        f'http: {{listen: "{HOST}:{free_port()}"}}\n'
        "connectors:\n"
        f'  a: {{type: jsonl, listen: "{HOST}:{port}"}}\n'
        f'  b: {{type: jsonl, listen: "{HOST}:{port}"}}\n',
        encoding="utf-8",
    )
    engine = Engine(tmp_path, config)
    code, _ = await run_to_exit(engine)
    assert code == 1
    assert f"error[E203]: {HOST}:{port} is where connectors.a.listen listens already" in (
        engine.log()
    )
    assert "Traceback" not in engine.log()


def _new_threads(before: set[threading.Thread]) -> list[threading.Thread]:
    """The threads started since ``before`` still alive after a bounded join: the SMPP links,
    the store's, the reloader's. The loop's worker pools (asyncio's default executor, AnyIO's,
    idle and reaped when the loop closes) do not count."""
    left = []
    for thread in set(threading.enumerate()) - before:
        if thread.name.startswith("asyncio_") or thread.name == "AnyIO worker thread":
            continue
        thread.join(10)
        if thread.is_alive():
            left.append(thread)
    return left


async def test_a_port_taken_between_the_check_and_the_start_stops_what_started(
    tmp_path: Path, taken: socket.socket, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The address was free when checked and taken when the connector listens (a race): the
    SMPP link started before it, the store and the loops stop; a ConfigError, no thread left."""

    async def free(*args: object, **kwargs: object) -> None:
        return None

    monkeypatch.setattr(app, "check_listen", free)
    port = taken.getsockname()[1]
    config = tmp_path / "twoway.yaml"
    config.write_text(
        f"store: {tmp_path / 'twoway.db'}\nrules: {REPO / 'rules'}\n"
        "connectors:\n"
        f"  operator: {{type: smpp, host: {HOST}, port: {free_port()}, system_id: x}}\n"
        f'  console: {{type: jsonl, listen: "{HOST}:{port}"}}\n',
        encoding="utf-8",
    )
    before = set(threading.enumerate())
    with pytest.raises(ConfigError, match=r"^cannot start: .*address already in use"):
        await asyncio.wait_for(app.serve(load_config(config)), EXIT_TIMEOUT)
    assert _new_threads(before) == []


async def test_an_http_failure_stops_the_reloader_too(tmp_path: Path) -> None:
    """HTTP cannot start after the reloader did: its thread stops with the rest."""

    async def refuse(*args: object) -> None:
        raise OSError(98, "error while attempting to bind: address already in use")

    config = write_config(tmp_path, REPO / "rules", "console", free_port())
    before = set(threading.enumerate())
    with pytest.raises(ConfigError, match=r"^cannot start: "):
        await asyncio.wait_for(app.serve(load_config(config), http=refuse), EXIT_TIMEOUT)
    assert _new_threads(before) == []


async def test_the_check_binds_and_never_accepts_a_connection(
    taken: socket.socket, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The addresses are checked by binding them, never by listening: a client (a test, a
    start-up probe) that connects while the engine starts is refused until the engine serves,
    where a listening check once accepted it and let go (CI, 2026-12-06: a webhook posted to
    an engine still starting was refused after the probe had got in)."""
    listened: list[object] = []

    def listen(sock: socket.socket, *args: object) -> None:
        listened.append(sock.getsockname())
        raise AssertionError("the check listened")

    free = free_port()
    monkeypatch.setattr(socket.socket, "listen", listen)
    await app.check_addresses([("/health and /metrics", "http.listen", f"{HOST}:{free}")])
    port = taken.getsockname()[1]
    with pytest.raises(ConfigError) as refused:
        await app.check_addresses([("connector console", "c.listen", f"localhost:{port}")])
    assert str(refused.value) == (
        f"cannot listen on localhost:{port} for connector console: address already in use; "
        "change c.listen in twoway.yaml"
    )
    assert listened == []
    with socket.socket() as client:  # and nothing is left bound: the engine can listen there
        client.bind((HOST, free))
