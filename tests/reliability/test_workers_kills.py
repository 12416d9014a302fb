"""Crash safety of ``workers: 2`` over SMPP: random SIGKILLs of one worker and of the whole engine
while the node-smpp SMSC (tests/smsc/smsc.js) streams MOs over both binds.

``twoway run`` runs a supervisor and two workers over one SQLite store; each worker binds to the
SMSC, which spreads the MOs over both binds (``spread``), so both workers take MOs. The rules are
those of test_random_kills.py: ``HOURS`` (an autoreply), ``VOTE A|B|C`` (a poll, one vote per
phone) and ``PING`` (a flow that says "pong", then "timeout" after 2 s: a durable timer, fired by
worker 1). The SMSC streams the MOs (its ``stream`` command with the list of MOs, a window of 100
deliver_sm awaiting their answer, in bursts of 300 paced so that the stream lasts about 4 s a
kill), re-delivers on a live bind every MO it has no deliver_sm_resp for when a connection
drops, reports each MO's first answer (with a counter of its deliveries and answers at the
delivery answered and at the answer) and every submit_sm it accepts.

``TWOWAY_KILL_MESSAGES`` MOs (20,000 by default, the workload of test_random_kills.py; about
a minute) and ``TWOWAY_WORKERS_KILLS`` kills (10 by default, 5 below 20,000 MOs: a quicker run
while working on it, ``TWOWAY_KILL_MESSAGES=5000``, takes half a minute). The kills come
from a seeded generator: the seed is printed and
``TWOWAY_WORKERS_KILL_SEED`` replays the schedule (what is in flight at each kill depends on
timing too). Each kill has a position in the progress (distinct MOs answered ESME_ROK plus
submit_sm accepted) and a kind:

- ``worker``: SIGKILL of one worker (its pid from the supervisor's /health); the supervisor
  starts it again. Every MO the SMSC had an answer for before the kill is in the store.
- ``engine``: SIGKILL of the supervisor and both workers, then ``twoway run`` again on the same
  configuration and store. The store is inspected as the kill left it (a copy).
- ``recovering``: as ``engine``, but fired as soon as the previous kill's restart is up (/health
  ok), ignoring its position: the engine dies again while it recovers.

After each kill the test waits for /health ``ok`` (both workers up), so a worker that never
comes back fails it. Once every MO is answered, as many replies accepted as expected and the
store has nothing left to do, SIGTERM must exit 0, and:

- every MO is stored once (SMPP has no MO id: sender and text, unique in this workload) and
  ``processed``, with exactly one reply row; each timer phone has exactly one "timeout" row;
- the replies are those of the MOs handled one at a time in the order the store processed them
  (each MO's reply row is written by the transaction that processes it): a phone's second MO
  may come first when its first was delivered again after a kill or was still unanswered on
  the other bind, never when the first was answered before the second was delivered;
- every row is ``sent``; the SMSC accepted each expected reply at least once, and a reply twice
  only within the documented duplicate window: at most one outbox window (64 rows) per worker
  killed (docs/operations.md, "The outbox and its duplicate window": an SMPP link cannot be
  asked which MTs it has);
- the poll holds one vote per voter (the first processed), no timer and no active session is
  left, and no log has a traceback or an ERROR other than the supervisor's "worker N (pid P)
  exited: killed by SIGKILL".

The second test sends the MOs of one phone on both binds at the same moment (rounds of two, one
on each bind, then a burst) into a flow that appends each text to a session variable and replies
with it: the replies and the final variables must be those of the same texts handled one at a
time in the order the store processed them (``engine.testing.Harness``, in memory), every text
taken once, each bind's texts in the order sent.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import os
import random
import re
import signal
import sqlite3
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine.ruleset.compiler import compile_rules
from engine.testing import Harness
from tests.support.crash_store import as_left
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
from tests.transports.node_smsc import NodeSmsc
from tests.workers.cluster import Cluster, write_config

MESSAGES_ENV = "TWOWAY_KILL_MESSAGES"
KILLS_ENV = "TWOWAY_WORKERS_KILLS"
SEED_ENV = "TWOWAY_WORKERS_KILL_SEED"
MESSAGES = int(os.environ.get(MESSAGES_ENV) or 20_000)
KILLS = int(os.environ.get(KILLS_ENV) or (10 if MESSAGES >= 20_000 else 5))

CONNECTOR = "operator"
SHORT_CODE = "36111"
TIMER_PHONES = MESSAGES // 50  # PING, never answer: "pong", then "timeout" 2 s later
VOTERS = MESSAGES * 3 // 20  # VOTE once ...
REVOTERS = MESSAGES // 40  # ... of whom these vote again later: "already voted"
HOURS_TWICE = MESSAGES // 20  # phones that send HOURS twice ("hours", then "HOURS")
HOURS_ONCE = MESSAGES - TIMER_PHONES - VOTERS - REVOTERS - 2 * HOURS_TWICE
SECOND_GAP = 500  # a phone's second MO comes this many MOs after its first
MO_WINDOW = 100  # deliver_sm awaiting their answer, like an SMSC's window
OUTBOX_WINDOW = 64  # engine.outbox.Outbox(window=64): rows handed over, not yet recorded sent
WORKERS = 2


# The SMSC paces the stream so that it lasts about SECONDS_PER_KILL a kill: the engine takes 5,000
# MOs a second and more, and a kill takes 1-5 s to recover from (a worker killed again within a
# minute is restarted after 2, then 4 s: the supervisor's back-off), so unpaced the stream would
# be over before the second kill.
SECONDS_PER_KILL = 4
RATE = max(100, MESSAGES // (KILLS * SECONDS_PER_KILL))
BURST_MOS = 3 * MO_WINDOW  # delivered as fast as the window lets them go: a kill in a burst
# finds the window full

KINDS = ("worker", "engine", "recovering")
KIND_WEIGHTS = (5, 3, 2)
FIRST_KILL = 0.03  # of the whole progress: before the first kill
LAST_KILL = 0.85  # of the whole progress: the last kill still has work around it
PROGRESS_TIMEOUT = 40.0  # the longest without any progress (MOs answered, submits accepted)
STOP_TIMEOUT = 45.0  # SIGTERM: the workers drain (up to 30 s each), the supervisor exits
GONE_TIMEOUT = 20.0
TICK = 0.005  # polling the SMSC's record: a burst of MOs takes some 100 ms
EXPECTED_ERROR = re.compile(r"worker \d \(pid \d+\) exited: killed by SIGKILL; starting it again")


# --- the workload ----------------------------------------------------------------------------


@dataclass
class Workload:
    order: list[tuple[str, str]]
    """(sender, text) in sending order; each pair once."""
    reply: dict[tuple[str, str], str]
    """MO → the one reply it must get."""
    expected: Counter[tuple[str, str]]
    """(phone, text) → how many times the SMSC must get it."""
    choices: dict[str, str]
    timer_phones: set[str]

    @property
    def per_phone(self) -> Counter[str]:
        """Phone → how many replies it gets, whatever the order of its MOs."""
        counts: Counter[str] = Counter()
        for (phone, _), n in self.expected.items():
            counts[phone] += n
        return counts

    @property
    def replies(self) -> int:
        return sum(self.expected.values())


def workload() -> Workload:
    """The MOs in sending order (fixed: the seed moves the kills, not the traffic)."""
    keys = list(CHOICES)
    pairs: list[tuple[tuple[str, str], tuple[str, str] | None]] = []
    reply: dict[tuple[str, str], str] = {}
    choices: dict[str, str] = {}
    for i in range(HOURS_ONCE):
        pairs.append(((f"+3361{i:07d}", "HOURS"), None))
    for i in range(HOURS_TWICE):
        phone = f"+3362{i:07d}"
        pairs.append(((phone, "hours"), (phone, "HOURS")))
    for i in range(VOTERS):
        phone, key = f"+3363{i:07d}", keys[i % 3]
        first = (phone, f"VOTE {key}")
        again = None
        if i < REVOTERS:
            again = (phone, f"vote {keys[(i + 1) % 3]}")
            reply[again] = ALREADY[key]
        reply[first] = THANKS[key]
        choices[phone] = key
        pairs.append((first, again))
    random.Random(MESSAGES).shuffle(pairs)
    others: list[tuple[str, str]] = []
    seconds: list[tuple[int, tuple[str, str]]] = []
    for first, second in pairs:
        others.append(first)
        if second is not None:
            seconds.append((len(others) + SECOND_GAP, second))
        while seconds and seconds[0][0] <= len(others):
            others.append(seconds.pop(0)[1])
    others.extend(mo for _, mo in seconds)
    pings = [(f"+3364{i:07d}", "PING") for i in range(TIMER_PHONES)]
    every = len(others) // TIMER_PHONES  # one PING every 49 other MOs, from start to end
    order: list[tuple[str, str]] = []
    for index, mo in enumerate(others):
        order.append(mo)
        if index % every == every // 2 and len(order) < MESSAGES and pings:
            order.append(pings.pop(0))
    assert not pings and len(order) == MESSAGES == len(set(order))
    expected: Counter[tuple[str, str]] = Counter()
    for mo in order:
        phone, text = mo
        if text == "PING":
            reply[mo] = PONG
            expected[(phone, TIMEOUT)] += 1
        elif mo not in reply:
            reply[mo] = HOURS_REPLY
        expected[(phone, reply[mo])] += 1
    timer_phones = {phone for phone, text in order if text == "PING"}
    return Workload(order, reply, expected, choices, timer_phones)


# --- the kills -------------------------------------------------------------------------------


@dataclass
class Kill:
    kind: str
    at: int
    """The progress from which it fires (``recovering``: ignored)."""
    worker: int = 0
    """``worker``: which (1 or 2)."""


def schedule(rng: random.Random, total: int) -> list[Kill]:
    first, last = int(total * FIRST_KILL), int(total * LAST_KILL)
    points = sorted(rng.sample(range(first, last), KILLS))
    kinds = rng.choices(KINDS, KIND_WEIGHTS, k=KILLS)
    if kinds[0] == "recovering":  # nothing to recover from yet
        kinds[0] = "engine"
    return [
        Kill(kind, point, rng.randint(1, WORKERS) if kind == "worker" else 0)
        for kind, point in zip(kinds, points, strict=True)
    ]


@dataclass
class Fired:
    kind: str
    progress: int
    mos_left: int
    """MOs without an answer yet: more than 0 while MOs still streamed."""
    killed: int
    """Workers killed by it."""
    sending: int = -1
    """Outbox rows ``sending`` in the store as an engine kill left it (-1: not inspected)."""
    at: float = 0.0
    """Seconds since the test began."""
    received: int = -1
    timers: int = -1
    ahead: int = -1
    """MOs committed that the SMSC had no answer for (as far as the test had read): each is
    delivered again, and must not be stored or processed twice."""
    submits: int = 0
    """submit_sm accepted by the SMSC before this kill."""


# --- what the SMSC saw -------------------------------------------------------------------------


@dataclass
class Seen:
    """What the SMSC printed, read incrementally (``update``)."""

    work: Workload
    cursor: int = 0
    acked: dict[int, tuple[int, int]] = field(default_factory=dict)
    """MO index → the stream's clock at the delivery answered and at its answer."""
    sessions: Counter[int] = field(default_factory=Counter)
    """Connection (1, 2: the first binds of the two workers; then one per bind) → MOs it
    answered."""
    got: Counter[tuple[str, str]] = field(default_factory=Counter)
    """(phone, text) → submit_sm accepted."""
    per_phone: Counter[str] = field(default_factory=Counter)
    wanted: Counter[str] = field(default_factory=Counter)
    """Phone → how many replies it gets."""
    missing: int = 0
    """Replies not accepted yet, counted per phone: which texts they are depends on the order
    a phone's MOs were processed in, known from the store at the end."""
    submits: int = 0
    stream_done: dict[str, Any] | None = None
    binds: int = 0

    def __post_init__(self) -> None:
        self.missing = self.work.replies
        self.wanted = self.work.per_phone  # computed once: a property

    def update(self, smsc: NodeSmsc) -> None:
        events = smsc.events
        while self.cursor < len(events):
            event = events[self.cursor]
            self.cursor += 1
            name = event["event"]
            if name == "stream_ack":
                self.acked[int(event["i"])] = (int(event["sent"]), int(event["acked"]))
                self.sessions[int(event["session"])] += 1
            elif name == "submit_sm" and event.get("status") == 0:
                self.submits += 1
                phone = "+" + str(event["destination_addr"]).lstrip("+")
                self.got[(phone, str(event["message"]))] += 1
                if self.per_phone[phone] < self.wanted[phone]:
                    self.missing -= 1
                self.per_phone[phone] += 1
            elif name == "stream_done":
                self.stream_done = event
            elif name == "bind_transceiver":
                self.binds += 1

    def progress(self) -> int:
        return len(self.acked) + self.submits

    def received_all(self) -> bool:
        """Every MO answered, and as many replies accepted as expected (duplicates count: the
        store has the last word, ``settled``)."""
        return self.stream_done is not None and self.missing == 0


def settled(db: Path) -> bool:
    """The store has nothing left to do: every MO processed, every row sent, no timer."""
    with contextlib.closing(sqlite3.connect(db, timeout=30)) as conn:
        return not conn.execute(
            "SELECT (SELECT COUNT(*) FROM inbound WHERE status != 'processed')"
            " + (SELECT COUNT(*) FROM outbox WHERE status != 'sent')"
            " + (SELECT COUNT(*) FROM timers)"
        ).fetchone()[0]


def one_at_a_time(
    processed: list[tuple[str, str]],
) -> tuple[dict[tuple[str, str], str], Counter[tuple[str, str]], dict[str, str]]:
    """The MOs handled one at a time in the order ``processed``: each one's reply, the texts each
    phone gets (timeouts included) and each voter's vote."""
    reply: dict[tuple[str, str], str] = {}
    texts: Counter[tuple[str, str]] = Counter()
    votes: dict[str, str] = {}
    for phone, text in processed:
        if text == "PING":
            reply[(phone, text)] = PONG
            texts[(phone, TIMEOUT)] += 1
        elif text.upper().startswith("VOTE "):
            choice = text.split()[1]
            reply[(phone, text)] = ALREADY[votes[phone]] if phone in votes else THANKS[choice]
            votes.setdefault(phone, choice)
        else:
            reply[(phone, text)] = HOURS_REPLY
        texts[(phone, reply[(phone, text)])] += 1
    return reply, texts, votes


def _by_phone(order: list[tuple[str, str]]) -> dict[str, list[tuple[str, str]]]:
    phones: dict[str, list[tuple[str, str]]] = {}
    for mo in order:
        phones.setdefault(mo[0], []).append(mo)
    return phones


# --- the engine --------------------------------------------------------------------------------


class Engine(Cluster):
    """``twoway run`` with ``workers: 2`` on the rules given, restartable after a SIGKILL."""

    def __init__(self, workdir: Path, smsc: NodeSmsc, rules: dict[str, str]) -> None:
        folder = workdir / "rules"
        folder.mkdir()
        for name, text in rules.items():
            (folder / name).write_text(text, encoding="utf-8")
        from tests.support.engine_process import Engine as Process

        self.config = write_config(workdir, smsc.port, WORKERS)
        self.engine = Process(workdir, self.config)
        self.smsc = smsc
        self.workers = WORKERS
        self.url = ""
        self.http = None

    async def restart(self) -> None:
        if self.http is not None:
            await self.http.close()
            self.http = None
        await self.start()

    def logs(self) -> list[Path]:
        return sorted(self.engine.workdir.glob("engine-*.log"))

    def tail(self) -> str:
        return self.engine.log()[-4000:]


def gone(pid: int) -> bool:
    """True once ``pid`` runs no more (gone, or a zombie nobody reaped yet)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] == "Z"
    except (FileNotFoundError, ProcessLookupError):  # ESRCH: reaped while being read
        return True


async def wait_gone(pids: list[int]) -> None:
    deadline = time.monotonic() + GONE_TIMEOUT
    while not all(gone(pid) for pid in pids):
        assert time.monotonic() < deadline, f"still running after SIGKILL: {pids}"
        await asyncio.sleep(TICK)


def stored_mos(db: Path) -> set[tuple[str, str]]:
    with contextlib.closing(sqlite3.connect(db, timeout=30)) as conn:
        return {(str(s), str(t)) for s, t in conn.execute("SELECT sender, text FROM inbound")}


def inspect_crash(db: Path, into: Path) -> tuple[set[tuple[str, str]], int, int, int]:
    """The store as an engine kill left it (a copy: ``tests.support.crash_store``): MOs
    committed, MOs ``received``, rows ``sending``, timers."""
    with as_left(db, into) as conn:

        def count(sql: str) -> int:
            return int(conn.execute(sql).fetchone()[0])

        committed = {(str(s), str(t)) for s, t in conn.execute("SELECT sender, text FROM inbound")}
        return (
            committed,
            count("SELECT COUNT(*) FROM inbound WHERE status = 'received'"),
            count("SELECT COUNT(*) FROM outbox WHERE status = 'sending'"),
            count("SELECT COUNT(*) FROM timers"),
        )


def check_logs(engine: Engine) -> None:
    for path in engine.logs():
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            bad = "Traceback" in line or (
                re.search(r"\bERROR\b", line) and not EXPECTED_ERROR.search(line)
            )
            assert not bad, f"{path.name}: {line}\n{path.read_text(encoding='utf-8')[-5000:]}"


# --- the kill test -----------------------------------------------------------------------------


async def test_workers_random_kills_over_smpp_lose_nothing(tmp_path: Path, smsc: NodeSmsc) -> None:
    began = time.monotonic()
    seed = int(os.environ.get(SEED_ENV) or random.SystemRandom().randrange(1_000_000))
    print(
        f"\nworkers kills: seed {seed} (replay with {SEED_ENV}={seed}), {MESSAGES} messages, "
        f"{KILLS} kills"
    )
    rng = random.Random(seed)
    work = workload()
    total = MESSAGES + work.replies
    kills = schedule(rng, total)
    print("  schedule: " + ", ".join(f"{k.kind}{k.worker or ''}@{k.at}" for k in kills))
    index = {mo: i for i, mo in enumerate(work.order)}
    seen = Seen(work)
    engine = Engine(tmp_path, smsc, RULES)
    db = tmp_path / "twoway.db"
    fired: list[Fired] = []
    recoveries: list[float] = []
    try:
        await smsc.command(cmd="receipts", on=False)
        await smsc.command(cmd="spread", on=True)
        await engine.start()
        await smsc.wait_for(lambda e: e["event"] == "bind_transceiver", 20, count=WORKERS)
        await smsc.command(
            cmd="stream",
            mos=[[phone.lstrip("+"), text] for phone, text in work.order],
            to=SHORT_CODE,
            window=MO_WINDOW,
            report_acks=True,
            rate=RATE,
            burst=BURST_MOS,
        )

        async def wait_until(predicate: Any, what: str) -> None:
            """Poll the SMSC's record until ``predicate``; fail after ``PROGRESS_TIMEOUT``
            without progress."""
            last, moved = seen.progress(), time.monotonic()
            while True:
                seen.update(smsc)
                if predicate():
                    return
                if seen.progress() != last:
                    last, moved = seen.progress(), time.monotonic()
                elif time.monotonic() - moved > PROGRESS_TIMEOUT:
                    raise AssertionError(
                        f"no progress for {PROGRESS_TIMEOUT} s waiting for {what}: "
                        f"{len(seen.acked)}/{MESSAGES} MOs answered, {seen.missing} replies "
                        f"missing; log:\n{engine.tail()}"
                    )
                await asyncio.sleep(TICK)

        # /health ok (both workers up) before each kill, its pids those killed: read once up
        # again, so that the kill itself waits for nothing once its position is reached
        health = await engine.wait_health(lambda h: h["status"] == "ok")
        for number, kill in enumerate(kills):
            if kill.kind != "recovering":
                await wait_until(
                    lambda kill=kill: seen.progress() >= kill.at or seen.received_all(),
                    f"kill {number} at {kill.at}",
                )
            pids = {w["index"]: w["pid"] for w in health["workers"]}
            seen.update(smsc)
            answered = {work.order[i] for i in seen.acked}
            progress, mos_left = seen.progress(), MESSAGES - len(seen.acked)
            restarted = time.monotonic()
            if kill.kind == "worker":
                before = health["workers"][kill.worker - 1]["restarts"]
                os.kill(pids[kill.worker], signal.SIGKILL)
                fired.append(Fired(f"worker{kill.worker}", progress, mos_left, 1))
                fired[-1].at = time.monotonic() - began
                fired[-1].submits = seen.submits
                await wait_gone([pids[kill.worker]])
                # the live store: every MO the SMSC had an answer for is in it
                missing = answered - await asyncio.to_thread(stored_mos, db)  # the loop reads on
                assert not missing, f"kill {number}: answered MOs not stored: {sorted(missing)[:5]}"
                slot, before_restarts = kill.worker - 1, int(before)

                def back(
                    report: dict[str, Any], slot: int = slot, before_restarts: int = before_restarts
                ) -> bool:
                    worker = report["workers"][slot]
                    return bool(report["status"] == "ok" and worker["restarts"] > before_restarts)

                health = await engine.wait_health(back)
            else:
                assert engine.engine.proc is not None
                supervisor = engine.engine.proc
                supervisor.send_signal(signal.SIGKILL)
                for pid in pids.values():
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(pid, signal.SIGKILL)
                entry = Fired(kill.kind, progress, mos_left, WORKERS)
                entry.at = time.monotonic() - began
                entry.submits = seen.submits
                fired.append(entry)
                assert await asyncio.wait_for(supervisor.wait(), GONE_TIMEOUT) == -signal.SIGKILL
                await wait_gone(list(pids.values()))
                committed, entry.received, entry.sending, entry.timers = await asyncio.to_thread(
                    inspect_crash, db, tmp_path / f"at-kill-{number}"
                )
                missing = answered - committed
                assert not missing, f"kill {number}: answered MOs not stored: {sorted(missing)[:5]}"
                entry.ahead = len(committed - answered)
                await engine.restart()
            health = await engine.wait_health(lambda h: h["status"] == "ok")
            recoveries.append(time.monotonic() - restarted)

        last_look = [0.0]

        def finished() -> bool:
            if not seen.received_all() or time.monotonic() - last_look[0] < 0.5:
                return False
            last_look[0] = time.monotonic()
            return settled(db)

        await wait_until(finished, "every MO answered and every reply")
        assert engine.engine.proc is not None
        stopping = time.monotonic()
        engine.engine.proc.send_signal(signal.SIGTERM)
        code = await engine.engine.wait(STOP_TIMEOUT)
        final_stop = time.monotonic() - stopping
        assert code == 0, f"SIGTERM exit code {code}; log:\n{engine.tail()}"
    finally:
        await engine.close()
    seen.update(smsc)

    # The store.
    with contextlib.closing(sqlite3.connect(db)) as conn:
        inbound = conn.execute("SELECT id, transport, sender, text, status FROM inbound").fetchall()
        outbox = conn.execute(
            "SELECT id, inbound_id, recipient, text, status FROM outbox"
        ).fetchall()
        votes = conn.execute("SELECT contact, choice FROM votes WHERE poll = ?", (POLL,)).fetchall()
        timers_left = conn.execute("SELECT COUNT(*) FROM timers").fetchone()[0]
        active = conn.execute("SELECT COUNT(*) FROM sessions WHERE status = 'active'").fetchone()[0]

    stored = Counter((str(row[2]), str(row[3])) for row in inbound)
    lost = set(index) - set(stored)
    assert not lost, f"{len(lost)} MOs lost: {sorted(lost)[:5]}"
    assert set(stored) == set(index), "unknown MOs stored"
    assert max(stored.values()) == 1, [mo for mo, n in stored.items() if n > 1][:5]
    assert {row[1] for row in inbound} == {CONNECTOR}
    not_processed = [row for row in inbound if row[4] != "processed"]
    assert not not_processed, f"{len(not_processed)} MOs never processed: {not_processed[:5]}"
    mo_of = {row[0]: (str(row[2]), str(row[3])) for row in inbound}

    replies = Counter(row[1] for row in outbox if row[1] is not None)
    assert set(replies) == set(mo_of), "an MO got no reply row"
    assert max(replies.values()) == 1, "an MO got two reply rows: processed twice"
    # The order the store processed the MOs in: each MO's reply row is written by the
    # transaction that processed it, and row ids grow with the commits. A phone's second MO may
    # come first: when its first was delivered again after a kill, or was still unanswered (on
    # the other bind) when the second was delivered. Never when the first was answered before
    # the second was delivered: that is the order one engine keeps.
    processed = [mo_of[row[1]] for row in sorted(outbox) if row[1] is not None]
    position = {mo: n for n, mo in enumerate(processed)}
    swapped, out_of_order = 0, []
    for phone_mos in _by_phone(work.order).values():
        for first, second in itertools.pairwise(phone_mos):
            if position[first] < position[second]:
                continue
            swapped += 1
            answered_first, sent_second = seen.acked[index[first]][1], seen.acked[index[second]][0]
            if answered_first < sent_second:
                out_of_order.append((first, second, answered_first, sent_second))
    assert not out_of_order, (
        f"{len(out_of_order)} MOs processed after a later MO of their phone delivered once they "
        f"were answered: {out_of_order[:5]}"
    )
    reply, expected, choices = one_at_a_time(processed)
    for _, inbound_id, recipient, text, _ in outbox:
        if inbound_id is not None:
            mo = mo_of[inbound_id]
            assert (recipient, text) == (mo[0], reply[mo])
    timeouts = Counter(row[2] for row in outbox if row[1] is None)
    assert {row[3] for row in outbox if row[1] is None} <= {TIMEOUT}
    assert set(timeouts) == work.timer_phones, "a timer was lost"
    assert max(timeouts.values()) == 1, "a timer fired twice"
    assert Counter(row[4] for row in outbox) == {"sent": len(outbox)}
    assert len(outbox) == work.replies
    assert sorted(votes) == sorted(choices.items()), "not exactly one vote per voter"
    assert (timers_left, active) == (0, 0)

    # What the SMSC got.
    assert seen.stream_done is not None and seen.stream_done["acked"] == MESSAGES
    assert seen.sessions[1] and seen.sessions[2], f"both workers take MOs: {seen.sessions}"
    unexpected = set(seen.got) - set(expected)
    assert not unexpected, f"texts no MO asked for: {sorted(unexpected)[:5]}"
    short = {key: n for key, n in expected.items() if seen.got[key] < n}
    assert not short, f"replies never accepted by the SMSC: {list(short.items())[:5]}"
    duplicates = seen.got - expected
    window = OUTBOX_WINDOW * sum(f.killed for f in fired)
    check_logs(engine)

    elapsed = time.monotonic() - began
    kinds = Counter(f.kind for f in fired)
    done = seen.stream_done
    print(
        f"workers kills: seed {seed}, {len(fired)} kills ("
        + ", ".join(f"{kind} {n}" for kind, n in sorted(kinds.items()))
        + f"; {sum(f.mos_left > 0 for f in fired)} while MOs streamed), {MESSAGES} messages, "
        f"{done['sent']} deliver_sm ({done['redelivered']} re-deliveries, {done['refused']} "
        f"refused, {done['ms'] / 1000:.1f}s), binds {seen.binds} (MOs answered on each: "
        f"{' '.join(str(seen.sessions[n]) for n in sorted(seen.sessions))}), submit_sm accepted "
        f"{seen.submits} for {work.replies} replies, duplicate MTs {sum(duplicates.values())} "
        f"(bound {window}), timers fired "
        f"{sum(timeouts.values())}, recovery (kill to /health ok) "
        f"{min(recoveries):.1f}-{max(recoveries):.1f}s, final SIGTERM {final_stop:.1f}s, "
        f"total {elapsed:.1f}s"
    )
    print(
        "  at each kill (kind@progress: MOs unanswered / engine kills: MOs committed without "
        "an answer, unprocessed; rows sending; timers): "
        + ", ".join(
            f"{f.kind}@{f.progress} ({f.at:.1f}s): {f.mos_left}"
            + (f" / {f.ahead}, {f.received}; {f.sending}; {f.timers}" if f.sending >= 0 else "")
            for f in fired
        )
    )
    counts = [f.submits for f in fired] + [seen.submits]
    print(
        f"  {swapped} phones' two MOs processed in the other order (the first delivered again or "
        "still unanswered); submit_sm accepted after each kill (until the next): "
        + " ".join(str(after - before) for before, after in itertools.pairwise(counts))
    )
    assert sum(duplicates.values()) <= window, (
        f"{sum(duplicates.values())} replies accepted twice, more than {window}: "
        f"{list(duplicates.items())[:10]}"
    )


# --- one phone on both binds -------------------------------------------------------------------

TALLY = {
    "settings.yaml": "settings:\n  reply_limit: {count: 1000, per: 1h}\n",  # 20 by default
    "tally.yaml": (
        "flow: Tally\n"
        "trigger: {keyword: TALLY}\n"
        "states:\n"
        "  counting:\n"
        '    set: {seen: "", n: 0}\n'
        '    say: "go"\n'
        "    wait:\n"
        "      - when: \"text != ''\"\n"
        '        set: {seen: "{seen}{text}.", n: "{n + 1}"}\n'
        '        say: "{n}: {seen}"\n'
    ),
}
PHONE = "+33699000001"
ROUNDS = 12  # one MO on each bind at the same moment, then wait for both answers
BURST = 8  # then this many on each bind at once


async def test_one_phone_on_both_binds_is_handled_one_at_a_time(
    tmp_path: Path, smsc: NodeSmsc
) -> None:
    engine = Engine(tmp_path, smsc, TALLY)
    sent: dict[int, list[str]] = {1: [], 2: []}
    try:
        await smsc.command(cmd="receipts", on=False)
        await smsc.command(cmd="spread", on=True)
        await engine.start()
        await smsc.wait_for(lambda e: e["event"] == "bind_transceiver", 20, count=WORKERS)
        first = await smsc.mo(PHONE.lstrip("+"), SHORT_CODE, "TALLY", session=1)
        assert (await smsc.mo_resp(first, 20)).get("status") == 0

        async def together(texts: dict[int, list[str]]) -> None:
            idents = []
            for position in range(max(len(t) for t in texts.values())):
                for session, words in texts.items():
                    if position < len(words):
                        sent[session].append(words[position])
                        idents.append(
                            await smsc.mo(
                                PHONE.lstrip("+"), SHORT_CODE, words[position], session=session
                            )
                        )
            for ident in idents:
                answer = await smsc.mo_resp(ident, 20)
                assert answer.get("status") == 0, answer

        for n in range(ROUNDS):
            await together({1: [f"a{n}"], 2: [f"b{n}"]})
        await together(
            {s: [f"{p}{ROUNDS + i}" for i in range(BURST)] for s, p in ((1, "a"), (2, "b"))}
        )
        count = 1 + 2 * (ROUNDS + BURST)
        await smsc.wait_for(
            lambda e: e["event"] == "submit_sm" and e.get("status") == 0, 20, count=count
        )
        assert engine.engine.proc is not None
        engine.engine.proc.send_signal(signal.SIGTERM)
        assert await engine.engine.wait(STOP_TIMEOUT) == 0, engine.tail()
    finally:
        await engine.close()
    check_logs(engine)

    with contextlib.closing(sqlite3.connect(tmp_path / "twoway.db")) as conn:
        # the order the store processed them in: each MO's reply row is written by the
        # transaction that processed it, and row ids grow with the commits
        rows = conn.execute(
            "SELECT i.text, o.text FROM outbox o JOIN inbound i ON i.id = o.inbound_id "
            "WHERE i.sender = ? ORDER BY o.id",
            (PHONE,),
        ).fetchall()
        [(state, variables)] = conn.execute(
            "SELECT state, vars FROM sessions WHERE contact = ? AND status = 'active'", (PHONE,)
        ).fetchall()
    order = [str(text) for text, _ in rows]
    assert sorted(order) == sorted(["TALLY", *sent[1], *sent[2]]), "an MO lost or taken twice"
    for session, words in sent.items():  # each bind's texts in the order sent
        assert [t for t in order if t in words] == words, (session, order)
    engine_replies = [str(reply) for _, reply in rows]

    # the same texts, one at a time, in that order
    ruleset = compile_rules(tmp_path / "rules").raise_for_errors()
    alone = tmp_path / "one-at-a-time.db"
    async with Harness(ruleset, db=str(alone)) as harness:
        expected = []
        for text in order:
            expected += [m.text for m in await harness.send(PHONE, SHORT_CODE, text)]
    with contextlib.closing(sqlite3.connect(alone)) as conn:
        [(state_alone, variables_alone)] = conn.execute(
            "SELECT state, vars FROM sessions WHERE contact = ? AND status = 'active'", (PHONE,)
        ).fetchall()
    print(f"\none phone on both binds: processed order {' '.join(order)}")
    print(f"  last reply {expected[-1]!r}")
    assert engine_replies == expected
    assert expected[-1] == f"{len(order) - 1}: " + "".join(f"{t}." for t in order[1:])
    assert (state, json.loads(variables)) == (state_alone, json.loads(variables_alone))
