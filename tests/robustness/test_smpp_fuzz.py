"""Fuzz the SMPP connector from the SMSC's side: a raw asyncio SMSC (written here) binds our
transport, then sends it mutated deliver_sm (cut short, wrong lengths, random TLVs, data codings,
UDH, esm_class, garbage bodies, impossible command_length) among good ones.

What must hold, whatever arrives: no traceback is logged; every deliver_sm answered ESME_ROK
that the engine can take as a whole message is in the store (acknowledged but missing is the
failure that loses an SMS); every good one is answered ESME_ROK; a PDU that drops the link is
followed by a new bind, and the next good message goes through it.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import struct
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.ruleset.compiler import compile_rules
from engine.service import Service
from engine.store import SqliteStore
from engine.transports.smpp import SmppSettings, SmppTransport
from engine.transports.smpp import pdu as codec

REPO = Path(__file__).resolve().parents[2]
WAIT = 10.0
"""Seconds to wait for an answer or a new bind: generous, never reached when all is well."""
DELIVER_SM = codec.COMMAND_IDS["deliver_sm"]
RULES = compile_rules(REPO / "rules").raise_for_errors()


@dataclass
class Sent:
    """One deliver_sm as sent, and what the fake SMSC got back."""

    raw: bytes
    sequence: int
    sender: str | None
    """Whom the engine must store it from when it answers ESME_ROK, or None when nobody can
    say what it reads (a garbled body) or it is not a whole MO (receipt, part of a long one)."""
    good: bool = False
    status: int | None = None
    dropped: bool = False


class FakeSmsc:
    """Accepts binds, answers enquire_link, submit_sm and unbind, and sends what it is given."""

    def __init__(self) -> None:
        self.server: asyncio.Server | None = None
        self.port = 0
        self.binds = 0
        self._bound = asyncio.Event()
        self._writer: asyncio.StreamWriter | None = None
        self._waiting: dict[int, asyncio.Future[int | None]] = {}

    async def start(self) -> None:
        self.server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = self.server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        assert self.server is not None
        self.server.close()
        if self._writer is not None:
            self._writer.close()
        await self.server.wait_closed()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readexactly(16)
                length, command_id, status, sequence = struct.unpack(">LLLL", head)
                await reader.readexactly(length - 16)
                await self._answer(writer, command_id, status, sequence)
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            if writer is self._writer:
                self._writer = None
                self._bound.clear()
                for future in self._waiting.values():
                    if not future.done():
                        future.set_result(None)  # dropped
            writer.close()

    async def _answer(
        self, writer: asyncio.StreamWriter, command_id: int, status: int, sequence: int
    ) -> None:
        name = {v: k for k, v in codec.COMMAND_IDS.items()}.get(command_id, "?")
        if name == "bind_transceiver":
            writer.write(codec.encode("bind_transceiver_resp", sequence, system_id="fake"))
            self._writer = writer
            self.binds += 1
            self._bound.set()
        elif name in ("deliver_sm_resp", "generic_nack"):
            future = self._waiting.get(sequence)
            if future is not None and not future.done():
                future.set_result(status if name == "deliver_sm_resp" else -1)
        elif name == "submit_sm":  # a reply of the rules
            writer.write(codec.encode("submit_sm_resp", sequence, message_id=f"{sequence:x}"))
        elif name in ("enquire_link", "unbind"):
            writer.write(codec.encode(f"{name}_resp", sequence))
        await writer.drain()

    async def send(self, sent: Sent) -> None:
        """Send one PDU on the bound link; wait for its answer, or for the link to drop (then
        for the engine to bind again)."""
        await asyncio.wait_for(self._bound.wait(), WAIT)
        writer = self._writer
        assert writer is not None
        future: asyncio.Future[int | None] = asyncio.get_running_loop().create_future()
        self._waiting[sent.sequence] = future
        writer.write(sent.raw)
        await writer.drain()
        try:
            outcome = await asyncio.wait_for(future, WAIT)
        finally:
            del self._waiting[sent.sequence]
        if outcome is None:
            sent.dropped = True
            await asyncio.wait_for(self._bound.wait(), WAIT)  # the link comes back
        else:
            sent.status = outcome


def deliver_sm(sequence: int, sender: str, **fields: Any) -> bytes:
    tlvs = fields.pop("tlvs", None)
    return codec.encode(
        "deliver_sm",
        sequence,
        tlvs=tlvs,
        source_addr=sender,
        source_addr_ton=1,
        source_addr_npi=1,
        destination_addr="36111",
        **fields,
    )


def with_length(raw: bytes, length: int) -> bytes:
    return struct.pack(">L", length) + raw[4:]


tlv_tags = st.integers(0, 0xFFFF).filter(lambda tag: tag != codec.TLV_RECEIPTED_MESSAGE_ID)
tlvs = st.dictionaries(tlv_tags, st.binary(max_size=40), max_size=4)
texts = st.binary(max_size=160)


@st.composite
def bad_pdus(draw: st.DrawFn, sequence: int, sender: str) -> Sent:
    """One mutated deliver_sm and whom it must be stored from if acknowledged (or None)."""
    kind = draw(
        st.sampled_from(
            ["tlvs", "coding", "udh", "esm", "damaged_tlv", "sm_length", "cut", "body", "length"]
        )
    )
    text = draw(texts)
    if kind == "tlvs":  # unknown and known tags with random values
        found = draw(tlvs)
        whole = not ({codec.TLV_SAR_MSG_REF_NUM} & set(found))
        raw = deliver_sm(sequence, sender, short_message=text, tlvs=found)
        return Sent(raw, sequence, sender if whole else None)
    if kind == "coding":
        coding = draw(st.integers(0, 255))
        raw = deliver_sm(sequence, sender, short_message=text, data_coding=coding)
        return Sent(raw, sequence, sender)
    if kind == "udh":  # a UDH (well-formed or not) with esm_class 0x40
        udh = draw(st.binary(max_size=12))
        raw = deliver_sm(sequence, sender, short_message=udh + text, esm_class=0x40)
        return Sent(raw, sequence, None)
    if kind == "esm":  # receipts, SME acknowledgements, other bits
        esm = draw(st.integers(0, 255))
        raw = deliver_sm(sequence, sender, short_message=text, esm_class=esm)
        plain = esm & 0x3C == 0 and esm & 0x40 == 0
        return Sent(raw, sequence, sender if plain else None)
    if kind == "damaged_tlv":  # a TLV that runs past the end, or a few stray octets
        tail = draw(st.binary(min_size=1, max_size=7))
        raw = deliver_sm(sequence, sender, short_message=text or b"x")
        raw = with_length(raw + tail, len(raw) + len(tail))
        return Sent(raw, sequence, sender)
    if kind == "sm_length":  # sm_length says another size than the octets that follow
        raw = bytearray(deliver_sm(sequence, sender, short_message=text))
        at = len(raw) - len(text) - 1
        raw[at] = (raw[at] + draw(st.integers(1, 255))) & 0xFF
        return Sent(bytes(raw), sequence, None)
    raw = deliver_sm(sequence, sender, short_message=text)
    if kind == "cut":  # the PDU cut short, its command_length saying so
        cut = raw[: draw(st.integers(16, len(raw) - 1))]
        return Sent(with_length(cut, len(cut)), sequence, None)
    if kind == "body":  # a right header and any body
        body = draw(st.binary(max_size=300))
        return Sent(
            codec.HEADER.pack(16 + len(body), DELIVER_SM, 0, sequence) + body, sequence, None
        )
    length = draw(st.sampled_from([0, 1, 15, 70_000, 0xFFFFFFFF]))  # no PDU has that length
    return Sent(with_length(raw, length), sequence, None)


@st.composite
def scenarios(draw: st.DrawFn) -> list[Sent]:
    """Good deliver_sm (a plain GSM-7 text each) interleaved with bad ones; a good one last."""
    sent: list[Sent] = []
    for n in range(draw(st.integers(1, 6))):
        sequence, sender = 100 + 2 * n, f"3361000{n:04d}"
        if draw(st.booleans()):
            sent.append(draw(bad_pdus(sequence, sender)))
        good = deliver_sm(sequence + 1, f"3362000{n:04d}", short_message=f"FUZZ {n}".encode())
        sent.append(Sent(good, sequence + 1, f"3362000{n:04d}", good=True))
    return sent


async def run(scenario: list[Sent], folder: Path) -> list[tuple[str]]:
    smsc = FakeSmsc()
    await smsc.start()
    transport = SmppTransport(
        "operator",
        SmppSettings(
            port=smsc.port,
            system_id="twoway",
            numbers={"36111": "short_code"},
            reconnect_min=0.05,
            reconnect_max=0.2,
            response_timeout=5.0,
        ),
    )
    store = SqliteStore(folder / "twoway.db")
    service = Service(RULES, store, {"operator": transport}, routes={"36111": "operator"})
    await service.start()
    try:
        for sent in scenario:
            await smsc.send(sent)
        await service.idle()
    finally:
        await service.stop(drain_timeout=5)
        await smsc.stop()
    with sqlite3.connect(folder / "twoway.db") as db:
        return db.execute("SELECT sender FROM inbound").fetchall()


@settings(
    max_examples=50,
    deadline=None,
    derandomize=True,  # the same examples on every run: a CI failure is reproducible
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(scenario=scenarios())
def test_deliver_sm_from_a_misbehaving_smsc(
    scenario: list[Sent], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    with tempfile.TemporaryDirectory() as folder:
        stored = {sender for (sender,) in asyncio.run(run(scenario, Path(folder)))}
    crashed = [r.getMessage() for r in caplog.records if r.exc_info and r.levelno >= logging.ERROR]
    assert crashed == []
    for sent in scenario:
        if sent.good:
            assert sent.status == 0, sent  # answered ESME_ROK, not dropped
        if sent.status == 0 and sent.sender is not None:
            assert f"+{sent.sender}" in stored, f"acknowledged but not stored: {sent}"
