"""Smoke-run ``bench/scrape.py --quick``: it must finish and print its labelled figures.

No timing is asserted: speed depends on the machine.
"""

from __future__ import annotations

from tests.bench_smoke import run_quick

LABELS = (
    "== /metrics scrapes vs ack latency:",
    "numbers: 500 MOs, each to another number",
    "ack latency without scrapes: p50 ",
    "ack latency with 50 scrapes at once: p50 ",
    "scrapes: ",
    "0 failed; page ",
    "verify: 700 / 700 MOs acked; OK",
)


def test_bench_scrape_quick() -> None:
    run_quick("scrape.py", LABELS)
