"""Property-based fuzz of the jsonl frames against an in-process engine (Service, SqliteStore on
a file, JsonLinesTransport on a real socket): arbitrary bytes, arbitrary JSON values and MO
frames with arbitrary field values, each followed by a good MO. No traceback is logged, every
good MO is acknowledged, and every acknowledged MO is in the store."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import logging
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.ruleset.compiler import compile_rules
from engine.service import Service
from engine.store import SqliteStore
from engine.transports.jsonl import JsonLinesTransport
from tests.support.engine_process import HOST, REPO

WAIT = 30.0

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.text(max_size=12),
    st.sampled_from(["", " ", "\ud800", "a\udfffb", "HOURS", "+33600000001", "36111"]),
)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner),
    max_leaves=6,
)
mo_frames = st.fixed_dictionaries(
    {"type": st.just("mo")},
    optional={"id": values, "from": values, "to": values, "text": values},
)
other_frames = st.fixed_dictionaries(
    {"type": st.sampled_from(["mt_ack", "query_resp", "ping", "auth", "mo", "nope", 3])},
    optional={"ref": values, "seen": values, "id": values, "token": values},
)


def line(value: Any) -> bytes:
    return json.dumps(value).encode() + b"\n"  # ensure_ascii: a surrogate is written \ud800


items = st.one_of(
    st.binary(max_size=120).map(lambda data: data + b"\n"),
    values.map(line),
    mo_frames.map(line),
    other_frames.map(line),
)


class Exchange:
    """One connection: send the fuzzed lines, each followed by a good MO; collect answers."""

    def __init__(self, port: int, counter: itertools.count[int]) -> None:
        self.port = port
        self.counter = counter
        self.acked: set[str] = set()
        self.nacked: dict[str, str] = {}

    async def run(self, lines: list[bytes]) -> list[str]:
        reader, writer = await asyncio.open_connection(HOST, self.port)
        good = []
        for data in lines:
            mo_id = f"good-{next(self.counter)}"
            good.append(mo_id)
            frame = {"type": "mo", "id": mo_id, "from": "+33600000001", "to": "36111"}
            writer.write(data + line({**frame, "text": "HOURS"}))
        async with asyncio.timeout(WAIT):
            while not all(mo_id in self.acked or mo_id in self.nacked for mo_id in good):
                self.take(json.loads(await reader.readline()), writer)
        writer.close()
        with contextlib.suppress(OSError):
            await writer.wait_closed()
        return good

    def take(self, frame: dict[str, Any], writer: asyncio.StreamWriter) -> None:
        if frame.get("type") == "ack":
            self.acked.add(frame["id"])
        elif frame.get("type") == "nack" and isinstance(frame.get("id"), str):
            self.nacked[frame["id"]] = frame["error"]
        elif frame.get("type") == "mt":
            writer.write(line({"type": "mt_ack", "ref": frame["ref"]}))


def test_fuzzed_frames(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    loop = asyncio.new_event_loop()
    ruleset = compile_rules(REPO / "rules").raise_for_errors()
    transport = JsonLinesTransport("console", HOST, 0, ack_timeout=5.0)
    db = tmp_path / "fuzz.db"
    service = Service(ruleset, SqliteStore(str(db)), {"console": transport})
    loop.run_until_complete(service.start())
    exchange = Exchange(transport.port, itertools.count())

    @settings(
        max_examples=40,
        deadline=10_000,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(st.lists(items, min_size=1, max_size=6))
    def fuzz(lines: list[bytes]) -> None:
        good = loop.run_until_complete(exchange.run(lines))
        refused = {mo_id: exchange.nacked[mo_id] for mo_id in good if mo_id in exchange.nacked}
        assert not refused, f"good MOs refused after {lines!r}: {refused}"

    try:
        fuzz()
    finally:
        loop.run_until_complete(service.stop(drain_timeout=2.0))
        loop.close()
    with contextlib.closing(sqlite3.connect(db)) as conn:
        stored = {row[0] for row in conn.execute("SELECT external_id FROM inbound")}
    assert exchange.acked <= stored, f"acknowledged, not stored: {exchange.acked - stored}"
    tracebacks = [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]
    assert not tracebacks, [r.getMessage() for r in tracebacks]
