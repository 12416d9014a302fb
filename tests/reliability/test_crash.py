"""Nothing is lost on a crash: SIGKILL a real engine process mid-stream, restart it, check all.

The engine runs as ``python -m engine run --config twoway.yaml`` with a jsonl connector; the test
process plays the SMSC (``jsonl_peer``). It streams 2,000 MOs from 1,800 phones (``HOURS``, votes,
and phones that send both), SIGKILLs the engine at a deterministic point (the 700th ack, once
some MTs arrived), restarts it with the same configuration, re-delivers every MO that was not
acknowledged (and a few that were, as an SMSC may), waits for every reply, stops the engine with
SIGTERM and checks the store and what the peer saw:

- every MO is in the store exactly once and processed; none is lost, none processed twice;
- every MO got exactly one reply row, and every reply row is ``sent``;
- the peer received every reply exactly once when it answers the engine's ``query`` after the
  restart; a peer that does not answer sees a reply twice only if its row was ``sending`` at the
  kill (the documented duplicate window, at most the outbox window of 64 rows);
- every voter got exactly one "Thanks!" and no "already voted", and the votes table holds one
  vote per voter.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sqlite3
import time
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.support.crash_store import snapshot
from tests.support.engine_process import Engine, write_config
from tests.support.jsonl_peer import MO, Peer, PeerLog, free_port

REPO = Path(__file__).resolve().parents[2]
RULES = REPO / "rules"
CONNECTOR = "smsc"
SHORT_CODE = "36111"
HOST = "127.0.0.1"

HOURS_REPLY = "We are open Monday to Friday, 9:00-18:00, and Saturday 10:00-16:00."
CHOICES = {"A": "Moonlight Drive", "B": "Paper Planes", "C": "Blue Monday"}
VOTE_REPLY = {key: f"Thanks! Your vote for {label} is counted." for key, label in CHOICES.items()}
POLL = "contest"  # a poll's id is its file name (rules/contest.yaml)
OUTBOX_WINDOW = 64  # engine.outbox.Outbox(window=64): rows handed over at most at a time

HOURS_ONLY, VOTERS, BOTH = 1_000, 600, 200  # 1,000 + 600 + 2 x 200 = 2,000 MOs, 1,800 phones
MO_WINDOW = 100  # MOs awaiting their ack, like an SMSC's window
KILL_AT_ACK = 700
KILL_MIN_MTS = 50
RESEND_ACKED = 25
RECOVERY_TIMEOUT = 40.0
STOP_TIMEOUT = 20.0


# --- the workload -------------------------------------------------------------------------------


def workload() -> tuple[list[MO], dict[str, set[str]], dict[str, str]]:
    """The MOs in sending order, the reply texts each phone must get, and each voter's choice."""
    hours = ("HOURS", "hours", "Horaires ?")
    keys = list(CHOICES)
    only_hours = [MO(f"h{i}", f"+3361{i:07d}", SHORT_CODE, hours[i % 3]) for i in range(HOURS_ONLY)]
    voters = [
        MO(f"v{i}", f"+3362{i:07d}", SHORT_CODE, f"VOTE {keys[i % 3]}") for i in range(VOTERS)
    ]
    both_first = [MO(f"b{i}-1", f"+3363{i:07d}", SHORT_CODE, "HOURS") for i in range(BOTH)]
    both_then = [
        MO(f"b{i}-2", f"+3363{i:07d}", SHORT_CODE, f"vote {keys[(i + 1) % 3]}") for i in range(BOTH)
    ]
    order: list[MO] = []
    for i in range(HOURS_ONLY):  # interleaved; a phone's second message comes 200 rounds later
        order.append(only_hours[i])
        if i < VOTERS:
            order.append(voters[i])
        if i < BOTH:
            order.append(both_first[i])
        elif i < 2 * BOTH:
            order.append(both_then[i - BOTH])
    expected: dict[str, set[str]] = {}
    choice: dict[str, str] = {}
    for mo in order:
        if is_vote(mo):
            key = mo.text.split()[1].upper()
            expected.setdefault(mo.sender, set()).add(VOTE_REPLY[key])
            choice[mo.sender] = key
        else:
            expected.setdefault(mo.sender, set()).add(HOURS_REPLY)
    return order, expected, choice


def is_vote(mo: MO) -> bool:
    return mo.text.upper().startswith("VOTE")


# --- the engine process -------------------------------------------------------------------------


async def connect(peer: Peer, runner: Engine, port: int) -> None:
    try:
        await peer.connect(HOST, port)
    except OSError as exc:
        pytest.fail(f"cannot connect to the engine ({exc}); its log:\n{runner.log()}")


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[tuple[Engine, int]]:
    port = free_port()
    config = write_config(tmp_path, RULES, CONNECTOR, port)
    runner = Engine(tmp_path, config)
    try:
        yield runner, port
    finally:
        await runner.cleanup()


# --- reading the store ----------------------------------------------------------------------------


def column(conn: sqlite3.Connection, sql: str, *args: object) -> list[object]:
    return [row[0] for row in conn.execute(sql, args)]


# --- the test -----------------------------------------------------------------------------------


STOPS = {
    # name: (signal, stop on an MT frame rather than on an ack, the peer answers queries)
    "kill-at-ack": (signal.SIGKILL, False, True),
    "kill-at-mt": (signal.SIGKILL, True, True),
    "term-at-mt": (signal.SIGTERM, True, True),
    # A peer that cannot say what it already received gets the in-flight rows again.
    "kill-at-mt-no-query": (signal.SIGKILL, True, False),
}


@pytest.mark.parametrize("stop", list(STOPS))
async def test_stop_mid_stream_loses_nothing(
    engine: tuple[Engine, int], tmp_path: Path, stop: str
) -> None:
    """``kill-at-ack``: SIGKILL on reading the 700th ack (once 50 MTs arrived), in the intake
    path. ``kill-at-mt``: SIGKILL on the first MT after the 700th ack, before acknowledging it, so
    rows are in flight. ``term-at-mt``: SIGTERM at that same point: a graceful stop must drain
    (process what it acked, send the replies) and leave nothing to re-send."""
    sig, on_mt, answers_queries = STOPS[stop]
    runner, port = engine
    mos, expected, choices = workload()
    by_id = {mo.id: mo for mo in mos}
    log = PeerLog()

    # 1. First run: stream until the deterministic stop point.
    await runner.start(port)
    stopped: dict[str, float | int] = {}

    def stop_point(frame: dict[str, object]) -> None:
        if stopped or frame["type"] != ("mt" if on_mt else "ack"):
            return
        if len(log.acks) >= KILL_AT_ACK and log.mts >= (1 if on_mt else KILL_MIN_MTS):
            assert runner.proc is not None
            runner.proc.send_signal(sig)  # synchronously, while handling the frame
            stopped.update(acks=len(log.acks), mts=log.mts, at=time.monotonic())

    first = Peer(log, on_frame=stop_point)
    await connect(first, runner, port)
    streaming = asyncio.create_task(first.stream(mos, MO_WINDOW))
    try:
        async with asyncio.timeout(RECOVERY_TIMEOUT):
            code = await runner.proc.wait()  # type: ignore[union-attr]
            await first.closed.wait()
            written_first = await streaming
    except TimeoutError:
        pytest.fail(
            f"the engine did not exit ({'stop sent' if stopped else 'stop point never reached'}):"
            f" {len(log.acks)} acks, {log.mts} MTs; log:\n{runner.log()}"
        )
    assert stopped, (
        f"the engine was never stopped: {len(log.acks)} acks, {log.mts} MTs; log:\n{runner.log()}"
    )
    stop_time = time.monotonic() - float(stopped["at"])
    assert code == (0 if sig == signal.SIGTERM else -sig), f"exit {code}; log:\n{runner.log()}"
    await first.aclose()
    acked_before = set(log.acks)
    refs_before = set(log.mt_counts)
    nacked_before = len(log.nacks)

    # The store exactly as the stop left it (a copy: the restart must start from the real one).
    with contextlib.closing(snapshot(tmp_path / "twoway.db", tmp_path / "at-stop")) as crashed:
        committed = set(map(str, column(crashed, "SELECT external_id FROM inbound")))
        unprocessed = column(crashed, "SELECT COUNT(*) FROM inbound WHERE status = 'received'")[0]
        in_flight = set(column(crashed, "SELECT id FROM outbox WHERE status = 'sending'"))
        queued_ids = set(column(crashed, "SELECT id FROM outbox WHERE status = 'queued'"))
        queued = len(queued_ids)
        sent_at_stop = column(crashed, "SELECT COUNT(*) FROM outbox WHERE status = 'sent'")[0]
    assert acked_before <= committed, "an acknowledged MO is missing from the store"
    # The duplicate window: rows the peer has that the store does not record as sent. Rows
    # written ``sending`` but not handed over yet are simply sent after the restart.
    assert len(in_flight & refs_before) <= OUTBOX_WINDOW
    if sig == signal.SIGTERM:
        # A graceful stop drains: every committed MO processed, every reply sent and recorded.
        assert (unprocessed, len(in_flight), queued) == (0, 0, 0), runner.log()
        assert sent_at_stop == len(committed)
        assert stop_time < 5, f"the graceful stop took {stop_time:.1f}s"
        assert all(n.get("error") == "the engine is shutting down" for n in log.nacks), log.nacks

    # 2. Restart with the same configuration; the SMSC re-delivers what it saw no ack for.
    restarted = time.monotonic()
    listening = await runner.start(port)
    unacked = [mo for mo in mos if mo.id not in acked_before]
    acked_votes = [mo for mo in mos if mo.id in acked_before and is_vote(mo)]
    acked_other = [mo for mo in mos if mo.id in acked_before and not is_vote(mo)]
    half = RESEND_ACKED // 2
    again = [  # spread over what was acked, votes included: the interesting re-deliveries
        *acked_votes[:: max(1, len(acked_votes) // half)][:half],
        *acked_other[:: max(1, len(acked_other) // (RESEND_ACKED - half))][: RESEND_ACKED - half],
    ]
    assert len(again) == RESEND_ACKED
    second = Peer(log, answers_queries=answers_queries)
    await connect(second, runner, port)
    await second.stream([*again, *unacked], MO_WINDOW)

    all_ids = set(by_id)
    replies_expected = sum(len(texts) for texts in expected.values())

    def recovered() -> bool:
        if second.closed.is_set():
            return True  # fail below with the state, rather than time out
        if not all_ids <= set(log.acks) or len(log.mt_counts) < replies_expected:
            return False
        if not queued_ids <= set(second.refs):
            return False  # the engine sends every row it had queued
        if not in_flight <= set(second.refs) | (refs_before if answers_queries else set()):
            return False  # ... and the in-flight rows the peer does not say it already has
        return all(texts <= set(log.texts.get(phone, ())) for phone, texts in expected.items())

    try:
        await second.wait_for(recovered, RECOVERY_TIMEOUT)
    except TimeoutError:
        pytest.fail(
            f"not recovered after {RECOVERY_TIMEOUT}s: {len(set(log.acks))}/{len(all_ids)} acked, "
            f"{len(log.mt_counts)}/{replies_expected} replies; log:\n{runner.log()}"
        )
    assert not second.closed.is_set(), f"the engine dropped the peer; log:\n{runner.log()}"
    recovery = time.monotonic() - restarted
    # 3. Graceful stop.
    stopping = time.monotonic()
    runner.proc.send_signal(signal.SIGTERM)  # type: ignore[union-attr]
    code = await runner.wait(STOP_TIMEOUT)
    final_stop_time = time.monotonic() - stopping
    await second.aclose()
    restart_log = runner.log()
    assert code == 0, f"SIGTERM exit code {code}; log:\n{restart_log}"

    # 4. The store.
    with contextlib.closing(sqlite3.connect(tmp_path / "twoway.db")) as db:
        inbound = db.execute(
            "SELECT id, transport, external_id, sender, text, status FROM inbound"
        ).fetchall()
        outbox = db.execute(
            "SELECT id, inbound_id, recipient, text, status, kind FROM outbox"
        ).fetchall()
        votes = db.execute("SELECT contact, choice FROM votes WHERE poll = ?", (POLL,)).fetchall()

    stored = Counter(str(row[2]) for row in inbound)
    assert set(stored) == all_ids, "MOs lost or unknown MOs stored"
    assert max(stored.values()) == 1, "an MO was stored twice"
    assert {row[1] for row in inbound} == {CONNECTOR}
    not_processed = [row for row in inbound if row[5] != "processed"]
    assert not not_processed, f"{len(not_processed)} MOs never processed"
    for _, _, external_id, sender, text, _ in inbound:
        mo = by_id[str(external_id)]
        assert (sender, text) == (mo.sender, mo.text)

    replies_per_inbound = Counter(row[1] for row in outbox)
    assert set(replies_per_inbound) == {row[0] for row in inbound}, "an MO got no reply row"
    assert max(replies_per_inbound.values()) == 1, "an MO got two reply rows"
    assert Counter(row[4] for row in outbox) == {"sent": len(inbound)}
    assert {row[5] for row in outbox} == {"reply"}
    inbound_by_id = {row[0]: row for row in inbound}
    for _, inbound_id, recipient, text, _, _ in outbox:
        mo = by_id[str(inbound_by_id[inbound_id][2])]
        assert recipient == mo.sender
        if is_vote(mo):
            assert text == VOTE_REPLY[mo.text.split()[1].upper()]
        else:
            assert text == HOURS_REPLY

    assert sorted(votes) == sorted(choices.items()), "not exactly one vote per voter"

    # 5. What the peer saw.
    assert len(log.nacks) == nacked_before, log.nacks[nacked_before:][:5]
    assert not log.errors, log.errors[:5]
    assert not log.mt_mismatches, log.mt_mismatches[:5]
    outbox_text = {row[0]: (row[2], row[3]) for row in outbox}
    assert set(log.mt_counts) == set(outbox_text), "a reply row never reached the peer"
    for ref, frame in log.mt_frames.items():
        assert (frame["to"], frame["text"]) == outbox_text[ref]
    for phone, texts in expected.items():
        got = log.texts[phone]
        assert set(got) == texts, (phone, got)
        assert not any("already voted" in text for text in got), (phone, got)
    assert sum(1 for text in log.texts.values() for t in text if t.startswith("Thanks!")) >= len(
        choices
    )
    for mo in again:
        assert log.acks[mo.id] == 2, f"a re-delivered MO was not acknowledged again: {mo.id}"

    duplicated = log.duplicated_refs()
    if answers_queries:
        # The peer said which in-flight rows it had: every reply arrived exactly once.
        assert duplicated == [], (
            f"replies sent twice: {duplicated[:10]}; queries {log.queries}; "
            f"log:\n{runner.log()[-3000:]}"
        )
        if in_flight:
            # one question for every row left in flight, however many batches they make
            assert [set(query) for query in log.queries] == [in_flight], log.queries
    assert set(duplicated) <= in_flight, (
        f"refs arrived twice that were not in flight at the kill: {set(duplicated) - in_flight}"
    )
    assert set(duplicated) <= refs_before
    assert len(duplicated) <= OUTBOX_WINDOW
    assert max(log.mt_counts.values()) <= 2

    if sig == signal.SIGTERM:
        assert not duplicated, "a graceful stop must not leave anything to re-send"
    assert final_stop_time < 5, f"the final graceful stop took {final_stop_time:.1f}s"

    for run in sorted(tmp_path.glob("engine-*.log")):
        text = run.read_text(encoding="utf-8", errors="replace")
        assert " ERROR " not in text and "Traceback" not in text, f"{run.name}:\n{text}"

    print(
        f"\n{stop}: wrote {written_first} MOs, stopped at ack {stopped['acks']} with "
        f"{stopped['mts']} MTs received ({nacked_before} nacked while stopping), exit after "
        f"{stop_time:.2f}s; store then: {len(committed)} MOs ({unprocessed} unprocessed), outbox "
        f"{sent_at_stop} sent / {len(in_flight)} sending / {queued} queued; re-sent "
        f"{len(unacked)} unacked + {len(again)} acked MOs; duplicate MTs {len(duplicated)} "
        f"(of {len(in_flight)} in flight); listening again after {listening:.2f}s, all "
        f"{replies_expected} replies after {recovery:.2f}s; final SIGTERM {final_stop_time:.2f}s"
    )
