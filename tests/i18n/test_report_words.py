"""Every word of the HTML report's template and charts has its French
(``engine.i18n.report``), and the table holds no word nobody says."""

from __future__ import annotations

from pathlib import Path

from engine.i18n.report import REPORT

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "engine/report/templates/report.html.j2"
SAID_BY_CODE = {
    # a campaign's status and the unit of the replies over time, put through _() as values
    "running", "paused", "cancelled", "done", "hour", "day", "month",
    # the charts (engine.report.charts) and the default title (engine.report.data)
    "Votes per choice", "answers", "Funnel", "messages", "Messages received per hour",
    "Messages received per day", "Messages received per month", "(none)", "yes", "no",
    "twoway report",
}  # fmt: skip


def template_words() -> set[str]:
    from jinja2 import Environment

    env = Environment(extensions=["jinja2.ext.i18n"])
    found = env.extract_translations(TEMPLATE.read_text(encoding="utf-8"))
    return {message for _, _, message in found if isinstance(message, str)}


def test_every_word_of_the_report_has_its_french() -> None:
    assert template_words()
    assert sorted((template_words() | SAID_BY_CODE) - REPORT.keys()) == []
    assert all(french.strip() for french in REPORT.values())


def test_the_report_table_holds_no_word_nobody_says() -> None:
    assert sorted(REPORT.keys() - template_words() - SAID_BY_CODE) == []
