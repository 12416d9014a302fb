"""The web console in headless chromium against a real ``twoway run`` on the jsonl connector: a
person logs in, an MO that falls to the inbox appears in the open inbox page without a reload,
is answered there (the counter asked of the engine as they type), and the answer reaches the
connector. Each step saves a screenshot in the test's folder. Needs chromium
(``tests/setup-browser``): without it the test fails, never skips."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from engine.web.console.passwords import hash_password
from tests.support.console import Background, write_rules
from tests.support.jsonl_client import mo

PASSWORD = "correct horse 1"
PHONE = "+33600000001"
REPLY = "Hello from the console"
WAIT = 15_000
"""Milliseconds a step may take at most: a bound on a hung test, not a timing."""


def test_an_mo_appears_live_in_the_inbox_and_is_answered_from_it(
    browser: Any, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    users = [{"name": "alice", "password": hash_password(PASSWORD), "teams": ["support"]}]
    engine = Background(tmp_path, write_rules(tmp_path), [], users=users, secrets=(PASSWORD,))
    with engine as running:
        context = browser.new_context(viewport={"width": 1100, "height": 800})
        page = context.new_page()
        requests: list[str] = []
        page.on("request", lambda request: requests.append(request.url))
        try:
            page.goto(running.url + "/inbox")
            expect(page).to_have_url(running.url + "/login?notice=no-session")
            page.fill("input[name=name]", "alice")
            page.fill("input[name=password]", PASSWORD)
            page.click("button:text('Log in')")
            expect(page).to_have_url(running.url + "/inbox", timeout=WAIT)
            expect(page.locator("#threads")).to_contain_text("Nothing waiting", timeout=WAIT)
            # the stream is open before the message comes: what follows is a live update
            page.wait_for_selector("body[data-connected=yes]", timeout=WAIT)
            page.evaluate("window.sameDocument = true")
            page.screenshot(path=str(tmp_path / "1-inbox-empty.png"))

            running.client.send(mo("m1", PHONE, "HUMAN please"))
            assert engine.call(running.client.answer("m1"))["type"] == "ack"
            row = page.locator("#threads tr.thread")
            expect(row).to_contain_text(PHONE, timeout=WAIT)
            expect(row.locator(".badge")).to_have_text("1", timeout=WAIT)
            assert page.evaluate("window.sameDocument") is True  # no reload
            page.screenshot(path=str(tmp_path / "2-inbox-live.png"))

            row.locator("a").click()
            expect(page.locator("#messages")).to_contain_text("HUMAN please", timeout=WAIT)
            page.fill("#text", REPLY)
            expect(page.locator("#counter")).to_have_text(
                f"{len(REPLY)} characters · 1 SMS (gsm7)", timeout=WAIT
            )
            page.fill("#text", REPLY + " 🙂")
            expect(page.locator("#counter")).to_contain_text("(ucs2)", timeout=WAIT)
            page.fill("#text", REPLY)
            page.screenshot(path=str(tmp_path / "3-thread-typing.png"))
            page.click("button:text('Send')")
            expect(page.locator(".notice")).to_have_text("Your reply is on its way.", timeout=WAIT)
            expect(page.locator("#messages")).to_contain_text(REPLY, timeout=WAIT)
            engine.call(running.client.wait_for(lambda: _sent(running.client.mts(), REPLY)))
            page.screenshot(path=str(tmp_path / "4-thread-answered.png"))
        finally:
            context.close()
    assert all(url.startswith(running.url) for url in requests), requests  # nothing else
    for shot in ("1-inbox-empty", "2-inbox-live", "3-thread-typing", "4-thread-answered"):
        assert (tmp_path / f"{shot}.png").stat().st_size > 0


def _sent(mts: list[dict[str, Any]], text: str) -> bool:
    return any(frame["text"] == text for frame in mts)
