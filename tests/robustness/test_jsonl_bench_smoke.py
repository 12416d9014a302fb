"""Smoke-run ``bench/hostile.py --quick`` (a tiny MO flood and slow-loris against the real
``twoway run``): every pipelined MO is acknowledged and the RSS figures are printed."""

from __future__ import annotations

from tests.bench_smoke import run_quick

LABELS = (
    "idle RSS:",
    "flood peak RSS:",
    "loris peak RSS:",
    "loris RSS 1 s after the clients left:",
    "verify: acked 2,000 / 2,000",
)


def test_bench_hostile_quick() -> None:
    run_quick("hostile.py", LABELS, timeout=120)
