"""SMPP connector, level 2: the engine against node-smpp (tests/smsc/smsc.js), on 127.0.0.1.

Each test runs the real Service (rules, SQLite store, outbox) with an SmppTransport bound to a
fresh node SMSC, and checks what the SMSC recorded (node-smpp's own decoding of every
submit_sm) and what the store holds.
"""

from __future__ import annotations

import asyncio
import shutil
import subprocess
from pathlib import Path

import pytest
from node_smsc import NodeSmsc
from smpp_harness import PHONE, engine, rows, until

from engine.sms import parse_udh
from engine.transports.smpp.status import ESME_RTHROTTLED, ESME_RX_T_APPN
from tests.support.metrics import sample

VOTE_REPLY = "Thanks! Your vote for Moonlight Drive is counted."
ALREADY_VOTED = "You already voted for Moonlight Drive. Only one vote per number counts."
LONG = ("Café à 5€ 😀 " * 40)[:400]


async def test_vote_reply_and_its_delivery_receipt(tmp_path: Path, smsc: NodeSmsc) -> None:
    async with engine(tmp_path, smsc) as (service, transport, _):
        [bind] = smsc.named("bind_transceiver")
        assert (bind["system_id"], bind["password"]) == ("twoway", "secret")
        ident = await smsc.mo(PHONE, "36111", "VOTE A")
        resp = await smsc.mo_resp(ident)
        assert resp["status"] == 0
        # acknowledged only after the commit: the row is there when the ack is
        assert rows(tmp_path, "SELECT sender, recipient, text FROM inbound") == [
            ("+33600000001", "36111", "VOTE A")
        ]
        [submit] = await smsc.wait_for(lambda e: e["event"] == "submit_sm")
        assert submit["message"] == VOTE_REPLY
        assert (submit["source_addr"], submit["source_addr_ton"], submit["source_addr_npi"]) == (
            "36111",
            3,
            0,
        )
        assert (submit["destination_addr"], submit["dest_addr_ton"], submit["dest_addr_npi"]) == (
            PHONE,
            1,
            1,
        )
        assert (submit["data_coding"], submit["esm_class"], submit["registered_delivery"]) == (
            0,
            0,
            1,
        )
        await smsc.wait_for(lambda e: e["event"] == "receipt_resp")
        await service.idle()
        expected_id = str(int(submit["message_id"], 16))
        await until(
            lambda: (
                rows(tmp_path, "SELECT status, external_id FROM outbox")
                == [("delivered", expected_id)]
            )
        )
        # the receipt is recorded, and never taken for an inbound message
        assert len(rows(tmp_path, "SELECT * FROM inbound")) == 1
        assert rows(tmp_path, "SELECT status FROM receipts") == [("delivered",)]
        assert transport.stats["receipts"] == 1


@pytest.mark.parametrize(
    ("id_format", "receipt_id_base", "stat", "status", "error"),
    [
        ("decimal", "decimal", "DELIVRD", "delivered", None),
        ("upper", "hex", "UNDELIV", "undeliverable", "034"),
    ],
)
async def test_receipt_ids_written_another_way_still_correlate(
    tmp_path: Path,
    smsc: NodeSmsc,
    id_format: str,
    receipt_id_base: str,
    stat: str,
    status: str,
    error: str | None,
) -> None:
    """The SMSC answers submit_sm with a hex id and writes the receipt's id in decimal, or in
    upper case with leading zeros; the error code of a failure is kept."""
    await smsc.command(cmd="receipts", id_format=id_format, stat=stat, err=error or "000")
    async with engine(tmp_path, smsc, receipt_id_base=receipt_id_base) as (service, _, _):
        await smsc.mo_resp(await smsc.mo(PHONE, "36111", "HOURS"))
        await smsc.wait_for(lambda e: e["event"] == "receipt_resp")
        await service.idle()
        await until(
            lambda: rows(tmp_path, "SELECT status, delivery_error FROM outbox") == [(status, error)]
        )


async def test_a_long_unicode_reply_goes_as_ucs2_parts(tmp_path: Path, smsc: NodeSmsc) -> None:
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "long.yaml").write_text(
        f'autoreply:\n  - keyword: LONG\n    reply: "{LONG}"\n', encoding="utf-8"
    )
    assert len(LONG) == 400 and "😀" in LONG
    async with engine(tmp_path, smsc, rules=rules) as (service, _, _):
        await smsc.mo_resp(await smsc.mo(PHONE, "36111", "long"))
        units = len(LONG.encode("utf-16-be")) // 2
        total = -(-units // 67)
        parts = await smsc.wait_for(lambda e: e["event"] == "submit_sm", count=total)
        assert len(parts) == total
        numbers = []
        for part in parts:
            assert (part["data_coding"], part["esm_class"] & 0x40) == (8, 0x40)
            [udh] = part["udh"]
            concat, _ = parse_udh(bytes([len(bytes.fromhex(udh))]) + bytes.fromhex(udh))
            assert concat is not None and concat.total == total
            numbers.append(concat.number)
            assert "\ufffd" not in part["message"], "a surrogate pair was split"
        assert sorted(numbers) == list(range(1, total + 1))
        ordered = [p["message"] for _, p in sorted(zip(numbers, parts, strict=True))]
        assert "".join(ordered) == LONG  # node-smpp decoded each part on its own
        await service.idle()
        await until(lambda: rows(tmp_path, "SELECT status FROM outbox") == [("delivered",)])


@pytest.mark.parametrize(
    ("reply", "coding"), [(LONG, 8), ("Opening hours: " + "Mon-Fri 9-18, Sat 10-16. " * 12, 0)]
)
async def test_a_long_reply_goes_whole_in_message_payload_when_the_link_asks(
    tmp_path: Path, smsc: NodeSmsc, reply: str, coding: int
) -> None:
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "long.yaml").write_text(
        f'autoreply:\n  - keyword: LONG\n    reply: "{reply}"\n'
        '  - keyword: SHORT\n    reply: "A short one."\n',
        encoding="utf-8",
    )
    async with engine(tmp_path, smsc, rules=rules, long_messages="message_payload") as (
        service,
        _,
        _,
    ):
        await smsc.mo_resp(await smsc.mo(PHONE, "36111", "long"))
        [submit] = await smsc.wait_for(lambda e: e["event"] == "submit_sm")
        assert (submit["data_coding"], submit["esm_class"] & 0x40) == (coding, 0)
        assert submit["payload"] == reply  # node-smpp decoded the TLV: the exact text
        assert submit.get("message", "") == ""  # short_message left empty
        await smsc.mo_resp(await smsc.mo(PHONE, "36111", "short"))
        submits = await smsc.wait_for(lambda e: e["event"] == "submit_sm", count=2)
        assert submits[1]["message"] == "A short one." and "payload" not in submits[1]
        await service.idle()
        await until(
            lambda: rows(tmp_path, "SELECT status FROM outbox") == [("delivered",), ("delivered",)]
        )


async def test_the_link_comes_back_after_the_smsc_drops_it(tmp_path: Path, smsc: NodeSmsc) -> None:
    async with engine(tmp_path, smsc) as (service, transport, _):
        await smsc.command(cmd="drop")
        await smsc.wait_for(lambda e: e["event"] == "bind_transceiver", count=2)
        await until(lambda: transport.links[0].binds == 2 and transport.links[0].bound.is_set())
        resp = await smsc.mo_resp(await smsc.mo(PHONE, "36111", "VOTE B"))
        assert resp["status"] == 0
        [submit] = await smsc.wait_for(lambda e: e["event"] == "submit_sm")
        assert submit["message"] == "Thanks! Your vote for Paper Planes is counted."
        await service.idle()


async def test_a_deliver_sm_right_behind_the_bind_resp_is_not_lost(
    tmp_path: Path, smsc: NodeSmsc
) -> None:
    await smsc.command(cmd="mo_on_bind", id="first", to="36111", text="HOURS", **{"from": PHONE})
    async with engine(tmp_path, smsc) as (service, _, _):
        assert (await smsc.mo_resp("first"))["status"] == 0
        await service.idle()
        assert rows(tmp_path, "SELECT text FROM inbound") == [("HOURS",)]


async def test_the_smsc_unbind_is_answered_and_the_link_rebinds(
    tmp_path: Path, smsc: NodeSmsc
) -> None:
    async with engine(tmp_path, smsc) as (_, transport, _):
        await smsc.command(cmd="unbind")
        await smsc.wait_for(lambda e: e["event"] == "unbind_resp")
        await smsc.wait_for(lambda e: e["event"] == "bind_transceiver", count=2)
        await until(lambda: transport.links[0].binds == 2)


async def test_throttling_is_backed_off_and_nothing_is_lost(tmp_path: Path, smsc: NodeSmsc) -> None:
    phones = [f"336000001{n:02d}" for n in range(20)]
    async with engine(tmp_path, smsc) as (service, transport, _):
        await smsc.command(cmd="throttle", count=8)
        idents = [await smsc.mo(phone, "36111", "VOTE C") for phone in phones]
        for ident in idents:
            assert (await smsc.mo_resp(ident))["status"] == 0
        await asyncio.wait_for(service.idle(), 30)
        throttled = [e for e in smsc.named("submit_sm") if e["status"] == ESME_RTHROTTLED]
        assert len(throttled) == 8
        accepted = smsc.accepted()
        assert sorted(e["destination_addr"] for e in accepted) == sorted(phones)
        assert transport.stats["throttled"] == 8
        link = {"connector": "operator", "link": "operator"}
        page = service.metrics.render()
        assert sample(page, "twoway_link_errors_total", **link, kind="throttled") == 8
        await until(
            lambda: rows(tmp_path, "SELECT DISTINCT status FROM outbox") == [("delivered",)]
        )
        assert len(rows(tmp_path, "SELECT * FROM outbox")) == 20


async def test_a_black_holed_submit_times_out_and_is_retried(
    tmp_path: Path, smsc: NodeSmsc
) -> None:
    async with engine(tmp_path, smsc, response_timeout=0.5) as (service, _, _):
        await smsc.command(cmd="silence", submit_sm=True)
        await smsc.mo_resp(await smsc.mo(PHONE, "36111", "HOURS"))
        await smsc.wait_for(lambda e: e["event"] == "submit_sm" and e["status"] is None)
        await until(lambda: rows(tmp_path, "SELECT status FROM outbox") == [("queued",)])
        assert "no submit_sm_resp" in rows(tmp_path, "SELECT last_error FROM outbox")[0][0]
        assert service.transports["operator"].link_stats()[0].errors["timeout"] >= 1
        await smsc.command(cmd="silence", submit_sm=False)
        await asyncio.wait_for(service.idle(), 10)
        assert len(smsc.accepted()) == 1
        await until(lambda: rows(tmp_path, "SELECT status FROM outbox") == [("delivered",)])


async def test_a_concatenated_mo_is_reassembled(tmp_path: Path, smsc: NodeSmsc) -> None:
    """Three UCS-2 parts with a 16-bit reference, sent out of order: one message."""
    text = "HOURS " + "é" * 130 + " 😀"
    encoded = text.encode("utf-16-be")
    chunks = [encoded[i : i + 134] for i in range(0, len(encoded), 134)]
    assert len(chunks) == 3
    async with engine(tmp_path, smsc) as (service, _, _):
        idents = []
        for number in (2, 3, 1):
            udh = bytes((6, 0x08, 4, 0x12, 0x34, 3, number))
            idents.append(
                await smsc.mo(
                    PHONE,
                    "36111",
                    short_message=(udh + chunks[number - 1]).hex(),
                    esm_class=0x40,
                    data_coding=8,
                )
            )
        for ident in idents:
            assert (await smsc.mo_resp(ident))["status"] == 0
        await service.idle()
        assert rows(tmp_path, "SELECT text FROM inbound") == [(text,)]
        [submit] = await smsc.wait_for(lambda e: e["event"] == "submit_sm")
        assert submit["message"].startswith("We are open")


async def test_a_long_mo_missing_a_part_is_delivered_after_the_timeout(
    tmp_path: Path, smsc: NodeSmsc
) -> None:
    """Decided: after ``reassembly_timeout`` what arrived is delivered, in order."""
    async with engine(tmp_path, smsc, reassembly_timeout=0.3) as (service, _, _):
        for number, text in ((3, " three"), (1, "HOURS one")):
            udh = bytes((5, 0x00, 3, 0x77, 3, number)).hex()
            resp = await smsc.mo_resp(await smsc.mo(PHONE, "36111", text, udh=udh))
            assert resp["status"] == 0  # parts are answered as they arrive
        await until(lambda: rows(tmp_path, "SELECT text FROM inbound") == [("HOURS one three",)])
        [submit] = await smsc.wait_for(lambda e: e["event"] == "submit_sm")
        assert submit["message"].startswith("We are open")
        await service.idle()


async def test_a_long_reply_with_an_undelivered_part_is_undeliverable(
    tmp_path: Path, smsc: NodeSmsc
) -> None:
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "long.yaml").write_text(
        f'autoreply:\n  - keyword: LONG\n    reply: "{LONG}"\n', encoding="utf-8"
    )
    await smsc.command(cmd="receipts", stat="UNDELIV", err="069")
    async with engine(tmp_path, smsc, rules=rules) as (service, _, _):
        await smsc.mo_resp(await smsc.mo(PHONE, "36111", "LONG"))
        await smsc.wait_for(lambda e: e["event"] == "receipt_resp", count=7)
        await service.idle()
        await until(
            lambda: (
                rows(tmp_path, "SELECT status, delivery_error FROM outbox")
                == [("undeliverable", "069")]
            )
        )


async def test_mo_addresses_and_tlvs(tmp_path: Path, smsc: NodeSmsc) -> None:
    """(When the link asks with enquire_link, and when it gives up: test_smpp_session.py.)"""
    async with engine(tmp_path, smsc) as (service, _, _):
        # an unknown TLV and one smpplib does not list for deliver_sm (ussd_service_op)
        ident = await smsc.mo(PHONE, "36111", "HOURS", tlvs={"1403": "76656e646f72", "0501": "01"})
        assert (await smsc.mo_resp(ident))["status"] == 0
        await service.idle()
        assert rows(tmp_path, "SELECT sender, text FROM inbound") == [("+33600000001", "HOURS")]


async def test_a_transmitter_and_receiver_pair(tmp_path: Path, smsc: NodeSmsc) -> None:
    async with engine(tmp_path, smsc, bind="transmitter+receiver") as (service, transport, _):
        assert len(transport.links) == 2
        await smsc.wait_for(lambda e: e["event"] in ("bind_transmitter", "bind_receiver"), count=2)
        assert (await smsc.mo_resp(await smsc.mo(PHONE, "36111", "VOTE A")))["status"] == 0
        [submit] = await smsc.wait_for(lambda e: e["event"] == "submit_sm")
        assert submit["message"] == VOTE_REPLY
        await service.idle()


async def test_over_tls(tmp_path: Path) -> None:
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.fail("the TLS test needs the openssl command to make a certificate")
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    made = subprocess.run(
        [
            *(openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"),
            *("-subj", "/CN=127.0.0.1", "-keyout", str(key), "-out", str(cert)),
        ],
        capture_output=True,
        check=False,
    )
    assert made.returncode == 0, made.stderr
    smsc = await NodeSmsc().start({"SMSC_TLS_KEY": str(key), "SMSC_TLS_CERT": str(cert)})
    try:
        async with engine(tmp_path, smsc, tls=True, tls_verify=False) as (service, _, _):
            ident = await smsc.mo(PHONE, "36111", "VOTE A")
            assert (await smsc.mo_resp(ident))["status"] == 0
            [submit] = await smsc.wait_for(lambda e: e["event"] == "submit_sm")
            assert submit["message"] == VOTE_REPLY
            await smsc.wait_for(lambda e: e["event"] == "receipt_resp")
            await service.idle()
            await until(lambda: rows(tmp_path, "SELECT status FROM outbox") == [("delivered",)])
    finally:
        await smsc.stop()


async def test_close_unbinds_cleanly(tmp_path: Path, smsc: NodeSmsc) -> None:
    async with engine(tmp_path, smsc):
        pass
    await smsc.wait_for(lambda e: e["event"] == "unbind")
    await smsc.wait_for(lambda e: e["event"] == "close")


@pytest.mark.parametrize("window", [60.0, 0.0])
async def test_an_mo_whose_answer_was_lost_is_not_processed_twice(
    tmp_path: Path, smsc: NodeSmsc, window: float
) -> None:
    """The link is cut once the MO is committed, before the SMSC reads our deliver_sm_resp;
    the SMSC delivers it again on the next bind. Within ``mo_dedup_window`` it is the same
    message: answered ESME_ROK, not processed again (the voter gets one "Thanks!"). With the
    window off (0), it is taken as a second vote."""
    async with engine(tmp_path, smsc, mo_dedup_window=window) as (service, transport, _):
        ident = await smsc.mo(PHONE, "36111", "VOTE A", cut_on_resp=True)
        resp = await smsc.mo_resp(ident)
        assert (resp["status"], resp["redelivered"]) == (0, 1)  # answered on the next bind
        assert smsc.named("mo_cut") and transport.links[0].binds == 2
        await asyncio.wait_for(service.idle(), 10)
        texts = [e["message"] for e in smsc.accepted()]
        metrics = service.metrics.render()
        if window:
            assert texts == [VOTE_REPLY]
            assert rows(tmp_path, "SELECT text FROM inbound") == [("VOTE A",)]
            assert sample(metrics, "twoway_messages_duplicate_total", connector="operator") == 1
        else:
            assert sorted(texts) == sorted([VOTE_REPLY, ALREADY_VOTED])
            assert len(rows(tmp_path, "SELECT text FROM inbound")) == 2


async def test_a_long_mo_whose_last_answer_was_lost_is_not_processed_twice(
    tmp_path: Path, smsc: NodeSmsc
) -> None:
    """The first part is answered as it comes; the last one once the whole message is
    committed, and that answer is lost with the link. The SMSC re-delivers the last part only:
    it is taken as the whole message again, which the store finds it already has."""
    text = "VOTE B " + "x" * 150
    async with engine(tmp_path, smsc) as (service, _, _):
        first = await smsc.mo(PHONE, "36111", text[:153], udh="050003420201")
        assert (await smsc.mo_resp(first))["status"] == 0
        last = await smsc.mo(PHONE, "36111", text[153:], udh="050003420202", cut_on_resp=True)
        resp = await smsc.mo_resp(last)
        assert (resp["status"], resp["redelivered"]) == (0, 1)
        await asyncio.wait_for(service.idle(), 10)
        assert rows(tmp_path, "SELECT text FROM inbound") == [(text,)]
        assert [e["message"] for e in smsc.accepted()] == [
            "Thanks! Your vote for Paper Planes is counted."
        ]


async def test_parts_answered_before_a_restart_are_not_lost(tmp_path: Path, smsc: NodeSmsc) -> None:
    """Two parts of three are answered, then the engine stops (its memory goes with it); the
    third comes to the next run, which takes the first two back from the store."""
    parts = {1: "HOURS please, ", 2: "for the shop ", 3: "in town"}
    udh = {number: bytes((5, 0x00, 3, 0x51, 3, number)).hex() for number in parts}
    async with engine(tmp_path, smsc) as (service, _, _):
        for number in (3, 1):
            resp = await smsc.mo_resp(await smsc.mo(PHONE, "36111", parts[number], udh=udh[number]))
            assert resp["status"] == 0
        assert rows(tmp_path, "SELECT number FROM held_parts ORDER BY number") == [(1,), (3,)]
    async with engine(tmp_path, smsc) as (service, _, _):
        resp = await smsc.mo_resp(await smsc.mo(PHONE, "36111", parts[2], udh=udh[2]))
        assert resp["status"] == 0
        await service.idle()
        assert rows(tmp_path, "SELECT text FROM inbound") == [("".join(parts.values()),)]
        [submit] = await smsc.wait_for(lambda e: e["event"] == "submit_sm")
        assert submit["message"].startswith("We are open")


async def test_a_part_sent_again_after_a_restart_is_the_message_already_taken(
    tmp_path: Path, smsc: NodeSmsc
) -> None:
    """The whole message is committed and answered; after a restart the SMSC sends its last
    part again (its answer was lost with the first run): the same message, not a new one."""
    text = "VOTE B " + "x" * 150
    first, last = ("050003430201", text[:153]), ("050003430202", text[153:])
    async with engine(tmp_path, smsc) as (service, _, _):
        for udh, chunk in (first, last):
            assert (await smsc.mo_resp(await smsc.mo(PHONE, "36111", chunk, udh=udh)))[
                "status"
            ] == 0
        await service.idle()
    async with engine(tmp_path, smsc, reassembly_timeout=0.3) as (service, _, _):
        resp = await smsc.mo_resp(await smsc.mo(PHONE, "36111", last[1], udh=last[0]))
        assert resp["status"] == 0
        await service.idle()
        page = service.metrics.render()
        assert sample(page, "twoway_messages_duplicate_total", connector="operator") == 1
    assert rows(tmp_path, "SELECT text FROM inbound") == [(text,)]
    assert [e["message"] for e in smsc.accepted()] == [
        "Thanks! Your vote for Paper Planes is counted."
    ]


async def test_a_message_whose_parts_were_all_kept_is_committed_at_the_restart(
    tmp_path: Path, smsc: NodeSmsc, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The last part is kept, then committing the message fails (the SMSC is told to retry,
    and the engine stops before it does): the next run commits the message from its parts."""
    parts = {1: "HOURS in ", 2: "the evening"}
    udh = {number: bytes((5, 0x00, 3, 0x52, 2, number)).hex() for number in parts}
    async with engine(tmp_path, smsc) as (service, _, _):
        assert (await smsc.mo_resp(await smsc.mo(PHONE, "36111", parts[1], udh=udh[1])))[
            "status"
        ] == 0

        async def full(message: object) -> None:
            raise OSError("disk full")

        monkeypatch.setattr(service.transports["operator"], "on_inbound", full)
        resp = await smsc.mo_resp(await smsc.mo(PHONE, "36111", parts[2], udh=udh[2]))
        assert resp["status"] == ESME_RX_T_APPN  # not taken, try again
        monkeypatch.undo()
    assert rows(tmp_path, "SELECT COUNT(*) FROM inbound") == [(0,)]
    async with engine(tmp_path, smsc) as (service, _, _):
        await until(
            lambda: rows(tmp_path, "SELECT text FROM inbound") == [("HOURS in the evening",)]
        )
        await service.idle()
        [submit] = await smsc.wait_for(lambda e: e["event"] == "submit_sm")
        assert submit["message"].startswith("We are open")
    assert rows(tmp_path, "SELECT COUNT(*) FROM held_parts WHERE done_at IS NULL") == [(0,)]
