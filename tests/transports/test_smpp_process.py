"""The done-means of the SMPP connector: ``twoway run --config twoway.yaml``, a real process,
bound to the node-smpp SMSC, answers a ``VOTE A`` MO from the default rules and records the
reply's delivery receipt; SIGTERM unbinds cleanly and exits 0."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from node_smsc import NodeSmsc

from tests.support.jsonl_peer import free_port

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
async def smsc() -> AsyncIterator[NodeSmsc]:
    node = await NodeSmsc().start()
    try:
        yield node
    finally:
        await node.stop()


async def test_twoway_run_answers_a_vote_over_smpp_and_records_the_receipt(
    tmp_path: Path, smsc: NodeSmsc
) -> None:
    config = tmp_path / "twoway.yaml"
    config.write_text(
        f"store: {tmp_path / 'twoway.db'}\n"
        f"rules: {REPO / 'rules'}\n"
        "reload: false\n"
        f'http: {{listen: "127.0.0.1:{free_port()}"}}\n'
        "connectors:\n"
        "  operator:\n"
        "    type: smpp\n"
        "    host: 127.0.0.1\n"
        f"    port: {smsc.port}\n"
        "    system_id: twoway\n"
        "    password: env:SMPP_PASSWORD\n"
        "    bind: transceiver\n"
        "    window: 10\n"
        "    submit_id_base: hex\n"
        "    receipt_id_base: hex\n"
        "numbers:\n"
        '  "36111": {connector: operator, kind: short_code, throughput: 100/s}\n',
        encoding="utf-8",
    )
    log_path = tmp_path / "engine.log"
    with log_path.open("wb") as log:
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "engine",
            "run",
            "--config",
            str(config),
            cwd=tmp_path,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=log,
            stderr=log,
            env={**os.environ, "PYTHONPATH": str(REPO), "SMPP_PASSWORD": "secret"},
        )
    try:
        try:
            [bind] = await smsc.wait_for(lambda e: e["event"] == "bind_transceiver", timeout=20)
            assert (bind["system_id"], bind["password"]) == ("twoway", "secret")
            resp = await smsc.mo_resp(await smsc.mo("33600000001", "36111", "VOTE A"))
            assert resp["status"] == 0
            [submit] = await smsc.wait_for(lambda e: e["event"] == "submit_sm")
            assert submit["message"] == "Thanks! Your vote for Moonlight Drive is counted."
            assert (submit["source_addr"], submit["source_addr_ton"]) == ("36111", 3)
            assert (submit["destination_addr"], submit["dest_addr_ton"]) == ("33600000001", 1)
            [receipt] = await smsc.wait_for(lambda e: e["event"] == "receipt_resp")
            assert receipt["status"] == 0  # answered once the receipt is committed
        except AssertionError as exc:
            raise AssertionError(f"{exc}\nengine log:\n{log_path.read_text()}") from exc
        proc.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(proc.wait(), 20) == 0, log_path.read_text()
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
    await smsc.wait_for(lambda e: e["event"] == "unbind")  # a clean unbind at the stop
    with sqlite3.connect(tmp_path / "twoway.db") as conn:
        outbox = conn.execute("SELECT text, status, external_id FROM outbox").fetchall()
        inbound = conn.execute("SELECT sender, recipient, text, status FROM inbound").fetchall()
        receipts = conn.execute("SELECT status, outbox_id FROM receipts").fetchall()
    assert outbox == [
        (submit["message"], "delivered", str(int(submit["message_id"], 16))),
    ]
    assert inbound == [("+33600000001", "36111", "VOTE A", "processed")]
    assert receipts == [("delivered", 1)]
