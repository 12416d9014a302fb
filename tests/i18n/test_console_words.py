"""Every word of the console's templates has its French (``engine.i18n.console``), with the
same ``%(name)s`` placeholders, and the catalogue holds no word no template or code uses."""

from __future__ import annotations

import re
from pathlib import Path

from engine.i18n.console import CONSOLE

ROOT = Path(__file__).resolve().parents[2]
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def template_words() -> set[str]:
    from jinja2 import Environment

    env = Environment(extensions=["jinja2.ext.i18n"])
    found: set[str] = set()
    for path in sorted((ROOT / "engine/web/console/templates").glob("*.html")):
        for _, _, message in env.extract_translations(path.read_text(encoding="utf-8")):
            found.update(m for m in (message if isinstance(message, tuple) else (message,)) if m)
    return found


def test_every_template_word_has_its_french() -> None:
    missing = sorted(template_words() - CONSOLE.keys())
    assert missing == []


def test_the_french_keeps_the_placeholders() -> None:
    for english, french in CONSOLE.items():
        assert set(PLACEHOLDER.findall(english)) == set(PLACEHOLDER.findall(french)), english
        assert french.strip() and french != "", english


def test_no_french_for_words_nobody_says() -> None:
    code = "\n".join(
        p.read_text(encoding="utf-8") for p in (ROOT / "engine/web/console").rglob("*.py")
    )
    used = template_words()
    statuses = {"open", "assigned", "closed", "released", "handoff", "unmatched", "received",
                "queued", "sending", "sent", "delivered", "failed", "expired", "suppressed",
                "rejected", "undeliverable"}  # fmt: skip
    unused = [w for w in CONSOLE if w not in used | statuses and f'"{w}"' not in code]
    assert unused == []
