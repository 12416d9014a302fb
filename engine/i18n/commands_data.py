"""Own the words of the bodies of `twoway results`, `report`, `campaign`, `contacts` and
`chat` in English and French, by key (the column names of CSV, JSON and XLSX stay English)."""

from __future__ import annotations

__all__ = ["DATA"]

DATA: dict[str, dict[str, str]] = {}
