"""Read a /metrics page as a scraper does: every sample by name and labels, with its value."""

from __future__ import annotations

from prometheus_client.parser import text_string_to_metric_families

Key = tuple[str, frozenset[tuple[str, str]]]


def samples(text: str) -> dict[Key, float]:
    """Every sample of the page ``text``: (name, labels) → value."""
    return {
        (s.name, frozenset(s.labels.items())): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def sample(text: str, name: str, **labels: str) -> float | None:
    """The value of the sample ``name{labels}`` on the page ``text``, or None if it is absent."""
    return samples(text).get((name, frozenset(labels.items())))


def series(text: str, name: str) -> dict[frozenset[tuple[str, str]], float]:
    """Every sample named ``name``: labels → value."""
    return {labels: value for (n, labels), value in samples(text).items() if n == name}
