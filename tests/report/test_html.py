"""`twoway report --html`: one self-contained page, every text escaped, the store's numbers."""

from __future__ import annotations

import re
import sqlite3
import stat
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from engine.report import Report, Timeline, render_html
from engine.report.offline import remote_references
from engine.results.model import (
    CampaignResult,
    FlowResult,
    PollResult,
    Respondent,
    SurveyResult,
)
from tests.report.helpers import HOSTILE_LABEL, HOSTILE_TITLE, VOTERS, ReportMade
from tests.results.helpers import run

PARIS = ZoneInfo("Europe/Paris")


def report(made: ReportMade, target: Path, *args: str) -> str:
    outcome = run(
        "report", "--db", str(made.db), "--rules", str(made.rules), "--html", str(target), *args
    )
    assert outcome.exit_code == 0, outcome.output
    return target.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def page(made: ReportMade, tmp_path_factory: pytest.TempPathFactory) -> str:
    return report(made, tmp_path_factory.mktemp("page") / "report.html")


def test_the_page_loads_nothing_and_runs_nothing(page: str) -> None:
    lowered = page.lower()
    for forbidden in ('src="http', 'href="http', "src='http", "<script", "@import", "<link"):
        assert forbidden not in lowered, forbidden
    assert "url(http" not in lowered and "url(//" not in lowered
    assert remote_references(page) == []
    # the only absolute URLs left are XML namespaces, which nothing fetches
    urls = set(re.findall(r"https?://[^\s\"'<>)&]+", page))
    assert urls <= {"http://www.w3.org/2000/svg", "https://example.com/x.png"}


def test_hostile_titles_and_labels_are_text(page: str) -> None:
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(" in page  # in the table, by Jinja2
    assert "<img src=https" not in page
    assert "<b>bold</b>" not in page
    assert "&lt;b&gt;bold&lt;/b&gt;" in page
    assert HOSTILE_LABEL not in page and HOSTILE_TITLE not in page  # never as markup


def test_the_numbers_are_the_store_s(made: ReportMade, page: str) -> None:
    with sqlite3.connect(made.db) as conn:
        inbound = conn.execute("SELECT COUNT(*) FROM inbound").fetchone()[0]
        tally = dict(
            conn.execute("SELECT choice, COUNT(*) FROM votes WHERE poll = 'contest' GROUP BY 1")
        )
    assert inbound == made.messages
    contest = page[page.index('id="poll-contest"') : page.index('id="poll-hostile"')]
    assert f"<dt>voters</dt><dd>{VOTERS}</dd>" in contest
    assert "<dt>refused: second vote</dt><dd>1</dd>" in contest
    for key, label in (("A", "Moonlight Drive"), ("B", "Paper Planes"), ("C", "Blue Monday")):
        assert re.search(
            rf"<td>{key}</td><td>{label}</td><td class=\"n\">{tally[key]}</td>", contest
        )
    assert f"<dt>messages received</dt><dd>{inbound}</dd>" in page
    assert "<dt>completion rate</dt><dd>60.0 %</dd>" in page  # 3 of the 5 surveys


def test_every_chart_is_inline_svg_with_its_own_id(page: str) -> None:
    ids = re.findall(r'<svg xmlns="http://www.w3.org/2000/svg" id="chart-(report-\d+)"', page)
    assert ids == [f"report-{n}" for n in range(1, 7)]  # 2 polls, 3 questions, replies


def test_the_file_is_private_and_replaced(made: ReportMade, tmp_path: Path) -> None:
    target = tmp_path / "report.html"
    target.write_text("old")
    target.chmod(0o644)
    report(made, target)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_names_select_the_results(made: ReportMade, tmp_path: Path) -> None:
    page = report(made, tmp_path / "r.html", "contest", "--title", "Contest <night>")
    assert 'id="poll-contest"' in page and 'id="poll-hostile"' not in page
    assert "No surveys." in page and "No flows." in page
    assert "<title>Contest &lt;night&gt;</title>" in page
    assert "Replies over time" in page  # every message received, whatever the names


def test_an_unknown_name_is_refused(made: ReportMade, tmp_path: Path) -> None:
    outcome = run(
        "report", "nope", "--db", str(made.db), "--rules", str(made.rules),
        "--html", str(tmp_path / "r.html"),
    )  # fmt: skip
    assert outcome.exit_code == 1
    assert "no poll, survey, flow or campaign named 'nope'" in outcome.output
    assert not (tmp_path / "r.html").exists()


def test_html_is_required(made: ReportMade) -> None:
    outcome = run("report", "--db", str(made.db))
    assert outcome.exit_code == 2
    assert "--html" in outcome.output


def _bundle() -> Report:
    at = datetime(2026, 3, 2, 9, 0, tzinfo=PARIS)
    return Report(
        title="Spring <report>",
        generated=datetime(2026, 3, 2, 17, 30, tzinfo=UTC).astimezone(PARIS),
        timezone="Europe/Paris",
        results=(
            PollResult("p", "Pick one", (("A", "Apples", 3), ("B", "Pears", 1)), 4, 2, 1, 0, ()),
            SurveyResult(
                "s",
                "Feedback",
                ("score",),
                (Respondent("+33600000001", at, at, (("score", 7),)),),
                1.0,
                (("score", ((7, 1),)),),
            ),
            FlowResult("f", "Help desk", 5, (("completed", 3), ("expired", 1)), 1, 2),
        ),
        campaigns=(
            CampaignResult("spring", "Spring sale", "done", 120, 100, 90, 10, 25, 3, 20),
            CampaignResult("draft", "Not sent yet", "draft", 50, 0, 0, 0, 0, 0, 0),
        ),
        replies=Timeline("hour", ((at, 4), (at.replace(hour=10), 0), (at.replace(hour=11), 2))),
    )


def test_a_bundle_renders_the_same_page_every_time() -> None:
    first = render_html(_bundle())
    assert first == render_html(_bundle())
    assert 'Generated <time datetime="2026-03-02T18:30:00+01:00">2026-03-02 18:30</time>' in first
    assert "(Europe/Paris)" in first
    assert "<title>Spring &lt;report&gt;</title>" in first


def test_campaigns_have_their_funnel_and_response_rate() -> None:
    page = render_html(_bundle())
    spring = page[page.index('id="campaign-spring"') : page.index('id="campaign-draft"')]
    assert "<dt>response rate</dt><dd>25.0 %</dd>" in spring
    svg = spring[spring.index("<svg") : spring.index("</svg>")]
    for stage in ("sent", "delivered", "replied", "opted out"):
        assert f">{stage}<" in svg
    draft = page[page.index('id="campaign-draft"') :]
    assert "<dt>response rate</dt><dd>0.0 %</dd>" in draft
    assert remote_references(page) == []


def test_flows_show_how_sessions_ended() -> None:
    page = render_html(_bundle())
    flow = page[page.index('id="flow-f"') : page.index('id="campaigns"')]
    assert '<td>completed</td><td class="n">3</td>' in flow
    assert "<dt>hand-offs</dt><dd>2</dd>" in flow


def test_nothing_received_says_so() -> None:
    empty = Report("r", datetime(2026, 1, 1, tzinfo=UTC), "UTC", (), (), Timeline("hour", ()))
    page = render_html(empty)
    for sentence in (
        "No polls.",
        "No surveys.",
        "No flows.",
        "No campaigns.",
        "No messages received.",
    ):
        assert sentence in page
    assert "<svg" not in page


@pytest.mark.parametrize(
    "page",
    [
        '<img src="https://example.com/a.png">',
        '<svg><image xlink:href="//example.com/a.png"/></svg>',
        "<style>@import 'x.css';</style>",
        '<div style="background: url(https://example.com/a.png)"></div>',
        "<script>1</script>",
        '<link rel="stylesheet" href="a.css">',
    ],
)
def test_the_offline_check_finds_what_would_load(page: str) -> None:
    assert remote_references(page) != []


def test_the_offline_check_lets_text_links_within_and_data_through() -> None:
    page = (
        '<p>&lt;img src="https://example.com"&gt;</p><a href="#polls">Polls</a>'
        '<img src="data:image/png;base64,AAAA"><svg xmlns="http://www.w3.org/2000/svg"></svg>'
    )
    assert remote_references(page) == []
