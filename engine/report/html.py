"""Own the HTML of the report: one self-contained page from a Jinja2 template and pygal charts.

The template (``templates/report.html.j2``, shipped in the package) is rendered with
autoescaping on: every title, label and answer is text, never markup. The charts are inline SVG
(``charts``); the styles are in the page; nothing is loaded from anywhere when it is opened.
"""

from __future__ import annotations

from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from engine.i18n import current
from engine.i18n.report import REPORT
from engine.report import charts
from engine.report.data import DEFAULT_TITLE, Report
from engine.report.offline import remote_references
from engine.results.model import FlowResult, PollResult, SurveyResult

__all__ = ["TEMPLATE", "render_html", "words_in"]

TEMPLATE = "report.html.j2"


def words_in(language: str) -> charts.Words:
    """The report's words in ``language``: English words → French (``engine.i18n.report``),
    or the English themselves."""
    table = REPORT if language == "fr" else {}
    return lambda english: table.get(english, english)


def _environment(words: charts.Words) -> Environment:
    environment = Environment(
        loader=PackageLoader("engine.report", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        extensions=["jinja2.ext.i18n"],
    )
    environment.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=words, ngettext=lambda one, many, n: words(one if n == 1 else many), newstyle=True
    )
    environment.filters["percent"] = _percent
    environment.filters["value"] = lambda value: charts.answer_text(value, words)
    return environment


def _percent(part: float, whole: float = 1.0) -> str:
    return f"{100 * part / whole:.1f} %" if whole else "–"


class _Ids:
    """Chart ids, in the order the page shows them: ``report-1``, ``report-2``, … (the ``<svg>``
    of each is ``chart-report-1``, …)."""

    def __init__(self) -> None:
        self.n = 0

    def __call__(self) -> str:
        self.n += 1
        return f"report-{self.n}"


def _sections(report: Report, words: charts.Words) -> dict[str, Any]:
    ids = _Ids()
    polls: list[dict[str, Any]] = []
    surveys: list[dict[str, Any]] = []
    flows: list[FlowResult] = []
    for result in report.results:
        if isinstance(result, PollResult):
            polls.append({"poll": result, "chart": charts.poll_chart(result, ids(), words)})
        elif isinstance(result, SurveyResult):
            completed = sum(1 for r in result.respondents if r.completed is not None)
            questions = [
                {
                    "name": question,
                    "counts": counts,
                    "chart": charts.distribution_chart(question, counts, ids(), words),
                }
                for question, counts in result.distributions
            ]
            surveys.append({"survey": result, "completed": completed, "questions": questions})
        else:
            flows.append(result)
    campaigns = [
        {"campaign": c, "chart": charts.campaign_chart(c, ids(), words)} for c in report.campaigns
    ]
    replies: Markup | None = None
    if report.replies.buckets:
        replies = charts.timeline_chart(report.replies, ids(), words)
    return {
        "polls": polls,
        "surveys": surveys,
        "flows": flows,
        "campaigns": campaigns,
        "replies": replies,
    }


def render_html(report: Report, language: str | None = None) -> str:
    """The report as one HTML page, self-contained: no scripts, no links, nothing remote; in
    ``language`` (default: the one in use), the rules' own words (titles, labels, answers)
    as they are."""
    spoken = language or current()
    words = words_in(spoken)
    template = _environment(words).get_template(TEMPLATE)
    title = words(report.title) if report.title == DEFAULT_TITLE else report.title
    page = template.render(report=report, language=spoken, title=title, **_sections(report, words))
    found = remote_references(page)
    if found:
        raise ValueError(f"the report would load or run something: {found[0]}")
    return page
