"""The console's results and campaigns pages in headless chromium against a real ``twoway run``
on the jsonl connector: a poll's chart moves when a vote arrives, without a reload; a campaign
started by a click shows its progress as the engine sends; the results page at 390×844, and
no serious accessibility violation (axe-core) on the results and campaigns pages. Each
step saves a screenshot in the test's folder. Needs chromium (``tests/setup-browser``): without
it the tests fail, never skip."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.support.a11y import serious_violations
from tests.support.console import Background
from tests.support.console_results import (
    ADMIN_PASSWORD,
    PASSWORD,
    PHONES,
    users,
    write_deployment,
)
from tests.support.jsonl_client import mo

WAIT = 30_000
"""Milliseconds a step may take at most: a bound on a hung test, not a timing."""


SEEN = """window.seen = [];
new MutationObserver(() => {
  const cell = document.querySelector("#progress td[data-count=sent]");
  if (cell) { window.seen.push(Number(cell.textContent)); }
}).observe(document.getElementById("progress"), { childList: true });"""
"""Records the number sent each time the page puts a fresh progress in."""


def _engine(tmp_path: Path) -> Background:
    return Background(
        tmp_path, write_deployment(tmp_path), [], users=users(), more="country: FR\n",
        secrets=(PASSWORD, ADMIN_PASSWORD),
    )  # fmt: skip


def _log_in(page: Any, url: str, name: str, password: str, path: str) -> None:
    from playwright.sync_api import expect

    page.goto(url + path)
    expect(page).to_have_url(url + "/login?notice=no-session", timeout=WAIT)
    page.fill("input[name=name]", name)
    page.fill("input[name=password]", password)
    page.click("button:text('Log in')")
    expect(page).to_have_url(url + "/inbox", timeout=WAIT)
    page.goto(url + path)


def _vote(engine: Background, mo_id: str, phone: str, choice: str) -> None:
    running = engine.serving
    assert running is not None
    running.client.send(mo(mo_id, phone, f"VOTE {choice}"))
    assert engine.call(running.client.answer(mo_id))["type"] == "ack"


def test_the_poll_chart_moves_when_a_vote_arrives(browser: Any, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    engine = _engine(tmp_path)
    with engine as running:
        context = browser.new_context(viewport={"width": 1100, "height": 800})
        page = context.new_page()
        requests: list[str] = []
        page.on("request", lambda request: requests.append(request.url))
        try:
            _log_in(page, running.url, "alice", PASSWORD, "/results")
            page.click("a[href='/results/contest']")
            bar = page.locator("#chart-contest g.bar[data-key=A]")
            expect(bar).to_have_attribute("data-count", "0", timeout=WAIT)
            width = bar.locator("rect").get_attribute("width")
            page.wait_for_selector("body[data-connected=yes]", timeout=WAIT)
            page.evaluate("window.sameDocument = true")
            page.screenshot(path=str(tmp_path / "1-poll-before.png"))

            _vote(engine, "v1", PHONES[0], "A")
            expect(bar).to_have_attribute("data-count", "1", timeout=WAIT)
            assert bar.locator("rect").get_attribute("width") != width  # the bar grew
            expect(page.locator("#chart-contest figcaption")).to_contain_text(
                "Moonlight Drive 1", timeout=WAIT
            )
            _vote(engine, "v2", PHONES[1], "B")
            _vote(engine, "v3", PHONES[2], "A")
            expect(bar).to_have_attribute("data-count", "2", timeout=WAIT)
            expect(page.locator("#chart-contest g.bar[data-key=B]")).to_have_attribute(
                "data-count", "1", timeout=WAIT
            )
            assert page.evaluate("window.sameDocument") is True  # no reload
            page.screenshot(path=str(tmp_path / "2-poll-after.png"))

            phone = browser.new_context(viewport={"width": 390, "height": 844})
            small = phone.new_page()
            try:
                small.context.add_cookies(context.cookies())
                small.goto(running.url + "/results/contest")
                expect(small.locator("#chart-contest")).to_be_visible(timeout=WAIT)
                width = small.evaluate("document.documentElement.scrollWidth")
                assert width <= 390, width  # nothing wider than the phone
                small.screenshot(path=str(tmp_path / "3-results-390x844.png"), full_page=True)
                assert serious_violations(small) == []  # axe-core: the result's page
                for path in ("/results", "/campaigns", "/campaigns/promo"):
                    small.goto(running.url + path)
                    assert serious_violations(small) == [], path
            finally:
                phone.close()
        finally:
            context.close()
    assert all(url.startswith(running.url) for url in requests), requests  # nothing else
    for shot in ("1-poll-before", "2-poll-after", "3-results-390x844"):
        assert (tmp_path / f"{shot}.png").stat().st_size > 0


def test_a_campaign_started_from_its_page_shows_its_progress(browser: Any, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    engine = _engine(tmp_path)
    with engine as running:
        context = browser.new_context(viewport={"width": 1100, "height": 800})
        page = context.new_page()
        try:
            _log_in(page, running.url, "carol", ADMIN_PASSWORD, "/campaigns")
            expect(page.locator("tr[data-campaign=promo]")).to_contain_text(
                "not started", timeout=WAIT
            )
            page.click("a[href='/campaigns/promo']")
            expect(page.locator("#preview-recipients")).to_have_text("3", timeout=WAIT)
            page.screenshot(path=str(tmp_path / "1-campaign-preview.png"), full_page=True)

            asked: list[str] = []
            page.on("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
            page.click("button:text('Start')")
            expect(page.locator(".notice")).to_contain_text("The campaign is started", timeout=WAIT)
            assert asked == ["Start this campaign now? It cannot be started again."]
            page.wait_for_selector("body[data-connected=yes]", timeout=WAIT)
            page.evaluate("window.sameDocument = true")
            page.evaluate(SEEN)
            sent = page.locator("#progress td[data-count=sent]")
            expect(sent).to_have_text("3", timeout=WAIT)  # one a second: it advances live
            expect(page.locator("#progress td[data-count=started]")).to_have_text("3", timeout=WAIT)
            expect(page.locator("#progress-bar")).to_have_attribute("value", "3", timeout=WAIT)
            assert page.evaluate("window.sameDocument") is True  # no reload
            assert int(page.evaluate("document.body.dataset.updates || '0'")) >= 1
            progress = page.locator("#progress section.progress")
            expect(progress).to_have_attribute("data-status", "done", timeout=WAIT)
            expect(page.locator("button:text('Pause')")).to_have_count(0, timeout=WAIT)
            seen = page.evaluate("window.seen")
            assert seen == sorted(seen) and seen[-1] == 3, seen  # it only ever went up
            page.screenshot(path=str(tmp_path / "2-campaign-progress.png"), full_page=True)
            texts = engine.call(_campaign_texts(engine))
            assert sorted(texts) == sorted(PHONES)
        finally:
            context.close()
    for shot in ("1-campaign-preview", "2-campaign-progress"):
        assert (tmp_path / f"{shot}.png").stat().st_size > 0


async def _campaign_texts(engine: Background) -> list[str]:
    running = engine.serving
    assert running is not None

    def sent() -> list[str]:
        return [f["to"] for f in running.client.mts() if "code TEST" in f["text"]]

    await running.client.wait_for(lambda: len(sent()) == len(PHONES))
    return sent()
