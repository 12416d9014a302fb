"""Smoke-run ``bench/reload.py --quick``: it must finish and print its labelled figures.

No timing is asserted: speed depends on the machine.
"""

from __future__ import annotations

from tests.bench_smoke import run_quick

LABELS = (
    "== hot reload under load:",
    "rules: rules/ (the demo)",
    "reloader: ",
    "offered: ",
    "save -> first message handled by the new rules: p50 ",
    "save -> swap (watch + compile): ",
    "swap -> first reply handed to the transport: ",
    "messages lost: 0 ",
    "peak RSS (whole process):",
    "verify: inbound processed ",
)


def test_bench_reload_quick() -> None:
    printed = run_quick("reload.py", LABELS)
    assert "; OK" in printed
