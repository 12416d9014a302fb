"""Smoke-run ``bench/reload.py --quick``: it must finish and print its labelled figures.

No timing is asserted: speed depends on the machine.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

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
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "reload.py"), "--quick"],
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
