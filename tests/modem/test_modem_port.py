"""The modem's port thread (``AtPort``) when the device goes away in the middle of a command:
pyserial's ``flush`` (``tcdrain``) then raises ``termios.error``, which is no OSError. The
command fails as "closed", the port is opened again and the next command goes through; the
thread never dies of it (CI, 2026-12-06: a modem unplugged while a reply went out killed the
thread, and no reply went out again)."""

from __future__ import annotations

import termios
import threading

import pytest

from engine.transports.modem.at import AtError, AtPort

WAIT = 10.0


class Port:
    """A serial port that answers ``OK`` to every command, or whose ``flush`` fails."""

    def __init__(self, vanishes: bool) -> None:
        self.vanishes = vanishes
        self.pending = b""
        self.closed = False

    @property
    def in_waiting(self) -> int:
        return len(self.pending)

    def write(self, data: bytes) -> int:
        if data.endswith(b"\r"):
            self.pending += b"\r\nOK\r\n"
        return len(data)

    def flush(self) -> None:
        if self.vanishes:
            raise termios.error(5, "Input/output error")

    def read(self, size: int = 1) -> bytes:
        chunk, self.pending = self.pending[:size], self.pending[size:]
        return chunk

    def close(self) -> None:
        self.closed = True


def test_a_port_that_vanishes_mid_write_is_opened_again_and_the_thread_lives() -> None:
    opened: list[Port] = []
    states: list[tuple[bool, str | None]] = []
    changed = threading.Condition()

    def opener(url: str, **settings: object) -> Port:
        port = Port(vanishes=not opened)  # the first port vanishes, the next one works
        opened.append(port)
        return port

    def on_state(up: bool, why: str | None) -> None:
        with changed:
            states.append((up, why))
            changed.notify_all()

    at = AtPort("fake://gsm", 115200, lambda line, pdu: None, on_state, opener=opener)
    at.start()
    try:
        with pytest.raises(AtError) as failed:
            at.command("AT+CMGS=23", pdu="0011000B913316325476F8").result(WAIT)
        assert failed.value.kind == "closed"
        assert "Input/output error" in str(failed.value)
        assert at.command("AT").result(WAIT).lines == ()  # the port opened again answers
        with changed:
            assert changed.wait_for(lambda: len(states) >= 3, WAIT)
        assert states[:3] == [
            (True, None),
            (False, "fake://gsm: (5, 'Input/output error')"),
            (True, None),
        ]
        assert len(opened) == 2 and opened[0].closed
    finally:
        at.stop()
