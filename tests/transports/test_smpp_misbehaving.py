"""SMPP connector against SMSCs that misbehave (tests/smsc/smsc.js, node-smpp, told to).

Each test shows what an operator sees (the log lines, the outbox rows, the link state that
/health reports) and that nothing is lost: every MO is answered ESME_ROK once committed, and
every reply ends accepted by the SMSC, ``sent`` or ``delivered``.
"""

from __future__ import annotations

import asyncio
import logging
import struct
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from node_smsc import NodeSmsc
from smpp_harness import PHONE, engine, rows, until

from engine.transports.smpp import pdu as codec
from engine.transports.smpp.status import (
    ESME_RBINDFAIL,
    ESME_RINVBNDSTS,
    ESME_RINVCMDID,
    ESME_RINVPASWD,
    ESME_RX_P_APPN,
    ESME_RX_T_APPN,
)
from engine.web.health import health_report
from tests.support.metrics import sample, series

HOURS_REPLY = "We are open Monday to Friday, 9:00-18:00, and Saturday 10:00-16:00."
LINK = "engine.transports.smpp.link"


def phones(count: int, base: int = 33611000000) -> list[str]:
    return [str(base + n) for n in range(count)]


def link_lines(caplog: pytest.LogCaptureFixture, level: int = logging.WARNING) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == LINK and r.levelno >= level]


def no_crash(caplog: pytest.LogCaptureFixture) -> None:
    """Nothing failed unexpectedly: no traceback was logged, by the link or anyone."""
    crashed = [r.getMessage() for r in caplog.records if r.exc_info is not None]
    assert crashed == []


async def all_sent(tmp_path: Path, count: int, timeout: float = 15.0) -> None:
    """Every reply row is accepted by the SMSC (``sent``, or ``delivered`` by its receipt)."""

    def done() -> bool:
        statuses = rows(tmp_path, "SELECT status FROM outbox")
        return len(statuses) == count and all(s in ("sent", "delivered") for (s,) in statuses)

    await until(done, timeout)


async def test_unbind_right_after_an_answered_submit_sm(
    tmp_path: Path, smsc: NodeSmsc, caplog: pytest.LogCaptureFixture
) -> None:
    """The SMSC accepts the reply, then unbinds: the reply is not sent again; the link binds
    again by itself."""
    caplog.set_level(logging.INFO)
    async with engine(tmp_path, smsc) as (service, transport, _):
        await smsc.command(cmd="unbind_after_submit", answer=True)
        assert (await smsc.mo_resp(await smsc.mo(PHONE, "36111", "HOURS")))["status"] == 0
        await smsc.wait_for(lambda e: e["event"] == "unbind_resp")
        await until(lambda: transport.links[0].binds == 2 and transport.state == "up")
        await service.idle()
        await all_sent(tmp_path, 1)
        assert [e["message"] for e in smsc.accepted()] == [HOURS_REPLY]
        assert rows(tmp_path, "SELECT attempts FROM outbox") == [(1,)]  # the one that went
    assert any("link lost: the SMSC unbound; reconnecting in" in m for m in link_lines(caplog))
    no_crash(caplog)


async def test_unbind_right_after_an_unanswered_submit_sm(
    tmp_path: Path, smsc: NodeSmsc, caplog: pytest.LogCaptureFixture
) -> None:
    """The SMSC unbinds without answering the reply: it fails as transient and the outbox
    sends it again on the new bind, once."""
    async with engine(tmp_path, smsc) as (service, transport, _):
        await smsc.command(cmd="unbind_after_submit", answer=False)
        assert (await smsc.mo_resp(await smsc.mo(PHONE, "36111", "VOTE A")))["status"] == 0
        await smsc.wait_for(lambda e: e["event"] == "submit_sm" and e["status"] is None)
        await until(lambda: transport.links[0].binds == 2)
        await asyncio.wait_for(service.idle(), 10)
        await all_sent(tmp_path, 1)
        assert len(smsc.accepted()) == 1
        assert rows(tmp_path, "SELECT attempts FROM outbox") == [(2,)]  # lost, then sent
    assert any("link lost: the SMSC unbound" in m for m in link_lines(caplog))
    no_crash(caplog)


async def test_generic_nack_to_everything(
    tmp_path: Path, smsc: NodeSmsc, caplog: pytest.LogCaptureFixture
) -> None:
    """An SMSC that answers every request with generic_nack: the link stays up (a nacked
    enquire_link still proves it alive: test_smpp_session.py), the reply is retried, never
    failed for good; a bind nacked is refused (the link is down, /health says why); once the
    SMSC recovers, the reply goes."""
    async with engine(tmp_path, smsc, response_timeout=1) as (service, transport, _):
        await smsc.command(cmd="nack", on=True)
        assert (await smsc.mo_resp(await smsc.mo(PHONE, "36111", "VOTE B")))["status"] == 0
        await smsc.wait_for(lambda e: e["event"] == "nacked" and e["command"] == "submit_sm")
        await until(lambda: rows(tmp_path, "SELECT status FROM outbox") == [("queued",)])
        [(error,)] = rows(tmp_path, "SELECT last_error FROM outbox")
        assert error.startswith("submit_sm answered with generic_nack: ESME_RINVCMDID")
        assert transport.state == "up" and transport.links[0].binds == 1
        assert transport.link_stats()[0].errors["generic_nack"] >= 1

        await smsc.command(cmd="drop")  # the next binds are nacked too
        await smsc.wait_for(lambda e: e["event"] == "nacked" and e["command"].startswith("bind"))
        await until(lambda: "bind refused" in (transport.link_error or ""))
        report = health_report(service)
        assert report["status"] == "degraded"
        assert report["connectors"]["operator"]["state"] == "down"
        assert "bind refused by 127.0.0.1" in report["connectors"]["operator"]["error"]
        assert "generic_nack ESME_RINVCMDID" in report["problems"][0]

        await smsc.command(cmd="nack", on=False)
        await until(lambda: transport.state == "up")
        assert health_report(service)["status"] == "ok"
        await asyncio.wait_for(service.idle(), 20)
        await all_sent(tmp_path, 1)
        assert [e["message"] for e in smsc.accepted()] == [
            "Thanks! Your vote for Paper Planes is counted."
        ]
    assert rows(tmp_path, "SELECT COUNT(*) FROM outbox WHERE status = 'failed'") == [(0,)]
    no_crash(caplog)


async def test_not_bound_says_the_smsc_so_the_link_binds_again(
    tmp_path: Path, smsc: NodeSmsc, caplog: pytest.LogCaptureFixture
) -> None:
    """A generic_nack with ESME_RINVBNDSTS (the SMSC lost our session): the link binds again
    at once and the reply goes on the new bind."""
    async with engine(tmp_path, smsc) as (service, transport, _):
        await smsc.command(cmd="nack", on=True, status=ESME_RINVBNDSTS)
        assert (await smsc.mo_resp(await smsc.mo(PHONE, "36111", "HOURS")))["status"] == 0
        await smsc.wait_for(lambda e: e["event"] == "nacked" and e["command"] == "submit_sm")
        await smsc.command(cmd="nack", on=False)
        await until(lambda: transport.links[0].binds >= 2 and transport.state == "up")
        await asyncio.wait_for(service.idle(), 10)
        await all_sent(tmp_path, 1)
        assert [e["message"] for e in smsc.accepted()] == [HOURS_REPLY]
    assert any("link lost: the SMSC says we are not bound" in m for m in link_lines(caplog))
    no_crash(caplog)


@pytest.mark.parametrize(
    ("status", "name"), [(ESME_RINVPASWD, "ESME_RINVPASWD"), (ESME_RBINDFAIL, "ESME_RBINDFAIL")]
)
async def test_a_refused_bind_is_retried_with_back_off_and_shows_down(
    tmp_path: Path, smsc: NodeSmsc, caplog: pytest.LogCaptureFixture, status: int, name: str
) -> None:
    """A wrong password (or a bind failure) keeps the link down, retried with back-off: one
    clear log line per attempt, with the hint; /health is degraded and says why."""
    await smsc.command(cmd="refuse_bind", status=status)
    backoff: dict[str, Any] = {"reconnect_min": 0.2, "reconnect_max": 0.8}
    async with engine(tmp_path, smsc, bound=False, **backoff) as (service, transport, _):
        await smsc.wait_for(lambda e: e["event"] == "bind_refused", count=4, timeout=10)
        assert transport.state == "down" and service.links() == {"operator": "down"}
        report = health_report(service)
        assert report["status"] == "degraded"
        error = report["connectors"]["operator"]["error"]
        assert error.startswith(f"bind refused by 127.0.0.1:{smsc.port}: {name} ")
        if status == ESME_RINVPASWD:
            assert error.endswith("(check system_id 'twoway' and the password)")
        assert report["problems"] == [f"connector operator is down: {error}"]
        page = service.metrics.render()
        link = {"connector": "operator", "link": "operator"}
        assert sample(page, "twoway_link_up", **link) == 0
        errors = series(page, "twoway_link_errors_total")
        assert [dict(labels)["kind"] for labels in errors] == ["bind_refused"]
        assert (sample(page, "twoway_link_errors_total", **link, kind="bind_refused") or 0) >= 3

        refused = len(smsc.named("bind_refused"))
        lines = link_lines(caplog)
        # One line per attempt (the last attempt may not be logged yet), nothing else.
        assert refused - 1 <= len(lines) <= refused
        for line in lines:
            assert line.startswith(f"smpp operator: cannot bind: {error}; reconnecting in ")
        delays = [float(line.rsplit(" ", 1)[1].rstrip("s")) for line in lines]
        assert all(0.1 <= delay <= 0.8 for delay in delays)

        await smsc.command(cmd="refuse_bind", status=0)
        await transport.wait_bound(5)
        assert transport.state == "up" and transport.link_error is None
        assert health_report(service)["status"] == "ok"
        assert (await smsc.mo_resp(await smsc.mo(PHONE, "36111", "HOURS")))["status"] == 0
        await asyncio.wait_for(service.idle(), 10)
        await all_sent(tmp_path, 1)
    no_crash(caplog)


async def test_the_smsc_drops_the_connection_after_n_pdus(
    tmp_path: Path, smsc: NodeSmsc, caplog: pytest.LogCaptureFixture
) -> None:
    """The connection is destroyed twice, among the answers to MOs, then further in the
    traffic (answers, replies, receipts): the link binds again each time, the MOs whose answer
    was lost come again and are answered (not processed twice), every reply is accepted."""
    senders = phones(12)
    async with engine(tmp_path, smsc) as (service, transport, _):
        await smsc.command(cmd="drop_after", count=4, command="deliver_sm_resp")
        idents = [await smsc.mo(phone, "36111", "HOURS", redeliver=True) for phone in senders[:6]]
        [dropped] = await smsc.wait_for(lambda e: e["event"] == "dropped")
        assert dropped["after"] == "deliver_sm_resp"
        await until(lambda: transport.links[0].binds == 2)
        await smsc.command(cmd="drop_after", count=9)
        idents += [await smsc.mo(phone, "36111", "HOURS", redeliver=True) for phone in senders[6:]]
        await smsc.wait_for(lambda e: e["event"] == "dropped", count=2)
        for ident in idents:
            assert (await smsc.mo_resp(ident))["status"] == 0
        await until(lambda: transport.links[0].binds == 3 and transport.state == "up")
        await asyncio.wait_for(service.idle(), 15)
        await all_sent(tmp_path, 12)
        assert len(rows(tmp_path, "SELECT * FROM inbound")) == 12
        got = Counter(e["destination_addr"] for e in smsc.accepted())
        assert set(got) == set(senders)  # nothing lost
        assert all(e["message"] == HOURS_REPLY for e in smsc.accepted())
        # A reply the SMSC took just before the reset, its answer lost with the connection,
        # goes again: at most the window of replies in flight.
        assert sum(got.values()) - len(senders) <= 10
        link = {"connector": "operator", "link": "operator"}
        page = service.metrics.render()
        assert sample(page, "twoway_link_up", **link) == 1
        assert sample(page, "twoway_link_in_flight", **link) == 0
        assert sample(page, "twoway_link_reconnects_total", **link) == 2
        assert sample(page, "twoway_link_errors_total", **link, kind="link_lost") == 2
    assert sum("link lost" in m for m in link_lines(caplog)) == 2
    no_crash(caplog)


async def test_slow_responses_fill_the_window_and_nothing_times_out(
    tmp_path: Path, smsc: NodeSmsc, caplog: pytest.LogCaptureFixture
) -> None:
    """submit_sm_resp comes 2 s late: at most ``window`` wait at once, the others queue behind
    them (their timeout starts when they are written), enquire_link keeps being answered,
    nothing times out and nothing is sent twice."""
    senders = phones(7)
    options: dict[str, Any] = {"window": 3, "response_timeout": 3, "enquire_link": 0.5}
    async with engine(tmp_path, smsc, **options) as (service, transport, _):
        await smsc.command(cmd="delay", submit_sm=2000)
        loop = asyncio.get_running_loop()
        started = loop.time()
        for phone in senders:
            assert (await smsc.mo_resp(await smsc.mo(phone, "36111", "HOURS")))["status"] == 0
        # /metrics shows the window full while the SMSC sits on the responses
        await until(lambda: transport.link_stats()[0].in_flight == 3)
        link = {"connector": "operator", "link": "operator"}
        assert sample(service.metrics.render(), "twoway_link_in_flight", **link) == 3
        await asyncio.wait_for(service.idle(), 20)
        elapsed = loop.time() - started
        await all_sent(tmp_path, 7)
        submits = smsc.named("submit_sm")
        assert sorted(e["destination_addr"] for e in submits) == sorted(senders)
        assert max(e["inflight"] for e in submits) == 3  # the window filled, never more
        assert 6 <= elapsed < 10  # three rounds of 2 s
        assert rows(tmp_path, "SELECT SUM(attempts) FROM outbox") == [(7,)]  # one each
        assert transport.links[0].binds == 1
        assert smsc.named("enquire_link")
    assert link_lines(caplog) == []
    no_crash(caplog)


async def test_unknown_tlvs_in_deliver_sm_are_ignored(
    tmp_path: Path, smsc: NodeSmsc, caplog: pytest.LogCaptureFixture
) -> None:
    """Vendor TLVs (empty, long), a known tag that deliver_sm does not list, and the text in
    message_payload: every MO is taken, its text intact."""
    tlvs = {
        "1400": "ab" * 300,  # a long vendor TLV
        "3fff": "",  # an empty one
        "0501": "01",  # ussd_service_op: known, not in smpplib's deliver_sm table
        "1501": "00ff00ff",
    }
    async with engine(tmp_path, smsc) as (service, _, _):
        first = await smsc.mo(PHONE, "36111", "HOURS", tlvs=tlvs)
        payload = b"VOTE C".hex()
        second = await smsc.mo(
            "33600000002", "36111", "", tlvs={"0424": payload, "1402": "00"}
        )  # short_message empty, the text in message_payload
        for ident in (first, second):
            assert (await smsc.mo_resp(ident))["status"] == 0
        await asyncio.wait_for(service.idle(), 10)
        assert sorted(rows(tmp_path, "SELECT text FROM inbound")) == [("HOURS",), ("VOTE C",)]
        await all_sent(tmp_path, 2)
    assert link_lines(caplog) == []
    no_crash(caplog)


def broken_deliver_sm() -> bytes:
    """A deliver_sm whose header is right and whose body is not (sm_length past the end)."""
    raw = codec.encode("deliver_sm", 77, source_addr="33600000009", short_message=b"HOURS")
    body = bytearray(raw[16:])
    body[-6] = 200  # sm_length: 200 octets announced, 5 follow
    return struct.pack(">L", len(raw)) + raw[4:16] + bytes(body)


@pytest.mark.parametrize(
    ("garbage", "drops", "expect"),
    [
        pytest.param(b"hello, this is not SMPP", True, "command_length 1751477356", id="ascii"),
        pytest.param(b"\xff" * 16, True, "command_length 4294967295", id="huge-length"),
        pytest.param(struct.pack(">LLLL", 8, 4, 0, 1), True, "command_length 8", id="tiny"),
        pytest.param(struct.pack(">LLLL", 16, 0x777, 0, 5), False, None, id="unknown-command"),
        pytest.param(broken_deliver_sm(), False, "undecodable PDU", id="broken-body"),
    ],
)
async def test_garbage_from_the_smsc(
    tmp_path: Path,
    smsc: NodeSmsc,
    caplog: pytest.LogCaptureFixture,
    garbage: bytes,
    drops: bool,
    expect: str | None,
) -> None:
    """Bytes that are not SMPP, or a PDU with an absurd command_length: the link drops and
    binds again (a stream out of step cannot be trusted); a well-framed PDU it cannot use is
    answered (generic_nack, or ESME_RX_P_APPN for a deliver_sm) and the link stays. Nothing
    crashes, and the next MO is answered. (A PDU that stops arriving: test_smpp_session.py.)"""
    async with engine(tmp_path, smsc) as (service, transport, _):
        await smsc.command(cmd="raw", hex=garbage.hex())
        if drops:
            await until(lambda: transport.links[0].binds == 2 and transport.state == "up")
        else:
            answer = "generic_nack" if expect is None else "deliver_sm_resp"
            [resp] = await smsc.wait_for(lambda e: e["event"] == answer)
            assert resp["status"] == (ESME_RINVCMDID if expect is None else ESME_RX_P_APPN)
        ident = await smsc.mo(PHONE, "36111", "VOTE A", redeliver=True)
        assert (await smsc.mo_resp(ident))["status"] == 0
        await asyncio.wait_for(service.idle(), 10)
        await all_sent(tmp_path, 1)
        assert transport.links[0].binds == (2 if drops else 1)
    errors = link_lines(caplog)
    if expect is not None:
        assert any(expect in line for line in errors), errors
    if drops:
        assert any("link lost" in line and "reconnecting in" in line for line in errors)
    else:
        assert not any("link lost" in line for line in errors)
    no_crash(caplog)


def damaged_tlvs(short_message: bytes, sequence: int) -> bytes:
    """A deliver_sm whose last TLV announces more octets than the PDU has."""
    payload = {0x0424: b"HOURS"} if not short_message else {0x1403: b"vendor"}
    raw = codec.encode(
        "deliver_sm",
        sequence,
        tlvs=payload,
        source_addr="33600000009",
        source_addr_ton=1,
        destination_addr="36111",
        short_message=short_message,
    )
    return struct.pack(">L", len(raw) - 2) + raw[4:-2]


async def test_an_mo_with_damaged_tlvs_is_taken_on_its_mandatory_fields(
    tmp_path: Path, smsc: NodeSmsc, caplog: pytest.LogCaptureFixture
) -> None:
    """The text is in short_message: the MO is taken, answered and replied to, with a warning.
    When the text may be in the damaged part (an empty short_message), it is refused for good
    (ESME_RX_P_APPN) and logged as an error: it cannot be read, however often it comes."""
    async with engine(tmp_path, smsc) as (service, _, _):
        await smsc.command(cmd="raw", hex=damaged_tlvs(b"HOURS", 78).hex())
        [resp] = await smsc.wait_for(lambda e: e["event"] == "deliver_sm_resp" and e["seq"] == 78)
        assert resp.get("status", 0) == 0  # smsc.js leaves a zero status out
        await asyncio.wait_for(service.idle(), 10)
        assert rows(tmp_path, "SELECT sender, text FROM inbound") == [("+33600000009", "HOURS")]
        await all_sent(tmp_path, 1)
        await smsc.command(cmd="raw", hex=damaged_tlvs(b"", 79).hex())
        [resp] = await smsc.wait_for(lambda e: e["event"] == "deliver_sm_resp" and e["seq"] == 79)
        assert resp.get("status") == ESME_RX_P_APPN
    assert rows(tmp_path, "SELECT COUNT(*) FROM inbound") == [(1,)]
    assert "taken on its mandatory fields: TLV 0x1403 runs past the end of the PDU" in caplog.text
    assert "without a readable text (TLV 0x0424 runs past the end of the PDU)" in caplog.text


async def test_a_store_that_cannot_write_answers_a_temporary_error_and_loses_nothing(
    tmp_path: Path, smsc: NodeSmsc, caplog: pytest.LogCaptureFixture
) -> None:
    """The store refuses writes (SQLite itself: ``query_only``, as a full disk would): the MO
    is answered ESME_RX_T_APPN, so the SMSC keeps it and tries again; once the store writes
    again, the same MO is taken, voted and answered once."""
    async with engine(tmp_path, smsc) as (service, _, store):
        await store._call(lambda conn: conn.execute("PRAGMA query_only = ON"))
        refused = await smsc.mo_resp(await smsc.mo(PHONE, "36111", "VOTE A"))
        assert refused["status"] == ESME_RX_T_APPN  # try again later
        assert rows(tmp_path, "SELECT COUNT(*) FROM inbound") == [(0,)]
        await store._call(lambda conn: conn.execute("PRAGMA query_only = OFF"))
        taken = await smsc.mo_resp(await smsc.mo(PHONE, "36111", "VOTE A"))  # the SMSC again
        assert taken.get("status", 0) == 0
        await asyncio.wait_for(service.idle(), 10)
        assert [e["message"] for e in smsc.accepted()] == [
            "Thanks! Your vote for Moonlight Drive is counted."
        ]
        assert rows(tmp_path, "SELECT contact, choice FROM votes") == [("+33600000001", "A")]
    warnings = [r.getMessage() for r in caplog.records if r.name == "engine.service"]
    assert warnings == [
        "the store cannot write (OperationalError: attempt to write a readonly database): "
        "inbound messages are refused, their senders send them again later",
        "the store writes again: inbound messages are taken",
    ]
    assert not [r for r in caplog.records if r.exc_info]
