"""The console's rules page and simulator over plain HTTP against a real ``twoway run`` on the
jsonl connector: no page without a session, no simulator act without the CSRF token; the rules
page shows the version in force (the API's) and each flow's states drawn, and a broken file's
errors as ``twoway check`` prints them once the engine says ``rules``; the simulator answers as
the rules would, says why, sends nothing and leaves the store's file as it was."""

from __future__ import annotations

import html
import re
import sqlite3
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.support.api_engine import Serving, serving
from tests.support.console import Visitor, csrf_of, write_order_rules

TOKEN = "desk-5ecret-t0ken"
PHONE = "+33600000009"
HISTORY = re.compile(r'name="history" value="([^"]*)"')
BROKEN = 'flow: Broken\ntrigger: {keyword: BAD}\nstates:\n  a:\n    say: "x"\n    goto: nowhere\n'


@pytest.fixture
async def desk(tmp_path: Path) -> AsyncIterator[Serving]:
    tokens = [{"name": "crm", "token": TOKEN, "scopes": ["inbox", "read"]}]
    async with serving(tmp_path, write_order_rules(tmp_path), tokens, secrets=(TOKEN,)) as running:
        yield running


def counts(store: Path) -> dict[str, int]:
    """Every table of the store's file and its rows, read from a read-only connection."""
    db = sqlite3.connect(f"file:{store}?mode=ro", uri=True)
    try:
        tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {t: db.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}
    finally:
        db.close()


async def simulate(visitor: Visitor, page: str, action: str = "send", **fields: str) -> str:
    """Post one act of the simulator from ``page`` (its CSRF token, its steps so far)."""
    found = HISTORY.search(page)
    assert found is not None, page
    data = {"csrf": csrf_of(page), "history": html.unescape(found[1]), "action": action,
            "phone": PHONE, "number": "36111", **fields}  # fmt: skip
    status, _, answer = await visitor.post("/simulator", data)
    assert status == 200, answer
    return answer


def text_of(page: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


async def test_without_a_session_the_rules_and_the_simulator_are_closed(visitor: Visitor) -> None:
    for path in ("/rules", "/simulator"):
        status, headers, _ = await visitor.get(path)
        assert status == 303 and headers["Location"].startswith("/login"), path
    status, _, _ = await visitor.get("/rules/part")
    assert status == 401
    status, _, _ = await visitor.post("/simulator", {"text": "PIZZA", "csrf": "x"})
    assert status == 401


async def test_a_simulator_act_without_its_csrf_token_is_refused(visitor: Visitor) -> None:
    await visitor.login(token=TOKEN)
    status, _, page = await visitor.get("/simulator")
    assert status == 200
    history = html.unescape(HISTORY.search(page)[1])  # type: ignore[index]
    for csrf in ({}, {"csrf": ""}, {"csrf": "not-the-token"}):
        data = {"history": history, "text": "PIZZA", "number": "36111", **csrf}
        status, _, _ = await visitor.post("/simulator", data)
        assert status == 403, csrf


async def test_the_rules_page_shows_the_version_in_force_and_each_flows_states(
    desk: Serving, visitor: Visitor
) -> None:
    await visitor.login(token=TOKEN)
    status, headers, page = await visitor.get("/rules")
    assert status == 200
    assert "script-src 'self'; style-src 'self'" in headers["Content-Security-Policy"]
    auth = {"Authorization": f"Bearer {TOKEN}"}
    async with desk.session.get(desk.url + "/api/v1/rules", headers=auth) as answer:
        version = (await answer.json())["version"]
    assert f'<code id="version">{version}</code>' in page
    assert 'id="no-errors"' in page and 'id="errors"' not in page
    assert page.count('<svg class="diagram"') == 2  # desk and order
    for state in ("size", "confirm", "forgot", "end"):
        assert f'data-state="{state}"' in page, state
    assert "size → confirm: match: {size:word}" in text_of(page)
    assert "size → forgot: after 2h" in text_of(page)
    assert 'href="/rules"' in page and 'href="/simulator"' in page


async def test_a_broken_file_shows_its_errors_as_twoway_check_prints_them(
    desk: Serving, visitor: Visitor, tmp_path: Path
) -> None:
    await visitor.login(token=TOKEN)
    _, _, before = await visitor.get("/rules")
    async with visitor.session.get(desk.url + "/events") as events:
        await events.content.readuntil(b": connected\n\n")
        (tmp_path / "rules" / "broken.yaml").write_text(BROKEN, encoding="utf-8")
        while (line := await events.content.readline()) != b"event: rules\n":
            assert line, "the stream ended before the rules changed"
    status, _, part = await visitor.get("/rules/part")
    assert status == 200
    shown = html.unescape(re.search(r'<pre id="errors" role="alert">(.*?)</pre>', part, re.S)[1])  # type: ignore[index]
    checked = subprocess.run(
        [sys.executable, "-m", "engine", "check", str(tmp_path / "rules")],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert checked.returncode == 1
    assert shown.startswith(f"{tmp_path / 'rules' / 'broken.yaml'}:6:11: error[E401]")
    assert "6 |     goto: nowhere\n  |           ^^^^^^^" in shown
    assert checked.stdout.startswith(shown.rstrip("\n")), (checked.stdout, shown)
    version = re.search(r'<code id="version">(\w+)</code>', before)[1]  # type: ignore[index]
    assert f'<code id="version">{version}</code>' in part  # the old set keeps serving


async def test_the_simulator_answers_as_the_rules_and_says_why_sending_and_storing_nothing(
    desk: Serving, visitor: Visitor, tmp_path: Path
) -> None:
    await visitor.login(token=TOKEN)
    store = tmp_path / "twoway.db"
    before = counts(store)
    _, _, page = await visitor.get("/simulator")
    page = await simulate(visitor, page, text="PIZZA")
    said = text_of(page)
    assert "Which size: S, M or L?" in said
    assert "a trigger" in said and "order.yaml:2" in said and "order · size" in said
    page = await simulate(visitor, page, text="L")
    said = text_of(page)
    assert "Size L. Confirm with YES." in said
    assert "the waiting session" in said and "size='L'" in said
    assert "order.size → order.confirm" in said
    page = await simulate(visitor, page, text="yes")
    assert "Your pizza is on its way." in text_of(page)
    page = await simulate(visitor, page, text="PIZZA")
    page = await simulate(visitor, page, action="wait", wait="2h")
    assert "Your order is cancelled: no size came." in text_of(page)
    assert "a timer fell due" in text_of(page)
    page = await simulate(visitor, page, text="HUMAN")
    said = text_of(page)
    assert "A person from our team will text you back." in said
    assert "Handed to the support team." in said
    assert counts(store) == before  # the store's file: not a row more
    assert desk.client.mts() == []  # nothing went out


async def test_the_simulators_clock_is_set_and_its_mistakes_are_said(visitor: Visitor) -> None:
    await visitor.login(token=TOKEN)
    _, _, page = await visitor.get("/simulator")
    page = await simulate(visitor, page, action="now", now="2030-01-02T08:30:00")
    assert "Clock: 2030-01-02 08:30:00 (UTC)" in text_of(page)
    found = HISTORY.search(page)
    assert found is not None
    data = {"csrf": csrf_of(page), "history": html.unescape(found[1]), "action": "wait",
            "wait": "soon", "number": "36111", "phone": PHONE}  # fmt: skip
    status, _, refused = await visitor.post("/simulator", data)
    assert status == 422 and "Write a duration like 25h" in refused
    status, _, lost = await visitor.post("/simulator", {**data, "history": "[1, 2"})
    assert status == 200 and "could not be read again" in lost


async def test_the_simulator_speaks_french(visitor: Visitor) -> None:
    await visitor.login(token=TOKEN)
    async with visitor.session.get(visitor.url + "/language/fr", allow_redirects=False):
        pass
    _, _, page = await visitor.get("/simulator")
    page = await simulate(visitor, page, text="PIZZA")
    assert "un déclencheur" in text_of(page) and "Simulateur" in page


async def test_the_rules_page_reads_nothing_from_elsewhere(visitor: Visitor) -> None:
    await visitor.login(token=TOKEN)
    _, _, page = await visitor.get("/rules")
    assert not re.search(r"(src|href)=\"(https?:)?//", page)
    assert "<script>" not in page and " style=" not in page
