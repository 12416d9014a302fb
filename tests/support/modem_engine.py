"""A real ``twoway run`` with a modem connector on the emulated modem, for the tests of
tests/modem: the demo rules with the modem's number beside the short code, the store's rows,
``/health``."""

from __future__ import annotations

import asyncio
import contextlib
import json
import shutil
import sqlite3
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp

from engine.sms.pdu import Submit, decode
from tests.support.engine_process import HOST, REPO, Engine, http_address
from tests.support.jsonl_peer import free_port, wait_for_port
from tests.support.modem import ModemEmulator

__all__ = [
    "HOURS_REPLY", "PHONE", "SIM", "VOTE_REPLY", "WAIT", "Running", "get", "running",
    "write_modem_config",
]  # fmt: skip

SIM = "+33612345678"
PHONE = "+33699000001"
WAIT = 30.0
"""Seconds a hung test may wait at most (a bound, not a timing)."""

TOKEN = "modem-test-t0ken"
"""The REST API's token in these tests' twoway.yaml."""
VOTE_REPLY = "Thanks! Your vote for Moonlight Drive is counted."
HOURS_REPLY = "We are open Monday to Friday, 9:00-18:00, and Saturday 10:00-16:00."


@dataclass
class Running:
    engine: Engine
    modem: ModemEmulator
    db: Path

    def rows(self, sql: str, *args: Any) -> list[tuple[Any, ...]]:
        with contextlib.closing(sqlite3.connect(self.db)) as conn:
            return list(conn.execute(sql, args))

    async def until(self, done: Callable[[], bool], what: str) -> None:
        async with asyncio.timeout(WAIT):
            while not done():
                await asyncio.sleep(0.05)  # polls the store a process writes; bounded
        assert done(), what

    async def health_when(
        self, done: Callable[[dict[str, Any]], bool], what: str
    ) -> dict[str, Any]:
        """``/health``'s modem connector once ``done`` holds for it."""
        modem = await self.health()
        try:
            async with asyncio.timeout(WAIT):
                while not done(modem):
                    await asyncio.sleep(0.05)  # polls what the engine process says; bounded
                    modem = await self.health()
        except TimeoutError:
            raise AssertionError(f"{what}: /health still says {modem}") from None
        return modem

    def replies(self, n: int, to: str | None = PHONE) -> list[str]:
        """The texts of the first ``n`` messages the engine sent through the modem (all to
        ``to``, unless None)."""
        sent = self.modem.wait_for_submit(n, WAIT)
        texts = []
        for item in sent[:n]:
            found = decode(item.pdu)
            assert isinstance(found, Submit) and to in (None, found.recipient)
            texts.append(found.text)
        return texts

    async def health(self) -> dict[str, Any]:
        """``/health``'s modem connector."""
        host, port = http_address(self.engine.config)
        found: dict[str, Any] = json.loads(await get(host, port, "/health"))["connectors"]["gsm"]
        return found

    async def send(self, to: str, text: str) -> int:
        """``POST /api/v1/messages`` from the modem's number; the outbox row's id."""
        host, port = http_address(self.engine.config)
        url = f"http://{host}:{port}/api/v1/messages"
        headers = {"Authorization": f"Bearer {TOKEN}"}
        body = {"to": to, "from": SIM, "text": text}
        async with (
            aiohttp.ClientSession() as session,
            session.post(url, json=body, headers=headers) as answer,
        ):
            assert answer.status == 202, await answer.text()
            row: int = (await answer.json())["id"]
            return row

    async def restart(self) -> None:
        """Launch the engine again (after a kill) and wait until it listens."""
        proc = await self.engine.launch()
        host, port = http_address(self.engine.config)
        await wait_for_port(host, port, WAIT, lambda: proc.returncode is None)


def rules_with_the_modem(target: Path) -> Path:
    """The demo rules, the poll listing the modem's number beside the short code."""
    shutil.copytree(REPO / "rules", target)
    contest = target / "contest.yaml"
    text = contest.read_text(encoding="utf-8")
    contest.write_text(text.replace('number: "36111"', f'number: ["36111", "{SIM}"]'), "utf-8")
    return target


def write_modem_config(
    workdir: Path,
    rules: Path,
    port: str,
    *,
    baudrate: int = 115200,
    throughput: str = "10/s",
    http: str = "",
) -> Path:
    """A twoway.yaml with one modem connector ``gsm`` on ``port``, the SIM's number on it, and
    HTTP on a free port (``http``: more keys of that section, like ``, tokens: [...]``)."""
    config = workdir / "twoway.yaml"
    config.write_text(
        f"store: {workdir / 'twoway.db'}\n"
        f"rules: {rules}\n"
        f'http: {{listen: "{HOST}:{free_port()}"{http}}}\n'
        "connectors:\n"
        f"  gsm: {{type: modem, port: {port}, baudrate: {baudrate}}}\n"
        "numbers:\n"
        f'  "{SIM}": {{connector: gsm, kind: long_code, throughput: {throughput}}}\n',
        encoding="utf-8",
    )
    return config


@contextlib.asynccontextmanager
async def running(
    tmp_path: Path, prepare: Callable[[ModemEmulator], object] | None = None, **modem: Any
) -> AsyncIterator[Running]:
    """``twoway run`` on a started emulator (given ``modem`` keywords; ``prepare`` sets it up
    before the engine starts), once the connector has set its indications (``AT+CNMI``)."""
    emulator = ModemEmulator(tmp_path, **modem).start()
    if prepare is not None:
        prepare(emulator)
    config = write_modem_config(
        tmp_path, rules_with_the_modem(tmp_path / "rules"), emulator.path,
        http=f", tokens: [{{name: test, token: {TOKEN}}}]",
    )  # fmt: skip
    engine = Engine(tmp_path, config)
    try:
        proc = await engine.launch()
        host, port = http_address(config)
        await wait_for_port(host, port, WAIT, lambda: proc.returncode is None)
        emulator.wait_for_command(lambda line: line.startswith("AT+CNMI"), timeout=WAIT)
        yield Running(engine, emulator, tmp_path / "twoway.db")
    finally:
        await engine.cleanup()
        emulator.close()


async def get(host: str, port: int, path: str) -> str:
    reader, writer = await asyncio.open_connection(host, port)
    writer.write(f"GET {path} HTTP/1.0\r\nHost: {host}\r\n\r\n".encode())
    data = await reader.read()
    writer.close()
    return data.decode().split("\r\n\r\n", 1)[1]
