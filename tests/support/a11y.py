"""Accessibility checks for the browser tests: axe-core (vendored in ``tests/support/vendor``,
never shipped) run in the page under test, its serious and critical violations; and a screenshot
at a phone's size (390×844, an iPhone 12 to 15's CSS pixels).

axe is evaluated through the browser's devtools protocol, not added as a ``<script>``: the
console's Content-Security-Policy (``script-src 'self'``) stays on while it runs."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

__all__ = ["PHONE", "phone_screenshot", "serious_violations"]

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
PHONE = {"width": 390, "height": 844}
SERIOUS = ("serious", "critical")
RUN = (
    "async () => (await window.axe.run(document, {resultTypes: ['violations']})).violations"
    ".map((v) => ({id: v.id, impact: v.impact, help: v.help,"
    " nodes: v.nodes.map((n) => n.target.join(' '))}))"
)


@cache
def _axe_source() -> str:
    return AXE.read_text(encoding="utf-8")


def serious_violations(page: Any) -> list[dict[str, Any]]:
    """The page's axe violations of serious or critical impact: each rule's id, impact, help
    and the selectors of the elements at fault (empty: none)."""
    from playwright.sync_api import Error

    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(_axe_source() + "\n;undefined")
    try:
        found = page.evaluate(RUN)
    except Error:  # a live refresh replaced what axe was looking at: once more, on the new DOM
        found = page.evaluate(RUN)
    return [v for v in found if v["impact"] in SERIOUS]


def phone_screenshot(page: Any, name: str | Path) -> Path:
    """The page at a phone's size (390×844), saved as ``name`` (``.png`` added); its path."""
    page.set_viewport_size(PHONE)
    path = Path(name).with_suffix(".png")
    page.screenshot(path=str(path), full_page=False)
    return path
