"""Smoke-run ``bench/runtime.py --quick``: it must finish and print its labelled figures.

No timing is asserted: speed depends on the machine.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.bench_smoke import run_quick

ROOT = Path(__file__).resolve().parents[1]

LABELS = (
    "== 1. pure runtime",
    "compile time:",
    "input mix:",
    "pure decisions/s:",
    "pure latency per decision:",
    "== 2. end to end",
    "e2e committed messages/s:",
    "e2e latency deliver() -> first reply handed to transport:",
    "verify: inbound processed 1,000 / 1,000",
    "peak RSS (whole process):",
)


def test_bench_runtime_quick() -> None:
    printed = run_quick("runtime.py", LABELS)
    assert "; OK" in printed


def test_bench_tallies_quick() -> None:
    """``bench/tallies.py --quick``: a poll's live counts read by a real store's batches; the
    script itself checks that the last reply counted every vote, earlier ones included."""
    printed = run_quick("tallies.py", ("0 votes before:", "2,000 votes before:"))
    assert "of 2100)" in printed, printed


def test_bench_people_reads_quick() -> None:
    """``bench/people_reads.py --quick``: a poll's result and a campaign's progress read through
    a real store while an MO commits; the script checks the counts it read."""
    run_quick(
        "people_reads.py",
        ("poll result over 2,000 votes:", "campaign progress over 2,000 recipients:", "verify: OK"),
    )


CAMPAIGN_LABELS = (
    "twoway campaign benchmark:",
    "== 1. import and 2. preview",
    "import csv:",
    "import xlsx:",
    "preview:",
    "== 3. pacing over SMPP and 4. no burst after quiet hours",
    "pacing rate first to last:",
    "pacing per second",
    "pacing engine peak RSS (VmHWM):",
    "quiet hours before 08:00:",
    "quiet hours after 08:00: first second",
    "summary:",
    "verify: OK",
)


def test_bench_campaign_quick() -> None:
    """``bench/campaign.py --quick``: a real import, preview and engine against the node SMSC
    (node 18+ and ``npm ci --prefix tests/smsc`` needed); every count checked, no timing."""
    if shutil.which("node") is None:
        pytest.fail("node is not installed: the campaign bench needs node 18+")
    if not (ROOT / "tests" / "smsc" / "node_modules" / "smpp" / "package.json").exists():
        pytest.fail("the npm package smpp is missing: run `npm ci --prefix tests/smsc`")
    run_quick("campaign.py", CAMPAIGN_LABELS, timeout=180)


MODEM_LABELS = (
    "== modem MO -> reply:",
    "latency +CMTI -> reply Ctrl-Z:",
    "line time per exchange:",
    "latency - line time:",
    "breakdown per segment",
    "+CMTI -> AT+CMGR:",
    "AT+CMGS -> Ctrl-Z:",
    "idle-read granularity:",
    "the engine's own time (host turns:",
    "AT+CMGR's answer -> AT+CMGD:",
    "verify: 10 / 10 replies right; OK",
)


def test_bench_modem_quick() -> None:
    """``bench/modem.py --quick``: a real engine over the emulated modem at 115200 baud, ten MOs
    one after the other, every reply checked; no timing."""
    run_quick("modem.py", MODEM_LABELS, timeout=120)


HTTP_LABELS = (
    "twoway http connector benchmark:",
    "== status callbacks off",
    "paced 100/s; verify: 100 / 100 processed, outbox sent",
    "flat out, 10 posts in flight; verify:",
    "== status callbacks on",
    "paced 100/s; verify: 100 / 100 processed, outbox delivered",
    "replies/s   p50",
    "verify: OK",
)


def test_bench_http_quick() -> None:
    """``bench/http.py --quick`` (it runs bench/http_connector.py): a real engine with a
    twilio-preset http connector against the fake provider, a second paced and a second flat
    out, callbacks off and on; every count checked in the database, no timing."""
    run_quick("http.py", HTTP_LABELS, timeout=120)


REPLAY_LABELS = (
    "store filled: 500 messages",
    "messages replayed: 500",
    "messages reported: 100 (affected by the change: 100)",
    "replay seconds:",
    "replay messages/s:",
    "target: under 10 s:",
    "verify: OK",
)


def test_bench_replay_quick() -> None:
    """``bench/replay.py --quick``: 500 messages through the engine, then a real `twoway replay`
    with one changed reply; exactly the affected messages reported, the store unchanged."""
    run_quick("replay.py", REPLAY_LABELS, timeout=120)


CONSOLE_LABELS = (
    "twoway console benchmark:",
    "filled 2,000 threads (6,000 messages)",
    "inbox, first page (admin)",
    "inbox, a page deep down",
    "search by text (q=refund)",
    "archive, first page",
    "inbox, first page (one team)",
    "summary: worst p99",
)


def test_bench_console_quick() -> None:
    """``bench/console.py --quick``: a real ``twoway run`` on 2,000 threads, each listing a
    full page of 50 (checked); no timing."""
    run_quick("console.py", CONSOLE_LABELS, timeout=180)
