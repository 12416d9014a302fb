"""Own the HTML report: results, campaigns and replies over time as one self-contained page."""

from __future__ import annotations

from engine.report.data import DEFAULT_TITLE, Report, gather
from engine.report.html import render_html
from engine.report.timeline import Timeline, timeline

__all__ = ["DEFAULT_TITLE", "Report", "Timeline", "gather", "render_html", "timeline"]
