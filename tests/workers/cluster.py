"""``twoway run`` with ``workers: N`` as a child process, bound to the node-smpp SMSC, and
what the tests ask of it: its /health and /metrics, the pids of its workers."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import aiohttp
from prometheus_client.parser import text_string_to_metric_families

from tests.support.engine_process import HOST, Engine
from tests.support.jsonl_peer import free_port, wait_for_port
from tests.transports.node_smsc import NodeSmsc

TOKEN = "workers-test-token"
TIMEOUT = 30.0
"""The longest a test waits for another process to do something (bounded polling)."""


def write_rules(folder: Path, reply: str) -> None:
    folder.mkdir(exist_ok=True)
    temporary = folder / ".main.yaml.tmp"
    temporary.write_text(f'autoreply:\n  - otherwise: "{reply}"\n', encoding="utf-8")
    temporary.replace(folder / "main.yaml")


def write_config(workdir: Path, smsc_port: int, workers: int = 2) -> Path:
    config = workdir / "twoway.yaml"
    config.write_text(
        f"store: {workdir / 'twoway.db'}\n"
        f"rules: {workdir / 'rules'}\n"
        f"workers: {workers}\n"
        f'http: {{listen: "{HOST}:{free_port()}", tokens: ["{TOKEN}"],\n'
        f"        trusted_proxies: [{HOST}]}}\n"
        "connectors:\n"
        "  operator:\n"
        "    type: smpp\n"
        "    host: 127.0.0.1\n"
        f"    port: {smsc_port}\n"
        "    system_id: twoway\n"
        "    password: secret\n"
        "    bind: transceiver\n"
        "    window: 10\n"
        "numbers:\n"
        '  "36111": {connector: operator, kind: short_code}\n',
        encoding="utf-8",
    )
    return config


class Cluster:
    """The supervisor process (``engine``) and its public HTTP (``url``)."""

    def __init__(self, workdir: Path, smsc: NodeSmsc, workers: int = 2) -> None:
        write_rules(workdir / "rules", "v1")
        self.config = write_config(workdir, smsc.port, workers)
        self.engine = Engine(workdir, self.config)
        self.smsc = smsc
        self.workers = workers
        self.url = ""
        self.http: aiohttp.ClientSession | None = None

    async def start(self) -> None:
        proc = await self.engine.launch()
        from tests.support.engine_process import http_address

        host, port = http_address(self.config)
        self.url = f"http://{host}:{port}"
        await wait_for_port(host, port, TIMEOUT, lambda: proc.returncode is None)
        self.http = aiohttp.ClientSession()
        await self.wait_health(lambda h: h["status"] == "ok")

    async def start_spread(self) -> None:
        """``start``, wait until every worker is bound, and have the SMSC spread the MOs over
        the binds in turn (each ``mo_resp`` says which connection took it)."""
        await self.start()
        await self.smsc.wait_for(
            lambda e: e["event"] == "bind_transceiver", TIMEOUT, count=self.workers
        )
        await self.smsc.command(cmd="spread", on=True)

    async def close(self) -> None:
        if self.http is not None:
            await self.http.close()
        await self.engine.cleanup()

    async def get(self, path: str, **options: Any) -> tuple[int, str, Any]:
        assert self.http is not None
        async with self.http.get(self.url + path, **options) as response:
            return response.status, await response.text(), response.headers

    async def health(self) -> dict[str, Any]:
        import json

        _, text, _ = await self.get("/health")
        return dict(json.loads(text))

    async def wait_health(self, predicate: Callable[[dict[str, Any]], bool]) -> dict[str, Any]:
        """Poll /health until ``predicate`` holds (at most ``TIMEOUT``)."""
        deadline = time.monotonic() + TIMEOUT
        while True:
            report = await self.health()
            if predicate(report):
                return report
            if time.monotonic() > deadline:
                raise AssertionError(f"/health never matched; last: {report}\n{self.engine.log()}")
            await asyncio.sleep(0.02)

    async def metric(self, name: str) -> float:
        """The sum of the samples named ``name`` on /metrics."""
        _, text, _ = await self.get("/metrics")
        return sum(
            sample.value
            for family in text_string_to_metric_families(text)
            for sample in family.samples
            if sample.name == name
        )

    async def pids(self) -> dict[int, int]:
        report = await self.health()
        return {w["index"]: w["pid"] for w in report["workers"]}


async def send_mos(
    smsc: NodeSmsc, first: int, count: int, text: str = "HI"
) -> list[dict[str, Any]]:
    """``count`` MOs from distinct phones; return their answers (mo_resp) once all came."""
    idents = [await smsc.mo(str(33600000000 + first + i), "36111", text) for i in range(count)]
    return [await smsc.mo_resp(ident, TIMEOUT) for ident in idents]


def replies_to(smsc: NodeSmsc, phone: str) -> list[str]:
    return [str(e.get("message")) for e in smsc.accepted() if e.get("destination_addr") == phone]
