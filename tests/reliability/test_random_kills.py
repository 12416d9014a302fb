"""Crash safety under load: SIGKILL a real engine at 20 random moments during 20,000 messages.

The engine runs as ``python -m engine run --config twoway.yaml`` with a jsonl connector and a rules
folder written by the test: ``HOURS`` (an autoreply), ``VOTE A|B|C`` (a poll, one vote per phone)
and ``PING`` (a flow that says "pong" and waits; after 2 s without an answer it says "timeout" and
ends: a durable timer). The test process plays the SMSC (``jsonl_peer``). It streams 20,000 MOs
from 18,500 phones; 400 of them send PING and never answer, spread over the whole stream, so that
timers are pending at most kills.

The kills come from a seeded random generator: the seed is printed, and ``TWOWAY_KILL_SEED``
replays its kill schedule (what is in flight at each kill also depends on timing, so it varies a
little between replays). Each kill has a position in the progress of the whole test (distinct MOs
acknowledged plus distinct MTs received, 40,400 in all) and a kind: on an ack (MOs streaming), on
an MT before acknowledging it (rows in flight), on a "timeout" MT (timers firing, others pending),
or on the n-th frame after a restart (during recovery: the ``query`` exchange, the re-sends). A
kill whose frame does not come within 1,000 progress past its position fires on any frame
(``any``). After each kill the store is inspected as the kill left it (a copy), the engine restarts
with the same configuration, and the peer re-delivers every MO it has no ack for, plus a few it
has (as an SMSC may). Once every reply arrived, SIGTERM must exit 0, and then:

- every MO is stored once and ``processed``, with exactly one reply row (every rule here replies
  once per MO), and each timer phone has exactly one "timeout" row: no timer lost or fired twice;
- every row is ``sent`` and reached the peer exactly once (the peer answers ``query``), each phone
  got exactly its expected texts, and the poll holds one vote per voter;
- no timer and no active session is left, and no engine log has an ERROR or a traceback.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import re
import signal
import sqlite3
import time
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.support.crash_store import as_left
from tests.support.engine_process import Engine, write_config
from tests.support.jsonl_peer import MO, Peer, PeerLog, free_port
from tests.support.kill_workload import (
    ALREADY,
    CHOICES,
    HOURS_REPLY,
    POLL,
    PONG,
    RULES,
    THANKS,
    TIMEOUT,
)

REPO = Path(__file__).resolve().parents[2]
CONNECTOR = "smsc"
SHORT_CODE = "36111"
HOST = "127.0.0.1"
SEED_ENV = "TWOWAY_KILL_SEED"

KILLS = 20
MESSAGES = 20_000
TIMER_PHONES = 400  # PING, never answer: "pong", then "timeout" 2 s later
VOTERS = 3_000  # VOTE once ...
REVOTERS = 500  # ... of whom these vote again later: "already voted"
HOURS_TWICE = 1_000  # phones that send HOURS twice
HOURS_ONCE = MESSAGES - TIMER_PHONES - VOTERS - REVOTERS - 2 * HOURS_TWICE  # 14,100
SECOND_GAP = 500  # a phone's second MO comes this many MOs after its first
MO_WINDOW = 100  # MOs awaiting their ack, like an SMSC's window
OUTBOX_WINDOW = 64  # engine.outbox.Outbox(window=64)


# Where the kills land: position = global progress (distinct acks + distinct MTs) from which the
# kill may fire, on the first frame of its kind. ``restart`` ignores the position and fires on the
# n-th ack or MT after a restart, while the engine recovers.
KINDS = ("ack", "mt", "timeout", "restart")
KIND_WEIGHTS = (3, 3, 2, 2)
FIRST_KILL = 400  # progress before the first kill
MIN_GAP = 400  # progress between two positioned kills
LAST_KILL = 0.9  # of the whole progress: the last kill still has work around it
FALLBACK = 1_000  # progress past its position after which a kill fires on any frame ("any")
RESTART_FRAMES = (1, 64)
RESEND_ACKED = (5, 30)  # acknowledged MOs re-delivered at each restart

RUN_TIMEOUT = 40.0
STOP_TIMEOUT = 20.0


# --- the workload -------------------------------------------------------------------------------


@dataclass
class Workload:
    order: list[MO]
    reply: dict[str, str]
    """MO id → the one reply it must get."""
    expected: dict[str, Counter[str]]
    """Phone → every text it must receive, with multiplicity."""
    choices: dict[str, str]
    """Voter → the choice of their first vote."""
    timer_phones: set[str]

    @property
    def replies(self) -> int:
        return sum(sum(texts.values()) for texts in self.expected.values())


def workload() -> Workload:
    """The MOs in sending order (fixed: the seed moves the kills, not the traffic)."""
    keys = list(CHOICES)
    pairs: list[tuple[MO, MO | None]] = []
    reply: dict[str, str] = {}
    choices: dict[str, str] = {}
    for i in range(HOURS_ONCE):
        pairs.append((MO(f"h{i}", f"+3361{i:07d}", SHORT_CODE, "HOURS"), None))
    for i in range(HOURS_TWICE):
        phone = f"+3362{i:07d}"
        first = MO(f"d{i}-1", phone, SHORT_CODE, "hours")
        pairs.append((first, MO(f"d{i}-2", phone, SHORT_CODE, "HOURS")))
    for i in range(VOTERS):
        phone, key = f"+3363{i:07d}", keys[i % 3]
        first = MO(f"v{i}-1", phone, SHORT_CODE, f"VOTE {key}")
        again = None
        if i < REVOTERS:
            again = MO(f"v{i}-2", phone, SHORT_CODE, f"vote {keys[(i + 1) % 3]}")
            reply[again.id] = ALREADY[key]
        reply[first.id] = THANKS[key]
        choices[phone] = key
        pairs.append((first, again))
    random.Random(MESSAGES).shuffle(pairs)
    others: list[MO] = []
    seconds: list[tuple[int, MO]] = []  # (position it may go at, MO), in position order
    for first, second in pairs:
        others.append(first)
        if second is not None:
            seconds.append((len(others) + SECOND_GAP, second))
        while seconds and seconds[0][0] <= len(others):
            others.append(seconds.pop(0)[1])
    others.extend(mo for _, mo in seconds)
    pings = [MO(f"p{i}", f"+3364{i:07d}", SHORT_CODE, "PING") for i in range(TIMER_PHONES)]
    every = len(others) // TIMER_PHONES  # one PING every 49 other MOs, from start to end
    order: list[MO] = []
    for index, mo in enumerate(others):
        order.append(mo)
        if index % every == every // 2 and len(order) < MESSAGES and pings:
            order.append(pings.pop(0))
    assert not pings and len(order) == MESSAGES == len({mo.id for mo in order})
    expected: dict[str, Counter[str]] = {}
    for mo in order:
        if mo.text == "PING":
            reply[mo.id] = PONG
            expected.setdefault(mo.sender, Counter())[TIMEOUT] += 1
        elif mo.id not in reply:
            reply[mo.id] = HOURS_REPLY
        expected.setdefault(mo.sender, Counter())[reply[mo.id]] += 1
    timer_phones = {mo.sender for mo in order if mo.text == "PING"}
    return Workload(order, reply, expected, choices, timer_phones)


# --- the kills ----------------------------------------------------------------------------------


@dataclass
class Kill:
    kind: str
    at: int
    """The progress from which it fires; for ``restart``, the acks and MTs of the run."""


def schedule(rng: random.Random, total: int) -> list[Kill]:
    """``KILLS`` kills at sorted random positions, at least ``MIN_GAP`` progress apart."""
    span = int(total * LAST_KILL) - FIRST_KILL - KILLS * MIN_GAP
    points = sorted(rng.sample(range(span), KILLS))
    kinds = rng.choices(KINDS, KIND_WEIGHTS, k=KILLS)
    return [
        Kill(kind, rng.randint(*RESTART_FRAMES))
        if kind == "restart"
        else Kill(kind, FIRST_KILL + point + index * MIN_GAP)
        for index, (kind, point) in enumerate(zip(kinds, points, strict=True))
    ]


@dataclass
class Fired:
    kind: str
    """The kill's kind; ``any`` when it fired on its fall-back, ``idle`` when all was done."""
    progress: int
    mos_left: int
    """MOs the peer had no ack for yet: more than 0 while MOs still streamed."""


# --- the engine process -------------------------------------------------------------------------


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[tuple[Engine, int]]:
    rules = tmp_path / "rules"
    rules.mkdir()
    for name, text in RULES.items():
        (rules / name).write_text(text, encoding="utf-8")
    port = free_port()
    config = write_config(tmp_path, rules, CONNECTOR, port)
    runner = Engine(tmp_path, config)
    try:
        yield runner, port
    finally:
        await runner.cleanup()


# --- the store as a kill left it ------------------------------------------------------------------


@dataclass
class AtKill:
    committed: set[str]
    received: int
    sending: set[int]
    queued: int
    timers: int


def inspect_crash(db: Path, into: Path) -> AtKill:
    """Read the database as the kill left it (a copy: ``tests.support.crash_store``)."""
    with as_left(db, into) as conn:

        def count(sql: str) -> int:
            return int(conn.execute(sql).fetchone()[0])

        return AtKill(
            committed={str(row[0]) for row in conn.execute("SELECT external_id FROM inbound")},
            received=count("SELECT COUNT(*) FROM inbound WHERE status = 'received'"),
            sending={
                row[0] for row in conn.execute("SELECT id FROM outbox WHERE status = 'sending'")
            },
            queued=count("SELECT COUNT(*) FROM outbox WHERE status = 'queued'"),
            timers=count("SELECT COUNT(*) FROM timers"),
        )


# --- the test -----------------------------------------------------------------------------------


async def test_random_kills_under_load_lose_nothing(
    engine: tuple[Engine, int], tmp_path: Path
) -> None:
    began = time.monotonic()
    seed = int(os.environ.get(SEED_ENV) or random.SystemRandom().randrange(1_000_000))
    print(f"\nrandom kills: seed {seed} (replay with {SEED_ENV}={seed})")
    rng = random.Random(seed)
    runner, port = engine
    work = workload()
    by_id = {mo.id: mo for mo in work.order}
    total = MESSAGES + work.replies
    kills = schedule(rng, total)
    log = PeerLog()

    def progress() -> int:
        return len(log.acks) + len(log.mt_counts)

    def done() -> bool:
        return len(log.acks) == MESSAGES and len(log.mt_counts) >= work.replies

    resent_acked = 0  # acknowledged MOs re-delivered on purpose
    resent_committed = 0  # MOs committed without their ack reaching the peer, re-delivered
    at_kills: list[AtKill] = []
    fired: list[Fired] = []
    listening: list[float] = []
    durations: list[float] = []  # each run, from its start to its kill (or to done)
    last_again: list[MO] = []

    for run in range(KILLS + 1):
        run_began = time.monotonic()
        listening.append(await runner.start(port))
        proc = runner.proc
        assert proc is not None
        kill = kills[run] if run < KILLS else None
        frames = 0

        def hook(
            frame: dict[str, Any],
            kill: Kill | None = kill,
            run: int = run,
            proc: asyncio.subprocess.Process = proc,
        ) -> None:
            nonlocal frames
            kind = frame["type"]
            if kill is None or len(fired) > run or kind not in ("ack", "mt"):
                return
            frames += 1
            now = progress()
            label = kill.kind
            if kill.kind == "restart":
                fire = frames >= kill.at
            elif now >= kill.at + FALLBACK:
                fire, label = True, "any"
            elif now >= kill.at:
                fire = kind == "ack" if kill.kind == "ack" else kind == "mt"
                if kill.kind == "timeout":
                    fire = fire and frame.get("text") == TIMEOUT
            else:
                fire = False
            if fire:
                proc.send_signal(signal.SIGKILL)  # synchronously, before an MT is acknowledged
                fired.append(Fired(label, now, MESSAGES - len(log.acks)))

        # The SMSC re-delivers what it has no ack for, in the original order, after a few MOs
        # it has an ack for (some of the latest, some older): each must be acked, not processed.
        acked = list(log.acks)
        again: list[MO] = []
        if acked:
            count = min(len(acked), rng.randint(*RESEND_ACKED))
            recent = rng.sample(acked[-200:], min(len(acked[-200:]), count // 2))
            older = rng.sample(acked, count - len(recent))
            again = [by_id[mo_id] for mo_id in dict.fromkeys([*recent, *older])]
        resent_acked += len(again)
        last_again = again
        unacked = [mo for mo in work.order if mo.id not in log.acks]
        peer = Peer(log, on_frame=hook)
        try:
            await peer.connect(HOST, port)
        except OSError as exc:
            pytest.fail(f"cannot connect to the engine ({exc}); its log:\n{runner.log()}")
        streaming = asyncio.create_task(peer.stream([*again, *unacked], MO_WINDOW))

        if kill is None:
            break
        try:
            await peer.wait_for(
                lambda peer=peer, run=run: len(fired) > run or done() or peer.closed.is_set(),
                RUN_TIMEOUT,
            )
        except TimeoutError:
            pytest.fail(
                f"run {run}: no progress to kill {kill} at, progress {progress()}/{total}; "
                f"log:\n{runner.log()[-3000:]}"
            )
        assert len(fired) > run or not peer.closed.is_set(), (
            f"run {run}: the engine dropped the peer; log:\n{runner.log()[-3000:]}"
        )
        if len(fired) <= run:  # everything done before the kill's moment: kill it idle
            proc.send_signal(signal.SIGKILL)
            fired.append(Fired("idle", progress(), MESSAGES - len(log.acks)))
        durations.append(time.monotonic() - run_began)
        code = await asyncio.wait_for(proc.wait(), STOP_TIMEOUT)
        assert code == -signal.SIGKILL, f"exit {code}; log:\n{runner.log()[-3000:]}"
        await asyncio.wait_for(peer.closed.wait(), STOP_TIMEOUT)
        await streaming
        await peer.aclose()
        state = inspect_crash(tmp_path / "twoway.db", tmp_path / f"at-kill-{run}")
        missing = set(log.acks) - state.committed
        assert not missing, (
            f"acknowledged MOs not in the store at kill {run}: {sorted(missing)[:5]}"
        )
        # One window of rows handed over at a time: of the rows left `sending` (written so by
        # the transaction that queued them), at most that many reached the peer unrecorded;
        # rows a previous kill left `sending` stay so until the outbox reaches them.
        previous = at_kills[-1].sending if at_kills else set()
        handed = (state.sending - previous) & set(log.mt_counts)
        assert len(handed) <= OUTBOX_WINDOW, (len(handed), len(state.sending), len(previous))
        resent_committed += len(state.committed - set(log.acks))
        at_kills.append(state)

    # The last run: no kill; wait for every ack and every reply, timeouts included.
    try:
        await peer.wait_for(lambda: done() or peer.closed.is_set(), RUN_TIMEOUT)
    except TimeoutError:
        pytest.fail(
            f"not done after the last restart: {len(log.acks)}/{MESSAGES} acked, "
            f"{len(log.mt_counts)}/{work.replies} replies; log:\n{runner.log()[-3000:]}"
        )
    assert not peer.closed.is_set(), f"the engine dropped the peer; log:\n{runner.log()[-3000:]}"
    durations.append(time.monotonic() - run_began)
    await streaming
    stopping = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    code = await asyncio.wait_for(proc.wait(), STOP_TIMEOUT)
    final_stop = time.monotonic() - stopping
    await peer.aclose()
    assert code == 0, f"SIGTERM exit code {code}; log:\n{runner.log()[-3000:]}"

    # The store.
    with contextlib.closing(sqlite3.connect(tmp_path / "twoway.db")) as db:
        inbound = db.execute(
            "SELECT id, transport, external_id, sender, text, status FROM inbound"
        ).fetchall()
        outbox = db.execute("SELECT id, inbound_id, recipient, text, status FROM outbox").fetchall()
        votes = db.execute("SELECT contact, choice FROM votes WHERE poll = ?", (POLL,)).fetchall()
        timers_left = db.execute("SELECT COUNT(*) FROM timers").fetchone()[0]
        active = db.execute("SELECT COUNT(*) FROM sessions WHERE status = 'active'").fetchone()[0]

    stored = Counter(str(row[2]) for row in inbound)
    assert set(stored) == set(by_id), "MOs lost or unknown MOs stored"
    assert max(stored.values()) == 1, "an MO was stored twice"
    assert {row[1] for row in inbound} == {CONNECTOR}
    not_processed = [row for row in inbound if row[5] != "processed"]
    assert not not_processed, f"{len(not_processed)} MOs never processed: {not_processed[:5]}"
    external = {row[0]: str(row[2]) for row in inbound}
    for _, _, external_id, sender, text, _ in inbound:
        assert (sender, text) == (by_id[str(external_id)].sender, by_id[str(external_id)].text)

    replies = Counter(row[1] for row in outbox if row[1] is not None)
    assert set(replies) == set(external), "an MO got no reply row"
    assert max(replies.values()) == 1, "an MO got two reply rows: processed twice"
    for _, inbound_id, recipient, text, _ in outbox:
        if inbound_id is not None:
            mo = by_id[external[inbound_id]]
            assert (recipient, text) == (mo.sender, work.reply[mo.id])
    timeouts = Counter(row[2] for row in outbox if row[1] is None)
    assert {row[3] for row in outbox if row[1] is None} <= {TIMEOUT}
    assert set(timeouts) == work.timer_phones, "a timer was lost"
    assert max(timeouts.values()) == 1, "a timer fired twice"
    assert Counter(row[4] for row in outbox) == {"sent": len(outbox)}
    assert len(outbox) == work.replies
    assert sorted(votes) == sorted(work.choices.items()), "not exactly one vote per voter"
    assert (timers_left, active) == (0, 0)

    # What the peer saw.
    assert not log.nacks, log.nacks[:5]
    assert not log.errors, log.errors[:5]
    assert not log.mt_mismatches, log.mt_mismatches[:5]
    assert set(log.mt_counts) == {row[0] for row in outbox}, "a reply row never reached the peer"
    outbox_text = {row[0]: (row[2], row[3]) for row in outbox}
    for ref, frame in log.mt_frames.items():
        assert (frame["to"], frame["text"]) == outbox_text[ref]
    duplicated = log.duplicated_refs()
    assert set(log.texts) == set(work.expected), "texts to phones that sent nothing"
    wrong = {
        phone: log.texts[phone]
        for phone, texts in work.expected.items()
        if Counter(log.texts[phone]) != texts
    }
    assert set(log.acks) == set(by_id)
    for mo in last_again:
        assert log.acks[mo.id] >= 2, f"a re-delivered MO was not acknowledged again: {mo.id}"

    for run_log in sorted(tmp_path.glob("engine-*.log")):
        text = run_log.read_text(encoding="utf-8", errors="replace")
        assert not re.search(r"\bERROR\b|Traceback", text), f"{run_log.name}:\n{text[-5000:]}"

    elapsed = time.monotonic() - began
    kinds = Counter(f.kind for f in fired)
    print(
        f"random kills: seed {seed}, {len(fired)} kills ("
        + ", ".join(f"{kind} {kinds[kind]}" for kind in (*KINDS, "any", "idle") if kinds[kind])
        + f"; {sum(f.mos_left > 0 for f in fired)} while MOs streamed, "
        f"{sum(bool(s.sending) for s in at_kills)} with rows sending, "
        f"{sum(s.timers > 0 for s in at_kills)} with timers pending), {MESSAGES} messages, "
        f"{sum(log.acks.values())} acks, duplicate MOs re-delivered "
        f"{resent_acked + resent_committed} ({resent_acked} acked + {resent_committed} committed "
        f"without ack), duplicate MTs {len(duplicated)} (expected 0), rows sending at the kills "
        f"{sum(len(s.sending) for s in at_kills)}, timers pending at the kills "
        f"{sum(s.timers for s in at_kills)}, timers fired {sum(timeouts.values())}, "
        f"truncated frames {log.truncated}, restart to listening "
        f"{min(listening[1:]):.2f}-{max(listening[1:]):.2f}s, final SIGTERM {final_stop:.2f}s, "
        f"total {elapsed:.1f}s"
    )
    print("  seconds of each run: " + " ".join(f"{d:.1f}" for d in durations))
    print(
        "  at each kill (kind@progress: MOs unacked, unprocessed / rows sending, queued / timers): "
        + ", ".join(
            f"{f.kind}@{f.progress}: {f.mos_left}, {s.received} / {len(s.sending)}, {s.queued}"
            f" / {s.timers}"
            for f, s in zip(fired, at_kills, strict=True)
        )
    )
    assert not duplicated, f"replies arrived twice: {duplicated[:10]}"
    assert not wrong, f"{len(wrong)} phones got other texts, e.g. {list(wrong.items())[:5]}"
