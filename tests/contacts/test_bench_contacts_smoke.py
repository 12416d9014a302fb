"""Smoke-run ``bench/contacts.py --quick``: it must finish and print its labelled figures."""

from __future__ import annotations

from tests.bench_smoke import run_quick

LABELS = (
    "generated 1,000 rows",
    "csv, empty store:",
    "xlsx, empty store:",
    "csv again, same store:",
    "imported 980, updated 0, refused 10",
)


def test_bench_contacts_quick() -> None:
    assert run_quick("contacts.py", LABELS).splitlines()[-1] == "OK"
