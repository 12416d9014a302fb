"""A campaign to 10,000 imported contacts across a quiet-hours window, with ``twoway run`` killed
(SIGKILL) in the middle and restarted: every contact not opted out gets exactly one message, none
inside the window, none to an opted-out number, and the replies are credited to the campaign.

A real ``twoway run`` on the test clock (``TWOWAY_TEST_CLOCK``, five times faster than real time),
the jsonl connector, and the real ``twoway contacts`` and ``twoway campaign`` commands.
"""

from __future__ import annotations

import asyncio
import json
import os
import sqlite3
import subprocess
import sys
import textwrap
from collections import defaultdict
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from openpyxl import Workbook

from engine.core.quiet import PRESETS
from tests.support.engine_process import CLOCK_ENV, REPO, Engine, set_clock, write_config
from tests.support.jsonl_client import Client, assert_clean, mo
from tests.support.jsonl_peer import free_port

PARIS = ZoneInfo("Europe/Paris")
CONTACTS = 10_000
OPTED_OUT = 100  # 1 %
REPLIERS = 50
WAIT = 120.0
"""Seconds a hung test may wait at most for a step (a bound, not a timing)."""

RULES = {
    "settings": """
        settings:
          timezone: Europe/Paris
          language: fr
        """,
    "merci": """
        autoreply:
          - keyword: OUI
            reply: "Merci {contact.name}, c'est noté."
        number: "36111"
        """,
    "voeux": """
        campaign: Voeux de janvier
        audience: {group: clients}
        number: "36111"
        say: >-
          Bonjour {contact.name}, -20 % ce week-end avec le code VOEUX.
          Répondez OUI pour le recevoir. STOP au 36111
        throughput: 200/s
        kind: marketing
        quiet_hours: fr-marketing
        """,
}


def national(i: int) -> str:
    """The i-th contact's number as French spreadsheets write it."""
    digits = f"{i:08d}"
    return f"06 {digits[0:2]} {digits[2:4]} {digits[4:6]} {digits[6:8]}"


def e164(i: int) -> str:
    return f"+336{i:08d}"


def command(workdir: Path, clock: Path, *args: str) -> str:
    env = {**os.environ, "PYTHONPATH": str(REPO), CLOCK_ENV: str(clock)}
    done = subprocess.run(
        [sys.executable, "-m", "engine", *args, "--config", str(workdir / "twoway.yaml")],
        cwd=workdir,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=WAIT,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def write_lists(workdir: Path) -> None:
    half = CONTACTS // 2
    # CSV: semicolons, a BOM, national numbers.
    lines = ["telephone;name;ville"] + [f"{national(i)};Client {i};Lyon" for i in range(half)]
    (workdir / "clients.csv").write_text("\ufeff" + "\n".join(lines) + "\n", encoding="utf-8")
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Téléphone", "Name", "Ville"])
    for i in range(half, CONTACTS):
        sheet.append([national(i), f"Client {i}", "Paris"])
    book.save(workdir / "clients.xlsx")
    opted = "phone\n" + "".join(f"{e164(i)}\n" for i in range(0, CONTACTS, CONTACTS // OPTED_OUT))
    (workdir / "optouts.csv").write_text(opted, encoding="utf-8")


def paris(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=PARIS)


async def test_ten_thousand_contacts_across_quiet_hours_and_a_kill(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    rules.mkdir()
    for name, text in RULES.items():
        (rules / f"{name}.yaml").write_text(textwrap.dedent(text), encoding="utf-8")
    port = free_port()
    config = write_config(tmp_path, rules, "console", port)
    config.write_text(config.read_text(encoding="utf-8") + "country: FR\n", encoding="utf-8")
    clock = tmp_path / "clock"
    # Friday 8 January 2027, 19:59:40 in Paris, five times faster than real time.
    set_clock(clock, paris("2027-01-08 19:59:40"), speed=5)
    write_lists(tmp_path)
    assert command(tmp_path, clock, "contacts", "import", "clients.csv", "--group", "clients") == (
        "imported 5000, updated 0, refused 0\n"
    )
    assert command(tmp_path, clock, "contacts", "import", "clients.xlsx", "--group", "clients") == (
        "imported 5000, updated 0, refused 0\n"
    )
    command(tmp_path, clock, "contacts", "import-optouts", "optouts.csv", "--number", "36111")
    opted = {e164(i) for i in range(0, CONTACTS, CONTACTS // OPTED_OUT)}
    wanted = {e164(i) for i in range(CONTACTS)} - opted
    started = command(tmp_path, clock, "campaign", "start", "voeux", "--yes")
    assert started.startswith(f"started voeux: {len(wanted):,} recipients, {OPTED_OUT} excluded;")

    engine = Engine(tmp_path, config)
    received: dict[str, set[int]] = defaultdict(set)
    try:
        await engine.start(port, clock_file=clock)
        client = await Client().connect(port)
        await client.wait_for(lambda: len(client.mts()) >= 1_000, WAIT)
        engine.kill()  # in the middle of sending, before 20:00
        await engine.wait(WAIT)
        await client.aclose()
        for frame in client.mts():
            received[frame["to"]].add(frame["ref"])
        first_run = len(received)
        assert 1_000 <= first_run < len(wanted)

        # Restarted a little later, still before 20:00: it goes on until the window, then holds.
        set_clock(clock, paris("2027-01-08 19:59:55"), speed=5)
        await engine.start(port, clock_file=clock)
        client = await Client().connect(port)
        status = await _until(tmp_path, clock, _all_held)
        assert status["held_until"] == "2027-01-09T07:00:00+00:00"  # Saturday 08:00 in Paris
        before_morning = len(client.mts())

        # Saturday morning: the rest leaves from 08:00.
        set_clock(clock, paris("2027-01-09 07:59:58"), speed=5)
        everyone = len(wanted)

        def all_arrived() -> bool:
            return len(received.keys() | {f["to"] for f in client.mts()}) >= everyone

        await client.wait_for(all_arrived, WAIT)
        assert before_morning < len(client.mts())
        for frame in client.mts():
            received[frame["to"]].add(frame["ref"])

        # Fifty recipients answer OUI: their replies are credited to the campaign.
        repliers = sorted(wanted)[:REPLIERS]
        for n, phone in enumerate(repliers):
            client.send(mo(f"r{n}", phone, "OUI"))
        for n in range(REPLIERS):
            assert (await client.answer(f"r{n}"))["type"] == "ack"
        await client.aclose()
        final = await _until(tmp_path, clock, lambda status: status["status"] == "done")
    finally:
        await engine.cleanup()

    assert set(received) == wanted  # everyone not opted out, nobody opted out
    assert [phone for phone, refs in received.items() if len(refs) != 1] == []  # one message each
    with sqlite3.connect(tmp_path / "twoway.db") as conn:
        rows = list(
            conn.execute(
                "SELECT recipient, created_at, sent_at FROM outbox WHERE campaign IS NOT NULL"
            )
        )
    assert len(rows) == len(wanted) and {r[0] for r in rows} == wanted
    window = PRESETS["fr-marketing"]
    # Started outside the window; handed over at once (the mark is written a moment later: at
    # five times real time, a message started at 19:59:59.9 may be marked at 20:00:00.2).
    assert [r for r in rows if window.quiet(_at(r[1]))] == []
    late = paris("2027-01-08 20:00:02")
    assert [r for r in rows if r[2] and window.quiet(_at(r[2])) and _at(r[2]) > late] == []
    assert (final["status"], final["started"], final["replied"], final["held"]) == (
        "done",
        len(wanted),
        REPLIERS,
        0,
    )
    assert_clean(engine.log())


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(PARIS)


def _all_held(status: dict[str, Any]) -> bool:
    """Every recipient left is held (the engine's clock passed 20:00)."""
    return bool(
        status["held"]
        and not status["queued"]
        and status["held"] + status["started"] == CONTACTS - OPTED_OUT
    )


async def _until(
    workdir: Path, clock: Path, done: Callable[[dict[str, Any]], bool]
) -> dict[str, Any]:
    """The campaign's status (``twoway campaign status``) once ``done`` says so."""
    async with asyncio.timeout(WAIT):
        while True:
            status = json.loads(command(workdir, clock, "campaign", "status", "voeux", "--json"))
            if done(status):
                return dict(status)
            await asyncio.sleep(0.5)  # between two questions to the command, not for an event
