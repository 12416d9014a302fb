"""Smoke-run ``bench/runtime.py --quick``: it must finish and print its labelled figures.

No timing is asserted: speed depends on the machine.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

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
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "runtime.py"), "--quick"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    for label in LABELS:
        assert label in done.stdout, f"missing {label!r} in:\n{done.stdout}"
    assert "; OK" in done.stdout
