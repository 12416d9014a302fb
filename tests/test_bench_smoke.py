"""Smoke-run ``bench/runtime.py --quick``: it must finish and print its labelled figures.

No timing is asserted: speed depends on the machine.
"""

from __future__ import annotations

from tests.bench_smoke import run_quick

LABELS = (
    "== 1. pure runtime",
    "compile time:",
    "input mix:",
    "pure decisions/s:",
    "pure latency per decision:",
    "== 2. end to end",
    "e2e committed messages/s:",
    "e2e latency deliver() -> first reply handed to transport:",
    "verify: inbound processed 1,000 / 1,000",
    "peak RSS (whole process):",
)


def test_bench_runtime_quick() -> None:
    printed = run_quick("runtime.py", LABELS)
    assert "; OK" in printed
