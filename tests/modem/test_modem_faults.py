"""A real ``twoway run`` over the emulated modem when the modem is less kind: it hands messages
over directly (``+CMT``, to be acknowledged with ``AT+CNMA``) and the engine is killed before the
acknowledgement; a long message handed over part by part with a kill in between; a SIM storage
full with messages the network keeps waiting; a message sent in parts, whose parts' status
reports come after a restart."""

from __future__ import annotations

from pathlib import Path

from engine.sms.pdu import decode
from tests.support import modem_pdu
from tests.support.jsonl_client import assert_clean
from tests.support.modem import ModemEmulator
from tests.support.modem_engine import (
    HOURS_REPLY,
    PHONE,
    SIM,
    VOTE_REPLY,
    WAIT,
    Running,
    running,
)


def direct(modem: ModemEmulator) -> None:
    modem.direct_delivery = True


async def test_a_cmt_is_committed_then_acknowledged_and_answered(tmp_path: Path) -> None:
    vote = modem_pdu.deliver(PHONE, "VOTE A")
    async with running(tmp_path, direct) as run:
        assert run.modem.deliver(vote) is None  # handed over, never stored
        assert run.replies(1) == [VOTE_REPLY]
        await run.until(lambda: run.modem.cnma_acked == [vote], "acknowledged")
        assert run.rows("SELECT sender, recipient, text FROM inbound") == [(PHONE, SIM, "VOTE A")]
        assert run.rows("SELECT contact, choice FROM votes") == [(PHONE, "A")]
        assert run.modem.cnma_missed == [] and run.modem.stored() == []
    assert_clean(run.engine.log())


async def test_killed_before_cnma_the_message_sent_again_is_answered_once(
    tmp_path: Path,
) -> None:
    hours = modem_pdu.deliver(PHONE, "HOURS")
    async with running(tmp_path, direct) as run:
        run.modem.hang_on("AT+CNMA")  # the modem stops as the acknowledgement comes
        run.modem.deliver(hours)
        await run.modem.wait_for_command_async("AT+CNMA", WAIT)
        # Committed before it is acknowledged.
        assert run.rows("SELECT text FROM inbound") == [("HOURS",)]
        run.engine.kill()
        await run.engine.wait(WAIT)
        assert run.modem.cnma_acked == []
        run.modem.revive()
        run.modem.reboot()  # the acknowledgement never came: the network keeps the message
        assert run.modem.cnma_missed == [hours]
        await run.restart()
        # It comes again once the engine has set the indications: recognised, acknowledged.
        await run.until(lambda: run.modem.cnma_acked == [hours], "acknowledged after the restart")
        assert run.modem.redelivered == [hours]
        assert run.replies(1) == [HOURS_REPLY]
        await run.until(
            lambda: run.rows("SELECT status FROM outbox") == [("sent",)], "the reply sent"
        )
        assert run.rows("SELECT COUNT(*) FROM inbound") == [(1,)]
        assert len(run.modem.submitted) == 1


async def test_a_long_cmt_message_survives_a_kill_between_its_parts(tmp_path: Path) -> None:
    text = "SURVEY " + "une très longue réponse qui ne tient pas dans un seul SMS. " * 6
    first, second, third = modem_pdu.deliver_parts(PHONE, text, reference=9)
    async with running(tmp_path, direct) as run:
        run.modem.deliver(first)
        await run.until(lambda: run.modem.cnma_acked == [first], "the first part acknowledged")
        run.modem.deliver(second)
        await run.until(lambda: len(run.modem.cnma_acked) == 2, "the second part acknowledged")
        run.engine.kill()  # two parts acknowledged: only the engine's store has them now
        await run.engine.wait(WAIT)
        seen = len(run.modem.commands)
        await run.restart()
        await run.modem.wait_for_command_async(lambda c: c.startswith("AT+CNMI"), WAIT, since=seen)
        run.modem.hang_on("AT+CNMA")  # and a kill before the last part's acknowledgement
        run.modem.deliver(third)
        await run.until(lambda: run.rows("SELECT text FROM inbound") == [(text,)], "one message")
        run.engine.kill()
        await run.engine.wait(WAIT)
        run.modem.revive()
        run.modem.reboot()
        await run.restart()
        # The last part comes again alone: recognised as a part of the message committed.
        await run.until(lambda: run.modem.cnma_acked == [first, second, third], "acknowledged")
        assert run.modem.redelivered == [third]
        assert run.rows("SELECT text FROM inbound") == [(text,)]


async def test_a_full_sim_is_swept_and_every_waiting_message_answered(tmp_path: Path) -> None:
    phones = [f"+3369900010{n}" for n in range(6)]
    stored = [modem_pdu.deliver(phone, "HOURS") for phone in phones[:4]]
    waiting = [modem_pdu.deliver(phone, "HOURS") for phone in phones[4:]]

    def full(modem: ModemEmulator) -> None:
        for pdu in stored:
            modem.store(pdu)  # four unread messages fill the SIM
        for pdu in waiting:
            modem.network_holds(pdu)  # two more the network could not deliver

    async with running(tmp_path, full, capacity=4) as run:
        assert run.replies(6, to=None) == [HOURS_REPLY] * 6
        await run.until(lambda: run.modem.stored() == [], "the SIM emptied")
        assert sorted(run.rows("SELECT sender FROM inbound")) == [(p,) for p in phones]
        # sent again as slots were freed (refused again while the SIM was still full)
        assert run.modem.rejected == [] and set(run.modem.redelivered) == set(waiting)
        # /health says full until the engine's next look at the storage (AT+CPMS?) after it
        modem = await run.health_when(lambda m: m["last_error"] is None, "no longer full")
        assert (modem["state"], modem["storage"]) == ("up", "0/4")
    assert_clean(run.engine.log())


async def test_a_long_message_is_delivered_only_when_every_part_is(tmp_path: Path) -> None:
    long = "Votre rendez-vous est confirmé. " * 12  # 384 characters: three parts
    short = "Your parcel arrives today, between 9:00 and 12:00. " * 4  # two parts
    async with running(tmp_path) as run:
        first = await run.send(PHONE, long)
        parts = run.modem.wait_for_submit(3, WAIT)
        assert [decode(p.pdu).concat.total for p in parts] == [3, 3, 3]  # type: ignore[union-attr]
        await run.until(lambda: status(run, first) == ("sent", None), "sent")
        run.engine.kill()  # the reports come after a restart
        await run.engine.wait(WAIT)
        await run.restart()
        report = run.modem.status_report
        report(modem_pdu.status_report(parts[2].mr, PHONE, status=0x00))  # the last part first
        report(modem_pdu.status_report(parts[0].mr, PHONE, status=0x00))
        await run.until(lambda: len(run.rows("SELECT id FROM receipts")) == 2, "two reports")
        assert status(run, first) == ("sent", None)  # one part still on its way
        report(modem_pdu.status_report(parts[1].mr, PHONE, status=0x00))
        await run.until(lambda: status(run, first) == ("delivered", None), "every part")

        second = await run.send(PHONE, short)
        parts = run.modem.wait_for_submit(5, WAIT)[3:]
        await run.until(lambda: status(run, second) == ("sent", None), "sent")
        report(modem_pdu.status_report(parts[1].mr, PHONE, status=0x00))  # the last: delivered
        report(modem_pdu.status_report(parts[0].mr, PHONE, status=0x41))  # the first failed
        await run.until(lambda: status(run, second) == ("undeliverable", "41"), "one part failed")
    assert_clean(run.engine.log())


def status(run: Running, row: int) -> tuple[str, str | None]:
    found = run.rows("SELECT status, delivery_error FROM outbox WHERE id = ?", row)
    return (found[0][0], found[0][1]) if found else ("missing", None)
