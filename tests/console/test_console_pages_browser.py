"""The console's inbox and thread pages in headless chromium against a real ``twoway run``: no
serious or critical axe-core violation on the inbox, a thread, the archive and the log-in page
(with a 390×844 screenshot of the inbox and the thread), the inbox's weight, a canned reply
chosen, the delivery status changing without a reload, and the notification of a new hand-off
the person asked for. Needs chromium (``tests/setup-browser``): without it the tests fail."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from engine.web.console.passwords import hash_password
from tests.support.a11y import phone_screenshot, serious_violations
from tests.support.console import Background, write_rules
from tests.support.jsonl_client import mo

PASSWORD = "correct horse 1"
PHONE = "+33600000001"
WAIT = 15_000
"""Milliseconds a step may take at most: a bound on a hung test, not a timing."""
CANNED = [{"name": "Hours", "text": "We are open 9:00-18:00."}]
MOST_BYTES = 200_000
NOTIFICATIONS = """
window.shown = [];
window.tones = 0;
class Recorded {
  static permission = "default";
  static requestPermission() { Recorded.permission = "granted"; return Promise.resolve("granted"); }
  constructor(title, options) { window.shown.push({ title, body: options.body }); }
  addEventListener() {}
}
window.Notification = Recorded;
class Tone {
  constructor() { window.tones += 1; this.currentTime = 0; this.destination = {}; }
  createOscillator() { return { frequency: {}, connect: (x) => x, start() {}, stop() {},
    addEventListener() {} }; }
  createGain() { return { gain: { setValueAtTime() {}, exponentialRampToValueAtTime() {} },
    connect: (x) => x }; }
  close() {}
}
window.AudioContext = Tone;
"""
"""Stand-ins for the Notification API and WebAudio: what the page shows and plays, recorded
(headless chromium shows no notification), permission granted when asked."""


def _engine(tmp_path: Path, **kw: Any) -> Background:
    users = [{"name": "alice", "password": hash_password(PASSWORD), "teams": ["support"]}]
    return Background(
        tmp_path, write_rules(tmp_path), [], users=users, secrets=(PASSWORD,),
        console={"canned": CANNED}, **kw,
    )  # fmt: skip


def _log_in(page: Any, url: str) -> None:
    from playwright.sync_api import expect

    page.goto(url + "/login")
    page.fill("input[name=name]", "alice")
    page.fill("input[name=password]", PASSWORD)
    page.click("button:text('Log in')")
    expect(page).to_have_url(url + "/inbox", timeout=WAIT)


def _handed(engine: Background, running: Any, mo_id: str, text: str) -> None:
    running.client.send(mo(mo_id, PHONE, text))
    assert engine.call(running.client.answer(mo_id))["type"] == "ack"


def test_the_inbox_and_a_thread_have_no_serious_accessibility_fault(
    browser: Any, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    engine = _engine(tmp_path)
    with engine as running:
        context = browser.new_context(viewport={"width": 1100, "height": 800})
        page = context.new_page()
        blocked: list[str] = []
        page.on("console", lambda m: blocked.append(m.text) if "Content Security" in m.text else 0)
        try:
            page.goto(running.url + "/login")
            assert serious_violations(page) == []
            _log_in(page, running.url)
            _handed(engine, running, "m1", "HUMAN please, my parcel is late")
            page.reload()
            expect(page.locator("#threads tr.thread")).to_have_count(1, timeout=WAIT)
            expect(page.locator("#alerts")).to_be_visible(timeout=WAIT)  # the script ran
            assert serious_violations(page) == []
            inbox = phone_screenshot(page, tmp_path / "inbox-phone")

            page.locator("#threads tr.thread a").click()
            expect(page.locator("#messages")).to_contain_text("my parcel", timeout=WAIT)
            expect(page.locator(".story")).to_contain_text("Handed to support", timeout=WAIT)
            rules = page.locator("#messages li.out .meta")  # the rules' answer, sent: settled
            expect(rules).to_contain_text("· sent", timeout=WAIT)
            assert serious_violations(page) == []
            thread = phone_screenshot(page, tmp_path / "thread-phone")

            page.click("button:text('Close')")
            expect(page.locator(".notice")).to_have_text("The thread is closed.", timeout=WAIT)
            page.goto(running.url + "/archive")
            expect(page.locator("#threads tr.thread")).to_have_count(1, timeout=WAIT)
            assert serious_violations(page) == []
        finally:
            context.close()
    assert blocked == []  # axe ran with the page's CSP on, and nothing of the page was refused
    for shot in (inbox, thread):
        assert shot.stat().st_size > 0
        assert shot.read_bytes()[16:24] == (390).to_bytes(4, "big") + (844).to_bytes(4, "big")


def test_the_inbox_page_weighs_less_than_200_kb(browser: Any, tmp_path: Path) -> None:
    """What the inbox page loads (its HTML, CSS and JS; the event stream aside) sums < 200 kB."""
    from playwright.sync_api import expect

    engine = _engine(tmp_path)
    with engine as running:
        context = browser.new_context()
        page = context.new_page()
        try:
            _log_in(page, running.url)
            _handed(engine, running, "m1", "HUMAN please")
            page.close()
            fresh = context.new_page()  # only what this page loads (its cache is empty)
            loaded: list[Any] = []
            fresh.on("response", lambda response: loaded.append(response))
            fresh.goto(running.url + "/inbox")
            expect(fresh.locator("#threads tr.thread")).to_have_count(1, timeout=WAIT)
            expect(fresh.locator("body[data-connected=yes]")).to_have_count(1, timeout=WAIT)
            sized = {
                r.url: len(r.body()) for r in loaded
                if r.request.resource_type in ("document", "stylesheet", "script", "image",
                                               "font")
            }  # fmt: skip
        finally:
            context.close()
    kinds = {re.sub(r".*/", "", url) for url in sized}
    assert {"inbox", "console.css", "console.js"} <= kinds, sized
    assert sum(sized.values()) < MOST_BYTES, sized


def test_a_canned_reply_fills_the_box_and_a_status_changes_without_a_reload(
    browser: Any, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    engine = _engine(tmp_path, ack_mts=False)  # the MT is acknowledged when the test says
    with engine as running:
        context = browser.new_context()
        page = context.new_page()
        try:
            _log_in(page, running.url)
            _handed(engine, running, "m1", "HUMAN please")
            page.reload()
            page.locator("#threads tr.thread a").click()
            page.wait_for_selector("body[data-connected=yes]", timeout=WAIT)
            page.select_option("#canned", "Hours")
            expect(page.locator("#text")).to_have_value(CANNED[0]["text"], timeout=WAIT)
            expect(page.locator("#counter")).to_contain_text("23 characters", timeout=WAIT)
            page.click("button:text('Send')")
            page.wait_for_selector("body[data-connected=yes]", timeout=WAIT)
            page.evaluate("window.sameDocument = true")
            mine = page.locator("#messages li.out", has_text=CANNED[0]["text"])
            expect(mine.locator(".meta")).to_contain_text("sending", timeout=WAIT)
            client = running.client
            engine.call(client.wait_for(lambda: _mt(client.frames) is not None))
            client.send({"type": "mt_ack", "ref": _mt(client.frames)})
            expect(mine.locator(".meta")).to_contain_text("· sent", timeout=WAIT)
            assert page.evaluate("window.sameDocument") is True  # no reload
        finally:
            context.close()


def _mt(frames: list[dict[str, Any]]) -> int | None:
    return next((f["ref"] for f in frames if f.get("type") == "mt"
                 and f.get("text") == CANNED[0]["text"]), None)  # fmt: skip


def test_a_new_hand_off_is_notified_once_asked_for_with_a_sound(
    browser: Any, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    engine = _engine(tmp_path)
    with engine as running:
        context = browser.new_context()
        context.add_init_script(NOTIFICATIONS)
        page = context.new_page()
        try:
            _log_in(page, running.url)
            page.wait_for_selector("body[data-connected=yes]", timeout=WAIT)
            button = page.locator("#notify")
            expect(button).to_have_attribute("aria-pressed", "false", timeout=WAIT)
            button.focus()
            page.keyboard.press("Enter")  # keyboard-usable
            expect(button).to_have_attribute("aria-pressed", "true", timeout=WAIT)
            expect(page.locator("#notify-state")).to_have_text("Notifications are on.")
            page.check("#sound")
            _handed(engine, running, "m1", "HUMAN please")
            expect(page.locator("#threads tr.thread")).to_have_count(1, timeout=WAIT)
            page.wait_for_function("() => window.shown.length === 1", timeout=WAIT)
            assert page.evaluate("window.shown") == [{"title": "New hand-off", "body": PHONE}]
            assert page.evaluate("window.tones") == 1

            page.uncheck("#sound")
            turn = int(page.evaluate("document.body.dataset.refreshed"))
            running.client.send(mo("m2", "+33600000002", "where is my order"))  # reception's
            assert engine.call(running.client.answer("m2"))["type"] == "ack"
            page.wait_for_function(
                f"() => Number(document.body.dataset.refreshed) > {turn}", timeout=WAIT
            )
            assert page.evaluate("window.shown.length") == 1  # not a thread alice sees
        finally:
            context.close()
