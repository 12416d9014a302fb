"""The report in a real browser: it shows its text and charts, and loads nothing at all.

Needs chromium: `tests/setup-browser` installs it. Without it these tests fail (never skip).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.report.helpers import HOSTILE_LABEL, HOSTILE_TITLE, ReportMade

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "tests" / "artifacts"


def twoway(*args: str) -> subprocess.CompletedProcess[str]:
    """The real command, in its own process (playwright's sync API holds this one's loop)."""
    return subprocess.run(
        [sys.executable, "-m", "engine", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_report_shows_its_polls_and_charts_and_fetches_nothing(
    made: ReportMade, browser: Any, tmp_path: Path
) -> None:
    page_file = tmp_path / "report.html"
    outcome = twoway(
        "report", "--db", str(made.db), "--rules", str(made.rules), "--html", str(page_file)
    )
    assert outcome.returncode == 0, outcome.stderr
    assert outcome.stderr == f"report written to {page_file}\n"
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    try:
        page = context.new_page()
        requests: list[str] = []
        page.on("request", lambda request: requests.append(request.url))
        dialogs: list[str] = []

        def on_dialog(dialog: Any) -> None:
            dialogs.append(dialog.message)
            dialog.dismiss()

        page.on("dialog", on_dialog)
        page.goto(page_file.as_uri(), wait_until="load")

        text = page.inner_text("body")
        for expected in (
            "Song of the year",
            "Moonlight Drive",
            "Paper Planes",
            "Blue Monday",
            "How did we do?",
            HOSTILE_TITLE,
            HOSTILE_LABEL,
        ):
            assert expected in text
        poll = page.locator("#poll-contest")
        assert "30" in poll.locator("dl.numbers").inner_text()  # voters

        charts = page.locator(".chart > svg")
        # contest, hostile; the survey's three questions; the replies over time
        assert charts.count() == 6
        for i in range(charts.count()):
            box = charts.nth(i).bounding_box()
            assert box is not None and box["width"] > 100 and box["height"] > 100, (i, box)
        # the labels are drawn in the chart too, as text
        assert "Moonlight Drive" in (page.locator("#poll-contest .chart svg").text_content() or "")

        assert dialogs == []  # the hostile label ran nothing
        assert requests, "no request seen at all: the listener did not work"
        remote = [url for url in requests if not url.startswith(("file:", "data:"))]
        assert remote == []

        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "report.png"), full_page=True)
    finally:
        context.close()
