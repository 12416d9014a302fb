"""Two SMSCs (two node-smpp processes), one number each: every reply and every campaign
message goes out on the connector of the number its conversation is on, with that number as
its sender, whichever SMSC the MO came through."""

from __future__ import annotations

import asyncio
from pathlib import Path

from node_smsc import NodeSmsc
from smpp_harness import PHONE, REPO, rows

from engine.ruleset.compiler import compile_rules
from engine.service import Service
from engine.store import SqliteStore
from engine.transports.smpp import SmppSettings, SmppTransport

HOURS_REPLY = "We are open Monday to Friday, 9:00-18:00, and Saturday 10:00-16:00."


def connector(name: str, smsc: NodeSmsc, number: str) -> SmppTransport:
    settings = SmppSettings(
        port=smsc.port,
        system_id="twoway",
        password="secret",
        numbers={number: "short_code"},
        reconnect_min=0.1,
        reconnect_max=0.4,
        submit_id_base="hex",
        receipt_id_base="hex",
    )
    return SmppTransport(name, settings)


async def test_each_number_speaks_through_its_own_connector(tmp_path: Path) -> None:
    first, second = NodeSmsc(), NodeSmsc()
    await asyncio.gather(first.start(), second.start())
    orange, sfr = connector("orange", first, "36111"), connector("sfr", second, "36222")
    service = Service(
        compile_rules(REPO / "rules").raise_for_errors(),
        SqliteStore(tmp_path / "twoway.db"),
        {"orange": orange, "sfr": sfr},
        routes={"36111": "orange", "36222": "sfr"},
    )
    await service.start()
    try:
        await asyncio.gather(orange.wait_bound(10), sfr.wait_bound(10))
        assert (await first.mo_resp(await first.mo(PHONE, "36111", "HOURS")))["status"] == 0
        assert (await second.mo_resp(await second.mo(PHONE, "36222", "HOURS")))["status"] == 0
        # an MO for 36222 that the first SMSC passes on: its reply still leaves through sfr
        other = "33600000002"
        assert (await first.mo_resp(await first.mo(other, "36222", "HOURS")))["status"] == 0
        # a campaign on 36222: a flow started by the API
        await service.start_flow(
            "+33600000003", "36222", "appointments", {"appt": {"at": "2026-03-05T10:00:00Z"}}
        )
        await second.wait_for(lambda e: e["event"] == "submit_sm", count=3)  # the timer fired
        await asyncio.wait_for(service.idle(), 10)
        sent = {
            smsc: sorted(
                (e["source_addr"], e["destination_addr"], e["message"][:12])
                for e in smsc.accepted()
            )
            for smsc in (first, second)
        }
        assert sent[first] == [("36111", PHONE, HOURS_REPLY[:12])]
        assert sent[second] == [
            ("36222", PHONE, HOURS_REPLY[:12]),
            ("36222", other, HOURS_REPLY[:12]),
            ("36222", "33600000003", "Hello there,"),
        ]
        senders = rows(tmp_path, "SELECT sender, COUNT(*) FROM outbox GROUP BY sender")
        assert senders == [("36111", 1), ("36222", 3)]
    finally:
        await service.stop(drain_timeout=5)
        await asyncio.gather(first.stop(), second.stop())
