"""Own the charts of the report: pygal charts rendered as inline SVG, with nothing to fetch.

pygal draws each chart as an SVG tree; the report keeps the drawing and drops what a browser
would run or load: no JavaScript (``js=[]``, and the inline config script removed), no web fonts,
no comments. Text (titles, labels) is escaped by the XML serialiser. Every chart gets an id of
the caller's choosing, so the page is the same for the same data.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import pygal
from markupsafe import Markup
from pygal.style import Style

from engine.report.offline import remote_references
from engine.report.timeline import Timeline
from engine.results.model import CampaignResult, PollResult

__all__ = [
    "answer_text",
    "campaign_chart",
    "distribution_chart",
    "poll_chart",
    "timeline_chart",
]

_STYLE = Style(
    background="white",
    plot_background="white",
    foreground="#333",
    foreground_strong="#111",
    foreground_subtle="#999",
    font_family="system-ui, -apple-system, 'Segoe UI', Roboto, 'Liberation Sans', sans-serif",
    label_font_size=13,
    major_label_font_size=13,
    value_font_size=13,
    value_label_font_size=13,
    title_font_size=16,
    legend_font_size=13,
    colors=("#2f6db5", "#e07b39", "#3a9a5b", "#c0392b", "#8e6bbf", "#7f8c8d"),
)

_COMMON: dict[str, Any] = {
    "style": _STYLE,
    "js": [],
    "disable_xml_declaration": True,
    "show_legend": False,
    "print_values": True,
    "truncate_label": -1,
    "truncate_legend": -1,
    "width": 800,
    "margin": 16,
}


def _strip(root: Any) -> Any:
    """Drop scripts and comments from a pygal SVG tree (xml.etree or lxml)."""
    for parent in list(root.iter()):
        for child in list(parent):
            tag = child.tag
            if not isinstance(tag, str) or tag.rsplit("}", 1)[-1] == "script":
                parent.remove(child)
    return root


def _svg(chart: Any, ident: str) -> Markup:
    chart.uuid = ident  # the id of the <svg> and the scope of its CSS: one per chart of the page
    chart.add_xml_filter(_strip)
    svg = str(chart.render(is_unicode=True))
    found = remote_references(svg)
    if found:
        raise ValueError(f"chart {ident} would load or run something: {found[0]}")
    return Markup(svg)  # pygal's serialiser escaped every text and attribute


def _scale(values: Sequence[int]) -> dict[str, Any]:
    """Whole-number ticks for counts (no 0.2 of a vote): 1, 2 or 5 times a power of ten."""
    top = max([*values, 1])
    step = 1
    while top / step > 10:
        for factor in (2, 5, 10):
            if top / (step * factor) <= 10:
                step *= factor
                break
        else:
            step *= 10
    last = -(-top // step) * step
    return {"range": (0, last), "y_labels": list(range(0, last + 1, step))}


def _height(bars: int) -> int:
    return max(160, 70 + 44 * bars)


Words = Callable[[str], str]
"""The words of a chart in the page's language: English words → what the page says."""


def _same(english: str) -> str:
    return english


def poll_chart(poll: PollResult, ident: str, words: Words = _same) -> Markup:
    """Votes per choice, one horizontal bar each, in the rule file's order."""
    values = [n for _, _, n in reversed(poll.choices)]
    chart = pygal.HorizontalBar(
        **_COMMON, **_scale(values), height=_height(len(values)), title=words("Votes per choice")
    )
    chart.x_labels = [label for _, label, _ in reversed(poll.choices)]
    chart.add(words("votes"), values)
    return _svg(chart, ident)


def distribution_chart(
    question: str, counts: Sequence[tuple[Any, int]], ident: str, words: Words = _same
) -> Markup:
    """How many respondents gave each answer to ``question``, most frequent on top (the page
    shows the question above the chart; the chart's own title, for a reader of the SVG)."""
    values = [n for _, n in reversed(counts)]
    chart = pygal.HorizontalBar(**_COMMON, **_scale(values), height=_height(len(values)) - 30)
    chart.x_labels = [answer_text(value, words) for value, _ in reversed(counts)]
    chart.add(words("answers"), values)
    return _svg(chart, ident)


def campaign_chart(campaign: CampaignResult, ident: str, words: Words = _same) -> Markup:
    """The funnel of a campaign: sent, delivered, replied, and opted out, top to bottom."""
    stages = (
        ("sent", campaign.sent),
        ("delivered", campaign.delivered),
        ("replied", campaign.replied),
        ("opted out", campaign.opted_out),
    )
    values = [n for _, n in reversed(stages)]
    chart = pygal.HorizontalBar(
        **_COMMON, **_scale(values), height=_height(len(stages)), title=words("Funnel")
    )
    chart.x_labels = [words(name) for name, _ in reversed(stages)]
    chart.add(words("messages"), values)
    return _svg(chart, ident)


_LABELS = {"hour": "%a %d %b %H:%M", "day": "%a %d %b %Y", "month": "%b %Y"}


def timeline_chart(line: Timeline, ident: str, words: Words = _same) -> Markup:
    """Messages received per hour (day, month), one bar per bucket, empty ones included."""
    count = len(line.buckets)
    config = dict(_COMMON, print_values=count <= 24)
    values = [n for _, n in line.buckets]
    chart = pygal.Bar(
        **config,
        **_scale(values),
        height=360,
        title=words(f"Messages received per {line.unit}"),
        x_label_rotation=30,
        show_minor_x_labels=False,
        x_labels_major_every=max(1, count // 12),
    )
    chart.x_labels = [at.strftime(_LABELS[line.unit]) for at, _ in line.buckets]
    chart.add(words("messages"), values)
    return _svg(chart, ident)


def answer_text(value: Any, words: Words = _same) -> str:
    """An answer as the report shows it."""
    if value is None:
        return words("(none)")
    if isinstance(value, bool):
        return words("yes") if value else words("no")
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)
