"""The modem emulator (tests/support/modem.py), driven over its pty with pyserial as the modem
connector will drive it. Every wait is bounded by a timeout that only stops a hung test; what is
awaited is a byte pattern on the line or an event of the emulator, never a fixed sleep."""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import serial

from tests.support import modem_pdu
from tests.support.modem import ModemEmulator, modem

BOUND = 5.0
"""Seconds before a read gives up: a bound on a hung test, not a timing."""

FINAL = re.compile(rb"\r\n(OK|ERROR|\+CM[ES] ERROR: [^\r]*)\r\n$")


def read_until(port: serial.Serial, pattern: re.Pattern[bytes] | bytes) -> bytes:
    """Read until the bytes read end with ``pattern`` (a regex, or exact bytes)."""
    deadline = time.monotonic() + BOUND
    got = b""
    while time.monotonic() < deadline:
        got += port.read(max(1, port.in_waiting))
        if isinstance(pattern, bytes) and got.endswith(pattern):
            return got
        if isinstance(pattern, re.Pattern) and pattern.search(got):
            return got
    raise AssertionError(f"no {pattern!r} within {BOUND} s; got {got!r}")


def at(port: serial.Serial, command: str) -> bytes:
    """Send a command line, return everything up to and including its final result."""
    port.write(command.encode() + b"\r")
    return read_until(port, FINAL)


@pytest.fixture
def port(modem: ModemEmulator) -> Iterator[serial.Serial]:
    with serial.serial_for_url(str(modem.path), baudrate=115200, timeout=0.2) as p:
        yield p


def quiet(port: serial.Serial) -> None:
    assert at(port, "ATE0") == b"ATE0\r\r\nOK\r\n"


SENDER = "+33612345678"

__all__ = ["modem"]  # the shared fixture


# ------------------------------------------------------------------------- basics


def test_the_path_is_a_symlink_to_a_raw_pty(modem: ModemEmulator) -> None:
    assert modem.path.is_symlink()
    assert os.path.realpath(modem.path) == os.path.realpath(modem.slave_path)
    assert modem.slave_path.startswith("/dev/pts/")


def test_echo_is_on_by_default_and_ate0_turns_it_off(port: serial.Serial) -> None:
    assert at(port, "AT") == b"AT\r\r\nOK\r\n"
    assert at(port, "ATE0") == b"ATE0\r\r\nOK\r\n"
    assert at(port, "AT") == b"\r\nOK\r\n"
    assert at(port, "ATE1") == b"\r\nOK\r\n"
    assert at(port, "AT") == b"AT\r\r\nOK\r\n"


def test_information_and_errors(modem: ModemEmulator, port: serial.Serial) -> None:
    quiet(port)
    assert at(port, "AT+CSQ") == b"\r\n+CSQ: 20,99\r\n\r\nOK\r\n"
    assert at(port, "AT+COPS?") == b'\r\n+COPS: 0,0,"Orange F",7\r\n\r\nOK\r\n'
    assert at(port, "AT+CSCA?") == b'\r\n+CSCA: "+33609001390",145\r\n\r\nOK\r\n'
    assert at(port, 'AT+CSCA="+33609001391",145') == b"\r\nOK\r\n"
    assert modem.smsc == "+33609001391"
    assert at(port, "AT+CSMS=1") == b"\r\n+CSMS: 1,1,1\r\n\r\nOK\r\n"
    assert at(port, "AT+CREG?") == b"\r\n+CREG: 0,1\r\n\r\nOK\r\n"
    assert at(port, "AT+NOSUCH") == b"\r\nERROR\r\n"
    assert at(port, "AT+CMGF=0;+CNMI=2,1,0,2,0;+CMEE=1") == b"\r\nOK\r\n"
    assert modem.cnmi == (2, 1, 0, 2, 0)
    assert at(port, 'AT+CPIN="1234"') == b"\r\n+CME ERROR: 3\r\n"
    assert at(port, "AT+CMEE=2") == b"\r\nOK\r\n"
    assert at(port, 'AT+CPIN="1234"') == b"\r\n+CME ERROR: operation not allowed\r\n"
    assert at(port, "AT+CMEE=0") == b"\r\nOK\r\n"
    assert at(port, 'AT+CPIN="1234"') == b"\r\nERROR\r\n"
    assert at(port, "ATH") == b"\r\nOK\r\n"


def test_registration_changes_are_said_when_asked(
    modem: ModemEmulator, port: serial.Serial
) -> None:
    quiet(port)
    assert at(port, "AT+CREG=1") == b"\r\nOK\r\n"
    modem.set_registration(5)
    assert read_until(port, b"\r\n+CREG: 5\r\n") == b"\r\n+CREG: 5\r\n"
    assert at(port, "AT+CREG?") == b"\r\n+CREG: 1,5\r\n\r\nOK\r\n"


# ------------------------------------------------------------------------- PIN


def test_pin_wrong_twice_then_right(tmp_path: Path) -> None:
    with (
        ModemEmulator(tmp_path, pin="1234") as modem,
        serial.serial_for_url(str(modem.path), timeout=0.2) as port,
    ):
        quiet(port)
        assert at(port, "AT+CMEE=1") == b"\r\nOK\r\n"
        assert at(port, "AT+CPIN?") == b"\r\n+CPIN: SIM PIN\r\n\r\nOK\r\n"
        assert at(port, "AT+CMGL=4") == b"\r\n+CMS ERROR: 311\r\n"
        assert at(port, 'AT+CPIN="0000"') == b"\r\n+CME ERROR: 16\r\n"
        assert at(port, 'AT+CPIN="1111"') == b"\r\n+CME ERROR: 16\r\n"
        assert modem.pin_tries == 1
        assert at(port, 'AT+CPIN="1234"') == b"\r\nOK\r\n"
        assert at(port, "AT+CPIN?") == b"\r\n+CPIN: READY\r\n\r\nOK\r\n"
        assert at(port, "AT+CMGL=4") == b"\r\nOK\r\n"


def test_three_wrong_pins_ask_for_the_puk(tmp_path: Path) -> None:
    with (
        ModemEmulator(tmp_path, pin="1234") as modem,
        serial.serial_for_url(str(modem.path), timeout=0.2) as port,
    ):
        quiet(port)
        assert at(port, "AT+CMEE=1") == b"\r\nOK\r\n"
        for wrong in ("0000", "1111", "2222"):
            assert at(port, f'AT+CPIN="{wrong}"') == b"\r\n+CME ERROR: 16\r\n"
        assert at(port, "AT+CPIN?") == b"\r\n+CPIN: SIM PUK\r\n\r\nOK\r\n"
        assert at(port, 'AT+CPIN="1234"') == b"\r\n+CME ERROR: 12\r\n"
        assert at(port, "AT+CMGS=20") == b"\r\n+CMS ERROR: 316\r\n"
        assert at(port, 'AT+CPIN="12345678","4321"') == b"\r\nOK\r\n"
        assert at(port, "AT+CPIN?") == b"\r\n+CPIN: READY\r\n\r\nOK\r\n"
        assert modem.pin == "4321"


# ------------------------------------------------------------------------- sending


def send(port: serial.Serial, pdu: str, length: int | None = None) -> bytes:
    length = modem_pdu.tpdu_length(pdu) if length is None else length
    port.write(f"AT+CMGS={length}\r".encode())
    prompt = read_until(port, b"> ")
    assert prompt.endswith(b"\r\n> ")
    port.write(pdu.encode() + b"\x1a")
    return read_until(port, FINAL)


def test_cmgs_prompt_has_no_line_ending_and_the_pdu_is_taken(
    modem: ModemEmulator, port: serial.Serial
) -> None:
    pdu = modem_pdu.submit("+33611111111", "hello")
    length = modem_pdu.tpdu_length(pdu)
    port.write(f"AT+CMGS={length}\r".encode())
    got = read_until(port, b"> ")
    assert got == f"AT+CMGS={length}\r\r\n> ".encode()  # echo on: the command, then the prompt
    port.write(pdu.encode() + b"\x1a")  # had anything followed "> ", it would come first here
    # echo on: the PDU comes back (not the Ctrl-Z), then the result
    assert read_until(port, FINAL) == pdu.encode() + b"\r\n+CMGS: 0\r\n\r\nOK\r\n"
    [sub] = modem.wait_for_submit(1)
    assert (sub.pdu, sub.length, sub.mr, sub.error) == (pdu, length, 0, None)
    assert modem_pdu.parse_submit(sub.pdu).text == "hello"


def test_message_references_increment_and_wrap(modem: ModemEmulator, port: serial.Serial) -> None:
    quiet(port)
    modem.next_mr = 254
    pdu = modem_pdu.submit("+33611111111", "ping")
    answers = [send(port, pdu) for _ in range(3)]
    assert answers == [f"\r\n+CMGS: {mr}\r\n\r\nOK\r\n".encode() for mr in (254, 255, 0)]
    subs = modem.wait_for_submit(3)
    assert [s.mr for s in subs] == [254, 255, 0]
    assert subs[0].at <= subs[1].at <= subs[2].at


def test_a_wrong_length_or_an_esc(modem: ModemEmulator, port: serial.Serial) -> None:
    quiet(port)
    pdu = modem_pdu.submit("+33611111111", "ping")
    # the length counted with the SMSC octet, a classic mistake
    assert send(port, pdu, modem_pdu.tpdu_length(pdu) + 1) == b"\r\n+CMS ERROR: 304\r\n"
    port.write(b"AT+CMGS=17\r")
    read_until(port, b"\r\n> ")
    port.write(b"0011\x1b")
    assert read_until(port, FINAL) == b"\r\nOK\r\n"
    assert [s.error for s in modem.submitted] == [304]
    assert at(port, "AT") == b"\r\nOK\r\n"


def test_cms_error_on_the_next_send(modem: ModemEmulator, port: serial.Serial) -> None:
    quiet(port)
    pdu = modem_pdu.submit("+33611111111", "ping")
    modem.fail_next_send(38)
    assert send(port, pdu) == b"\r\n+CMS ERROR: 38\r\n"
    modem.fail_next_send(21)
    assert send(port, pdu) == b"\r\n+CMS ERROR: 21\r\n"
    assert send(port, pdu) == b"\r\n+CMGS: 0\r\n\r\nOK\r\n"
    assert [(s.error, s.mr) for s in modem.submitted] == [(38, -1), (21, -1), (None, 0)]


# ------------------------------------------------------------------------- receiving


def test_delivered_sms_is_indicated_read_listed_deleted_and_its_index_reused(
    modem: ModemEmulator, port: serial.Serial
) -> None:
    quiet(port)
    first = modem_pdu.deliver(SENDER, "first")
    second = modem_pdu.deliver(SENDER, "second")
    assert modem.deliver(first) == 1
    assert read_until(port, b'\r\n+CMTI: "SM",1\r\n') == b'\r\n+CMTI: "SM",1\r\n'
    assert modem.deliver(second) == 2
    read_until(port, b'\r\n+CMTI: "SM",2\r\n')

    n1, n2 = modem_pdu.tpdu_length(first), modem_pdu.tpdu_length(second)
    assert at(port, "AT+CMGR=1") == f"\r\n+CMGR: 0,,{n1}\r\n{first}\r\n\r\nOK\r\n".encode()
    assert at(port, "AT+CMGR=1").startswith(b"\r\n+CMGR: 1,,")  # now read
    assert (
        at(port, "AT+CMGL=4")
        == (
            f"\r\n+CMGL: 1,1,,{n1}\r\n{first}\r\n+CMGL: 2,0,,{n2}\r\n{second}\r\n\r\nOK\r\n"
        ).encode()
    )
    assert at(port, "AT+CPMS?") == b'\r\n+CPMS: "SM",2,20,"SM",2,20,"SM",2,20\r\n\r\nOK\r\n'
    assert at(port, "AT+CMGD=1") == b"\r\nOK\r\n"
    assert at(port, "AT+CMGR=1") == b"\r\n+CMS ERROR: 321\r\n"
    third = modem_pdu.deliver(SENDER, "third")
    assert modem.deliver(third) == 1  # the freed index comes first
    read_until(port, b'\r\n+CMTI: "SM",1\r\n')
    assert at(port, "AT+CMGD=1,4") == b"\r\nOK\r\n"
    assert at(port, "AT+CMGL=4") == b"\r\nOK\r\n"


def test_zero_based_storage_and_empty_reads_answering_ok(tmp_path: Path) -> None:
    with (
        ModemEmulator(tmp_path, first_index=0, empty_read_error=False) as modem,
        serial.serial_for_url(str(modem.path), timeout=0.2) as port,
    ):
        quiet(port)
        assert modem.deliver(modem_pdu.deliver(SENDER, "x")) == 0
        read_until(port, b'\r\n+CMTI: "SM",0\r\n')
        assert at(port, "AT+CMGR=5") == b"\r\nOK\r\n"


def test_direct_delivery_wants_a_cnma(tmp_path: Path) -> None:
    with (
        ModemEmulator(tmp_path, cnma_timeout=BOUND) as modem,
        serial.serial_for_url(str(modem.path), timeout=0.2) as port,
    ):
        quiet(port)
        assert at(port, "AT+CSMS=1") == b"\r\n+CSMS: 1,1,1\r\n\r\nOK\r\n"
        assert at(port, "AT+CNMI=2,2,0,1,0") == b"\r\nOK\r\n"
        pdu = modem_pdu.deliver(SENDER, "direct")
        assert modem.deliver(pdu, indication="auto") is None
        n = modem_pdu.tpdu_length(pdu)
        assert read_until(port, f"{pdu}\r\n".encode()) == f"\r\n+CMT: ,{n}\r\n{pdu}\r\n".encode()
        assert at(port, "AT+CNMA") == b"\r\nOK\r\n"
        assert modem.wait_for_cnma() is True
        assert modem.cnma_acked == [pdu]
        assert at(port, "AT+CNMA") == b"\r\n+CMS ERROR: 340\r\n"  # nothing to acknowledge
        # not acknowledged: the modem's own timeout runs out...
        modem.cnma_timeout = 0.2
        modem.deliver(pdu, indication="auto")
        read_until(port, f"{pdu}\r\n".encode())
        assert modem.wait_for_cnma() is False
        assert modem.cnma_missed == [pdu]
        assert modem.storage == {}
        # ...and routing to the host is off (27.005): the next one is stored without a word
        assert at(port, "AT+CNMI?") == b"\r\n+CNMI: 2,0,0,0,0\r\n\r\nOK\r\n"
        assert modem.deliver(pdu, indication="auto") == 1
        assert at(port, "AT+CMGL=0").startswith(b"\r\n+CMGL: 1,0,,")


def test_status_reports_direct_or_stored(modem: ModemEmulator, port: serial.Serial) -> None:
    quiet(port)
    report = modem_pdu.status_report(7, "+33611111111", status=0)
    n = modem_pdu.tpdu_length(report)
    modem.status_report(report)
    assert read_until(port, f"{report}\r\n".encode()) == f"\r\n+CDS: {n}\r\n{report}\r\n".encode()
    assert modem.status_report(report, indication="cdsi") == 1
    read_until(port, b'\r\n+CDSI: "SM",1\r\n')
    assert at(port, "AT+CMGR=1") == f"\r\n+CMGR: 0,,{n}\r\n{report}\r\n\r\nOK\r\n".encode()


# ------------------------------------------------------------------------- fault modes


def test_echo_comes_back_after_a_reset(modem: ModemEmulator, port: serial.Serial) -> None:
    quiet(port)
    assert at(port, "ATZ") == b"\r\nOK\r\n"
    assert at(port, "AT") == b"AT\r\r\nOK\r\n"
    quiet(port)
    modem.reboot()
    assert at(port, "AT") == b"AT\r\r\nOK\r\n"
    modem.reset_restores_echo = False
    quiet(port)
    assert at(port, "ATZ") == b"\r\nOK\r\n"
    assert at(port, "AT") == b"\r\nOK\r\n"


def test_unsolicited_lines_inside_an_answer(modem: ModemEmulator, port: serial.Serial) -> None:
    modem.interleave_next("RING")
    index = modem.deliver(modem_pdu.deliver(SENDER, "hi"), interleave=True)
    assert at(port, "AT+CSQ") == (
        b'AT+CSQ\r\r\nRING\r\n\r\n+CMTI: "SM",1\r\n\r\n+CSQ: 20,99\r\n\r\nOK\r\n'
    )
    assert index == 1
    modem.interleave_next("+CREG: 0", where="before_final")
    assert at(port, "AT+CSQ") == b"AT+CSQ\r\r\n+CSQ: 20,99\r\n\r\n+CREG: 0\r\n\r\nOK\r\n"
    modem.unsolicited("RING")
    assert read_until(port, b"\r\nRING\r\n") == b"\r\nRING\r\n"
    assert at(port, "AT") == b"AT\r\r\nOK\r\n"


def test_storage_full(modem: ModemEmulator, port: serial.Serial) -> None:
    quiet(port)
    filler = modem_pdu.deliver(SENDER, "old")
    modem.fill_storage(filler)
    assert at(port, "AT+CPMS?") == (b'\r\n+CPMS: "SM",20,20,"SM",20,20,"SM",20,20\r\n\r\nOK\r\n')
    fresh = modem_pdu.deliver(SENDER, "new")
    assert modem.deliver(fresh) is None
    assert read_until(port, b"\r\n+CMS ERROR: 322\r\n") == b"\r\n+CMS ERROR: 322\r\n"
    assert modem.rejected == [fresh]
    assert at(port, 'AT+CPMS="SM","SM","SM"') == b"\r\n+CPMS: 20,20,20,20,20,20\r\n\r\nOK\r\n"
    assert at(port, "AT+CNMI=2,1,0,0,0") == b"\r\nOK\r\n"
    # A delete frees a slot: the network sends again what it could not deliver.
    port.write(b"AT+CMGD=7\r")
    assert read_until(port, b'+CMTI: "SM",7\r\n') == b'\r\nOK\r\n\r\n+CMTI: "SM",7\r\n'
    assert (modem.rejected, modem.redelivered, modem.storage[7].pdu) == ([], [fresh], fresh)


def test_a_cmt_left_without_cnma_comes_again_once_routing_is_back(tmp_path: Path) -> None:
    with (
        ModemEmulator(tmp_path, cnma_timeout=BOUND) as modem,
        serial.serial_for_url(str(modem.path), baudrate=115200, timeout=0.2) as port,
    ):
        quiet(port)
        modem.direct_delivery = True
        assert at(port, "AT+CSMS=1") == b"\r\n+CSMS: 1,1,1\r\n\r\nOK\r\n"
        assert at(port, "AT+CNMI=2,1,0,1,0") == b"\r\nOK\r\n"
        pdu = modem_pdu.deliver(SENDER, "again")
        assert modem.deliver(pdu) is None  # handed over, not stored
        read_until(port, pdu.encode() + b"\r\n")
        modem.reboot()  # reset before the acknowledgement: the network keeps the message
        assert modem.cnma_missed == [pdu]
        quiet(port)
        assert at(port, "AT+CSMS=1") == b"\r\n+CSMS: 1,1,1\r\n\r\nOK\r\n"
        port.write(b"AT+CNMI=2,1,0,1,0\r")
        got = read_until(port, pdu.encode() + b"\r\n")
        assert got == f"\r\nOK\r\n\r\n+CMT: ,{modem_pdu.tpdu_length(pdu)}\r\n{pdu}\r\n".encode()
        assert at(port, "AT+CNMA") == b"\r\nOK\r\n"
        assert (modem.redelivered, modem.cnma_acked) == ([pdu], [pdu])


def test_a_hung_modem_reads_but_answers_nothing_until_revived(
    modem: ModemEmulator, port: serial.Serial
) -> None:
    quiet(port)
    modem.hang()
    seen = len(modem.commands)
    port.write(b"AT+CSQ\r")
    modem.wait_for_command("AT+CSQ", since=seen)  # it was read...
    modem.revive()
    # ...and never answered: the first answer on the line is the next command's
    assert at(port, "AT+CGMM") == b"\r\nE3372\r\n\r\nOK\r\n"


def test_the_port_vanishes_and_comes_back_on_a_new_pty(tmp_path: Path) -> None:
    with ModemEmulator(tmp_path) as modem:
        port = serial.serial_for_url(str(modem.path), timeout=0.2)
        quiet(port)
        modem.unplug()
        # the host's read and write fail (SerialException, an OSError); in_waiting's ioctl
        # raises a bare OSError (EIO)
        with pytest.raises(serial.SerialException, match="returned no data"):
            port.read(1)
        with pytest.raises(serial.SerialException, match="Input/output error"):
            port.write(b"AT\r")
        with pytest.raises(OSError):
            port.in_waiting  # noqa: B018
        port.close()
        assert not os.path.lexists(modem.path)
        modem.replug()
        assert os.path.lexists(modem.path)
        assert os.path.realpath(modem.path) == os.path.realpath(modem.slave_path)
        with serial.serial_for_url(str(modem.path), timeout=0.2) as again:
            assert at(again, "AT") == b"AT\r\r\nOK\r\n"  # rebooted: echo is back


def test_a_slow_line_trickles(tmp_path: Path) -> None:
    baud = 19200  # 1,920 bytes a second
    with (
        ModemEmulator(tmp_path, baudrate=baud) as modem,
        serial.serial_for_url(str(modem.path), baudrate=baud, timeout=0.2) as port,
    ):
        quiet(port)
        for i in range(5):
            modem.store(modem_pdu.deliver(SENDER, f"message {i} " + "x" * 60))
        started = time.monotonic()
        answer = at(port, "AT+CMGL=4")
        elapsed = time.monotonic() - started
        wire = len(answer) + len(b"AT+CMGL=4\r")
        assert len(answer) > 400
        assert elapsed >= 0.9 * wire * 10 / baud  # the line's pace is a lower bound


async def test_async_waits_and_s_registers(modem: ModemEmulator, port: serial.Serial) -> None:
    quiet(port)
    assert at(port, "ATS0=0") == b"\r\nOK\r\n"
    assert at(port, "ATS3?") == b"\r\n013\r\n\r\nOK\r\n"
    assert await modem.wait_for_command_async("ATS3?") == "ATS3?"
    assert send(port, modem_pdu.submit("+33611111111", "async")) == b"\r\n+CMGS: 0\r\n\r\nOK\r\n"
    [sub] = await modem.wait_for_submit_async(1)
    assert modem_pdu.parse_submit(sub.pdu).text == "async"
