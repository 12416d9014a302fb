"""A real ``twoway run`` with a modem connector, over the emulated USB modem on a pseudo-terminal:
the demo rules answer VOTE A and HOURS through AT+CMGS, status reports mark the replies delivered,
a long message in parts out of order is one message, and a port that vanishes loses nothing."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from tests.support import modem_pdu
from tests.support.engine_process import http_address
from tests.support.jsonl_client import assert_clean
from tests.support.jsonl_peer import wait_for_port
from tests.support.modem_engine import HOURS_REPLY, PHONE, SIM, VOTE_REPLY, WAIT, get, running


async def test_vote_and_hours_are_answered_and_the_replies_delivered(tmp_path: Path) -> None:
    async with running(tmp_path) as run:
        run.modem.deliver(modem_pdu.deliver(PHONE, "VOTE A"))
        assert run.replies(1) == [VOTE_REPLY]
        run.modem.deliver(modem_pdu.deliver(PHONE, "HOURS"))
        assert run.replies(2) == [VOTE_REPLY, HOURS_REPLY]
        for item in run.modem.submitted[:2]:
            run.modem.status_report(modem_pdu.status_report(item.mr, PHONE, status=0x00))
        await run.until(
            lambda: (
                run.rows("SELECT status FROM outbox ORDER BY id")
                == [("delivered",), ("delivered",)]
            ),
            "both replies delivered",
        )
        assert run.rows("SELECT contact, choice FROM votes") == [(PHONE, "A")]
        # Read, committed, then deleted from the SIM.
        await run.until(lambda: run.modem.stored() == [], "the SIM emptied")
        assert run.rows("SELECT sender, recipient, text FROM inbound ORDER BY id") == [
            (PHONE, SIM, "VOTE A"),
            (PHONE, SIM, "HOURS"),
        ]
        host, port = http_address(run.engine.config)
        health = json.loads(await get(host, port, "/health"))
        modem = health["connectors"]["gsm"]
        assert (modem["state"], modem["pin"], modem["registration"], modem["signal"]) == (
            "up",
            "READY",
            "home",
            20,
        )
        page = await get(host, port, "/metrics")
        assert f'twoway_link_signal{{connector="gsm",link="{run.modem.path}"}} 20.0' in page
    assert_clean(run.engine.log())


async def test_a_three_part_message_out_of_order_is_one_message(tmp_path: Path) -> None:
    text = "SURVEY " + "une très longue réponse qui ne tient pas dans un seul SMS. " * 6
    parts = modem_pdu.deliver_parts(PHONE, text, reference=7)
    assert len(parts) == 3
    async with running(tmp_path) as run:
        for pdu in (parts[2], parts[0], parts[1]):
            run.modem.deliver(pdu)
        await run.until(lambda: len(run.rows("SELECT id FROM inbound")) == 1, "one message")
        assert run.rows("SELECT text FROM inbound") == [(text,)]
        await run.until(lambda: run.modem.stored() == [], "the parts deleted once committed")
    assert_clean(run.engine.log())


async def test_a_port_that_vanishes_for_5_s_loses_nothing(tmp_path: Path) -> None:
    async with running(tmp_path) as run:
        run.modem.deliver(modem_pdu.deliver(PHONE, "VOTE A"))
        assert run.replies(1) == [VOTE_REPLY]
        run.modem.unplug()
        await asyncio.sleep(5.0)  # the outage the issue names: 5 s without a port
        # Arrived while the connector was away (stored on the SIM, no indication to anyone),
        # before the port comes back: found by the sweep of the start-up that follows. (Put
        # after the replug, it raced that sweep: a test process slowed down by a loaded
        # machine delivered it after the AT+CMGL, and it waited for the 30 s sweep.)
        run.modem.deliver(modem_pdu.deliver(PHONE, "HOURS"), indication=None)
        run.modem.replug()
        assert run.replies(2) == [VOTE_REPLY, HOURS_REPLY]
        assert run.rows("SELECT COUNT(*) FROM inbound") == [(2,)]
    log = run.engine.log()
    assert "Traceback" not in log


@pytest.mark.parametrize("code", [21])
async def test_a_permanent_cms_error_fails_the_reply(tmp_path: Path, code: int) -> None:
    async with running(tmp_path) as run:
        run.modem.fail_next_send(code)
        run.modem.deliver(modem_pdu.deliver(PHONE, "HOURS"))
        await run.until(
            lambda: run.rows("SELECT status FROM outbox") == [("failed",)], "the reply failed"
        )
        assert "+CMS ERROR: 21" in (run.rows("SELECT last_error FROM outbox")[0][0] or "")


async def test_kill_between_reading_an_mo_and_deleting_it_answers_it_once(tmp_path: Path) -> None:
    async with running(tmp_path) as run:
        run.modem.hang_on("AT+CMGD")  # the modem stops after the read, before the delete
        run.modem.deliver(modem_pdu.deliver(PHONE, "HOURS"))
        await run.modem.wait_for_command_async(lambda line: line.startswith("AT+CMGD"), WAIT)
        # The message is committed (it is deleted only after); its reply waits behind the delete.
        assert run.rows("SELECT text FROM inbound") == [("HOURS",)]
        assert run.engine.proc is not None
        run.engine.kill()
        await run.engine.wait(WAIT)
        assert [index for index, _ in run.modem.stored()] != []  # still on the SIM
        run.modem.revive()
        run.modem.reboot()  # the modem is power-cycled too: echo is back on
        proc = await run.engine.launch()
        host, port = http_address(run.engine.config)
        await wait_for_port(host, port, WAIT, lambda: proc.returncode is None)
        assert run.replies(1) == [HOURS_REPLY]
        await run.until(lambda: run.modem.stored() == [], "deleted after the restart")
        await run.until(
            lambda: run.rows("SELECT status FROM outbox") == [("sent",)], "the reply sent"
        )
        # Read twice (before and after the kill), answered once.
        assert run.rows("SELECT COUNT(*) FROM inbound") == [(1,)]
        assert len(run.modem.submitted) == 1


async def test_a_status_report_after_a_restart_still_marks_the_reply(tmp_path: Path) -> None:
    async with running(tmp_path) as run:
        run.modem.next_mr = 255  # the reference wraps to 0 with the next message
        run.modem.deliver(modem_pdu.deliver(PHONE, "HOURS"))
        assert run.replies(1) == [HOURS_REPLY]
        await run.until(
            lambda: run.rows("SELECT status FROM outbox") == [("sent",)], "the reply sent"
        )
        run.modem.deliver(modem_pdu.deliver(PHONE, "VOTE A"))
        assert run.replies(2) == [HOURS_REPLY, VOTE_REPLY]
        assert [s.mr for s in run.modem.submitted] == [255, 0]
        assert run.engine.proc is not None
        run.engine.proc.terminate()
        await run.engine.wait(WAIT)
        proc = await run.engine.launch()
        host, port = http_address(run.engine.config)
        await wait_for_port(host, port, WAIT, lambda: proc.returncode is None)
        run.modem.status_report(modem_pdu.status_report(255, PHONE, status=0x00))
        run.modem.status_report(modem_pdu.status_report(0, PHONE, status=0x41))
        await run.until(
            lambda: (
                run.rows("SELECT status, delivery_error FROM outbox ORDER BY id")
                == [("delivered", None), ("undeliverable", "41")]
            ),
            "both reports applied after the restart",
        )
