"""The console's rules page and simulator in headless chromium against a real ``twoway run`` on
the jsonl connector: a message typed in the simulator gets the rule's reply and its why; the
rules page draws each flow (an SVG), and a broken rule file saved while it is open shows its
error with ``file:line:col`` without a reload (then the fixed one clears it); both pages at
390×844. Each step saves a screenshot in the test's folder. Needs chromium
(``tests/setup-browser``): without it the tests fail, never skip."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.a11y import serious_violations
from tests.support.api_engine import Serving
from tests.support.console import Background, write_order_rules

TOKEN = "desk-5ecret-t0ken"
WAIT = 20_000
"""Milliseconds a step may take at most: a bound on a hung test, not a timing."""
BAD_YAML = 'flow: Broken\ntrigger: {keyword: BAD}\nstates:\n  a:\n    say: "never closed\n'


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[tuple[Background, Serving]]:
    tokens = [{"name": "crm", "token": TOKEN, "scopes": ["inbox"]}]
    background = Background(tmp_path, write_order_rules(tmp_path), tokens, secrets=(TOKEN,))
    with background as running:
        yield background, running


def logged_in(browser: Any, running: Serving, width: int = 1100, height: int = 800) -> Any:
    """A page of a new browser context, logged in with the token."""
    from playwright.sync_api import expect

    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.goto(running.url + "/login")
    page.fill("input[name=token]", TOKEN)
    page.click("button:text('Log in')")
    expect(page).to_have_url(running.url + "/inbox", timeout=WAIT)
    return page


def test_a_message_typed_in_the_simulator_shows_the_rules_reply_and_why(
    browser: Any, engine: tuple[Background, Serving], tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    _, running = engine
    page = logged_in(browser, running)
    try:
        page.click("nav >> text=Simulator")
        expect(page).to_have_url(running.url + "/simulator", timeout=WAIT)
        page.wait_for_load_state("load", timeout=WAIT)  # console.js holds the keys by then
        expect(page.locator("#text")).to_be_focused(timeout=WAIT)
        page.keyboard.type("PIZZA")
        page.keyboard.press("Enter")  # the message's own button
        transcript = page.locator("#transcript")
        expect(transcript).to_contain_text("Which size: S, M or L?", timeout=WAIT)
        reply = transcript.locator("li.message.out").last
        expect(reply.locator(".step")).to_have_text("a trigger", timeout=WAIT)
        expect(reply.locator(".rule")).to_contain_text("order.yaml:2", timeout=WAIT)
        page.fill("#text", "M")
        page.click("#send")
        expect(transcript.locator("li.message.out").last).to_contain_text(
            "Size M. Confirm with YES.", timeout=WAIT
        )
        expect(transcript.locator("li.message.out").last.locator(".step")).to_have_text(
            "the waiting session", timeout=WAIT
        )
        page.screenshot(path=str(tmp_path / "1-simulator.png"), full_page=True)
        page.wait_for_load_state("load", timeout=WAIT)
        page.fill("input[name=wait]", "2h")
        page.press("input[name=wait]", "Enter")  # moves the clock, sends nothing typed
        expect(page.locator("#clock")).to_contain_text("(UTC)", timeout=WAIT)
        expect(transcript.locator("li.moved")).to_have_count(1, timeout=WAIT)
        assert running.client.mts() == []  # nothing went out
    finally:
        page.context.close()
    assert (tmp_path / "1-simulator.png").stat().st_size > 0


def test_a_broken_rule_file_saved_while_the_rules_page_is_open_shows_its_error(
    browser: Any, engine: tuple[Background, Serving], tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    _, running = engine
    page = logged_in(browser, running)
    try:
        page.click("nav >> text=Rules")
        expect(page).to_have_url(running.url + "/rules", timeout=WAIT)
        diagram = page.locator("svg.diagram[data-flow=order]")
        expect(diagram).to_be_visible(timeout=WAIT)
        expect(diagram.locator("[data-state=size]")).to_have_count(1)
        expect(page.locator("#no-errors")).to_be_visible()
        page.wait_for_selector("body[data-connected=yes]", timeout=WAIT)
        page.evaluate("window.sameDocument = true")
        page.screenshot(path=str(tmp_path / "2-rules.png"), full_page=True)

        broken = tmp_path / "rules" / "broken.yaml"
        broken.write_text(BAD_YAML, encoding="utf-8")
        errors = page.locator("#errors")
        expect(errors).to_contain_text(f"{broken}:5:10", timeout=WAIT)
        expect(errors).to_contain_text("^", timeout=WAIT)
        assert page.evaluate("window.sameDocument") is True  # no reload
        page.screenshot(path=str(tmp_path / "3-rules-broken.png"), full_page=True)

        broken.unlink()
        expect(page.locator("#no-errors")).to_be_visible(timeout=WAIT)
        assert page.evaluate("window.sameDocument") is True
    finally:
        page.context.close()
    for shot in ("2-rules", "3-rules-broken"):
        assert (tmp_path / f"{shot}.png").stat().st_size > 0


def test_the_rules_page_and_the_simulator_fit_a_phone(
    browser: Any, engine: tuple[Background, Serving], tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    _, running = engine
    page = logged_in(browser, running, 390, 844)
    try:
        page.goto(running.url + "/rules")
        expect(page.locator("svg.diagram").first).to_be_visible(timeout=WAIT)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        page.screenshot(path=str(tmp_path / "4-rules-390.png"))
        assert serious_violations(page) == []  # axe-core
        page.goto(running.url + "/simulator")
        page.fill("#text", "HOURS")
        page.click("#send")
        expect(page.locator("#transcript")).to_contain_text("We are open", timeout=WAIT)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        page.screenshot(path=str(tmp_path / "5-simulator-390.png"))
        assert serious_violations(page) == []
    finally:
        page.context.close()
    for shot in ("4-rules-390", "5-simulator-390"):
        assert (tmp_path / f"{shot}.png").stat().st_size > 0
