"""Own the check that a page is self-contained: nothing in it would make a browser fetch or run.

The page is parsed as HTML (inline SVG included), so that text which merely looks like markup
(an escaped ``<img src=…>`` in a label) is not mistaken for it. Allowed: links within the page
(``#id``) and ``data:`` URIs; refused: scripts, frames, embeds, stylesheets, and any other URL
in an attribute or a style.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

__all__ = ["remote_references"]

_URL_ATTRIBUTES = frozenset(
    {"src", "href", "xlink:href", "srcset", "action", "formaction", "poster", "data", "background"}
)
_FORBIDDEN_TAGS = frozenset({"script", "link", "iframe", "frame", "object", "embed", "base"})
_CSS_URL = re.compile(r"""url\(\s*(?!["']?\s*(?:#|data:))|@import""", re.I)


def _local(value: str) -> bool:
    value = value.strip()
    return value.startswith("#") or value.lower().startswith("data:")


class _Finder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self.in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _FORBIDDEN_TAGS:
            self.found.append(f"<{tag}>")
        self.in_style = tag == "style"
        for name, value in attrs:
            if value is None:
                continue
            if name in _URL_ATTRIBUTES and not _local(value):
                self.found.append(f"<{tag} {name}={value!r}>")
            elif name == "style" and _CSS_URL.search(value):
                self.found.append(f"<{tag} style={value!r}>")

    def handle_endtag(self, tag: str) -> None:
        if tag == "style":
            self.in_style = False

    def handle_data(self, data: str) -> None:
        if self.in_style and _CSS_URL.search(data):
            self.found.append(f"<style> {_CSS_URL.search(data)!r}")


def remote_references(page: str) -> list[str]:
    """What in ``page`` (HTML, or an SVG fragment) would load or run something; [] if nothing."""
    finder = _Finder()
    finder.feed(page)
    finder.close()
    return finder.found
