"""The modem connector against the emulated modem, in this process: the PIN (sent once, never
with fewer than 3 tries left), unsolicited lines inside a command's answer, a modem that stops
answering, and the twoway.yaml checks of a modem connector."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from engine.config import check_config
from engine.core.messages import Inbound, Outgoing
from engine.errors import TransportError
from engine.transports.modem.settings import ModemSettings
from engine.transports.modem.transport import ModemTransport
from tests.support import modem_pdu
from tests.support.modem import ModemEmulator

SIM = "+33612345678"
PHONE = "+33699000001"
WAIT = 20.0


@asynccontextmanager
async def connector(
    emulator: ModemEmulator, pin: str | None = None
) -> AsyncIterator[tuple[ModemTransport, list[Inbound]]]:
    received: list[Inbound] = []

    async def take(message: Inbound) -> None:
        received.append(message)

    transport = ModemTransport("gsm", ModemSettings(str(emulator.path), SIM, pin=pin))
    await transport.start(take)
    try:
        yield transport, received
    finally:
        await transport.aclose()


async def until(test: object, what: str) -> None:
    async with asyncio.timeout(WAIT):
        while not test():  # type: ignore[operator]
            await asyncio.sleep(0.02)  # polls the connector's state; bounded


def sent(emulator: ModemEmulator, prefix: str) -> list[str]:
    return [line for _, line in emulator.commands if line.upper().startswith(prefix)]


async def test_the_pin_is_sent_and_the_modem_starts(tmp_path: Path) -> None:
    with ModemEmulator(tmp_path, pin="9876") as emulator:
        async with connector(emulator, pin="9876") as (transport, _):
            await until(lambda: transport.state == "up", "ready")
            assert transport.details()["pin"] == "READY"
            assert sent(emulator, 'AT+CPIN="') == ['AT+CPIN="9876"']
            assert "9876" not in str(transport.details())  # /health never shows the PIN


async def test_a_refused_pin_is_never_sent_again(tmp_path: Path) -> None:
    with ModemEmulator(tmp_path, pin="1234") as emulator:
        async with connector(emulator, pin="0000") as (transport, _):
            await until(lambda: transport.details()["pin"] == "PIN refused", "refused")
            assert transport.state == "down"
            assert "refused the PIN" in (transport.link_error or "")
        # A restart (another connector, the same SIM): 2 tries left, so it sends nothing.
        async with connector(emulator, pin="0000") as (transport, _):
            await until(lambda: "tries left" in str(transport.details()["pin"]), "not sent")
        assert sent(emulator, 'AT+CPIN="') == ['AT+CPIN="0000"']
        assert emulator.pin_tries == 2


async def test_ring_and_cmti_inside_a_command_s_answer(tmp_path: Path) -> None:
    with ModemEmulator(tmp_path) as emulator:
        async with connector(emulator) as (transport, received):
            await until(lambda: transport.state == "up", "ready")
            index = emulator.store(modem_pdu.deliver(PHONE, "HOURS"))
            emulator.interleave_next("RING", f'+CMTI: "SM",{index}', where="before_final")
            assert transport.details()["registration"] == "home"
            await transport._startup.signal()  # any command: the lines come inside its answer
            await until(lambda: [m.text for m in received] == ["HOURS"], "read")
            await until(lambda: sent(emulator, "ATH") != [], "hung up")
            await until(lambda: emulator.stored() == [], "deleted")


async def test_a_storage_full_notice_inside_an_answer_is_not_its_answer(tmp_path: Path) -> None:
    # A modem says +CMS ERROR: 322 by itself when an SMS finds the SIM full; said while a
    # command is in flight it is that notice, and the command still gets its own OK.
    with ModemEmulator(tmp_path) as emulator:
        async with connector(emulator) as (transport, _):
            await until(lambda: transport.state == "up", "ready")
            emulator.interleave_next("+CMS ERROR: 322", where="after_echo")
            emulator.interleave_next("+CMS ERROR: 322", where="before_final")
            reply = await transport._at("AT+CSQ")
            assert [line.split(":")[0] for line in reply.lines] == ["+CSQ"]
            assert transport.details()["last_error"] == "SIM storage full"
            # the next command gets its own answer, not the one left over
            assert (await transport._at("AT+CPMS?")).lines[0].startswith("+CPMS:")


async def test_a_command_answered_by_storage_full_fails_with_it(tmp_path: Path) -> None:
    with ModemEmulator(tmp_path) as emulator:
        async with connector(emulator) as (transport, _):
            await until(lambda: transport.state == "up", "ready")
            emulator.fail_next_send(322)
            with pytest.raises(TransportError, match=r"\+CMS ERROR: 322"):
                await transport.send(Outgoing(PHONE, SIM, "HOURS"), 1)
            assert transport.state == "up"


async def test_a_command_given_up_before_it_is_sent_is_not_sent(tmp_path: Path) -> None:
    with ModemEmulator(tmp_path, send_delay=1.0) as emulator:
        async with connector(emulator) as (transport, _):
            await until(lambda: transport.state == "up", "ready")
            sending = asyncio.create_task(transport.send(Outgoing(PHONE, SIM, "HOURS"), 1))
            await emulator.wait_for_command_async(lambda line: line.startswith("AT+CMGS="))
            given_up = asyncio.create_task(transport._at("AT+CGMI"))  # waits behind the send
            await asyncio.sleep(0)
            given_up.cancel()
            assert await sending is not None  # the send's +CMGS came after its delay
            # the port's thread goes on: the next command is answered, the cancelled one unsent
            async with asyncio.timeout(WAIT):
                assert (await transport._at("AT+CSQ")).lines[0].startswith("+CSQ:")
            assert sent(emulator, "AT+CGMI") == []


async def test_a_modem_that_stops_answering_comes_back(tmp_path: Path) -> None:
    with ModemEmulator(tmp_path) as emulator:
        settings = ModemSettings(str(emulator.path), SIM, command_timeout=1.0, sweep=0.5)
        received: list[Inbound] = []

        async def take(message: Inbound) -> None:
            received.append(message)

        transport = ModemTransport("gsm", settings)
        await transport.start(take)
        try:
            await until(lambda: transport.state == "up", "ready")
            emulator.hang()
            await until(lambda: transport.state != "up", "noticed")
            assert (transport.link_error or "").startswith("modem not answering (")
            assert "no answer in 1 s" in (transport.link_error or "")
            seen = len(emulator.commands)
            emulator.revive()
            emulator.reboot()  # it lost its settings meanwhile: echo on, indications off
            emulator.deliver(modem_pdu.deliver(PHONE, "HOURS"), indication=None)
            await until(lambda: [m.text for m in received] == ["HOURS"], "found by the sweep")
            assert transport.state == "up" and transport.link_error is None
            # Reset (ATZ), then started again from the beginning.
            after = [line for _, line in emulator.commands[seen:]]
            start = after.index("ATZ")
            assert after[start + 1 : start + 3] == ["AT", "ATE0"]
            assert emulator.cnmi[1] == 1 and not emulator.echo
        finally:
            await transport.aclose()


async def test_a_cnma_refused_is_noted_once_and_messages_still_taken(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with ModemEmulator(tmp_path) as emulator:
        emulator.phase2_only = True  # AT+CSMS=1 refused: +CNMA is answered +CMS ERROR: 340
        emulator.direct_delivery = True
        async with connector(emulator) as (transport, received):
            await until(lambda: transport.state == "up", "ready")
            emulator.deliver(modem_pdu.deliver(PHONE, "HOURS"))
            await until(lambda: len(sent(emulator, "AT+CNMA")) == 1, "acknowledged")
            emulator.deliver(modem_pdu.deliver(PHONE, "VOTE A"))
            await until(lambda: len(sent(emulator, "AT+CNMA")) == 2, "acknowledged")
            assert [m.text for m in received] == ["HOURS", "VOTE A"]
            refused = [n for n in transport.details()["notes"] if n.startswith("AT+CNMA")]
            assert refused == [
                "AT+CNMA refused (AT+CNMA: +CMS ERROR: 340); messages are not acknowledged"
            ]
            assert transport.state == "up"
    assert sum("AT+CNMA refused" in r.getMessage() for r in caplog.records) == 1


@pytest.mark.parametrize(
    "line", ['^SMMEMFULL: "SM"', '+CIEV: "MESSAGE",1', '+CIEV: "SMSFULL",1', "+CMS ERROR: 322"]
)
async def test_a_memory_full_indication_sweeps_at_once(
    tmp_path: Path, line: str, caplog: pytest.LogCaptureFixture
) -> None:
    with ModemEmulator(tmp_path) as emulator:
        async with connector(emulator) as (transport, received):
            await until(lambda: len(sent(emulator, "AT+CSQ")) >= 2, "started and swept once")
            emulator.deliver(modem_pdu.deliver(PHONE, "HOURS"), indication=None)  # unsaid
            emulator.unsolicited(line)
            await until(lambda: [m.text for m in received] == ["HOURS"], "swept at once")
            await until(lambda: emulator.stored() == [], "deleted")
            assert f"SIM storage full ({line})" in caplog.text
            # AT+CPMS after the sweep shows room: the error is gone
            await until(lambda: transport.details()["last_error"] is None, "not full")


async def test_a_full_storage_shows_in_health_until_it_is_swept(tmp_path: Path) -> None:
    with ModemEmulator(tmp_path, capacity=4) as emulator:
        gate = asyncio.Event()
        received: list[Inbound] = []

        async def take(message: Inbound) -> None:
            await gate.wait()  # the commits wait: the storage stays full meanwhile
            received.append(message)

        transport = ModemTransport("gsm", ModemSettings(str(emulator.path), SIM))
        await transport.start(take)
        try:
            await until(lambda: len(sent(emulator, "AT+CSQ")) >= 2, "started and swept once")
            phones = [f"+3369900010{n}" for n in range(6)]
            for phone in phones[:4]:
                emulator.store(modem_pdu.deliver(phone, "HOURS"))
            for phone in phones[4:]:  # refused: +CMS ERROR: 322 said by the modem
                emulator.deliver(modem_pdu.deliver(phone, "HOURS"))
            await until(lambda: transport.details()["last_error"] == "SIM storage full", "full")
            await until(lambda: len(sent(emulator, "AT+CMGL")) >= 2, "swept at once")
            assert transport.state == "up"
            gate.set()
            await until(lambda: len(received) == 6, "every message taken")
            assert sorted(m.sender for m in received) == phones
            await until(lambda: emulator.stored() == [], "the storage emptied")
            await until(lambda: transport.details()["last_error"] is None, "no longer full")
        finally:
            await transport.aclose()


def _config(tmp_path: Path, numbers: str) -> list[str]:
    file = tmp_path / "twoway.yaml"
    file.write_text(
        "connectors:\n  gsm: {type: modem, port: /dev/serial/by-id/usb-modem}\n" + numbers,
        encoding="utf-8",
    )
    _, errors, _ = check_config(file)
    return [f"{e.span.line}:{e.span.col}: {e.message}" for e in errors if e.span]


def test_check_wants_one_number_of_the_sim_and_not_alphanumeric(tmp_path: Path) -> None:
    assert _config(tmp_path, "") == [
        "2:3: modem connector 'gsm' needs exactly one number of its own"
    ]
    assert _config(tmp_path, f'numbers:\n  "{SIM}": {{connector: gsm, kind: alphanumeric}}\n') == [
        f"4:42: number {SIM} is alphanumeric, but a modem sends from its SIM's number"
    ]
    assert _config(tmp_path, f'numbers:\n  "{SIM}": {{connector: gsm, kind: long_code}}\n') == []
