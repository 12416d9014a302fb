"""The console's results and campaigns pages over plain HTTP against a real ``twoway run`` on
the jsonl connector: no page without a session, no act without the CSRF token or by someone
who may not run campaigns; a poll's tally after votes; downloads that are the very files of
``twoway results``; a campaign's preview as ``twoway campaign preview`` gives it, and its start,
pause, resume and cancel recorded in the store with the person who did them."""

from __future__ import annotations

import asyncio
import io
import json
import re
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from tests.support.api_engine import Serving, serving
from tests.support.console import Visitor
from tests.support.console_results import (
    ADMIN_PASSWORD,
    PASSWORD,
    PHONES,
    command,
    users,
    write_deployment,
)
from tests.support.jsonl_client import mo

ACTS = ("start", "pause", "resume", "cancel")


DESK, READER, OPS = "desk-5ecret-t0ken", "reader-5ecret-t0ken", "ops-5ecret-t0ken"
TOKENS = [
    {"name": "desk", "token": DESK, "scopes": ["inbox"]},
    {"name": "reader", "token": READER, "scopes": ["inbox", "read"]},
    {"name": "ops", "token": OPS, "scopes": ["admin"]},
]


@pytest.fixture
async def desk(tmp_path: Path) -> AsyncIterator[Serving]:
    async with serving(
        tmp_path, write_deployment(tmp_path), TOKENS, users=users(), more="country: FR\n",
        secrets=(PASSWORD, ADMIN_PASSWORD, DESK, READER, OPS),
    ) as running:  # fmt: skip
        yield running


async def voted(desk: Serving, votes: dict[str, str]) -> None:
    """Each phone's vote, processed (its thanks sent back)."""
    for i, (phone, choice) in enumerate(votes.items()):
        desk.client.send(mo(f"v{i}", phone, f"VOTE {choice}"))
    await desk.client.wait_for(
        lambda: sum("Your vote for" in f["text"] for f in desk.client.mts()) == len(votes)
    )


def bar_counts(page: str) -> dict[str, int]:
    """The poll chart's bars: choice → votes."""
    found = re.findall(r'<g class="bar" data-key="([^"]+)" data-count="(\d+)"', page)
    return {key: int(count) for key, count in found}


def campaign_row(workdir: Path, name: str) -> tuple[Any, ...]:
    with sqlite3.connect(f"file:{workdir / 'twoway.db'}?mode=ro", uri=True) as conn:
        row = conn.execute(
            "SELECT status, started_by, changed_by FROM campaigns WHERE name = ?", (name,)
        ).fetchone()
    assert row is not None
    return tuple(row)


async def test_without_a_session_nothing_and_without_csrf_no_act(
    desk: Serving, visitor: Visitor
) -> None:
    for path in ("/results", "/results/contest", "/results/contest/export?format=csv",
                 "/campaigns", "/campaigns/promo"):  # fmt: skip
        status, headers, _ = await visitor.get(path)
        assert status == 303 and headers["Location"].startswith("/login"), path
    for path in ("/results/contest/tally", "/campaigns/promo/progress", "/campaigns/-/rows"):
        assert (await visitor.get(path))[0] == 401, path
    for act in ACTS:
        assert (await visitor.post(f"/campaigns/promo/{act}", {"csrf": "x"}))[0] == 401, act
    await visitor.login(name="carol", password=ADMIN_PASSWORD)
    for act in ACTS:
        for csrf in ({}, {"csrf": ""}, {"csrf": "not-the-token"}):
            status, _, _ = await visitor.post(f"/campaigns/promo/{act}", csrf)
            assert status == 403, (act, csrf)
    status, _, page = await visitor.get("/campaigns")
    assert status == 200 and 'data-status="not started"' in page  # nothing started


async def test_the_results_page_shows_the_tally_after_votes(
    desk: Serving, visitor: Visitor
) -> None:
    await visitor.login(name="alice", password=PASSWORD)
    status, _, page = await visitor.get("/results")
    assert status == 200
    for name in ("contest", "survey", "promo", "slow"):
        assert f'href="/results/{name}"' in page
    assert 'href="/results"' in page and 'href="/campaigns"' in page  # the nav
    _, _, page = await visitor.get("/results/contest")
    assert bar_counts(page) == {"A": 0, "B": 0, "C": 0}

    await voted(desk, {PHONES[0]: "A", PHONES[1]: "A", PHONES[2]: "B"})
    status, _, page = await visitor.get("/results/contest")
    assert status == 200 and bar_counts(page) == {"A": 2, "B": 1, "C": 0}
    assert "Moonlight Drive 2" in page  # the chart's caption, for screen readers
    assert 'data-live="result"' in page and "/results/contest/export?format=xlsx" in page
    status, _, part = await visitor.get("/results/contest/tally")
    assert status == 200 and bar_counts(part) == {"A": 2, "B": 1, "C": 0}
    assert "<html" not in part

    status, _, page = await visitor.get("/results/survey", headers={"Accept-Language": "fr"})
    assert status == 200 and "Enquête" in page
    assert (await visitor.get("/results/nope"))[0] == 404


async def test_the_downloads_are_the_files_of_twoway_results(
    desk: Serving, visitor: Visitor, tmp_path: Path
) -> None:
    await voted(desk, {PHONES[0]: "C", PHONES[1]: "A"})
    await visitor.login(name="alice", password=PASSWORD)
    for name in ("contest", "survey"):
        async with visitor.session.get(
            f"{desk.url}/results/{name}/export?format=csv", allow_redirects=False
        ) as r:
            assert r.status == 200 and r.headers["Content-Type"].startswith("text/csv")
            assert f'filename="{name}.csv"' in r.headers["Content-Disposition"]
            csv_bytes = await r.read()
        async with visitor.session.get(f"{desk.url}/results/{name}/export?format=xlsx") as r:
            assert r.status == 200 and "spreadsheetml" in r.headers["Content-Type"]
            xlsx_bytes = await r.read()
        cli_csv, cli_xlsx = tmp_path / f"{name}.csv", tmp_path / f"{name}.xlsx"
        command(tmp_path, "results", name, "--format", "csv", "--output", str(cli_csv))
        command(tmp_path, "results", name, "--format", "xlsx", "--output", str(cli_xlsx))
        assert csv_bytes == cli_csv.read_bytes()
        assert _cells(xlsx_bytes) == _cells(cli_xlsx.read_bytes())
    assert "contest,A,Moonlight Drive,1" in csv_bytes.decode() or name == "survey"
    assert (await visitor.get("/results/contest/export?format=pdf"))[0] == 404


def _cells(data: bytes) -> dict[str, list[tuple[Any, ...]]]:
    book = openpyxl.load_workbook(io.BytesIO(data))
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets}


async def test_a_campaign_preview_shows_its_recipients_as_the_command_does(
    desk: Serving, visitor: Visitor, tmp_path: Path
) -> None:
    await visitor.login(name="alice", password=PASSWORD)
    status, _, page = await visitor.get("/campaigns/promo")
    assert status == 200
    cli = json.loads(command(tmp_path, "campaign", "preview", "promo", "--json").stdout)
    assert cli["recipients"] == len(PHONES)
    assert f'<td id="preview-recipients">{cli["recipients"]}</td>' in page
    assert PHONES[0] in page and "Bonjour Client 1" in page  # a sample
    assert "Only an admin may start" in page and 'action="/campaigns/promo/start"' not in page
    status, _, said = await visitor.form("/campaigns/promo", "/campaigns/promo/start")
    assert status == 403 and "Only an admin" in said
    assert (await visitor.get("/campaigns/nope"))[0] == 404


async def test_start_pause_resume_and_cancel_are_recorded_with_their_author(
    desk: Serving, visitor: Visitor, tmp_path: Path
) -> None:
    await visitor.login(name="carol", password=ADMIN_PASSWORD)
    page = "/campaigns/slow"
    status, headers, _ = await visitor.form(page, "/campaigns/slow/start")
    assert status == 303 and headers["Location"] == "/campaigns/slow?notice=campaign-started"
    assert campaign_row(tmp_path, "slow") == ("running", "user:carol", None)
    _, _, shown = await visitor.get(headers["Location"])
    assert "The campaign is started" in shown and 'data-status="running"' in shown
    assert "by user:carol" in shown

    status, headers, _ = await visitor.form(page, "/campaigns/slow/start")
    assert headers["Location"].endswith("notice=started-once")
    await visitor.form(page, "/campaigns/slow/pause")
    assert campaign_row(tmp_path, "slow") == ("paused", "user:carol", "user:carol")
    cli = json.loads(command(tmp_path, "campaign", "status", "slow", "--json").stdout)
    assert cli["status"] == "paused"
    status, headers, _ = await visitor.form(page, "/campaigns/slow/pause")
    assert headers["Location"].endswith("notice=campaign-state")
    await visitor.form(page, "/campaigns/slow/resume")
    assert campaign_row(tmp_path, "slow")[0] == "running"
    await visitor.form(page, "/campaigns/slow/cancel")
    assert campaign_row(tmp_path, "slow") == ("cancelled", "user:carol", "user:carol")
    _, headers, _ = await visitor.form(page, "/campaigns/slow/resume")
    assert headers["Location"].endswith("notice=campaign-state")
    _, headers, _ = await visitor.form("/campaigns/promo", "/campaigns/promo/pause")
    assert headers["Location"].endswith("notice=not-started")

    _, _, listed = await visitor.get("/campaigns")
    assert re.search(r'data-campaign="slow" data-status="cancelled"', listed)
    _, _, part = await visitor.get("/campaigns/slow/progress")
    assert 'data-status="cancelled"' in part and "<html" not in part


async def test_a_command_s_change_reaches_the_open_campaign_pages(
    desk: Serving, visitor: Visitor, tmp_path: Path
) -> None:
    await visitor.login(name="carol", password=ADMIN_PASSWORD)
    await visitor.form("/campaigns/slow", "/campaigns/slow/start")
    # its first recipient goes at once, the next a minute later: nothing to tell until then
    await desk.client.wait_for(
        lambda: any("une par minute" in f["text"] for f in desk.client.mts())
    )
    async with visitor.session.get(f"{desk.url}/events") as stream:
        assert (await stream.content.readuntil(b"\n\n")).startswith(b"retry:")
        command(tmp_path, "campaign", "pause", "slow")
        seen = b""
        async with asyncio.timeout(30):
            while b"event: campaigns" not in seen:
                seen += await stream.content.readuntil(b"\n\n")
    _, _, part = await visitor.get("/campaigns/slow/progress")
    assert 'data-status="paused"' in part and "last changed by" not in part  # the command's
    assert campaign_row(tmp_path, "slow") == ("paused", "user:carol", None)


async def test_a_token_reads_and_acts_as_its_scopes_let_it_through_the_api(
    desk: Serving, tmp_path: Path
) -> None:
    for token, reads, acts in ((DESK, False, False), (READER, True, False), (OPS, True, True)):
        visitor = Visitor(desk.url)
        try:
            await visitor.login(token=token)
            _, _, inbox = await visitor.get("/inbox")
            assert ('href="/results"' in inbox) is reads, token
            for path in ("/results", "/results/contest", "/campaigns", "/campaigns/slow"):
                assert (await visitor.get(path))[0] == (200 if reads else 403), (token, path)
            if not reads:
                continue
            _, headers, said = await visitor.form("/campaigns/slow", "/campaigns/slow/start")
            assert (headers.get("Location", "").endswith("campaign-started")) is acts, said
        finally:
            await visitor.close()
    assert campaign_row(tmp_path, "slow") == ("running", "token:ops", None)
