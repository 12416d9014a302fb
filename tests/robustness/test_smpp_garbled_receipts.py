"""A garbled delivery receipt changes no outbox row: it is logged (once a minute per kind, with a
count) and still answered ESME_ROK, so the SMSC does not deliver it again and again."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest

from engine.ruleset.compiler import compile_rules
from engine.service import Service
from engine.store import SqliteStore
from engine.transports.smpp import SmppSettings, SmppTransport
from engine.transports.smpp import pdu as codec
from engine.transports.smpp.receipts import BadReceipt, parse_receipt, read_receipt
from tests.transports.node_smsc import NodeSmsc

REPO = Path(__file__).resolve().parents[2]
PHONE = "33600000001"
TRANSPORT = "engine.transports.smpp.transport"


def receipt_pdu(text: bytes, tlvs: dict[int, bytes] | None = None) -> codec.Pdu:
    raw = codec.encode(
        "deliver_sm",
        7,
        tlvs=tlvs,
        source_addr="33600000001",
        source_addr_ton=1,
        destination_addr="36111",
        esm_class=0x04,
        short_message=text,
    )
    return codec.decode(raw)


@pytest.mark.parametrize(
    ("text", "tlvs", "kind"),
    [
        (b"id:1A2B sub:001 dlvrd:000 stat:\xff\xff err:zz", {}, "unknown stat"),
        (b"id: stat:DELIVRD err:000", {}, "no message id"),
        (b"id:stat:DELIVRD err:000", {}, "no message id"),
        (b"sub:001 dlvrd:001 stat:DELIVRD err:000", {}, "no message id"),
        (b"id:\xfe\xfe\x01 stat:DELIVRD", {}, "garbled message id"),
        (b"id:1A2B stat:WHATEVER err:000", {}, "unknown stat"),
        (b"id:1A2B err:000", {}, "no state"),
        (b"id:1A2B err:000", {0x0427: b"\x63"}, "no state"),  # message_state 99: unknown
        (b"\xff" * 40, {}, "no message id"),
        (b"stat:DELIVRD", {0x001E: b"\xff\xfe\x00"}, "garbled message id"),
        (b"text:id:1A2B stat:DELIVRD", {}, "no message id"),  # the message's text, not fields
    ],
)
def test_a_receipt_that_cannot_be_read_is_refused(
    text: bytes, tlvs: dict[int, bytes], kind: str
) -> None:
    pdu = receipt_pdu(text, tlvs)
    decoded = text.decode("latin-1")
    with pytest.raises(BadReceipt) as caught:
        read_receipt(pdu, decoded, "hex")
    assert caught.value.kind == kind
    assert parse_receipt(pdu, decoded, "hex") is None


@pytest.mark.parametrize(
    ("text", "tlvs", "expected"),
    [
        (b"id:1A2B stat:DELIVRD err:000", {}, ("6699", "delivered", None)),
        (b"id: 1A2B stat: undeliv err:034", {}, ("6699", "undeliverable", "034")),
        (b"id:1A2B stat:UNDELIV err:\xff\xff", {}, ("6699", "undeliverable", None)),
        # a known message_state wins over a garbled stat:, a good TLV id over a garbled text
        (b"id:\xff stat:\xff", {0x001E: b"1A2B\x00", 0x0427: b"\x02"}, ("6699", "delivered", None)),
    ],
)
def test_a_readable_receipt_is_still_read(
    text: bytes, tlvs: dict[int, bytes], expected: tuple[str, str, str | None]
) -> None:
    receipt = read_receipt(receipt_pdu(text, tlvs), text.decode("latin-1"), "hex")
    assert (receipt.message_id, receipt.status, receipt.error) == expected


@asynccontextmanager
async def engine(tmp_path: Path, smsc: NodeSmsc) -> AsyncIterator[Service]:
    settings = SmppSettings(
        port=smsc.port,
        system_id="twoway",
        password="secret",
        numbers={"36111": "short_code"},
        submit_id_base="hex",
        receipt_id_base="hex",
        reconnect_min=0.1,
        reconnect_max=0.4,
    )
    transport = SmppTransport("operator", settings)
    ruleset = compile_rules(REPO / "rules").raise_for_errors()
    store = SqliteStore(tmp_path / "twoway.db")
    service = Service(ruleset, store, {"operator": transport}, routes={"36111": "operator"})
    await service.start()
    try:
        await transport.wait_bound(10)
        yield service
    finally:
        await service.stop(drain_timeout=5)


def rows(tmp_path: Path, sql: str) -> list[tuple[Any, ...]]:
    with sqlite3.connect(tmp_path / "twoway.db") as conn:
        return conn.execute(sql).fetchall()


async def test_garbled_receipts_for_real_messages_leave_them_sent(
    tmp_path: Path, smsc: NodeSmsc, caplog: pytest.LogCaptureFixture
) -> None:
    """node-smpp answers three replies, then sends each one a receipt ``stat:\\xff\\xff
    err:zz`` with its real id: every receipt is answered ESME_ROK, every row stays ``sent``,
    and the operator reads one warning, not three."""
    caplog.set_level(logging.INFO)
    await smsc.command(cmd="receipts", stat="\u00ff\u00ff", err="zz")
    async with engine(tmp_path, smsc) as service:
        for n in range(3):
            resp = await smsc.mo_resp(await smsc.mo(f"3360000000{n}", "36111", "HOURS"))
            assert resp["status"] == 0
        answers = await smsc.wait_for(lambda e: e["event"] == "receipt_resp", count=3)
        assert [a["status"] for a in answers] == [0, 0, 0]  # ESME_ROK: never re-delivered
        await service.idle()
    assert rows(tmp_path, "SELECT status, delivery_error FROM outbox") == [("sent", None)] * 3
    assert rows(tmp_path, "SELECT count(*) FROM receipts") == [(0,)]
    lines = [
        r.getMessage()
        for r in caplog.records
        if r.name == TRANSPORT and r.levelno == logging.WARNING and "receipt" in r.getMessage()
    ]
    assert len(lines) == 1, lines
    assert "a delivery receipt that cannot be read (unknown stat: stat:'ÿÿ'), ignored" in lines[0]
    assert [r.getMessage() for r in caplog.records if r.exc_info] == []
